using BqxAudit.Checks.Dependencies;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Dependencies;

public class CondaEnvironmentParserTests
{
    [Fact]
    public void Parse_WhenEnvironmentHasCondaAndPipEntries_ShouldReadBothWithLines()
    {
        using var dir = new TempDir();
        dir.Write("env/requirements-pip.txt", "db-dtypes==1.2\n");
        var result = CondaEnvironmentParser.Parse("""
            name: bqx
            channels:
              - conda-forge
            dependencies:
              - python>=3.10
              - numpy=1.26
              - conda-forge::pandas==2.1.4
              - scipy 1.11.*
              - pyarrow 14.0.1 py311h_0
              - pip
              - pip:
                  - google-cloud-bigquery[pandas]==3.11.4
                  - -r requirements-pip.txt
                  - --extra-index-url https://mirror.example/simple
            """, dir.Path, "env/environment.yml");

        Assert.Empty(result.Diagnostics);
        Assert.Equal(
            new[] { ("python", 5, ">=3.10", RequirementSource.Conda), ("numpy", 6, "==1.26.*", RequirementSource.Conda), ("pandas", 7, "==2.1.4", RequirementSource.Conda),
                    ("scipy", 8, "==1.11.*", RequirementSource.Conda), ("pyarrow", 9, "==14.0.1", RequirementSource.Conda), ("pip", 10, "", RequirementSource.Conda),
                    ("google-cloud-bigquery", 12, "==3.11.4", RequirementSource.CondaPip), ("db-dtypes", 1, "==1.2", RequirementSource.CondaPip) },
            result.Requirements.Select(r => (r.Name, r.Line, r.Specifier, r.Source)));
        Assert.Equal("env/environment.yml", result.Requirements[0].File);
        Assert.Equal("env/requirements-pip.txt", result.Requirements[^1].File);
        Assert.Equal(new[] { "env/environment.yml", "env/requirements-pip.txt" }, result.FilesRead);
        Assert.True(result.Requirements[1].SpecifierSet!.Contains(Pep440Version.Parse("1.26.4")));
        Assert.False(result.Requirements[1].SpecifierSet!.Contains(Pep440Version.Parse("1.27")));
    }

    [Theory]
    [InlineData("=1.26", false, "==1.26.*")]
    [InlineData("=1.26.*", false, "==1.26.*")]
    [InlineData("=1.26*", false, "==1.26.*")]
    [InlineData("=1.26", true, "==1.26")]
    [InlineData("==1.26", false, "==1.26")]
    [InlineData("1.26", false, "==1.26")]
    [InlineData("1.26*", false, "==1.26.*")]
    [InlineData(">=1.8,<2", false, ">=1.8,<2")]
    [InlineData("*", false, "")]
    [InlineData("1.11.1|1.11.3", false, null)]
    public void CondaVersionToPep440_WhenSpecGiven_ShouldTranslateAsDocumented(string conda, bool hasBuild, string? pep440)
    {
        Assert.Equal(pep440, CondaEnvironmentParser.CondaVersionToPep440(conda, hasBuild));
    }

    [Fact]
    public void Parse_WhenVersionHasNoPep440Form_ShouldKeepTextAndWarn()
    {
        using var dir = new TempDir();
        var result = CondaEnvironmentParser.Parse("dependencies:\n  - openssl=1.1.1w\n  - numpy=1.11.1|1.11.3\n  - mkl[version='>=2023,<2024']\n  - _libgcc_mutex=0.1=conda_forge\n", dir.Path, "environment.yml");

        Assert.Equal(new[] { "openssl", "numpy", "mkl", "-libgcc-mutex" }, result.Requirements.Select(r => r.Name));
        Assert.Null(result.Requirements[0].SpecifierSet);
        Assert.Null(result.Requirements[1].SpecifierSet);
        Assert.Equal(">=2023,<2024", result.Requirements[2].Specifier);
        Assert.Equal("==0.1", result.Requirements[3].Specifier);
        Assert.Equal(new[] { 2, 3 }, result.Diagnostics.Select(d => d.Line));
        Assert.All(result.Diagnostics, d => Assert.Equal(DependencyDiagnosticCode.VersionNotPep440, d.Code));
    }

    [Fact]
    public void Parse_WhenYamlIsBroken_ShouldReportLineAndColumn()
    {
        using var dir = new TempDir();
        var result = CondaEnvironmentParser.Parse("name: x\ndependencies:\n  - numpy\n   - pandas: [\n", dir.Path, "environment.yml");

        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(DependencyDiagnosticCode.YamlSyntax, d.Code);
        Assert.Equal("environment.yml", d.File);
        Assert.Equal(4, d.Line);
        Assert.True(d.Column > 0);
        Assert.Empty(result.Requirements);
    }

    [Fact]
    public void Parse_WhenShapeIsWrong_ShouldReportManifestInvalidAndReadTheRest()
    {
        using var dir = new TempDir();
        var result = CondaEnvironmentParser.Parse("dependencies:\n  - numpy\n  - {a: 1, b: 2}\n  - pip: requests\n  - pip:\n    - [x]\n    - six ==\n    - six\n", dir.Path, "environment.yml");

        Assert.Equal(new[] { "numpy", "six" }, result.Requirements.Select(r => r.Name));
        Assert.Equal(
            new[] { (3, DependencyDiagnosticCode.ManifestInvalid), (4, DependencyDiagnosticCode.ManifestInvalid), (6, DependencyDiagnosticCode.ManifestInvalid), (7, DependencyDiagnosticCode.RequirementInvalid) },
            result.Diagnostics.Select(d => (d.Line, d.Code)));
    }

    [Fact]
    public void ParseFile_WhenDependenciesMissingOrEmpty_ShouldReturnNothing()
    {
        using var dir = new TempDir();
        dir.Write("environment.yaml", "name: x\ndependencies:\n");
        var result = CondaEnvironmentParser.ParseFile(dir.Path, "environment.yaml");
        Assert.Empty(result.Requirements);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(new[] { "environment.yaml" }, result.FilesRead);
    }
}
