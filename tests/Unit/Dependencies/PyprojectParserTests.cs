using BqxAudit.Checks.Dependencies;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Dependencies;

public class PyprojectParserTests
{
    [Fact]
    public void Parse_WhenProjectHasDependenciesAndOptionalGroups_ShouldReadEachWithItsLineAndGroup()
    {
        var result = PyprojectParser.Parse("""
            [build-system]
            requires = ["setuptools>=68"]

            [project]
            name = "bqx-ml"
            dependencies = [
              "google-cloud-bigquery[pandas]>=3.11,<4",  # client
              'pandas==2.1.4',
              "tomli; python_version < '3.11'",
            ]

            [project.optional-dependencies]
            dev = ["pytest>=8", "ruff"]
            gpu = [
              "torch==2.1.0",
            ]
            """, "services/ml/pyproject.toml");

        Assert.Empty(result.Diagnostics);
        Assert.Equal(
            new[] { ("google-cloud-bigquery", 7, RequirementSource.Pyproject, (string?)null), ("pandas", 8, RequirementSource.Pyproject, null), ("tomli", 9, RequirementSource.Pyproject, null),
                    ("pytest", 13, RequirementSource.PyprojectOptional, "dev"), ("ruff", 13, RequirementSource.PyprojectOptional, "dev"), ("torch", 15, RequirementSource.PyprojectOptional, "gpu") },
            result.Requirements.Select(r => (r.Name, r.Line, r.Source, r.Group)));
        var bq = result.Requirements[0];
        Assert.Equal(">=3.11,<4", bq.Specifier);
        Assert.Equal(new[] { "pandas" }, bq.Extras);
        Assert.Equal("services/ml/pyproject.toml", bq.File);
        Assert.Equal("python_version < '3.11'", result.Requirements[2].Marker);
        Assert.True(result.Requirements[1].IsPinned);
    }

    [Fact]
    public void Parse_WhenTomlHasSyntaxErrors_ShouldReportLineAndColumnAndKeepWhatWasRead()
    {
        var result = PyprojectParser.Parse("""
            [project]
            name = "x
            dependencies = [
              "requests>=2",
              "numpy=1.26",
              "pandas,
              "pyarrow>=14",
            ]
            [project.optional-dependencies]
            test = ["pytest"]
            """, "pyproject.toml");

        Assert.Equal(new[] { "requests", "pyarrow", "pytest" }, result.Requirements.Select(r => r.Name));
        Assert.Equal(
            new[] { ("pyproject.toml:2:8", DependencyDiagnosticCode.TomlSyntax), ("pyproject.toml:6:3", DependencyDiagnosticCode.TomlSyntax), ("pyproject.toml:5:9", DependencyDiagnosticCode.RequirementInvalid) },
            result.Diagnostics.Select(d => (d.Location, d.Code)));
    }

    [Fact]
    public void Parse_WhenDependenciesHaveTheWrongShape_ShouldReportManifestInvalid()
    {
        var result = PyprojectParser.Parse("""
            [project]
            dependencies = "requests"
            [project.optional-dependencies]
            dev = ["ok", 3]
            """, "pyproject.toml");

        Assert.Equal("ok", Assert.Single(result.Requirements).Name);
        Assert.Equal(new[] { (2, DependencyDiagnosticCode.ManifestInvalid), (4, DependencyDiagnosticCode.ManifestInvalid) }, result.Diagnostics.Select(d => (d.Line, d.Code)));
    }

    [Fact]
    public void Parse_WhenPoetryTables_ShouldTranslateConstraintsAndSkipPython()
    {
        var result = PyprojectParser.Parse("""
            [tool.poetry.dependencies]
            python = "^3.10"
            pandas = "^2.1.4"
            numpy = { version = "~1.26", markers = "sys_platform == 'linux'" }
            mylib = { git = "https://github.com/org/mylib.git", develop = true }
            odd = "1.0 || 2.0"
            [tool.poetry.group.test.dependencies]
            pytest = "8.0.0"
            """, "pyproject.toml");

        var r = result.Requirements.ToDictionary(x => x.Name);
        Assert.False(r.ContainsKey("python"));
        Assert.Equal(">=2.1.4,<3.0.0", r["pandas"].Specifier);
        Assert.Equal(">=1.26,<1.27", r["numpy"].Specifier);
        Assert.Equal("sys_platform == 'linux'", r["numpy"].Marker);
        Assert.True(r["mylib"].Editable);
        Assert.Equal("https://github.com/org/mylib.git", r["mylib"].Url);
        Assert.Null(r["odd"].SpecifierSet);
        Assert.Equal("==8.0.0", r["pytest"].Specifier);
        Assert.Equal("test", r["pytest"].Group);
        Assert.All(result.Requirements, x => Assert.Equal(RequirementSource.Poetry, x.Source));
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal((DependencyDiagnosticCode.VersionNotPep440, 6), (d.Code, d.Line));
    }

    [Theory]
    [InlineData("^1.2.3", ">=1.2.3,<2.0.0")]
    [InlineData("^0.2.3", ">=0.2.3,<0.3.0")]
    [InlineData("^0.0.3", ">=0.0.3,<0.0.4")]
    [InlineData("^0.0", ">=0.0,<0.1")]
    [InlineData("^0", ">=0,<1")]
    [InlineData("^1", ">=1,<2")]
    [InlineData("~1.2.3", ">=1.2.3,<1.3.0")]
    [InlineData("~1.2", ">=1.2,<1.3")]
    [InlineData("~1", ">=1,<2")]
    [InlineData("~=1.2", "~=1.2")]
    [InlineData("*", "")]
    [InlineData("1.2.*", "==1.2.*")]
    [InlineData("1.2.3", "==1.2.3")]
    [InlineData(">=1.2,<2", ">=1.2,<2")]
    [InlineData(">=1.2 <2", ">=1.2,<2")]
    [InlineData("1.0 || 2.0", null)]
    public void PoetryToPep440_WhenConstraintGiven_ShouldTranslate(string poetry, string? pep440)
    {
        Assert.Equal(pep440, PyprojectParser.PoetryToPep440(poetry));
    }

    [Fact]
    public void ParseFile_WhenFileIsMissing_ShouldReportUnreadable()
    {
        using var dir = new TempDir();
        var result = PyprojectParser.ParseFile(dir.Path, "pyproject.toml");
        Assert.Equal(DependencyDiagnosticCode.FileUnreadable, Assert.Single(result.Diagnostics).Code);
        Assert.Empty(result.FilesRead);
    }
}
