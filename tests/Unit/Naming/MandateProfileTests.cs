using BqxAudit.Checks.Naming;
using BqxAudit.Configuration;
using BqxAudit.Hosting;
using YamlDotNet.RepresentationModel;
using static BqxAudit.Tests.Naming.NamingFixtures;

namespace BqxAudit.Tests.Naming;

public class MandateProfileTests
{
    private static (AuditProfile Profile, YamlNode Root) ParseWithRoot(string yaml)
    {
        var profile = ProfileLoader.Parse(yaml, "p.yaml");
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (profile, stream.Documents[0].RootNode);
    }

    [Fact]
    public void LoadEmbedded_WhenDefaultProfile_ShouldLoadM008WithEveryFamily()
    {
        var profile = ProfileLoader.LoadEmbedded("bqx-ml-v3");

        var mandate = Assert.Single(profile.Mandates);
        Assert.Equal(("M008", "naming", 30), (mandate.Id, mandate.Kind, mandate.GraceDays));
        Assert.Equal(new[] { FeaturesDataset }, mandate.Datasets);
        Assert.Equal(new[] { "primary", "cov", "tri", "var", "corr", "base", "mkt", "lag" }, mandate.Families.Select(f => f.Id));
        Assert.Empty(MandateValidation.Validate(profile));
    }

    [Fact]
    public void LoadEmbedded_WhenDefaultProfile_ShouldEncodeTheValuesOfTheStandard()
    {
        var values = M008.Values;

        Assert.Equal(new[] { "agg", "mom", "vol", "reg", "align", "der", "rev", "lag", "regime", "mrt", "cyc", "ext", "div", "tmp" }, values["feature_type"]);
        Assert.Equal(new[] { "idx", "bqx" }, values["variant"]);
        Assert.Equal(new[] { "45", "90", "180", "360", "720", "1440", "2880" }, values["window"]);
        var currencies = new[] { "usd", "eur", "gbp", "jpy", "aud", "nzd", "cad", "chf" };
        Assert.Equal(currencies.OrderBy(c => c), values["currency"].OrderBy(c => c));
        // 28 pairs: every two of the 8 currencies once, lower case.
        var pairs = values["pair"];
        Assert.Equal(28, pairs.Distinct().Count());
        Assert.All(pairs, p => Assert.Matches("^[a-z]{6}$", p));
        var unordered = pairs.Select(p => string.Join("", new[] { p[..3], p[3..] }.OrderBy(c => c))).ToHashSet();
        Assert.Equal(28, unordered.Count);
        Assert.All(pairs, p => Assert.Contains(p[..3], currencies));
        Assert.All(pairs, p => Assert.Contains(p[3..], currencies));
    }

    [Fact]
    public void LoadEmbedded_WhenDefaultProfile_ShouldDeclareTheOrderingRules()
    {
        var families = M008.Families.ToDictionary(f => f.Id);

        Assert.Equal(new[] { "pair1", "pair2" }, families["cov"].Alphabetical);
        Assert.Equal(new[] { "curr1", "curr2", "curr3" }, families["tri"].Alphabetical);
        Assert.Empty(families["lag"].Alphabetical);
        Assert.Equal(new[] { "corr_{asset_type}_{variant}_{pair}_{asset}", "corr_bqx_{pair1}_{pair2}", "corr_ibkr_{pair1}_{pair2}" }, families["corr"].Patterns);
    }

    [Fact]
    public void Parse_WhenMandateSectionIsComplete_ShouldBindEveryKey()
    {
        var mandate = T1;

        Assert.Equal(7, mandate.GraceDays);
        Assert.Equal(new[] { "features" }, mandate.Datasets);
        Assert.Equal("any", mandate.Families.Single(f => f.Id == "open").Case);
        Assert.Equal(new[] { ("tmp_*", "scratch tables"), ("*_backup_????", "dated backups") }, mandate.Exemptions.Select(e => (e.Pattern, e.Reason!)));
    }

