using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Configuration;

public class ProfileLoaderTests
{
    [Fact]
    public void LoadEmbedded_WhenDefaultName_ShouldCarryTheDirectivesProject()
    {
        var profile = ProfileLoader.LoadEmbedded("bqx-ml-v3");

        Assert.Equal("bqx-ml-v3", profile.Name);
        Assert.Equal("bqx-ml", profile.Gcp.Project);
        Assert.Equal("us-central1", profile.Gcp.Region);
        Assert.Equal("embedded:bqx-ml-v3", profile.Source);
        var features = Assert.Single(profile.Datasets, d => d.Name == "bqx_ml_v3_features_v2");
        Assert.Equal(5817, features.ExpectedTables);
        var phase = Assert.Single(profile.Phases);
        Assert.Equal("M008-4C", phase.Id);
        Assert.Equal("M008 Phase 4C", phase.Name);
        Assert.Equal(6, phase.Tasks.Count);
        Assert.Equal("2025-12-14", phase.PlannedStart);
        Assert.Equal(1596, phase.Tasks[0].Tables!.Count);
        // The mandate rejected LAG consolidation and approved renaming the 224 LAG tables in place.
        Assert.Equal("LAG rename", phase.Tasks[1].Name);
        Assert.Equal(224, phase.Tasks[1].Tables!.Count);
        Assert.DoesNotContain(phase.Tasks, t => t.Action == TaskActions.ConsolidateTables);
        Assert.Equal(new[] { "renameTables", "renameTables", "renameTables", "renameTables", "createViews", "validateRowCounts" }, phase.Tasks.Select(t => t.Action));
        Assert.Contains("scripts/validate_v2_migration.py", phase.Tasks[5].ScriptGlobs);
        Assert.Equal("P1", phase.Tasks[4].PriorityIfMissing);
        Assert.Equal(54, Assert.Single(profile.Datasets, d => d.Name == "bqx_ml_v3_analytics_v2").ExpectedTables);
        Assert.Equal(2210, Assert.Single(profile.Datasets, d => d.Name == "bqx_bq_uscen1_v2").ExpectedTables);
        Assert.DoesNotContain(profile.Datasets, d => d.Name == "bqx_ml_v3_models");
        Assert.All(phase.Tasks, t => Assert.NotEmpty(t.ScriptGlobs));
        Assert.All(phase.Tasks, t => Assert.NotNull(t.CreationHours));
        Assert.Equal("BA_AUDIT_SUMMARY", profile.Reports.SummaryName);
    }

    [Fact]
    public void Load_WhenNoProfileGivenAndNoFileAtRoot_ShouldUseTheEmbeddedDefault()
    {
        using var dir = new TempDir();
        var profile = ProfileLoader.Load(new ProfileRequest { Root = dir.Path, Environment = _ => null });
        Assert.Equal("embedded:bqx-ml-v3", profile.Source);
    }

    [Fact]
    public void Load_WhenBqxauditYamlAtRoot_ShouldUseIt()
    {
        using var dir = new TempDir();
        dir.Write("bqxaudit.yaml", "name: local\ngcp: { project: p1 }\n");
        var profile = ProfileLoader.Load(new ProfileRequest { Root = dir.Path, Environment = _ => null });
        Assert.Equal("local", profile.Name);
        Assert.Equal(Path.Combine(dir.Path, "bqxaudit.yaml"), profile.Source);
        Assert.Equal(dir.Path, profile.BaseDirectory);
    }

    [Fact]
    public void Load_WhenEnvironmentAndParameterSetProject_ShouldApplyFileThenEnvironmentThenParameter()
    {
        using var dir = new TempDir();
        dir.Write("bqxaudit.yaml", "name: local\ngcp: { project: from-file }\n");
        var env = new Dictionary<string, string> { [ProfileLoader.ProjectEnvironmentVariable] = "from-env" };

        var withEnv = ProfileLoader.Load(new ProfileRequest { Root = dir.Path, Environment = k => env.GetValueOrDefault(k) });
        var withParam = ProfileLoader.Load(new ProfileRequest { Root = dir.Path, ProjectId = "from-param", Environment = k => env.GetValueOrDefault(k) });

        Assert.Equal("from-env", withEnv.Gcp.Project);
        Assert.Equal("from-param", withParam.Gcp.Project);
    }

