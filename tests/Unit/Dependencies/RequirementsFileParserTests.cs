using System.Text;
using BqxAudit.Checks.Dependencies;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Dependencies;

public class RequirementsFileParserTests
{
    private static ManifestResult Parse(TempDir dir, string file = "requirements.txt") => new RequirementsFileParser(dir.Path).Parse(file);

    [Fact]
    public void Parse_WhenFileUsesEveryCommonForm_ShouldReadEachRequirementWithItsLine()
    {
        using var dir = new TempDir();
        dir.Write("requirements.txt", string.Join('\n',
            "# pinned for the extract job",                          // 1
            "",                                                     // 2
            "--index-url https://pypi.org/simple",                   // 3
            "--extra-index-url=https://mirror.example/simple",       // 4
            "-f ./wheels",                                          // 5
            "--pre",                                                // 6
            "google-cloud-bigquery[pandas,bqstorage]==3.11.4  # the client", // 7
            "pandas>=2.0,<3 ; python_version >= \"3.9\"",           // 8
            "numpy==1.26.4 \\",                                      // 9
            "    --hash=sha256:aaaa1111 \\",                         // 10
            "    --hash sha256:bbbb2222",                            // 11
            "Pyarrow  (>=14)",                                      // 12
            "tomli; python_version<'3.11'",                         // 13
            "   ",                                                  // 14
            "db-dtypes"));                                          // 15

        var result = Parse(dir);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(new[] { "google-cloud-bigquery", "pandas", "numpy", "pyarrow", "tomli", "db-dtypes" }, result.Requirements.Select(r => r.Name));
        Assert.Equal(new[] { 7, 8, 9, 12, 13, 15 }, result.Requirements.Select(r => r.Line));
        var bq = result.Requirements[0];
        Assert.Equal("==3.11.4", bq.Specifier);
        Assert.True(bq.IsPinned);
        Assert.Equal(new[] { "pandas", "bqstorage" }, bq.Extras);
        Assert.Equal("requirements.txt", bq.File);
        Assert.Equal(RequirementSource.Requirements, bq.Source);
        Assert.Equal("python_version >= \"3.9\"", result.Requirements[1].Marker);
        Assert.Equal(">=2.0,<3", result.Requirements[1].Specifier);
        Assert.Equal(new[] { "sha256:aaaa1111", "sha256:bbbb2222" }, result.Requirements[2].Hashes);
        Assert.Equal("==1.26.4", result.Requirements[2].Specifier);
        Assert.Equal("Pyarrow", result.Requirements[3].RawName);
        Assert.Equal("requirements.txt:13", result.Requirements[4].Location);
        Assert.Equal(new[] { "requirements.txt" }, result.FilesRead);
    }

    [Fact]
    public void Parse_WhenOneLineIsMalformed_ShouldReportFileLineAndColumnAndParseTheRest()
    {
        using var dir = new TempDir();
        dir.Write("reqs/requirements-dev.txt", "pytest==8.0\nnumpy >= 1.0 <2\nblack==24.1\n==3\nruff\n");

        var result = Parse(dir, "reqs/requirements-dev.txt");

        Assert.Equal(new[] { "pytest", "black", "ruff" }, result.Requirements.Select(r => r.Name));
        Assert.Equal(2, result.Diagnostics.Count);
        var first = result.Diagnostics[0];
        Assert.Equal(DependencyDiagnosticCode.RequirementInvalid, first.Code);
        Assert.Equal(DependencyDiagnosticSeverity.Error, first.Severity);
        Assert.Equal("reqs/requirements-dev.txt", first.File);
        Assert.Equal(2, first.Line);
        Assert.Equal(14, first.Column);
        Assert.Equal("reqs/requirements-dev.txt:2:14", first.Location);
        Assert.Contains("numpy >= 1.0 <2", first.Message);
        Assert.Equal(4, result.Diagnostics[1].Line);
    }

