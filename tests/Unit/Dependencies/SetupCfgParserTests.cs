using BqxAudit.Checks.Dependencies;

namespace BqxAudit.Tests.Dependencies;

public class SetupCfgParserTests
{
    [Fact]
    public void Parse_WhenInstallRequiresSpansLines_ShouldReadOneRequirementPerLineWithMarkers()
    {
        var result = SetupCfgParser.Parse("""
            [metadata]
            name = bqx-extract

            [options]
            packages = find:
            Install_Requires =
                google-cloud-storage>=2.10
                # a comment inside the value
                ; another comment style

                tomli; python_version < "3.11"
                pandas[gcp] ==2.1.4
            python_requires = >=3.10

            [options.extras_require]
            test =
                pytest>=8
            lint = ruff; black
            """, "setup.cfg");

        Assert.Empty(result.Diagnostics);
        Assert.Equal(
            new[] { ("google-cloud-storage", 7, (string?)null), ("tomli", 11, null), ("pandas", 12, null), ("pytest", 17, "test"), ("ruff", 18, "lint"), ("black", 18, "lint") },
            result.Requirements.Select(r => (r.Name, r.Line, r.Group)));
        Assert.Equal("python_version < \"3.11\"", result.Requirements[1].Marker);
        Assert.Equal("==2.1.4", result.Requirements[2].Specifier);
        Assert.All(result.Requirements, r => Assert.Equal(RequirementSource.SetupCfg, r.Source));
    }

    [Fact]
    public void Parse_WhenSingleLineValueHasAMarker_ShouldReportTheFragmentLikeSetuptools()
    {
        var result = SetupCfgParser.Parse("[options]\ninstall_requires = tomli; python_version < \"3.11\"\n", "pkg/setup.cfg");

        Assert.Equal("tomli", Assert.Single(result.Requirements).Name);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal((DependencyDiagnosticCode.RequirementInvalid, "pkg/setup.cfg:2"), (d.Code, d.Location));
        Assert.Contains("environment marker", d.Message);
    }

    [Fact]
    public void Parse_WhenLinesAreMalformed_ShouldReportEachAndReadTheRest()
    {
        var result = SetupCfgParser.Parse("""
            orphan = 1
            [options]
            install_requires =
                good==1.0
                bad===
                also-good
            this line is not ini
            [options]
            install_requires = dup
            [options.extras_require]
            x = file: extra.txt
            """, "setup.cfg");

        Assert.Equal(new[] { "good", "also-good" }, result.Requirements.Select(r => r.Name));
        Assert.Equal(
            new[] { (1, DependencyDiagnosticCode.ManifestInvalid), (7, DependencyDiagnosticCode.ManifestInvalid), (8, DependencyDiagnosticCode.ManifestInvalid), (5, DependencyDiagnosticCode.RequirementInvalid), (11, DependencyDiagnosticCode.NotFollowed) },
            result.Diagnostics.Select(d => (d.Line, d.Code)));
    }

    [Fact]
    public void Parse_WhenNoOptionsSection_ShouldReturnNothing()
    {
        var result = SetupCfgParser.Parse("[flake8]\nmax-line-length = 100\n", "setup.cfg");
        Assert.Empty(result.Requirements);
        Assert.Empty(result.Diagnostics);
    }
}
