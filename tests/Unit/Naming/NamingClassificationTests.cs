using BqxAudit.Checks.Naming;
using BqxAudit.Model;
using static BqxAudit.Tests.Naming.NamingFixtures;

namespace BqxAudit.Tests.Naming;

public class NamingClassificationTests
{
    private static NamingViolation[] Parse(string violations) =>
        violations.Length == 0 ? Array.Empty<NamingViolation>() : violations.Split(',').Select(Enum.Parse<NamingViolation>).ToArray();

    [Theory]
    // primary {feature_type}_{variant}_{pair}
    [InlineData("agg_idx_eurusd", "primary")]
    [InlineData("regime_bqx_chfjpy", "primary")]
    [InlineData("tmp_idx_usdjpy", "primary")]
    [InlineData("lag_idx_eurusd", "primary")]
    // cov_{feature_type}_{variant}_{pair1}_{pair2}, pairs alphabetical
    [InlineData("cov_agg_idx_eurusd_gbpusd", "cov")]
    [InlineData("cov_mom_bqx_audcad_usdjpy", "cov")]
    // tri_{feature_type}_{variant}_{curr1}_{curr2}_{curr3}, currencies alphabetical
    [InlineData("tri_agg_idx_eur_gbp_usd", "tri")]
    [InlineData("tri_vol_bqx_aud_cad_chf", "tri")]
    // var_{feature_type}_{variant}_{currency}
    [InlineData("var_agg_idx_eur", "var")]
    [InlineData("var_reg_bqx_nzd", "var")]
    [InlineData("cov_regime_idx_eurusd_gbpusd", "cov")]
    // corr_{asset_type}_{variant}_{pair}_{asset} and the matrix forms
    [InlineData("corr_etf_idx_eurusd_spy", "corr")]
    [InlineData("corr_bqx_eurusd_gbpusd", "corr")]
    [InlineData("corr_ibkr_audusd_usdjpy", "corr")]
    // base_{variant}_{pair}
    [InlineData("base_idx_eurusd", "base")]
    [InlineData("base_bqx_gbpjpy", "base")]
    // mkt_{feature_type}_{variant}
    [InlineData("mkt_agg_idx", "mkt")]
    [InlineData("mkt_sentiment_bqx", "mkt")]
    // lag_{variant}_{pair}_{window}
    [InlineData("lag_idx_eurusd_45", "lag")]
    [InlineData("lag_bqx_chfjpy_2880", "lag")]
    [InlineData("lag_idx_nzdcad_1440", "lag")]
    public void Classify_WhenNameFitsItsFamily_ShouldBeCompliant(string name, string family)
    {
        var result = Classify(M008, name);

        Assert.Equal(NamingStatus.Compliant, result.Status);
        Assert.Equal(family, result.Family);
        Assert.Empty(result.Violations);
        Assert.Null(result.SuggestedName);
        Assert.StartsWith($"M008/{family}: ", result.Rule);
    }