    [Fact]
    public void Parse_WhenMandateHasUnknownKey_ShouldReportFileLineAndColumn()
    {
        var yaml = "name: x\nmandates:\n  - id: M1\n    kind: naming\n    famlies: []\n";

        var e = Assert.Throws<BqxException>(() => ProfileLoader.Parse(yaml, "p.yaml"));

        Assert.Equal(ErrorIds.ProfileInvalid, e.Error.ErrorId);
        Assert.Contains("p.yaml:5:5", e.Message);
        Assert.Contains("unknown key 'mandates[0].famlies'", e.Message);
    }

    [Fact]
    public void Parse_WhenMandateKeysHaveWrongTypesOrValues_ShouldReportEach()
    {
        var yaml = "name: x\nmandates:\n  - id: M1\n    kind: columns\n    graceDays: thirty\n    case: upper\n    families: {}\n";

        var e = Assert.Throws<BqxException>(() => ProfileLoader.Parse(yaml, "p.yaml"));

        Assert.Contains("p.yaml:4:11", e.Message);
        Assert.Contains("'mandates[0].kind' must match ^naming$", e.Message);
        Assert.Contains("p.yaml:5:16", e.Message);
        Assert.Contains("whole number", e.Message);
        Assert.Contains("p.yaml:6:11", e.Message);
        Assert.Contains("p.yaml:7:15", e.Message);
        Assert.Contains("must be a list", e.Message);
    }

    [Fact]
    public void Parse_WhenMandateLacksId_ShouldReportTheMissingKey()
    {
        var e = Assert.Throws<BqxException>(() => ProfileLoader.Parse("name: x\nmandates:\n  - kind: naming\n", "p.yaml"));

        Assert.Contains("missing required key 'mandates[0].id'", e.Message);
    }

    [Fact]
    public void Validate_WhenPatternsAndValuesDisagree_ShouldReportEachAtItsPosition()
    {
        var yaml = """
            name: x
            mandates:
              - id: M1
                kind: naming
                values:
                  variant: [ idx, IDX, idx ]
                  pair: [ eur_usd ]
                families:
                  - id: a
                    patterns: [ "a_{variant}_{nope}" ]
                    alphabetical: [ pair1, pair2 ]
                  - id: a
                    patterns: [ "b_{variant}_{pair}", "b_Bad_{pair}" ]
                  - id: c
                    patterns: [ "b_{variant}_{pair}" ]
              - id: M1
                kind: naming
                families: []
            """;
        // The loader runs the mandate validation, so the profile does not load; every problem is in the message.
        var e = Assert.Throws<BqxException>(() => ProfileLoader.Parse(yaml, "p.yaml"));
        Assert.Equal(ErrorIds.ProfileInvalid, e.Error.ErrorId);

        var issues = e.Message.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("p.yaml:", StringComparison.Ordinal)).Skip(1).ToList();

