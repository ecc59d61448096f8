using BqxAudit.Checks.Dependencies;

namespace BqxAudit.Tests.Dependencies;

public class Pep508RequirementTests
{
    [Theory]
    [InlineData("requests", "requests", "requests", "", "")]
    [InlineData("Foo_Bar.baz", "foo-bar-baz", "Foo_Bar.baz", "", "")]
    [InlineData("Foo--__..bar", "foo-bar", "Foo--__..bar", "", "")]
    [InlineData("numpy==1.26.4", "numpy", "numpy", "==1.26.4", "")]
    [InlineData("numpy >= 1.20 , < 2", "numpy", "numpy", ">=1.20,<2", "")]
    [InlineData("numpy (>=1.20,<2)", "numpy", "numpy", ">=1.20,<2", "")]
    [InlineData("numpy(>=1.20)", "numpy", "numpy", ">=1.20", "")]
    [InlineData("numpy>=1.20,", "numpy", "numpy", ">=1.20", "")]
    [InlineData("pandas[gcp,Performance]>=2", "pandas", "pandas", ">=2", "gcp,performance")]
    [InlineData("pandas [ gcp , bq ] ~= 2.1", "pandas", "pandas", "~=2.1", "gcp,bq")]
    [InlineData("pandas[]", "pandas", "pandas", "", "")]
    [InlineData("  google-cloud-bigquery===3.11.4  ", "google-cloud-bigquery", "google-cloud-bigquery", "===3.11.4", "")]
    public void TryParse_WhenNameExtrasAndSpecifiers_ShouldNormalizeAndKeepThem(string text, string name, string rawName, string specifier, string extras)
    {
        Assert.True(Pep508Requirement.TryParse(text, out var r, out var error), error?.Message);
        Assert.Equal(name, r.Name);
        Assert.Equal(rawName, r.RawName);
        Assert.Equal(specifier, r.Specifier);
        Assert.Equal(extras, string.Join(',', r.Extras));
        Assert.Null(r.Url);
        Assert.Null(r.Marker);
    }

    [Theory]
    [InlineData("tomli>=1.1; python_version < \"3.11\"", "python_version < \"3.11\"")]
    [InlineData("pywin32 ;sys_platform=='win32'", "sys_platform=='win32'")]
    [InlineData("dataclasses; python_version<'3.7' and (os_name == \"nt\" or platform_machine in 'x86_64 aarch64')", "python_version<'3.7' and (os_name == \"nt\" or platform_machine in 'x86_64 aarch64')")]
    [InlineData("pytest ; extra == 'test'", "extra == 'test'")]
    public void TryParse_WhenMarkerFollowsSemicolon_ShouldKeepMarkerText(string text, string marker)
    {
        Assert.True(Pep508Requirement.TryParse(text, out var r, out var error), error?.Message);
        Assert.Equal(marker, r.Marker);
        Assert.NotNull(r.ParsedMarker);
    }

    [Theory]
    [InlineData("pip @ https://github.com/pypa/pip/archive/22.0.2.zip", "pip", "https://github.com/pypa/pip/archive/22.0.2.zip", null)]
    [InlineData("name[fred,bar] @ http://foo.com ; python_version=='2.7'", "name", "http://foo.com", "python_version=='2.7'")]
    [InlineData("mylib @ git+https://github.com/org/mylib.git@v1.2#egg=mylib", "mylib", "git+https://github.com/org/mylib.git@v1.2#egg=mylib", null)]
    [InlineData("foo @ https://x.org/foo.zip;python_version<'3'", "foo", "https://x.org/foo.zip;python_version<'3'", null)] // no space: part of the URL
    [InlineData("local @ file:///opt/wheels/local-1.0-py3-none-any.whl", "local", "file:///opt/wheels/local-1.0-py3-none-any.whl", null)]
    public void TryParse_WhenUrlRequirement_ShouldKeepUrlAndMarker(string text, string name, string url, string? marker)
    {
        Assert.True(Pep508Requirement.TryParse(text, out var r, out var error), error?.Message);
        Assert.Equal(name, r.Name);
        Assert.Equal(url, r.Url);
        Assert.Equal(marker, r.Marker);
        Assert.True(r.SpecifierSet.IsEmpty);
    }

