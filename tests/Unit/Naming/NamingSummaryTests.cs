using BqxAudit.Checks.Naming;
using BqxAudit.Model;
using static BqxAudit.Tests.Naming.NamingFixtures;

namespace BqxAudit.Tests.Naming;

public class NamingSummaryTests
{
    private static NamingSummary Summary()
    {
        var service = new NamingService();
        var entries = new[]
        {
            "agg_idx_eurusd", "mom_bqx_gbpusd",                          // primary Compliant ×2
            "AGG_EURUSD",                                                // primary NonCompliant: MissingVariant, Case
            "cov_agg_idx_gbpusd_eurusd", "COV_AGG_IDX_USDJPY_GBPUSD",    // cov NonCompliant: AlphabeticalOrder ×2, Case ×1
            "cov_agg_idx_eurusd_gbpusd",                                 // cov Compliant
            "training_data",                                             // NoRule
            "agg_idx_eurusd",                                            // duplicate
        }.Select(n => Entry(n, FeaturesDataset));
        return service.Summarize(service.Classify(entries, M008).ToList(), M008);
    }

    [Fact]
    public void Summarize_WhenResultsSpanFamilies_ShouldCountByFamilyStatusAndViolation()
    {
        var summary = Summary();

        Assert.Equal(7, summary.Names);
        Assert.Equal(8, summary.Listed);
        Assert.Equal(3, summary.StatusCount(NamingStatus.Compliant));
        Assert.Equal(3, summary.StatusCount(NamingStatus.NonCompliant));
        Assert.Equal(0, summary.StatusCount(NamingStatus.Exempt));
        Assert.Equal(1, summary.StatusCount(NamingStatus.NoRule));
        Assert.Equal(2, summary.ViolationCount(NamingViolation.Case));
        Assert.Equal(
            new[]
            {
                "cov Compliant (all) 1",
                "cov NonCompliant (all) 2",
                "cov NonCompliant AlphabeticalOrder 2",
                "cov NonCompliant Case 1",
                "primary Compliant (all) 2",
                "primary NonCompliant (all) 1",
                "primary NonCompliant MissingVariant 1",
                "primary NonCompliant Case 1",
                "(none) NoRule (all) 1",
            },
            summary.Rows.Select(r => r.ToString()));
    }

    [Fact]
    public void ToText_WhenSummaryIsPrinted_ShouldAlignColumnsUnderAHeader()
    {
        var text = Summary().ToText().ReplaceLineEndings("\n");

        var lines = text.Split('\n');
        Assert.Equal("M008: 7 names (8 listed) - Compliant 3, NonCompliant 3, Exempt 0, NoRule 1", lines[0]);
        Assert.Equal("Family   Status        Violation          Names", lines[1]);
        Assert.Equal("cov      NonCompliant  AlphabeticalOrder      2", lines[4]);
        Assert.Equal("(none)   NoRule        (all)                  1", lines[10]);
    }

    [Fact]
    public void Summarize_WhenNothingWasClassified_ShouldReportZeroes()
    {
        var summary = new NamingService().Summarize(Array.Empty<NamingResult>());

        Assert.Equal(0, summary.Names);
        Assert.Empty(summary.Rows);
        Assert.All(summary.ByStatus.Values, v => Assert.Equal(0, v));
    }
}