        Assert.Contains(issues, i => i.StartsWith("p.yaml:6:23:") && i.Contains("'IDX' is not a plain word"));
        Assert.Contains(issues, i => i.StartsWith("p.yaml:6:28:") && i.Contains("'idx' is listed twice"));
        Assert.Contains(issues, i => i.StartsWith("p.yaml:7:15:") && i.Contains("'eur_usd' is not a plain word"));
        Assert.Contains(issues, i => i.StartsWith("p.yaml:10:21:") && i.Contains("has no values: define values.nope"));
        Assert.Contains(issues, i => i.StartsWith("p.yaml:12:13:") && i.Contains("duplicate family id 'a'"));
        Assert.Contains(issues, i => i.StartsWith("p.yaml:13:43:") && i.Contains("neither a lower-case literal nor a {component}"));
        Assert.Contains(issues, i => i.StartsWith("p.yaml:15:21:") && i.Contains("same shape as a pattern of family 'a'"));
        Assert.Contains(issues, i => i.StartsWith("p.yaml:16:9:") && i.Contains("duplicate mandate id 'M1'"));
        Assert.Contains(issues, i => i.StartsWith("p.yaml:18:15:") && i.Contains("at least one family"));
        Assert.Equal(9, issues.Count);
    }

    [Fact]
    public void Validate_WhenFamilyReferencesComponentsItLacks_ShouldReportEach()
    {
        var mandate = new MandateProfile
        {
            Id = "M",
            Kind = "naming",
            Values = { ["pair"] = new() { "eurusd" } },
            Families = { new NamingFamilyProfile { Id = "p", Patterns = { "p_{pair}" }, Alphabetical = { "pair1", "pair" } } },
        };

        var problems = MandateValidation.Validate(mandate);

        Assert.Equal(new[] { "mandate.families[0].alphabetical[0]" }, problems.Select(p => p.Path));
    }

    [Fact]
    public void Parse_WhenFamilyDeclaresADefaultVariant_ShouldRejectTheKeyBecauseAVariantIsNeverAssumed()
    {
        var yaml = """
            name: x
            mandates:
              - id: M1
                kind: naming
                values: { variant: [ idx, bqx ], pair: [ eurusd ] }
                families:
                  - id: p
                    patterns: [ "p_{variant}_{pair}" ]
                    defaultVariant: idx
            """;

        var e = Assert.Throws<BqxException>(() => ProfileLoader.Parse(yaml, "p.yaml"));

        Assert.Equal(ErrorIds.ProfileInvalid, e.Error.ErrorId);
        Assert.Contains("p.yaml:9:9: unknown key 'mandates[0].families[0].defaultVariant'", e.Message);
    }

    [Theory]
    [InlineData("x_{a}_{a}", "appears twice")]
    [InlineData("x_{a:nope}", "draws from values.nope")]
    [InlineData("x_{A}", "not a component")]
    [InlineData("x_{variant}_{v2:variant}", "more than one variant")]
    [InlineData("", "empty pattern")]
    public void Validate_WhenPatternIsMalformed_ShouldExplain(string pattern, string expected)
    {
        var mandate = new MandateProfile
        {
            Id = "M",
            Kind = "naming",
            Values = { ["a"] = new() { "one" }, ["variant"] = new() { "idx" } },
            Families = { new NamingFamilyProfile { Id = "f", Patterns = { pattern } } },
        };

        Assert.Contains(MandateValidation.Validate(mandate), p => p.Message.Contains(expected));
    }

    [Fact]
    public void Validate_WhenAnyWordIsMixedWithValues_ShouldReject()
    {
        var mandate = new MandateProfile
        {
            Id = "M",
            Kind = "naming",
            Values = { ["a"] = new() { "*", "one" } },
            Families = { new NamingFamilyProfile { Id = "f", Patterns = { "x_{a}" } } },
        };

        Assert.Contains(MandateValidation.Validate(mandate), p => p.Message.Contains("'*' (any word) stands alone"));
    }

    [Fact]
    public void Classify_WhenMandateIsInvalid_ShouldThrowProfileInvalidListingProblems()
    {
        var mandate = new MandateProfile { Id = "M", Kind = "naming", GraceDays = 0 };

        var e = Assert.Throws<BqxException>(() => new NamingService().Classify(Entry("x"), mandate));

        Assert.Equal(ErrorIds.ProfileInvalid, e.Error.ErrorId);
        Assert.Contains("graceDays", e.Message);
        Assert.Contains("at least one family", e.Message);
    }

    [Fact]
    public void SelectMandate_WhenIdIsUnknown_ShouldNameTheKnownOnes()
    {
        var e = Assert.Throws<BqxException>(() => NamingService.SelectMandate(EmbeddedProfile, "M999"));

        Assert.Contains("no naming mandate 'M999'", e.Message);
        Assert.Contains("M008", e.Message);
    }

    [Fact]
    public void SelectMandate_WhenProfileHasNone_ShouldSaySo()
    {
        var e = Assert.Throws<BqxException>(() => NamingService.SelectMandate(ProfileLoader.Parse("name: bare\n", "b.yaml")));

        Assert.Contains("defines no naming mandate", e.Message);
    }
}