    [Theory]
    // primary
    [InlineData("agg_eurusd", "primary", "MissingVariant", null)]
    [InlineData("AGG_IDX_EURUSD", "primary", "Case", "agg_idx_eurusd")]
    [InlineData("Agg_Idx_EurUsd", "primary", "Case", "agg_idx_eurusd")]
    [InlineData("agg_xyz_eurusd", "primary", "UnknownComponent", null)]
    [InlineData("agg_idx_usdeur", "primary", "UnknownComponent", null)]
    [InlineData("foo_idx_eurusd", "primary", "UnknownComponent", null)]
    [InlineData("agg_eurusd_idx", "primary", "Pattern", null)]
    [InlineData("agg_idx_eurusd_extra", "primary", "Pattern", null)]
    [InlineData("agg__idx_eurusd", "primary", "Pattern", null)]
    [InlineData("AGG_EURUSD", "primary", "MissingVariant,Case", null)]
    // cov
    [InlineData("cov_agg_idx_gbpusd_eurusd", "cov", "AlphabeticalOrder", "cov_agg_idx_eurusd_gbpusd")]
    [InlineData("cov_agg_eurusd_gbpusd", "cov", "MissingVariant", null)]
    [InlineData("COV_AGG_IDX_GBPUSD_EURUSD", "cov", "AlphabeticalOrder,Case", "cov_agg_idx_eurusd_gbpusd")]
    [InlineData("cov_agg_idx_eurusd_eurusd", "cov", "AlphabeticalOrder", null)]
    [InlineData("cov_agg_idx_eurusd_xxxyyy", "cov", "UnknownComponent", null)]
    [InlineData("cov_agg_idx_usdeur_eurusd", "cov", "UnknownComponent", null)]
    [InlineData("cov_agg_idx_eurusd", "cov", "Pattern", null)]
    [InlineData("cov_foo_idx_gbpusd_eurusd", "cov", "AlphabeticalOrder,UnknownComponent", null)]
    [InlineData("cov_agg_idx_eurusd_gbpusd_usdjpy", "cov", "Pattern", null)]
    // tri
    [InlineData("tri_agg_idx_usd_eur_gbp", "tri", "AlphabeticalOrder", "tri_agg_idx_eur_gbp_usd")]
    [InlineData("tri_agg_idx_eur_usd_gbp", "tri", "AlphabeticalOrder", "tri_agg_idx_eur_gbp_usd")]
    [InlineData("tri_agg_eur_gbp_usd", "tri", "MissingVariant", null)]
    [InlineData("tri_agg_idx_eur_gbp_xyz", "tri", "UnknownComponent", null)]
    [InlineData("tri_agg_idx_eur_gbp", "tri", "Pattern", null)]
    [InlineData("tri_agg_idx_usd_eurgbp", "tri", "Pattern", null)]
    [InlineData("TRI_AGG_IDX_USD_EUR_GBP", "tri", "AlphabeticalOrder,Case", "tri_agg_idx_eur_gbp_usd")]
    // var
    [InlineData("var_agg_eur", "var", "MissingVariant", null)]
    // each family has its own feature types (M008 §1, §5.1)
    [InlineData("var_der_bqx_nzd", "var", "UnknownComponent", null)]
    [InlineData("var_corr_bqx_usd", "var", "UnknownComponent", null)]
    [InlineData("var_corr_usd", "var", "MissingVariant,UnknownComponent", null)]
    [InlineData("tri_der_idx_eur_gbp_usd", "tri", "UnknownComponent", null)]
    [InlineData("cov_der_idx_eurusd_gbpusd", "cov", "UnknownComponent", null)]
    [InlineData("mkt_cyc_bqx", "mkt", "UnknownComponent", null)]
    [InlineData("var_agg_idx_eurusd", "var", "UnknownComponent", null)]
    [InlineData("Var_Agg_Idx_Eur", "var", "Case", "var_agg_idx_eur")]
    // corr
    [InlineData("corr_etf_eurusd_spy", "corr", "MissingVariant", null)]
    [InlineData("corr_etf_idx_xxxyyy_spy", "corr", "UnknownComponent", null)]
    [InlineData("CORR_BQX_EURUSD_GBPUSD", "corr", "Case", "corr_bqx_eurusd_gbpusd")]
    // base
    [InlineData("base_eurusd", "base", "MissingVariant", null)]
    [InlineData("base_idx_eurusd_45", "base", "Pattern", null)]
    [InlineData("BASE_IDX_EURUSD", "base", "Case", "base_idx_eurusd")]
    [InlineData("base_idx_xxxyyy", "base", "UnknownComponent", null)]
    // mkt
    [InlineData("mkt_agg", "mkt", "MissingVariant", null)]
    [InlineData("mkt_xyz_idx", "mkt", "UnknownComponent", null)]
    [InlineData("mkt_idx_agg", "mkt", "Pattern", null)]
    // lag
    [InlineData("lag_idx_eurusd_46", "lag", "WindowSuffix", null)]
    [InlineData("lag_idx_eurusd_w45", "lag", "WindowSuffix", null)]
    [InlineData("lag_eurusd_45", "lag", "MissingVariant", null)]
    [InlineData("lag_idx_usdeur_45", "lag", "UnknownComponent", null)]
    [InlineData("LAG_IDX_EURUSD_45", "lag", "Case", "lag_idx_eurusd_45")]
    public void Classify_WhenNameBreaksItsFamily_ShouldReportEveryViolation(string name, string family, string violations, string? suggestion)
    {
        var result = Classify(M008, name);

        Assert.Equal(NamingStatus.NonCompliant, result.Status);
        Assert.Equal(family, result.Family);
        Assert.Equal(Parse(violations), result.Violations);
        Assert.Equal(suggestion, result.SuggestedName);
        Assert.NotEmpty(result.Details);
        if (suggestion is null)
        {
            Assert.False(string.IsNullOrWhiteSpace(result.Reason));
        }
        else
        {
            Assert.Null(result.Reason);
            Assert.Equal(NamingStatus.Compliant, Classify(M008, suggestion).Status);
        }
    }

