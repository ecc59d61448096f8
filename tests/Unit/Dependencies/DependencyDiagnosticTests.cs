using BqxAudit.Checks.Dependencies;
using BqxAudit.Hosting;

namespace BqxAudit.Tests.Dependencies;

public class DependencyDiagnosticTests
{
    [Theory]
    [InlineData(0, 0, "requirements.txt")]
    [InlineData(3, 0, "requirements.txt:3")]
    [InlineData(3, 7, "requirements.txt:3:7")]
    public void Location_WhenLineAndColumnKnownOrNot_ShouldShowWhatIsKnown(int line, int column, string expected)
    {
        var d = new DependencyDiagnostic(DependencyDiagnosticCode.RequirementInvalid, "requirements.txt", line, "bad", column);
        Assert.Equal(expected, d.Location);
        Assert.Equal(expected + ": bad", d.ToString());
    }

    [Theory]
    [InlineData(DependencyDiagnosticCode.FileUnreadable, ErrorIds.FileUnreadable, BqxErrorCategory.ReadError)]
    [InlineData(DependencyDiagnosticCode.IncludeMissing, ErrorIds.FileUnreadable, BqxErrorCategory.ReadError)]
    [InlineData(DependencyDiagnosticCode.InterpreterTimeout, ErrorIds.InputInvalid, BqxErrorCategory.OperationStopped)]
    [InlineData(DependencyDiagnosticCode.InterpreterFailed, ErrorIds.InputInvalid, BqxErrorCategory.ResourceUnavailable)]
    [InlineData(DependencyDiagnosticCode.TomlSyntax, ErrorIds.InputInvalid, BqxErrorCategory.InvalidData)]
    [InlineData(DependencyDiagnosticCode.IncludeCycle, ErrorIds.InputInvalid, BqxErrorCategory.InvalidData)]
    public void ToBqxError_WhenConverted_ShouldKeepLocationAndMapIdAndCategory(DependencyDiagnosticCode code, string id, BqxErrorCategory category)
    {
        var error = new DependencyDiagnostic(code, "a/pyproject.toml", 4, "msg", 2).ToBqxError();
        Assert.Equal((id, category, "msg", "a/pyproject.toml:4:2"), (error.ErrorId, error.Category, error.Message, error.Target));
    }

    [Theory]
    [InlineData("Foo_Bar.baz", "foo-bar-baz", true)]
    [InlineData("google-cloud-BigQuery", "google-cloud-bigquery", true)]
    [InlineData("a", "a", true)]
    [InlineData("zope.interface", "zope-interface", true)]
    [InlineData("-foo", "-foo", false)]
    [InlineData("foo.", "foo-", false)]
    [InlineData("foo bar", "foo bar", false)]
    public void Normalize_WhenNameGiven_ShouldFollowPep503AndValidatePep508(string name, string normalized, bool valid)
    {
        Assert.Equal(normalized, PackageName.Normalize(name));
        Assert.Equal(valid, PackageName.IsValid(name));
    }
}
