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
    public void Parse_WhenTomlHasASyntaxError_ShouldReportLineAndColumnAndKeepWhatWasRead()
    {
        var result = PyprojectParser.Parse("""
            [project]
            dependencies = ["requests>=2", "numpy=1.26"]
            oops = = 3
            [project.optional-dependencies]
            test = ["pytest"]
            """, "pyproject.toml");

        Assert.Equal(new[] { "requests", "pytest" }, result.Requirements.Select(r => r.Name));
        Assert.Equal(
            new[] { ("pyproject.toml:2:38", DependencyDiagnosticCode.RequirementInvalid), ("pyproject.toml:3:8", DependencyDiagnosticCode.TomlSyntax) },
            result.Diagnostics.Select(d => (d.Location, d.Code)).OrderBy(d => d.Location, StringComparer.Ordinal));
    }

    [Fact]
    public void Parse_WhenAStringIsUnterminated_ShouldReportItsLineOnceAndReadWhatTomlynsTreeKeeps()
    {
        var result = PyprojectParser.Parse("""
            [project.optional-dependencies]
            test = ["pytest"]
            [project]
            name = "x
            dependencies = [
              "requests>=2",
            ]
            """, "pyproject.toml");

        // Tomlyn's lexer runs an unterminated string on to the next quote, so what follows it is lost; what precedes it is read.
        Assert.Equal(new[] { "pytest" }, result.Requirements.Select(r => r.Name));
        var errors = result.Diagnostics.Where(d => d.Code == DependencyDiagnosticCode.TomlSyntax).ToList();
        Assert.Equal(4, errors[0].Line);
        Assert.Equal(errors.Count, errors.Select(d => d.Line).Distinct().Count()); // one per line
        Assert.All(errors, d => Assert.True(d.Line >= 1 && d.Column >= 1, d.Location));
    }

    [Fact]
    public void Parse_WhenKeysAreDottedQuotedOrInline_ShouldFindTheTablesAndKeepDatesAsText()
    {
        var result = PyprojectParser.Parse("""
            released = 1979-05-27T07:32:00Z
            [project]
            urls.homepage = "https://example.com"
            "dependencies" = ['requests>=2']
            [tool.poetry]
            dependencies = { numpy = { version = "^1.26" }, python = "^3.10" }
            [[tool.poetry.source]]
            name = "mirror"
            [tool.poetry.group.dev.dependencies]
            pytest = "8.0.0"
            """, "pyproject.toml");

        Assert.Empty(result.Diagnostics);
        Assert.Equal(new[] { ("requests", 4), ("numpy", 6), ("pytest", 10) }, result.Requirements.Select(r => (r.Name, r.Line)));
    }

    [Fact]
    public void Parse_WhenAKeyIsDefinedTwice_ShouldReportItAndKeepTheFirst()
    {
        var result = PyprojectParser.Parse("""
            [project]
            dependencies = ["requests"]
            dependencies = ["flask"]
            """, "pyproject.toml");

        Assert.Equal("requests", Assert.Single(result.Requirements).Name);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("pyproject.toml:3:1", DependencyDiagnosticCode.TomlSyntax), (d.Location, d.Code));
        Assert.Contains("already defined", d.Message);
    }

    [Theory]
    [InlineData("[")]
    [InlineData("{ x = ")]
    public void Parse_WhenValuesNest10000Deep_ShouldReportTheNestingAndReadTheLinesBefore(string opener)
    {
        // 20 KB-ish: once a stack overflow that killed the process (and the user's pwsh session).
        var text = "[project]\ndependencies = [\"requests\"]\n[tool.x]\ndeep = " + string.Concat(Enumerable.Repeat(opener, 10_000)) + "\n";

        var result = PyprojectParser.Parse(text, "pyproject.toml");

        Assert.Equal("requests", Assert.Single(result.Requirements).Name);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(DependencyDiagnosticCode.TomlSyntax, d.Code);
        Assert.Equal(4, d.Line);
        Assert.Contains($"nested deeper than {PyprojectParser.MaxNesting} levels", d.Message);
    }

    [Fact]
    public void Parse_WhenNestingIsWithinTheBound_ShouldReadItWithoutDiagnostics()
    {
        var nested = new string('[', PyprojectParser.MaxNesting - 1) + new string(']', PyprojectParser.MaxNesting - 1);
        var result = PyprojectParser.Parse($"[project]\ndependencies = [\"requests\"]\nx = {nested}\ns = \"[[[[{{{{\" # [[[[\n", "pyproject.toml");

        Assert.Empty(result.Diagnostics);
        Assert.Equal("requests", Assert.Single(result.Requirements).Name);
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