    [Fact]
    public void Parse_WhenMalformedLineIsIndented_ShouldPointTheColumnIntoThePhysicalLine()
    {
        using var dir = new TempDir();
        dir.Write("requirements.txt", "    bad name==1\n-e  git+https://x/y.git#egg=y z\n");

        var result = Parse(dir);

        Assert.Equal(new[] { "requirements.txt:1:9", "requirements.txt:2:31" }, result.Diagnostics.Select(d => d.Location));
    }

    [Fact]
    public void Parse_WhenIncludesFormACycle_ShouldReportTheCycleAtTheIncludingLineAndReadEachFileOnce()
    {
        using var dir = new TempDir();
        dir.Write("requirements.txt", "-r requirements-base.txt\nflask==3.0\n");
        dir.Write("requirements-base.txt", "requests==2.31\n--requirement=requirements.txt\n");

        var result = Parse(dir);

        Assert.Equal(new[] { "requests", "flask" }, result.Requirements.Select(r => r.Name));
        var cycle = Assert.Single(result.Diagnostics);
        Assert.Equal(DependencyDiagnosticCode.IncludeCycle, cycle.Code);
        Assert.Equal("requirements-base.txt", cycle.File);
        Assert.Equal(2, cycle.Line);
        Assert.Contains("requirements.txt → requirements-base.txt → requirements.txt", cycle.Message);
    }

    [Fact]
    public void Parse_WhenFileIncludesItself_ShouldReportACycle()
    {
        using var dir = new TempDir();
        dir.Write("requirements.txt", "six\n-r ./requirements.txt\n");

        var result = Parse(dir);

        Assert.Equal("six", Assert.Single(result.Requirements).Name);
        Assert.Equal(("requirements.txt", 2, DependencyDiagnosticCode.IncludeCycle), Assert.Single(result.Diagnostics) is var d ? (d.File, d.Line, d.Code) : default);
    }

    [Fact]
    public void Parse_WhenIncludeTargetIsMissing_ShouldNameTheIncludingFileAndLineAndParseTheRest()
    {
        using var dir = new TempDir();
        dir.Write("requirements.txt", "a==1\n-r missing/other.txt\nb==2\n");

        var result = Parse(dir);

        Assert.Equal(new[] { "a", "b" }, result.Requirements.Select(r => r.Name));
        var missing = Assert.Single(result.Diagnostics);
        Assert.Equal(DependencyDiagnosticCode.IncludeMissing, missing.Code);
        Assert.Equal("requirements.txt:2", missing.Location);
        Assert.Contains("missing/other.txt", missing.Message);
    }

    [Fact]
    public void Parse_WhenIncludeIsRelative_ShouldResolveAgainstTheIncludingFilesFolder()
    {
        using var dir = new TempDir();
        dir.Write("services/extract/requirements.txt", "-r ../../common/requirements-common.txt\n-c constraints.txt\nextract-lib\n");
        dir.Write("common/requirements-common.txt", "google-auth>=2\n");
        dir.Write("services/extract/constraints.txt", "urllib3<2\n-r more-constraints.txt\n");
        dir.Write("services/extract/more-constraints.txt", "idna==3.6\n");

        var result = Parse(dir, "services/extract/requirements.txt");

        Assert.Empty(result.Diagnostics);
        var byName = result.Requirements.ToDictionary(r => r.Name);
        Assert.Equal("common/requirements-common.txt", byName["google-auth"].File);
        Assert.Equal(RequirementSource.Requirements, byName["google-auth"].Source);
        Assert.Equal(RequirementSource.Constraints, byName["urllib3"].Source);
        Assert.Equal(RequirementSource.Constraints, byName["idna"].Source); // -r inside a constraints file
        Assert.Equal("services/extract/more-constraints.txt:1", byName["idna"].Location);
        Assert.Equal(RequirementSource.Requirements, byName["extract-lib"].Source);
        Assert.Equal(4, result.FilesRead.Count);
    }

