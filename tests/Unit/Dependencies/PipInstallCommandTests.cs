using BqxAudit.Checks.Dependencies;

namespace BqxAudit.Tests.Dependencies;

public class PipInstallCommandTests
{
    [Fact]
    public void Parse_WhenRunLineInstallsPackages_ShouldReadThemAndSkipOptions()
    {
        var result = PipInstallCommand.Parse(
            "apt-get update && pip install --no-cache-dir -U --index-url https://pypi.org/simple \"pandas[gcp]>=2.1,<3\" 'tomli; python_version < \"3.11\"' \\\n    google-cloud-bigquery==3.11.4 && echo done",
            "Dockerfile.extract", 12);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(new[] { "pandas", "tomli", "google-cloud-bigquery" }, result.Requirements.Select(r => r.Name));
        Assert.All(result.Requirements, r => Assert.Equal(("Dockerfile.extract", 12, RequirementSource.Dockerfile), (r.File, r.Line, r.Source)));
        Assert.Equal(">=2.1,<3", result.Requirements[0].Specifier);
        Assert.Equal("python_version < \"3.11\"", result.Requirements[1].Marker);
    }

    [Fact]
    public void Parse_WhenSeveralPipForms_ShouldFindEachAndStopAtShellOperators()
    {
        var result = PipInstallCommand.Parse(
            "python3 -m pip install six; /usr/local/bin/pip3.11 install -r /app/requirements.txt idna==3.6 > /dev/null || pip3 install -e git+https://github.com/o/r.git#egg=lib; pip list six",
            "Dockerfile", 3);

        Assert.Equal(new[] { "six", "idna", "lib" }, result.Requirements.Select(r => r.Name));
        Assert.True(result.Requirements[2].Editable);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal((DependencyDiagnosticCode.NotFollowed, "Dockerfile:3"), (d.Code, d.Location));
    }

    [Fact]
    public void Parse_WhenArgumentsAreBadOrUseVariables_ShouldReportAndKeepTheRest()
    {
        var result = PipInstallCommand.Parse("pip install pandas==$PANDAS_VERSION numpy>>2 requests", "Dockerfile", 5);

        Assert.Equal(new[] { "pandas", "requests" }, result.Requirements.Select(r => r.Name));
        Assert.Null(result.Requirements[0].SpecifierSet);
        Assert.Equal(new[] { DependencyDiagnosticCode.VersionNotPep440, DependencyDiagnosticCode.RequirementInvalid }, result.Diagnostics.Select(x => x.Code));
    }

    [Fact]
    public void Parse_WhenNoPipInstall_ShouldReturnNothing()
    {
        var result = PipInstallCommand.Parse("pip download six && echo pip install", "Dockerfile", 1);
        Assert.Empty(result.Requirements);
    }
}