    [Theory]
    [InlineData("", 1)]
    [InlineData("==1.0", 1)]
    [InlineData("-foo", 1)]
    [InlineData("foo-", 1)]
    [InlineData("numpy =1.0", 7)]
    [InlineData("numpy>=1.0 <2", 12)]
    [InlineData("numpy>=1.0,,<2", 12)]
    [InlineData("numpy>=1.0.*", 6)]
    [InlineData("numpy (>=1.0", 13)]
    [InlineData("numpy[gcp", 10)]
    [InlineData("numpy[gcp,]", 11)]
    [InlineData("numpy 1.0", 7)]
    [InlineData("numpy; python_version <", 24)]
    [InlineData("numpy; pyversion < '3'", 8)]
    [InlineData("numpy; python_version < '3", 25)]
    [InlineData("numpy;", 7)]
    [InlineData("foo @ https://x.org/foo.zip trailing", 29)]
    [InlineData("foo @ ", 7)]
    [InlineData("foo @ not-a-url", 7)]
    public void TryParse_WhenMalformed_ShouldFailWithColumn(string text, int column)
    {
        Assert.False(Pep508Requirement.TryParse(text, out var r, out var error));
        Assert.Null(r);
        Assert.Equal(column, error.Column);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.Throws<FormatException>(() => Pep508Requirement.Parse(text));
    }

    [Theory]
    [InlineData("python_version < '3.11'", "3.10", "linux", true)]
    [InlineData("python_version < '3.11'", "3.11", "linux", false)]
    [InlineData("python_version >= '3.9' and python_version < '3.12'", "3.11", "linux", true)]
    [InlineData("python_version > '3.9'", "3.10", "linux", true)] // version, not text, comparison
    [InlineData("python_version == '3.*'", "3.11", "linux", true)]
    [InlineData("python_version ~= '3.8'", "3.11", "linux", true)]
    [InlineData("python_full_version >= '3.11.2'", "3.11.7", "linux", true)]
    [InlineData("sys_platform == 'win32'", "3.11", "linux", false)]
    [InlineData("sys_platform != 'win32'", "3.11", "linux", true)]
    [InlineData("sys_platform == 'win32' or sys_platform == 'darwin'", "3.11", "darwin", true)]
    [InlineData("'linux' in sys_platform", "3.11", "linux", true)]
    [InlineData("sys_platform not in 'win32 cygwin'", "3.11", "linux", true)]
    [InlineData("os_name == 'nt'", "3.11", "win32", true)]
    [InlineData("platform_system == 'Linux' and implementation_name == 'cpython'", "3.12", "linux", true)]
    [InlineData("(python_version < '3.8' or sys_platform == 'linux') and os_name == 'posix'", "3.11", "linux", true)]
    [InlineData("python_version < '3.8' or sys_platform == 'linux' and os_name == 'nt'", "3.11", "linux", false)] // and binds tighter
    public void Evaluate_WhenEnvironmentKnown_ShouldDecide(string marker, string python, string platform, bool expected)
    {
        var m = MarkerExpression.Parse(marker);
        Assert.Equal(expected, m.Evaluate(MarkerEnvironment.ForPython(python, platform)));
    }

    [Theory]
    [InlineData("platform_machine == 'x86_64'", null)]
    [InlineData("platform_machine == 'x86_64' and sys_platform == 'win32'", false)]
    [InlineData("platform_machine == 'x86_64' or sys_platform == 'linux'", true)]
    [InlineData("platform_machine == 'x86_64' and sys_platform == 'linux'", null)]
    [InlineData("python_full_version < '3.11.1'", null)]
    public void Evaluate_WhenVariableUnknown_ShouldUseThreeValuedLogic(string marker, bool? expected)
    {
        var m = MarkerExpression.Parse(marker);
        Assert.Equal(expected, m.Evaluate(MarkerEnvironment.ForPython("3.11", "linux")));
    }

    [Fact]
    public void Evaluate_WhenExtraSpelledDifferently_ShouldCompareNormalizedNames()
    {
        var m = MarkerExpression.Parse("extra == 'GPU_Support'");
        Assert.True(m.Evaluate(new Dictionary<string, string> { ["extra"] = "gpu-support" }));
        Assert.False(m.Evaluate(new Dictionary<string, string> { ["extra"] = "test" }));
    }

    [Fact]
    public void AppliesTo_WhenRequirementHasNoMarker_ShouldBeTrue()
    {
        var env = MarkerEnvironment.ForPython("3.11");
        Assert.True(Pep508Requirement.Parse("requests").AppliesTo(env));
        Assert.False(Pep508Requirement.Parse("tomli; python_version < '3.11'").AppliesTo(env));
    }

    [Fact]
    public void Variables_WhenMarkerParsed_ShouldListEveryVariableRead()
    {
        var m = MarkerExpression.Parse("python_version < '3.8' and ('linux' in sys_platform or extra == 'x')");
        Assert.Equal(new[] { "extra", "python_version", "sys_platform" }, m.Variables.Distinct().OrderBy(v => v, StringComparer.Ordinal));
        Assert.Equal("python_version < \"3.8\" and (\"linux\" in sys_platform or extra == \"x\")", m.ToString());
    }
}
