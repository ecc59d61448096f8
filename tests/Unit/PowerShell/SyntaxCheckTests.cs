namespace BqxAudit.Tests.PowerShell;

/// <summary>
/// Every .ps1/.psd1/.psm1 in the repository parses with the tree-sitter PowerShell grammar:
/// <c>node tools/ps-syntax-check.mjs .</c> from the repository root, the same command .ci/run uses.
/// </summary>
public sealed class SyntaxCheckTests
{
    [Fact]
    public void PowerShellFiles_InTheRepository_ShouldParseWithoutErrors()
    {
        var result = NodeTools.RunCheck(".");

        Assert.True(result.ExitCode == 0, "PowerShell syntax check failed:\n" + result.Describe());
    }

    [Fact]
    public void PowerShellFiles_InTheRepository_ShouldAllBeParsedByTheCheck()
    {
        // The script walks the tree itself (that is what .ci/run calls); it must not skip a file this test finds.
        var expected = RepositoryLayout.FindFiles(RepositoryLayout.RepoRoot, ".ps1", ".psd1", ".psm1").Select(RepositoryLayout.Relative).ToArray();
        Assert.Contains("BqxAudit.psd1", expected);
        Assert.Contains(expected, f => f.StartsWith("tests/Pester/", StringComparison.Ordinal) && f.EndsWith(".Tests.ps1", StringComparison.Ordinal));

        var result = NodeTools.RunCheck(".");
        var parsed = result.Output.Split('\n').Where(l => l.StartsWith("ok ", StringComparison.Ordinal)).Select(l => l[3..].Trim().Replace('\\', '/')).ToHashSet(StringComparer.Ordinal);

        var skipped = expected.Where(f => !parsed.Contains(f)).ToArray();
        Assert.True(skipped.Length == 0, "Not parsed by the check: " + string.Join(", ", skipped) + "\n" + result.Describe());
    }

    [Fact]
    public void Check_WhenFileHasSyntaxErrors_ShouldReportEachWithLineAndColumnAndFail()
    {
        using var temp = new Support.TempDir();
        var bad = temp.Write("Broken.ps1", "Get-Item .\nif ($x -eq 1 {\n    'a'\n}\n$list = @(1, 2\n");
        var good = temp.Write("Fine.ps1", "param([string]$Path = '.')\nGet-ChildItem -Path $Path | Where-Object { $_.Length -gt 0 }\n");

        var result = NodeTools.RunCheck(bad, good);

        Assert.Equal(1, result.ExitCode);
        var errors = result.Output.Split('\n').Where(l => l.StartsWith(bad + ":", StringComparison.Ordinal)).ToArray();
        Assert.True(errors.Length >= 2, result.Describe());
        Assert.Contains(errors, e => e.StartsWith(bad + ":2:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith(bad + ":5:", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Output.Split('\n'), l => l.StartsWith(good + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_WhenClosingTokenIsMissing_ShouldReportIt()
    {
        using var temp = new Support.TempDir();
        var bad = temp.Write("Unclosed.psd1", "@{\n    RootModule = 'X.dll'\n    CmdletsToExport = @('Get-X'\n}\n");

        var result = NodeTools.RunCheck(bad);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(bad + ":", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_WhenPathDoesNotExist_ShouldExitWithUsageError()
    {
        var result = NodeTools.RunCheck("no/such/file.ps1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no such file", result.Error, StringComparison.Ordinal);
    }
}
