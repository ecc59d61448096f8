using BqxAudit.Inventory;
using BqxAudit.Inventory.Analyzers.Shell;
using BqxAudit.Model;

namespace BqxAudit.Tests.Analyzers;

public sealed class ShellCycleCheckTests
{
    private static ScriptRecord Shell(string path, params (string Tool, string Target, int Line)[] calls) =>
        new()
        {
            Name = path,
            Path = path,
            Kind = ScriptKind.Shell,
            Invocations = calls.Select(c => new Invocation { Tool = c.Tool, Script = c.Target, ResolvedScript = c.Target, Line = c.Line }).ToList(),
        };

    private static void Check(params ScriptRecord[] records) =>
        new ShellCycleCheck().Check(records, new RepositoryIndex("/repo", records.Select(r => r.Path)));

    [Fact]
    public void Check_WhenScriptsRunEachOtherInACircle_ShouldWarnOnEachAtTheCallingLine()
    {
        var a = Shell("a.sh", ("bash", "b.sh", 3));
        var b = Shell("b.sh", ("python3", "x.py", 2), ("source", "c.sh", 5));
        var c = Shell("c.sh", ("exec", "a.sh", 9));
        var d = Shell("d.sh", ("bash", "a.sh", 1));

        Check(a, b, c, d);

        Assert.Equal("a.sh:3", Assert.Single(a.Findings).Location);
        Assert.Equal("b.sh:5", Assert.Single(b.Findings).Location);
        Assert.Equal("c.sh:9", Assert.Single(c.Findings).Location);
        Assert.Empty(d.Findings);
        Assert.All(new[] { a, b, c }, r => Assert.Equal("shell.invocation-cycle", r.Findings[0].Rule));
        Assert.Contains("a.sh, b.sh, c.sh run each other in a circle", a.Findings[0].Message);
    }

    [Fact]
    public void Check_WhenScriptsFormAChainOrCallOnlyThemselves_ShouldStayQuiet()
    {
        var records = Enumerable.Range(0, 50_000).Select(i => Shell($"s{i}.sh", ("bash", $"s{i + 1}.sh", 1))).ToList();
        records.Add(Shell("self.sh", ("bash", "self.sh", 2)));

        Check(records.ToArray());

        Assert.All(records, r => Assert.Empty(r.Findings));
    }
}
