using BqxAudit.Checks.Naming;
using BqxAudit.Configuration;
using BqxAudit.Model;
using static BqxAudit.Tests.Naming.NamingFixtures;

namespace BqxAudit.Tests.Naming;

public class GeneratorComplianceTests
{
    private static readonly List<string> Pairs = M008.Values["pair"];
    private static readonly List<string> FeatureTypes = M008.Values["feature_type"];

    private static ScriptRecord Record(string path, params NameTemplate[] templates) =>
        new() { Name = path[(path.LastIndexOf('/') + 1)..], Path = path, NameTemplates = templates.ToList() };

    private static NameTemplate Template(string template, int line, params (string Placeholder, string[] Values)[] values) =>
        new() { Template = template, Line = line, Values = values.ToDictionary(v => v.Placeholder, v => v.Values.ToList()) };

    private static void Apply(params ScriptRecord[] records) => GeneratorCompliance.Apply(records, EmbeddedProfile);

    [Fact]
    public void Apply_WhenTemplateExpandsToCompliantNames_ShouldMarkCompliantWithoutFinding()
    {
        var record = Record("scripts/generate_tri_tables.py",
            Template("bqx-ml.bqx_ml_v3_features_v2.tri_{ft}_{variant}_{c1}_{c2}_{c3}", 42,
                ("ft", new[] { "agg", "mom" }), ("variant", new[] { "idx", "bqx" }), ("c1", new[] { "aud" }), ("c2", new[] { "eur" }), ("c3", new[] { "usd" })));

        Apply(record);

        Assert.Equal(GeneratorCompliance.Compliant, record.Compliance["M008"]);
        Assert.Empty(record.Findings);
    }

    [Fact]
    public void Apply_WhenTemplateBreaksTheStandard_ShouldWarnAtItsLineWithFiveNamesAndTheCount()
    {
        // Independent pair lists: the product includes eurusd_eurusd and every reversed order.
        var record = Record("scripts/generate_cov_tables.py",
            Template("{PROJECT}.{DATASET}.cov_{ft}_{variant}_{p1}_{p2}", 57,
                ("ft", new[] { "agg" }), ("variant", new[] { "idx" }), ("p1", new[] { "eurusd", "gbpusd", "usdjpy" }), ("p2", new[] { "eurusd", "gbpusd", "usdjpy" })));

        Apply(record);

        Assert.Equal(GeneratorCompliance.NonCompliant, record.Compliance["M008"]);
        var finding = Assert.Single(record.Findings);
        Assert.Equal(GeneratorCompliance.Rule, finding.Rule);
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        Assert.Equal("scripts/generate_cov_tables.py:57", finding.Location);
        Assert.Contains("cov_agg_idx_eurusd_eurusd (AlphabeticalOrder)", finding.Message);
        Assert.Contains("6 of 9 generated names", finding.Message);
    }

    [Fact]
    public void Apply_WhenManyNamesBreakTheStandard_ShouldShowAtMostFive()
    {
        var record = Record("scripts/generate_x.py",
            Template("cov_{ft}_{p1}_{p2}", 3, ("ft", FeatureTypes.ToArray()), ("p1", Pairs.ToArray()), ("p2", Pairs.ToArray())));

        Apply(record);

        var finding = Assert.Single(record.Findings);
        var shown = finding.Message.Split(", cov_").Length;
        Assert.Equal(5, shown);
        Assert.Contains("…", finding.Message);
        Assert.Contains($"{FeatureTypes.Count * Pairs.Count * Pairs.Count:N0} of {FeatureTypes.Count * Pairs.Count * Pairs.Count:N0} generated names", finding.Message);
    }

    [Fact]
    public void Apply_WhenPlaceholderHasNoValues_ShouldBeUnknownNeverCompliant()
    {
        var record = Record("scripts/generate_mkt_tables.py",
            Template("mkt_{ft}_{variant}", 10, ("ft", new[] { "agg" })),
            Template("mkt_{ft}_{variant}", 11, ("ft", new[] { "agg" }), ("variant", new[] { "idx" })));

        Apply(record);

        Assert.Equal(GeneratorCompliance.Unknown, record.Compliance["M008"]);
        Assert.Empty(record.Findings);
    }