    [Theory]
    [InlineData("bqx-ml-v3", false)]
    [InlineData("my.yaml", true)]
    [InlineData("my.YML", true)]
    [InlineData("./profile", true)]
    [InlineData("dir\\profile", true)]
    public void IsFileReference_WhenValueGiven_ShouldTellFileFromEmbeddedName(string value, bool expected) =>
        Assert.Equal(expected, ProfileLoader.IsFileReference(value));

    [Fact]
    public void Load_WhenEmbeddedNameUnknown_ShouldNameTheKnownProfiles()
    {
        var e = Assert.Throws<BqxException>(() => ProfileLoader.Load(new ProfileRequest { Profile = "nope", Environment = _ => null }));
        Assert.Equal(ErrorIds.ProfileNotFound, e.Error.ErrorId);
        Assert.Contains("bqx-ml-v3", e.Message);
        Assert.True(e.IsUserError);
    }

    [Fact]
    public void Load_WhenFileMissing_ShouldSayProfileNotFound()
    {
        var e = Assert.Throws<BqxException>(() => ProfileLoader.Load(new ProfileRequest { Profile = "/nonexistent/p.yaml", Environment = _ => null }));
        Assert.Equal(ErrorIds.ProfileNotFound, e.Error.ErrorId);
    }

    [Fact]
    public void Parse_WhenYamlMalformed_ShouldNameFileLineAndColumn()
    {
        var e = Assert.Throws<BqxException>(() => ProfileLoader.Parse("name: x\ngcp: { project: [unclosed\n", "p.yaml"));
        Assert.Equal(ErrorIds.ProfileInvalid, e.Error.ErrorId);
        Assert.Matches(@"p\.yaml:\d+:\d+: not valid YAML", e.Message);
    }

    [Fact]
    public void Parse_WhenUnknownKey_ShouldNameKeyWithLineAndColumn()
    {
        var e = Assert.Throws<BqxException>(() => ProfileLoader.Parse("name: x\ngcp:\n  project: p\n  projcet: q\n", "p.yaml"));
        Assert.Contains("p.yaml:4:3: unknown key 'gcp.projcet'", e.Message);
        Assert.Contains("known here:", e.Message);
        Assert.Equal("p.yaml:4:3", e.Error.Target);
    }

    [Fact]
    public void Parse_WhenWrongType_ShouldNameExpectedTypeAndPosition()
    {
        var e = Assert.Throws<BqxException>(() => ProfileLoader.Parse(
            "name: x\ndatasets:\n  - name: d\n    expectedTables: many\n", "p.yaml"));
        Assert.Contains("p.yaml:4:21: 'datasets[0].expectedTables' must be a whole number, not 'many'", e.Message);
    }

    [Fact]
    public void Parse_WhenListExpectedButScalarGiven_ShouldReportIt()
    {
        var e = Assert.Throws<BqxException>(() => ProfileLoader.Parse("name: x\ninventory: { include: scripts/* }\n", "p.yaml"));
        Assert.Contains("'inventory.include' must be a list", e.Message);
    }

