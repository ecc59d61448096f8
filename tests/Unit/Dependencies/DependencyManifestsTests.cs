using BqxAudit.Checks.Dependencies;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Dependencies;

public class DependencyManifestsTests
{
    private static DeclaredRequirement Req(string name, string specifier, string file = "requirements.txt", int line = 1, string? marker = null, string? url = null) => new()
    {
        Name = name,
        RawName = name,
        Specifier = specifier,
        SpecifierSet = SpecifierSet.Parse(specifier),
        Marker = marker,
        ParsedMarker = marker is null ? null : MarkerExpression.Parse(marker),
        Url = url,
        File = file,
        Line = line,
        Source = RequirementSource.Requirements,
    };

    [Theory]
    [InlineData("requirements.txt", ManifestKind.RequirementsTxt)]
    [InlineData("services/extract/requirements-dev.txt", ManifestKind.RequirementsTxt)]
    [InlineData("Requirements_GPU.TXT", ManifestKind.RequirementsTxt)]
    [InlineData("a/b/pyproject.toml", ManifestKind.Pyproject)]
    [InlineData("setup.cfg", ManifestKind.SetupCfg)]
    [InlineData("env/environment.yml", ManifestKind.CondaEnvironment)]
    [InlineData("environment.yaml", ManifestKind.CondaEnvironment)]
    [InlineData("dev-requirements.txt", null)]
    [InlineData("requirements.in", null)]
    [InlineData("requirements/base.txt", null)]
    [InlineData("setup.py", null)]
    public void Classify_WhenGivenAPath_ShouldRecognizeManifestsByName(string path, ManifestKind? kind)
    {
        Assert.Equal(kind, DependencyManifests.Classify(path));
    }