    [Fact]
    public void Apply_WhenPositionalPlaceholdersHaveIndexedValues_ShouldExpandThem()
    {
        var record = Record("scripts/generate_var.py",
            Template("{}.var_{}_{}_{}", 8, ("1", new[] { "agg" }), ("2", new[] { "idx" }), ("3", new[] { "eur", "EUR" })));

        Apply(record);

        Assert.Equal(GeneratorCompliance.NonCompliant, record.Compliance["M008"]);
        Assert.Contains("var_agg_idx_EUR (Case)", Assert.Single(record.Findings).Message);
    }

    [Fact]
    public void Apply_WhenSamePlaceholderRepeats_ShouldUseOneValueForBoth()
    {
        var record = Record("scripts/generate_corr.py",
            Template("corr_bqx_{p}_{p}", 5, ("p", new[] { "eurusd", "gbpusd" })),
            Template("base_{v}_{p}", 6, ("v", new[] { "idx" }), ("p", new[] { "eurusd" })));

        Apply(record);

        // corr matrix forms carry no ordering rule, so a repeated pair is compliant; two names, not four.
        Assert.Equal(GeneratorCompliance.Compliant, record.Compliance["M008"]);
    }

    [Fact]
    public void Apply_WhenTemplateExpandsBeyondTheLimit_ShouldSayItSampledAndClassifyTheSample()
    {
        var many = Enumerable.Range(0, 400).Select(i => $"w{i}").ToArray();
        var record = Record("scripts/generate_big.py",
            Template("agg_{a}_{b}", 9, ("a", new[] { "idx" }), ("b", many.Concat(Pairs).ToArray())),
            Template("lag_{v}_{p}_{w}", 12, ("v", many), ("p", many), ("w", new[] { "45" })));

        Apply(record);

        var sampled = Assert.Single(record.Findings, f => f.Rule == GeneratorCompliance.SampledRule);
        Assert.Equal(FindingSeverity.Info, sampled.Severity);
        Assert.Equal("scripts/generate_big.py:12", sampled.Location);
        Assert.Contains("160,000 names", sampled.Message);
        Assert.Contains("100,000", sampled.Message);
        var broken = record.Findings.Where(f => f.Rule == GeneratorCompliance.Rule).ToList();
        Assert.Equal(2, broken.Count);
        Assert.Contains("a deterministic sample of 100,000 from 160,000 generated names", broken[1].Message);
    }

    [Fact]
    public void Apply_WhenRunTwice_ShouldGiveTheSameSample()
    {
        ScriptRecord Make() => Record("scripts/g.py",
            Template("cov_{ft}_{v}_{p1}_{p2}_{x}", 1, ("ft", FeatureTypes.ToArray()), ("v", new[] { "idx", "bqx" }), ("p1", Pairs.ToArray()), ("p2", Pairs.ToArray()),
                ("x", Enumerable.Range(0, 20).Select(i => $"x{i}").ToArray())));
        var a = Make();
        var b = Make();

        Apply(a);
        Apply(b);

        Assert.Equal(a.Findings.Select(f => f.Message), b.Findings.Select(f => f.Message));
    }

    [Fact]
    public void Apply_WhenLiteralTablesBreakTheStandard_ShouldWarnAndIgnoreTemplatesAmongThem()
    {
        var record = Record("scripts/execute_m008_table_remediation.py");
        record.TablesWritten.AddRange(new[]
        {
            "bqx-ml.bqx_ml_v3_features_v2.agg_idx_eurusd",
            "`bqx-ml.bqx_ml_v3_features_v2.cov_agg_idx_gbpusd_eurusd`",
            "bqx_ml_v3_features_v2.cov_{ft}_{p1}_{p2}",
            "bqx_ml_v3_models.whatever_model",
        });

        Apply(record);

        Assert.Equal(GeneratorCompliance.NonCompliant, record.Compliance["M008"]);
        var finding = Assert.Single(record.Findings);
        Assert.Equal("scripts/execute_m008_table_remediation.py:1", finding.Location);
        Assert.Contains("cov_agg_idx_gbpusd_eurusd (AlphabeticalOrder)", finding.Message);
        Assert.Contains("1 of 3 literal table names", finding.Message);
    }

