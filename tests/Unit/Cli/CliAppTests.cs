using System.Text.Json;
using BqxAudit.Cli;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Cli;

public class CliAppTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void Scripts_WhenFolderHasScripts_ShouldPrintATableAndExitZero()
    {
        using var dir = new TempDir();
        dir.Write("scripts/a.py", "x = 1\n");
        dir.Write("bqxaudit.yaml", "name: t\n");

        var (code, output, _) = Run("scripts", dir.Path);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("Status", output);
        Assert.Contains("scripts/a.py", output);
        Assert.Contains("1 scripts: 1 Ready", output);
    }

    [Fact]
    public void Scripts_WhenFormatJson_ShouldPrintAnArrayOfScriptRecordsWithEnumNames()
    {
        using var dir = new TempDir();
        dir.Write("scripts/a.py", "x = 1\n");
        dir.Write("bqxaudit.yaml", "name: t\n");

        var (code, output, _) = Run("scripts", dir.Path, "--format", "json");

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var record = Assert.Single(doc.RootElement.EnumerateArray());
        Assert.Equal("scripts/a.py", record.GetProperty("Path").GetString());
        Assert.Equal("Python", record.GetProperty("Kind").GetString());
        Assert.Equal("Ready", record.GetProperty("Status").GetString());
        Assert.Equal(1, record.GetProperty("Lines").GetInt64());
    }

    [Fact]
    public void Scripts_WhenPathMissing_ShouldExitThreeNamingThePath()
    {
        var (code, _, error) = Run("scripts", "/nonexistent/bqx");
        Assert.Equal(ExitCodes.UsageOrInput, code);
        Assert.Contains("/nonexistent/bqx", error);
        Assert.Contains("BqxAudit.PathNotFound", error);
    }

    [Fact]
    public void Scripts_WhenProfileMalformed_ShouldExitThreeWithFileLineAndColumn()
    {
        using var dir = new TempDir();
        dir.Write("bqxaudit.yaml", "name: t\ninventory:\n  includ: []\n");

        var (code, _, error) = Run("scripts", dir.Path);

        Assert.Equal(3, code);
        Assert.Contains("bqxaudit.yaml:3:3: unknown key 'inventory.includ'", error);
    }

    [Theory]
    [InlineData("scripts", "--bogus")]
    [InlineData("nosuchcommand")]
    [InlineData("scripts", ".", "--format", "xml")]
    [InlineData("scripts", ".", "--kind", "Perl")]
    public void Run_WhenUsageIsWrong_ShouldExitThree(params string[] args)
    {
        var (code, _, error) = Run(args);
        Assert.Equal(ExitCodes.UsageOrInput, code);
        Assert.StartsWith("error:", error);
    }

    [Fact]
    public void Run_WhenHelpAsked_ShouldListTheCommandsAndExitZero()
    {
        var (code, output, _) = Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("scripts", output);
    }

    [Fact]
    public void Scripts_WhenNamedEmbeddedProfileIsUnknown_ShouldExitThree()
    {
        using var dir = new TempDir();
        var (code, _, error) = Run("scripts", dir.Path, "--profile", "no-such-profile");
        Assert.Equal(3, code);
        Assert.Contains("no embedded profile named 'no-such-profile'", error);
    }

    [Fact]
    public void Scripts_WhenFileUnreadable_ShouldReportOnStandardErrorAndStillExitZero()
    {
        using var dir = new TempDir();
        dir.Write("bqxaudit.yaml", "name: t\n");
        dir.Write("ok.py", "x = 1\n");
        dir.WriteBytes("blob.py", new byte[] { 0, 1, 2, 3 });

        var (code, output, error) = Run("scripts", dir.Path);

        Assert.Equal(0, code);
        Assert.Contains("ok.py", output);
        Assert.Contains("blob.py", error);
        Assert.Contains("BqxAudit.FileSkipped", error);
    }

    [Fact]
    public void ProfileSchema_WhenRun_ShouldPrintTheShippedSchema()
    {
        var (code, output, _) = Run("profile-schema");
        Assert.Equal(0, code);
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "schemas", "bqxaudit.schema.json")), output);
    }

    [Fact]
    public void Commands_ShouldBeListedUnderTheNamesTheyAnswerTo()
    {
        var app = new CliApp(TextWriter.Null, TextWriter.Null);

        Assert.All(app.Commands(CancellationToken.None), c => Assert.Equal(c.Name, c.Build().Name));
    }

    [Fact]
    public void Help_OfOneCommandShouldNameIt_AndTheRootHelpShouldListEveryCommand()
    {
        // "scripts --help" builds only scripts; "--help" builds them all and lists every command.
        var (code, alone, _) = Run("scripts", "--help");
        var (_, all, _) = Run("--help");

        Assert.Equal(0, code);
        Assert.Contains("scripts [<PATH>] [options]", alone);
        foreach (var name in new CliApp(TextWriter.Null, TextWriter.Null).Commands(CancellationToken.None).Select(c => c.Name))
        {
            Assert.Contains(name, all);
        }
    }
}