    [Theory]
    [InlineData("training_data_v2")]
    [InlineData("eurusd")]
    [InlineData("x")]
    [InlineData("model_2025_12_13_final")]
    // prefixes the standard does not cover are never forced into the nearest family
    [InlineData("csi_agg_bqx_aud")]
    [InlineData("csi_agg_aud")]
    [InlineData("targets_eurusd_45")]
    [InlineData("covv_agg_idx_eurusd_gbpusd")]
    public void Classify_WhenNoFamilyExplainsTheName_ShouldBeNoRule(string name)
    {
        var result = Classify(M008, name);

        Assert.Equal(NamingStatus.NoRule, result.Status);
        Assert.Null(result.Family);
        Assert.Equal("M008", result.Rule);
        Assert.Contains("no family", result.Reason);
    }

    [Fact]
    public void Classify_WhenDatasetIsOutsideTheMandate_ShouldBeNoRuleNamingTheDataset()
    {
        var result = Classify(M008, "AGG_IDX_EURUSD", "bqx_ml_v3_models");

        Assert.Equal(NamingStatus.NoRule, result.Status);
        Assert.Contains("bqx_ml_v3_models", result.Reason);
        Assert.Contains(FeaturesDataset, result.Reason);
    }

    [Fact]
    public void Classify_WhenDatasetIsTheMandates_ShouldClassify()
    {
        var result = Classify(M008, "agg_idx_eurusd", FeaturesDataset);

        Assert.Equal(NamingStatus.Compliant, result.Status);
        Assert.Equal(FeaturesDataset, result.Dataset);
    }

    [Fact]
    public void Classify_WhenVariantIsMissing_ShouldExplainThatAVariantIsNeverAssumed()
    {
        var result = Classify(M008, "cov_agg_eurusd_gbpusd");

        Assert.Null(result.SuggestedName);
        Assert.Contains("never assumed", result.Reason);
        Assert.Contains("generator", result.Reason);
        Assert.Contains(result.Details, d => d.Contains("variant") && d.Contains("missing"));
    }

    [Theory]
    [InlineData("agg_eurusd", "MissingVariant")]
    [InlineData("cov_agg_eurusd_gbpusd", "MissingVariant")]
    [InlineData("cov_agg_gbpusd_eurusd", "MissingVariant,AlphabeticalOrder")]
    [InlineData("COV_MOM_USDJPY_EURUSD", "MissingVariant,AlphabeticalOrder,Case")]
    public void Classify_WhenVariantIsMissingBesideFixableViolations_ShouldSuggestNothing(string name, string violations)
    {
        var result = Classify(T1, name);

        Assert.Equal(NamingStatus.NonCompliant, result.Status);
        Assert.Equal(Parse(violations), result.Violations);
        Assert.Null(result.SuggestedName);
        Assert.Contains("never assumed", result.Reason);
    }

    [Fact]
    public void Classify_WhenTriLacksItsVariant_ShouldNotGuessOne()
    {
        var result = Classify(T1, "tri_eur_gbp_usd");

        Assert.Equal(new[] { NamingViolation.MissingVariant }, result.Violations);
        Assert.Null(result.SuggestedName);
    }

    [Fact]
    public void Classify_WhenWindowSuffixIsMissing_ShouldReportWindowSuffix()
    {
        var result = Classify(T1, "win_idx_eurusd");

        Assert.Equal("win", result.Family);
        Assert.Equal(new[] { NamingViolation.WindowSuffix }, result.Violations);
        Assert.Contains(result.Details, d => d.Contains("window suffix") && d.Contains("45, 90"));
    }

    [Theory]
    [InlineData("tmp_anything_at_all", "tmp_*", "scratch tables")]
    [InlineData("AGG_IDX_EURUSD_backup_1213", "*_backup_????", "dated backups")]
    [InlineData("TMP_X", "tmp_*", "scratch tables")]
    public void Classify_WhenNameMatchesAnExemption_ShouldBeExempt(string name, string pattern, string reason)
    {
        var result = Classify(T1, name);

        Assert.Equal(NamingStatus.Exempt, result.Status);
        Assert.Equal($"T1/exemption: {pattern}", result.Rule);
        Assert.Equal(reason, result.Reason);
        Assert.Empty(result.Violations);
    }

    [Fact]
    public void Classify_WhenExemptionPatternDoesNotCoverTheName_ShouldClassifyIt()
    {
        var result = Classify(T1, "agg_idx_eurusd_backup_12345");

        Assert.NotEqual(NamingStatus.Exempt, result.Status);
    }

    [Fact]
    public void Classify_WhenFamilyAllowsAnyCase_ShouldNotReportCase()
    {
        var result = Classify(T1, "open_idx_SomeThing");

        Assert.Equal(NamingStatus.Compliant, result.Status);
        Assert.Equal("open", result.Family);
    }