    [Fact]
    public void Parse_WhenSameFileIsIncludedTwice_ShouldListItsRequirementsOnce()
    {
        using var dir = new TempDir();
        dir.Write("requirements.txt", "-r a.txt\n-r b.txt\n");
        dir.Write("a.txt", "-r common.txt\n");
        dir.Write("b.txt", "-r common.txt\n");
        dir.Write("common.txt", "six==1.16\n");

        var result = Parse(dir);

        Assert.Equal("common.txt:1", Assert.Single(result.Requirements).Location);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Parse_WhenFileIsNotUtf8_ShouldReportTheLineDecodeWithReplacementAndParseEverything()
    {
        using var dir = new TempDir();
        var bytes = Encoding.UTF8.GetBytes("requests==2.31\n# caf").Concat(new byte[] { 0xE9 }).Concat(Encoding.UTF8.GetBytes(" latin-1 comment\nnumpy==1.26\n")).ToArray();
        dir.WriteBytes("requirements.txt", bytes);

        var result = Parse(dir);

        Assert.Equal(new[] { "requests", "numpy" }, result.Requirements.Select(r => r.Name));
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(DependencyDiagnosticCode.EncodingInvalid, d.Code);
        Assert.Equal("requirements.txt:2", d.Location);
        Assert.Equal(DependencyDiagnosticSeverity.Warning, d.Severity);
    }

    [Fact]
    public void Parse_WhenFileHasUtf16ByteOrderMark_ShouldDecodeIt()
    {
        using var dir = new TempDir();
        dir.WriteBytes("requirements.txt", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("pandas==2.1\r\nnumpy\r\n")).ToArray());

        var result = Parse(dir);

        Assert.Equal(new[] { "pandas", "numpy" }, result.Requirements.Select(r => r.Name));
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Parse_WhenEditableAndUrlRequirements_ShouldTakeNamesFromEggOrArchive()
    {
        using var dir = new TempDir();
        dir.Write("requirements.txt", string.Join('\n',
            "-e git+https://github.com/org/bqx-utils.git@v1.2#egg=bqx_utils", // 1
            "-e .",                                                           // 2
            "https://files.example/pkgs/Tabulate-0.9.0-py3-none-any.whl",      // 3
            "./vendor/google-cloud-core-2.4.1.tar.gz",                        // 4
            "git+https://github.com/org/noname.git",                         // 5
            "mylib @ https://x.example/mylib-1.0.zip ; sys_platform == 'linux'", // 6
            "--editable=./libs/shared#egg=shared[gcp]",                     // 7
            "https://x.example/other-2.0.zip ; python_version < '3.12'"));  // 8

        var result = Parse(dir);

        var r = result.Requirements.ToDictionary(x => x.Name);
        Assert.True(r["bqx-utils"].Editable);
        Assert.Equal("git+https://github.com/org/bqx-utils.git@v1.2#egg=bqx_utils", r["bqx-utils"].Url);
        Assert.Equal(3, r["tabulate"].Line);
        Assert.Equal(4, r["google-cloud-core"].Line);
        Assert.False(r["google-cloud-core"].Editable);
        Assert.Equal("sys_platform == 'linux'", r["mylib"].Marker);
        Assert.Equal("https://x.example/mylib-1.0.zip", r["mylib"].Url);
        Assert.True(r["shared"].Editable);
        Assert.Equal(new[] { "gcp" }, r["shared"].Extras);
        Assert.Equal("https://x.example/other-2.0.zip", r["other"].Url);
        Assert.Equal("python_version < '3.12'", r["other"].Marker);
        Assert.Equal(6, result.Requirements.Count);
        Assert.Equal(new[] { 2, 5 }, result.Diagnostics.Select(d => d.Line));
        Assert.All(result.Diagnostics, d => Assert.Equal(DependencyDiagnosticCode.NameUnknown, d.Code));
    }

    [Fact]
    public void Parse_WhenOptionsAreRemoteOrUnknown_ShouldWarnAndGoOn()
    {
        using var dir = new TempDir();
        dir.Write("requirements.txt", "-r https://example.com/reqs.txt\n--frobnicate\nsix --frob=1\n--hash=sha256:abcd\nsix2 --hash=md5\n-r\n");

        var result = Parse(dir);

        Assert.Equal(new[] { "six", "six2" }, result.Requirements.Select(r => r.Name));
        Assert.Equal(
            new[] { (1, DependencyDiagnosticCode.NotFollowed), (2, DependencyDiagnosticCode.UnknownOption), (3, DependencyDiagnosticCode.UnknownOption), (4, DependencyDiagnosticCode.UnknownOption), (5, DependencyDiagnosticCode.RequirementInvalid), (6, DependencyDiagnosticCode.RequirementInvalid) },
            result.Diagnostics.Select(d => (d.Line, d.Code)));
    }

    [Fact]
    public void Parse_WhenEnvironmentVariablesAreReferenced_ShouldKeepThemUnexpanded()
    {
        using var dir = new TempDir();
        dir.Write("requirements.txt", "private-lib @ git+https://${GITHUB_TOKEN}@github.com/org/private-lib.git\nbqx-core==${BQX_CORE_VERSION}\n");

        var result = Parse(dir);

        var lib = result.Requirements[0];
        Assert.Equal("git+https://${GITHUB_TOKEN}@github.com/org/private-lib.git", lib.Url);
        var core = result.Requirements[1];
        Assert.Equal("bqx-core", core.Name);
        Assert.Equal("==${BQX_CORE_VERSION}", core.Specifier);
        Assert.Null(core.SpecifierSet);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal((DependencyDiagnosticCode.VersionNotPep440, 2), (d.Code, d.Line));
    }

    [Fact]
    public void Parse_WhenHashOrCommentLinesEndWithBackslash_ShouldJoinOnlyRealContinuations()
    {
        using var dir = new TempDir();
        dir.Write("requirements.txt", "# a comment \\\nsix\nnum\\\npy==1.0\nlast \\");

        var result = Parse(dir);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(new[] { ("six", 2), ("numpy", 3), ("last", 5) }, result.Requirements.Select(r => (r.Name, r.Line)));
    }

    [Fact]
    public void Parse_WhenHashSignHasNoSpaceBeforeIt_ShouldKeepItAsPartOfTheRequirement()
    {
        using var dir = new TempDir();
        dir.Write("requirements.txt", "https://x.example/a.zip#egg=alpha # trailing comment\n");

        var result = Parse(dir);

        var r = Assert.Single(result.Requirements);
        Assert.Equal("alpha", r.Name);
        Assert.Equal("https://x.example/a.zip#egg=alpha", r.Url);
    }

    [Fact]
    public void Parse_WhenFileCannotBeRead_ShouldReportItWithoutThrowing()
    {
        using var dir = new TempDir();
        var parser = new RequirementsFileParser(dir.Path, _ => throw new IOException("device not ready"));

        var result = parser.Parse("requirements.txt");

        Assert.Empty(result.Requirements);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(DependencyDiagnosticCode.FileUnreadable, d.Code);
        Assert.Equal("requirements.txt", d.Location);
        Assert.Contains("device not ready", d.Message);
    }

    [Fact]
    public void ParseText_WhenGivenText_ShouldParseAsThatFile()
    {
        using var dir = new TempDir();
        dir.Write("sub/extra.txt", "idna\n");
        var result = new RequirementsFileParser(dir.Path).ParseText("six\n-r extra.txt\n", "sub/requirements.txt");

        Assert.Equal(new[] { "sub/requirements.txt:1", "sub/extra.txt:1" }, result.Requirements.Select(r => r.Location));
    }
}