    [Fact]
    public void Discover_WhenRepositoryHasEveryManifestKind_ShouldParseThemAllOnce()
    {
        using var dir = new TempDir();
        dir.Write("requirements.txt", "-r requirements-base.txt\n-c requirements-lock.txt\nflask==3.0\n");
        dir.Write("requirements-base.txt", "requests==2.31\n");
        dir.Write("requirements-lock.txt", "urllib3==2.1\n");
        dir.Write("services/ml/pyproject.toml", "[project]\ndependencies = [\"torch==2.1\"]\n[project.optional-dependencies]\nbroken = [\"x y\"]\n");
        dir.Write("libs/setup.cfg", "[options]\ninstall_requires =\n    six\n");
        dir.Write("env/environment.yml", "dependencies:\n  - numpy=1.26\n  - pip:\n    - db-dtypes\n");
        dir.Write("README.md", "requests==1\n");
        dir.Write("scripts/run.py", "import requests\n");
        var files = new[] { "scripts/run.py", "README.md", "env/environment.yml", "libs/setup.cfg", "services/ml/pyproject.toml", "requirements-lock.txt", "requirements-base.txt", "requirements.txt" };

        var result = DependencyManifests.Discover(dir.Path, files);

        Assert.Equal(
            new[] { "env/environment.yml:2 numpy Conda", "env/environment.yml:4 db-dtypes CondaPip", "libs/setup.cfg:3 six SetupCfg", "requirements-base.txt:1 requests Requirements",
                    "requirements-lock.txt:1 urllib3 Constraints", "requirements.txt:3 flask Requirements", "services/ml/pyproject.toml:2 torch Pyproject" },
            result.Requirements.Select(r => $"{r.Location} {r.Name} {r.Source}"));
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("services/ml/pyproject.toml:4:14", DependencyDiagnosticCode.RequirementInvalid), (d.Location, d.Code));
        Assert.Equal(6, result.FilesRead.Count);
    }

    [Fact]
    public void Discover_WhenAManifestIsUnreadable_ShouldReportItAndReadTheOthers()
    {
        using var dir = new TempDir();
        dir.Write("requirements.txt", "six\n");
        var result = DependencyManifests.Discover(dir.Path, new[] { "requirements.txt", "gone/pyproject.toml" });
        Assert.Equal("six", Assert.Single(result.Requirements).Name);
        Assert.Equal(("gone/pyproject.toml", DependencyDiagnosticCode.FileUnreadable), Assert.Single(result.Diagnostics) is var d ? (d.File, d.Code) : default);
    }

    [Fact]
    public void FindConflicts_WhenTwoManifestsPinDifferentVersions_ShouldNameBothLocations()
    {
        using var dir = new TempDir();
        dir.Write("requirements.txt", "numpy==1.26.4\npandas>=2\nrequests==2.31\n");
        dir.Write("env/environment.yml", "dependencies:\n  - numpy=1.24\n  - pip:\n    - requests>=2.0\n");
        dir.Write("setup.cfg", "[options]\ninstall_requires =\n    pandas<2\n");
        var manifests = DependencyManifests.Discover(dir.Path, new[] { "requirements.txt", "env/environment.yml", "setup.cfg" });

        var conflicts = DependencyManifests.FindConflicts(manifests.Requirements);

        Assert.Equal(new[] { "numpy", "pandas" }, conflicts.Select(c => c.Name));
        Assert.Equal("env/environment.yml:2", conflicts[0].First.Location);
        Assert.Equal("requirements.txt:1", conflicts[0].Second.Location);
        Assert.Equal("no version satisfies both ==1.24.* at env/environment.yml:2 and ==1.26.4 at requirements.txt:1", conflicts[0].Reason);
        Assert.Equal("no version satisfies both >=2 at requirements.txt:2 and <2 at setup.cfg:3", conflicts[1].Reason);
    }

    [Theory]
    [InlineData("==1.26.4", "==1.24.0", true)]
    [InlineData("==1.0", "==1.0.0", false)]
    [InlineData("==1.0", "==1.0+cpu", false)]
    [InlineData("==1.0+cpu", "==1.0+cu118", true)]
    [InlineData("==2.31", ">=2.0", false)]
    [InlineData(">=2", "<2", true)]
    [InlineData(">1.0", "<1.1", false)]
    [InlineData(">=1.0,<1.0.1", ">=1.0", false)]
    [InlineData(">1.0.post1", "<1.0.post3", false)]
    [InlineData(">1.0a1", "<1.0a3", false)]
    [InlineData("~=1.4", "<1.4", true)]
    [InlineData("~=1.4.5", "==1.4.*", false)]
    [InlineData("==1.4.*", "==1.5.*", true)]
    [InlineData("!=1.5", "==1.5", true)]
    [InlineData("<1", "<2", false)]
    [InlineData(">=1,<2", ">=1.5,<3", false)]
    [InlineData("===foo", "===FOO", false)]
    [InlineData("===foo", "===bar", true)]
    [InlineData("===1.0", "==1.0", false)]
    public void FindConflicts_WhenTwoSpecifierSetsMeet_ShouldReportOnlyWhenNoCandidateFitsBoth(string a, string b, bool conflict)
    {
        var conflicts = DependencyManifests.FindConflicts(new[] { Req("x", a, "a.txt"), Req("x", b, "b.txt") });
        Assert.Equal(conflict, conflicts.Count == 1);
    }

    [Fact]
    public void FindConflicts_WhenExactPinsDiffer_ShouldSayPinned()
    {
        var c = Assert.Single(DependencyManifests.FindConflicts(new[] { Req("x", "==1.0", "a.txt", 3), Req("x", "==2.0", "b.txt", 7) }));
        Assert.Equal("pinned ==1.0 at a.txt:3 and ==2.0 at b.txt:7", c.Reason);
    }

    [Fact]
    public void FindConflicts_WhenMarkersDiffer_ShouldCompareOnlyWhatAppliesTogether()
    {
        var reqs = new[]
        {
            Req("tomli", "==1.0", "a.txt", 1, "python_version < '3.11'"),
            Req("tomli", "==2.0", "b.txt", 1, "python_version >= '3.11'"),
            Req("tomli", "==3.0", "c.txt", 1, "python_version < '3.11'"),
        };

        // Without an environment, differing markers are not compared; equal ones are.
        Assert.Equal(("a.txt:1", "c.txt:1"), Assert.Single(DependencyManifests.FindConflicts(reqs)) is var c ? (c.First.Location, c.Second.Location) : default);
        // In 3.12 only b.txt applies.
        Assert.Empty(DependencyManifests.FindConflicts(reqs, MarkerEnvironment.ForPython("3.12")));
        // In 3.10, a and c apply.
        Assert.Single(DependencyManifests.FindConflicts(reqs, MarkerEnvironment.ForPython("3.10")));
    }

    [Fact]
    public void FindConflicts_WhenRequirementIsUrlUnparsedOrSameLocation_ShouldNotCompareIt()
    {
        var unparsed = new DeclaredRequirement { Name = "x", RawName = "x", Specifier = "==${V}", SpecifierSet = null, File = "c.txt", Line = 1, Source = RequirementSource.Requirements };
        var reqs = new[]
        {
            Req("x", "==1.0", "a.txt", 1),
            Req("x", "", "b.txt", 1, url: "https://x/x-2.0.zip"),
            unparsed,
            Req("x", "==2.0", "a.txt", 1), // same location: one declaration read twice
            Req("x", "", "d.txt", 1),
        };
        Assert.Empty(DependencyManifests.FindConflicts(reqs));
    }

    [Fact]
    public void FindConflicts_WhenThreeDifferentPins_ShouldReportEveryPairInOrder()
    {
        var conflicts = DependencyManifests.FindConflicts(new[] { Req("y", "==3", "c.txt"), Req("y", "==1", "a.txt"), Req("y", "==2", "b.txt") });
        Assert.Equal(new[] { ("a.txt:1", "b.txt:1"), ("a.txt:1", "c.txt:1"), ("b.txt:1", "c.txt:1") }, conflicts.Select(c => (c.First.Location, c.Second.Location)));
    }
}
