using System.Text.Json;
using BqxAudit.Cli;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Cli;

public class DepsCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void Deps_WhenRunOnTheExampleAsJson_ShouldListDependencyRecordsSortedByType()
    {
        var (code, output, _) = Run("deps", RepoPaths.Example, "--format", "json", "--type", "PythonPackage", "Secret");

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var records = doc.RootElement.EnumerateArray().ToList();
        Assert.Contains(records, r => r.GetProperty("Name").GetString() == "tabulate" && r.GetProperty("Status").GetString() == "Undeclared");
        Assert.All(records, r => Assert.Equal("PythonPackage", r.GetProperty("Type").GetString()));
    }

    [Fact]
    public void Deps_WhenPythonAndSitePackagesBothGiven_ShouldExitThree()
    {
        var (code, _, error) = Run("deps", RepoPaths.Example, "--python", "python3", "--site-packages", "/tmp");
        Assert.Equal(3, code);
        Assert.Contains("cannot be used together", error);
    }

    [Fact]
    public void Deps_WhenInterpreterDoesNotExist_ShouldReportItAndStillList()
    {
        var (code, output, error) = Run("deps", RepoPaths.Example, "--python", "/nonexistent/python3", "--type", "PythonPackage");
        Assert.Equal(0, code);
        Assert.Contains("/nonexistent/python3", error);
        Assert.Contains("tabulate", output);
    }
}