    [Fact]
    public void Classify_WhenWildcardComponentHoldsNonWord_ShouldReportUnknownComponent()
    {
        var result = Classify(T1, "open_idx_some-thing");

        Assert.Equal("open", result.Family);
        Assert.Equal(new[] { NamingViolation.UnknownComponent }, result.Violations);
    }

    [Fact]
    public void Classify_WhenSeveralWordsAreWrong_ShouldDetailEachInNameOrder()
    {
        var result = Classify(M008, "cov_foo_idx_gbpusd_xxxyyy");

        Assert.Equal(new[] { NamingViolation.UnknownComponent }, result.Violations);
        Assert.Equal(2, result.Details.Count(d => d.Contains("not an allowed")));
        Assert.Contains("word 2 'foo'", result.Details[0]);
        Assert.Contains("word 5 'xxxyyy'", result.Details[1]);
    }

    [Fact]
    public void Classify_WhenNameHasMoreThanMaxWords_ShouldReportPatternWithoutThrowing()
    {
        var name = "agg_" + string.Join("_", Enumerable.Repeat("idx", 40));
        var result = Classify(M008, name);

        Assert.Equal(NamingStatus.NonCompliant, result.Status);
        Assert.Equal(new[] { NamingViolation.Pattern }, result.Violations);
    }

    [Fact]
    public void Classify_WhenNamesRepeat_ShouldReturnOneResultWithTheCount()
    {
        var service = new NamingService();
        var entries = new[]
        {
            Entry("agg_idx_eurusd", FeaturesDataset),
            Entry("AGG_IDX_EURUSD", FeaturesDataset),
            Entry("agg_idx_eurusd", FeaturesDataset),
            Entry("agg_idx_eurusd", "other"),
            new TableNameEntry("agg_idx_eurusd", "file", FeaturesDataset) { Count = 3 },
        };

        var results = service.Classify(entries, M008).ToList();

        Assert.Equal(3, results.Count);
        Assert.Equal(5, results[0].Count);
        Assert.Equal(1, results[1].Count);
        Assert.Equal(1, results[2].Count);
    }

    [Fact]
    public void Classify_WhenEnumerated_ShouldStreamResultsBeforeInputEnds()
    {
        var service = new NamingService();
        var produced = 0;
        IEnumerable<TableNameEntry> Source()
        {
            for (var i = 0; i < 3; i++)
            {
                produced++;
                yield return Entry($"agg_idx_{(i == 0 ? "eurusd" : i == 1 ? "gbpusd" : "usdjpy")}");
            }
        }

        using var e = service.Classify(Source(), M008).GetEnumerator();
        Assert.True(e.MoveNext());

        Assert.Equal(1, produced);
        Assert.Equal("agg_idx_eurusd", e.Current.TableName);
    }

    [Fact]
    public void Classify_WhenMandateIsNotNaming_ShouldThrowProfileInvalid()
    {
        var mandate = new BqxAudit.Configuration.MandateProfile { Id = "X", Kind = "columns" };

        var e = Assert.Throws<BqxAudit.Hosting.BqxException>(() => new NamingService().Classify(Entry("a"), mandate));

        Assert.Equal(BqxAudit.Hosting.ErrorIds.ProfileInvalid, e.Error.ErrorId);
    }

    [Fact]
    public void Classify_WhenResultIsSerialised_ShouldWriteEnumsAsNames()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(Classify(M008, "cov_agg_idx_gbpusd_eurusd"));

        Assert.Contains("\"Status\":\"NonCompliant\"", json);
        Assert.Contains("\"Violations\":[\"AlphabeticalOrder\"]", json);
        Assert.Contains("\"SuggestedName\":\"cov_agg_idx_eurusd_gbpusd\"", json);
        Assert.Contains("\"Details\":[\"pair1, pair2 must be in alphabetical order", json);
    }

    [Fact]
    public void Classify_WhenManyNamesBreakTheSameWay_ShouldExplainEachWithItsOwnWords()
    {
        var results = ClassifyAll(M008, "agg_idx_usdeur", "mom_bqx_xxxyyy", "agg_idx_eurusd");

        Assert.Contains("'usdeur'", Assert.Single(results[0].Details));
        Assert.Contains("'xxxyyy'", Assert.Single(results[1].Details));
        Assert.Empty(results[2].Details);
    }

    [Fact]
    public void Classify_WhenDetailsAreReplaced_ShouldKeepTheNewValue()
    {
        var result = Classify(M008, "agg_idx_usdeur");

        result.Details = new[] { "edited" };

        Assert.Equal(new[] { "edited" }, result.Details);
    }
}
