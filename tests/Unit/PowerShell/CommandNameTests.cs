using System.Text.RegularExpressions;

namespace BqxAudit.Tests.PowerShell;

/// <summary>
/// The Verb-Bqx… cmdlets and -Parameters that README.md, examples/ and tests/Pester/ use exist in
/// the compiled module. Invocations come from the tree-sitter parse (Markdown: powershell code
/// fences and inline code spans starting with a Verb-Bqx… name); parameters must be written in full
/// (names, aliases or common parameters; PowerShell's prefix abbreviations are not accepted here).
/// Splatted arguments (@params) are not checked.
/// </summary>
[Collection(StagedModuleCollection.Name)]
public sealed partial class CommandNameTests
{
    private readonly ModuleMetadata module;

    public CommandNameTests(ModuleMetadata module) => this.module = module;

    /// <summary>What the test reads, relative to the repository root; absent ones are skipped.</summary>
    public static readonly string[] Sources = { "README.md", "examples", "tests/Pester" };

    [Fact]
    public void CmdletsAndParameters_UsedInDocsExamplesAndPester_ShouldExistInTheModule()
    {
        var present = Sources.Where(s => File.Exists(Path.Combine(RepositoryLayout.RepoRoot, s)) || Directory.Exists(Path.Combine(RepositoryLayout.RepoRoot, s))).ToArray();
        Assert.Contains("tests/Pester", present); // the Pester files always exist, so there is always something to check

        var listing = NodeTools.ListCommands(present);
        var used = listing.Commands.Count(c => BqxName().IsMatch(c.Name));
        Assert.True(used > 0, $"No Verb-Bqx… invocation found in {string.Join(", ", present)}; the extraction is broken");

        var problems = Check(listing, module);

        Assert.True(problems.Count == 0, $"Checked {string.Join(", ", present)} ({used} invocations):\n" + string.Join("\n", problems));
    }

    [Fact]
    public void Check_WhenScriptUsesUnknownCmdletOrParameter_ShouldReportEachWithItsLocation()
    {
        using var temp = new Support.TempDir();
        var script = temp.Write("Uses.ps1", string.Join("\n",
            "Get-BqxScriptInventory -Path . -Kind Python -Verbose -ErrorAction Stop -Offline:$true",
            "Get-ChildItem -Recurse | Get-BqxScriptInventory -FullName x",
            "Get-BqxNothing -Path .",
            "Get-BqxScriptInventory -Bogus 1",
            "$p = @{ Whatever = 1 }; Get-BqxScriptInventory @p",
            "Get-Command -Name Get-BqxAlsoNothing",
            "Get-BqxScriptInventory -WhatIf"));
        var readme = temp.Write("README.md", string.Join("\n",
            "Run `Get-BqxScriptInventory -Path .` first, then `Test-BqxMadeUp`.",
            "",
            "```powershell",
            "Get-BqxScriptInventory -LiteralPath . -Profil x",
            "```",
            "```bash",
            "Get-BqxIgnoredInBash -X",
            "```"));

        var problems = Check(NodeTools.ListCommands(script, readme), module);

        Assert.Equal(
            new[]
            {
                $"{readme}:1:51: unknown cmdlet Test-BqxMadeUp",
                $"{readme}:4:39: Get-BqxScriptInventory has no parameter -Profil",
                $"{script}:3:1: unknown cmdlet Get-BqxNothing",
                $"{script}:4:24: Get-BqxScriptInventory has no parameter -Bogus",
                $"{script}:6:19: unknown cmdlet Get-BqxAlsoNothing",
                $"{script}:7:24: Get-BqxScriptInventory has no parameter -WhatIf",
            },
            problems);
    }

    internal static List<string> Check(CommandListing listing, ModuleMetadata module)
    {
        var problems = new List<(string File, int Line, int Column, string Message)>();
        foreach (var use in listing.Commands.Where(c => BqxName().IsMatch(c.Name)))
        {
            var cmdlet = module.FindCmdlet(use.Name);
            if (cmdlet is null)
            {
                problems.Add((use.File, use.Line, use.Column, $"unknown cmdlet {use.Name}"));
                continue;
            }

            var known = cmdlet.AllNamesAndAliases().Select(n => n.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var parameter in use.Parameters)
            {
                var name = parameter.Name.TrimStart('-').TrimEnd(':');
                if (!known.Contains(name))
                {
                    problems.Add((use.File, parameter.Line, parameter.Column, $"{cmdlet.Name} has no parameter -{name}"));
                }
            }
        }

        foreach (var mention in listing.Mentions.Where(m => module.FindCmdlet(m.Name) is null))
        {
            problems.Add((mention.File, mention.Line, mention.Column, $"unknown cmdlet {mention.Name}"));
        }

        return problems.OrderBy(p => p.File, StringComparer.Ordinal).ThenBy(p => p.Line).ThenBy(p => p.Column)
            .Select(p => $"{p.File}:{p.Line}:{p.Column}: {p.Message}")
            .ToList();
    }

    [GeneratedRegex("^[A-Za-z]+-Bqx", RegexOptions.IgnoreCase)]
    private static partial Regex BqxName();
}