    [Fact]
    public void Apply_WhenScriptWritesOnlyTablesOutsideTheMandate_ShouldLeaveComplianceUnset()
    {
        var record = Record("scripts/train.py");
        record.TablesWritten.Add("bqx_ml_v3_models.MODEL_EURUSD");

        Apply(record);

        Assert.Empty(record.Compliance);
        Assert.Empty(record.Findings);
    }

    [Fact]
    public void Apply_WhenTemplateNamesALiteralDatasetOutsideTheMandate_ShouldNotJudgeItsNames()
    {
        var record = Record("scripts/train.py", Template("bqx_ml_v3_models.MODEL_{p}", 4, ("p", new[] { "eurusd" })));

        Apply(record);

        Assert.Empty(record.Findings);
        Assert.False(record.Compliance.ContainsKey("M008"));
    }

    [Fact]
    public void Apply_WhenInventoryDecidesStatus_ShouldMakeTheScriptPartial()
    {
        var record = Record("scripts/generate_cov_tables.py",
            Template("cov_{ft}_{v}_{p1}_{p2}", 7, ("ft", new[] { "agg" }), ("v", new[] { "idx" }), ("p1", new[] { "gbpusd" }), ("p2", new[] { "eurusd" })));

        Apply(record);
        BqxAudit.Inventory.InventoryService.Decide(record);

        Assert.Equal(ScriptStatus.Partial, record.Status);
    }

    [Fact]
    public void Apply_WhenCalledAgain_ShouldNotDuplicateFindings()
    {
        var record = Record("scripts/generate_cov_tables.py",
            Template("cov_{ft}_{v}_{p1}_{p2}", 7, ("ft", new[] { "agg" }), ("v", new[] { "idx" }), ("p1", new[] { "gbpusd" }), ("p2", new[] { "eurusd" })));

        Apply(record);
        Apply(record);

        Assert.Single(record.Findings);
    }

    [Fact]
    public void Apply_WhenProfileHasNoNamingMandate_ShouldChangeNothing()
    {
        var profile = ProfileLoader.Parse("name: bare\n", "bare.yaml");
        var record = Record("scripts/g.py", Template("cov_{a}", 1, ("a", new[] { "X" })));

        GeneratorCompliance.Apply(new[] { record }, profile);

        Assert.Empty(record.Compliance);
        Assert.Empty(record.Findings);
    }

    [Theory]
    [InlineData("tri_{ft}_{{literal}}_{x}", "tri_agg_{literal}_1")]
    [InlineData("`proj.ds.agg_{x}`", "agg_1")]
    [InlineData("proj:ds.agg_{x}", "agg_1")]
    public void TemplateName_WhenTemplateHasEscapesOrQualifiers_ShouldExpandTheTablePart(string template, string expected)
    {
        var parsed = GeneratorCompliance.TemplateName.Parse(new NameTemplate
        {
            Template = template,
            Values = new() { ["ft"] = new() { "agg" }, ["x"] = new() { "1" } },
        });

        Assert.NotNull(parsed);
        Assert.Equal(expected, Assert.Single(parsed.Expand(10)));
    }

    [Theory]
    [InlineData("agg_{x")]
    [InlineData("agg_{x}}}_{")]
    [InlineData("agg_{y}")]
    [InlineData("agg_{x:>4}")]
    public void TemplateName_WhenTemplateCannotBeExpanded_ShouldBeNull(string template)
    {
        var parsed = GeneratorCompliance.TemplateName.Parse(new NameTemplate
        {
            Template = template,
            Values = new() { ["x"] = new() { "1" } },
        });

        Assert.Null(parsed);
    }
}