    [Theory]
    [InlineData("/abs/*.py", "relative to the audited root")]
    [InlineData("scripts/[ab].py", "'[' is not supported")]
    [InlineData("!scripts/x.py", "negation")]
    [InlineData("../outside/*.py", "'..' would leave")]
    [InlineData("scripts/a**b/x.py", "whole path segment")]
    [InlineData("scripts\\\\x.py", "use '/'")]
    public void Parse_WhenBadGlob_ShouldNameTheGlobAndWhy(string glob, string why)
    {
        var yaml = $"name: x\ninventory:\n  exclude: [ \"{glob}\" ]\n";
        var e = Assert.Throws<BqxException>(() => ProfileLoader.Parse(yaml, "p.yaml"));
        Assert.Contains("p.yaml:3:14: bad glob", e.Message);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void Parse_WhenSeveralProblems_ShouldReportEveryOne()
    {
        var e = Assert.Throws<BqxException>(() => ProfileLoader.Parse(
            "name: x\nbogus: 1\nphases:\n  - id: a\n    tasks:\n      - name: t\n        priorityIfMissing: P9\n        extra: true\n", "p.yaml"));
        Assert.Contains("3 problems", e.Message);
        Assert.Contains("unknown key 'bogus'", e.Message);
        Assert.Contains("must match ^P[0-3]$", e.Message);
        Assert.Contains("unknown key 'phases[0].tasks[0].extra'", e.Message);
    }

    [Fact]
    public void Parse_WhenRequiredKeyMissing_ShouldSaySo()
    {
        var e = Assert.Throws<BqxException>(() => ProfileLoader.Parse("gcp: { project: p }\n", "p.yaml"));
        Assert.Contains("missing required key 'name'", e.Message);
    }

    [Fact]
    public void Parse_WhenEmptyOrMultiDocument_ShouldRefuse()
    {
        Assert.Contains("empty", Assert.Throws<BqxException>(() => ProfileLoader.Parse("", "p.yaml")).Message);
        Assert.Contains("one YAML document", Assert.Throws<BqxException>(() => ProfileLoader.Parse("name: a\n---\nname: b\n", "p.yaml")).Message);
    }

    [Fact]
    public void Parse_WhenDuplicateKey_ShouldReportIt()
    {
        var e = Assert.Throws<BqxException>(() => ProfileLoader.Parse("name: a\nname: b\n", "p.yaml"));
        Assert.Contains("p.yaml:2:1", e.Message);
        Assert.Contains("Duplicate key", e.Message);
    }

    [Fact]
    public void LoadFile_WhenNotUtf8_ShouldSayItCannotBeRead()
    {
        using var dir = new TempDir();
        var path = dir.WriteBytes("p.yaml", new byte[] { (byte)'n', (byte)'a', 0xFF, 0xFE, (byte)':' });
        var e = Assert.Throws<BqxException>(() => ProfileLoader.LoadFile(path));
        Assert.Equal(ErrorIds.ProfileInvalid, e.Error.ErrorId);
    }

    [Fact]
    public void Parse_WhenTablesIsMapping_ShouldReadFromAndTo()
    {
        var profile = ProfileLoader.Parse("name: x\nphases:\n  - id: a\n    tasks:\n      - { name: t, tables: { from: 5, to: 2 } }\n      - { name: u, tables: 3 }\n", "p.yaml");
        Assert.Equal(5, profile.Phases[0].Tasks[0].Tables!.From);
        Assert.Equal(3, profile.Phases[0].Tasks[1].Tables!.Count);
        Assert.Equal("5 → 2", profile.Phases[0].Tasks[0].Tables!.ToString());
    }

    [Fact]
    public void Parse_WhenATaskNamesAnUnknownActionOrThePlannedStartIsNoDate_ShouldReportEachAtItsPosition()
    {
        var yaml = "name: t\nphases:\n  - id: P\n    plannedStart: 2025-13-45\n    tasks:\n      - { name: A, action: renameAll }\n";

        var e = Assert.Throws<BqxException>(() => ProfileLoader.Parse(yaml, "t.yaml"));

        Assert.Contains("t.yaml:6:", e.Message);
        Assert.Contains("renameAll", e.Message);
        Assert.Contains("t.yaml:4:19: 'phases[0].plannedStart': '2025-13-45' is not a date", e.Message);
    }

    [Fact]
    public void Parse_WhenATaskGivesNoAction_ShouldDefaultToCustom()
    {
        var profile = ProfileLoader.Parse("name: t\nphases:\n  - id: P\n    tasks:\n      - { name: A, scriptGlobs: [ a.py ] }\n", "t.yaml");

        Assert.Equal(TaskActions.Custom, profile.Phases[0].Tasks[0].Action);
        Assert.Null(profile.Phases[0].PlannedStart);
    }
}
