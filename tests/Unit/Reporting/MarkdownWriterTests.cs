using BqxAudit.Model;
using BqxAudit.Reporting;
using static BqxAudit.Tests.Reporting.ReportTestKit;

namespace BqxAudit.Tests.Reporting;

public class MarkdownWriterTests
{
    [Theory]
    [InlineData("plain words", "plain words")]
    [InlineData("bqx_ml_v3_features_v2", "bqx_ml_v3_features_v2")]
    [InlineData("__init__.py", "\\_\\_init\\_\\_.py")]
    [InlineData("a | b", "a \\| b")]
    [InlineData("two\nlines\r\nhere", "two lines  here")]
    [InlineData("<script>alert(1)</script>", "\\<script>alert(1)\\</script>")]
    [InlineData("[click](https://evil.example)", "\\[click\\](https://evil.example)")]
    [InlineData("*bold* and \\escape", "\\*bold\\* and \\\\escape")]
    [InlineData("run `gcloud auth login` first", "run `gcloud auth login` first")]
    [InlineData("a `pipe | inside` code", "a \\`pipe \\| inside\\` code")]
    [InlineData("&amp; and R&D", "\\&amp; and R&D")]
    [InlineData(">=3.0.0", ">=3.0.0")]
    [InlineData("", "")]
    public void Text_WhenTextHasMarkdownSyntax_ShouldEscapeIt(string text, string expected)
    {
        Assert.Equal(expected, MarkdownBuilder.Text(text));
    }

    [Theory]
    [InlineData("scripts/x.py:42", "`scripts/x.py:42`")]
    [InlineData("a|b", "a\\|b")]
    [InlineData("has `tick`", "has `tick`")]
    public void Code_WhenTextCannotBeACodeSpan_ShouldFallBackToEscapedText(string text, string expected)
    {
        Assert.Equal(expected, MarkdownBuilder.Code(text));
    }

    [Fact]
    public void Table_WhenCellsAreEmptyOrRightAligned_ShouldWriteAPipeTable()
    {
        var md = new MarkdownBuilder().Table(new[] { "Name", "Count" }, new[] { new[] { "a", "1" }, new[] { "", "22" } }, new[] { false, true }).ToString();

        Assert.Equal("| Name | Count |\n|---|---:|\n| a | 1 |\n|   | 22 |\n\n", md);
    }

    [Theory]
    [InlineData("M008 Phase 4C", "M008_PHASE4C")]
    [InlineData("m008-phase-4c", "M008_PHASE4C")]
    [InlineData("Step 6: Extract & Merge", "STEP_6_EXTRACT_MERGE")]
    [InlineData("Phase two", "PHASE_TWO")]
    [InlineData("../../etc", "ETC")]
    [InlineData("  ", "PHASE")]
    public void PhaseToken_WhenPhaseNamed_ShouldUpperCaseAndJoinWithUnderscores(string phase, string expected)
    {
        Assert.Equal(expected, ReportNames.PhaseToken(phase));
    }

    [Fact]
    public void FileNames_WhenExampleProfile_ShouldBeTheDirectiveNames()
    {
        var result = SyntheticAudit.Create(blockers: 3);

        var names = ReportExporter.Names(result, Enum.GetValues<ReportFormat>()).Select(n => n.FileName);

        Assert.Equal(new[]
        {
            "IMPLEMENTATION_SCRIPT_INVENTORY_20251213.md", "IMPLEMENTATION_SCRIPT_INVENTORY_20251213.html",
            "M008_PHASE4C_READINESS_REPORT_20251213.md", "M008_PHASE4C_READINESS_REPORT_20251213.html",
            "INFRASTRUCTURE_READINESS_REPORT_20251213.md", "INFRASTRUCTURE_READINESS_REPORT_20251213.html",
            "DEPENDENCY_ANALYSIS_20251213.md", "DEPENDENCY_ANALYSIS_20251213.html",
            "EXECUTION_BLOCKER_ANALYSIS_20251213.md", "EXECUTION_BLOCKER_ANALYSIS_20251213.html",
            "BA_AUDIT_SUMMARY_20251213.md", "BA_AUDIT_SUMMARY_20251213.html",
            "AUDIT_RESULT_20251213.json", "AUDIT_20251213.sarif", "AUDIT_20251213.junit.xml",
        }, names);
    }

    [Fact]
    public void BlockerAnalysis_WhenOneBlocker_ShouldWriteTheDirectiveBlock()
    {
        var result = SyntheticAudit.Create(blockers: 1);
        var b = result.Blockers[0];
        b.Title = "LAG consolidation script missing";
        b.Impact = "Cannot execute LAG consolidation (224→56 tables)";
        b.AffectedPhase = "M008-4C";
        b.EstimatedDelay = new HoursRange { Min = 6, Max = 12 };
        b.Mitigation = "Create script immediately";
        b.Workaround = "Rename LAG tables instead of consolidate (Option B)";
        b.RecommendedAction = "Create consolidation script, pilot with 5 pairs";
        b.Description = "";

        var md = MarkdownReportWriter.Write(result, Deliverable.Blockers);

        var expected = $"""
            ### Blocker: LAG consolidation script missing

            **Id**: `{b.Id}`
            **Type**: P0-CRITICAL
            **Category**: Script
            **Impact**: Cannot execute LAG consolidation (224→56 tables)
            **Affected Phase**: M008-4C
            **Estimated Delay**: 6-12 hours
            **Mitigation**: Create script immediately
            **Workaround**: Rename LAG tables instead of consolidate (Option B)
            **Recommended Action**: Create consolidation script, pilot with 5 pairs
            **Source**: ScriptRecord `scripts/generate_00000.py` (script.missing-phase-task), rule `script.missing-phase-task`

            """;
        Assert.Contains(expected.ReplaceLineEndings("\n"), md);
    }

    [Fact]
    public void Reports_WhenGoDecision_ShouldOpenWithTheVerdictLines()
    {
        var result = SyntheticAudit.Create(blockers: 0, findings: 8, checks: 0);
        foreach (var s in result.Scripts)
        {
            s.Status = ScriptStatus.Ready;
        }

        result.Readiness.Decision = Decision.Go;
        result.Readiness.RiskLevel = RiskLevel.Low;

        var inventory = MarkdownReportWriter.Write(result, Deliverable.ScriptInventory);

        Assert.StartsWith("""
            # Implementation Script Inventory: M008 Phase 4C

            **Verdict**: all 4 scripts READY ✅
            **Decision**: GO ✅ for M008 Phase 4C (risk LOW)
            **Report date**: 2025-12-13
            **Scripts**: 4 — READY ✅ 4 · PARTIAL ⚠️ 0 · MISSING ❌ 0 · BLOCKED 🔴 0
            **Findings**: 8 — Info 3 · Warning 3 · Error 2

            """.ReplaceLineEndings("\n"), inventory);
        Assert.StartsWith("**Verdict**: no blocker found in any measured area", MarkdownReportWriter.Write(result, Deliverable.Blockers).Split('\n')[2]);
        Assert.Contains("no infrastructure check ran", MarkdownReportWriter.Write(result, Deliverable.Infrastructure).Split('\n')[2]);
    }

    [Fact]
    public void Reports_WhenInputArrivesInAnotherOrder_ShouldWriteTheSameText()
    {
        var a = SyntheticAudit.Create(blockers: 200, findings: 100, checks: 60);
        var b = SyntheticAudit.Create(blockers: 200, findings: 100, checks: 60);
        b.Scripts.Reverse();
        b.Infrastructure.Reverse();
        b.Dependencies.Reverse();

        foreach (var d in ReportNames.Deliverables)
        {
            Assert.Equal(MarkdownReportWriter.Write(a, d), MarkdownReportWriter.Write(b, d));
        }
    }

    [Fact]
    public void Reports_WhenAuditTextCarriesMarkup_ShouldNotBreakTablesNorReachTheHtml()
    {
        var result = SyntheticAudit.Create(blockers: 5, findings: 8, checks: 12);
        result.Blockers[0].Title = "<script>alert('x')</script> | [link](https://evil.example) ![img](http://evil.example/x.png)";
        result.Scripts[0].Findings[0].Message = "two\nlines | <img src=\"https://evil.example/a.png\">";

        foreach (var document in MarkdownReportWriter.BuildAll(result))
        {
            foreach (var table in document.Markdown.Split("\n\n").Where(block => block.StartsWith('|')))
            {
                var widths = table.Split('\n').Where(l => l.Length > 0).Select(l => Cells(l).Length).Distinct().ToList();
                Assert.Single(widths);
            }

            var html = HtmlReportWriter.Render(document);
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch(@"(src|href)\s*=\s*[""']?\s*(https?:)?//", html);
        }
    }

    [Fact]
    public void ResolutionPlan_WhenDelaysCrossTheEndOfTheDay_ShouldContinueOnTheNextWorkingMorning()
    {
        var result = SyntheticAudit.Create(blockers: 0);
        var blockers = new[] { (Priority.P1, 3.0), (Priority.P0, 6.0), (Priority.P0, 2.0), (Priority.P2, 5.0) }
            .Select((x, i) => new Blocker { Id = $"BQX-0000000{i}", Title = $"b{i}", Priority = x.Item1, EstimatedDelay = new HoursRange { Min = 1, Max = x.Item2 } })
            .ToList();
        result.Readiness.Blockers = blockers;
        result.Readiness.StartDate = new DateTimeOffset(2025, 12, 12, 9, 0, 0, TimeSpan.Zero); // a Friday

        var plan = ReportCharts.ResolutionPlan(result);

        Assert.Equal(new[] { "BQX-00000001 b1", "BQX-00000002 b2", "BQX-00000000 b0" }, plan.Select(p => p.Label));
        Assert.Equal(new[] { "P0-CRITICAL", "P0-CRITICAL", "P1-HIGH" }, plan.Select(p => p.Section));
        var t = (int day, int hour) => new DateTimeOffset(2025, 12, day, hour, 0, 0, TimeSpan.Zero);
        Assert.Equal((t(12, 9), t(12, 15)), (plan[0].Start, plan[0].End));
        Assert.Equal((t(12, 15), t(12, 17)), (plan[1].Start, plan[1].End)); // ends at 17:00, not on Monday
        Assert.Equal((t(15, 9), t(15, 12)), (plan[2].Start, plan[2].End)); // the weekend is skipped
        Assert.Equal(new[] { true, true, false }, plan.Select(p => p.Critical));
    }

    [Fact]
    public void ResolutionPlan_WhenManyBlockers_ShouldFoldTheRestIntoOneBarPerPriority()
    {
        var result = SyntheticAudit.Create(blockers: 3_000);

        var plan = ReportCharts.ResolutionPlan(result);

        Assert.Equal(2 * ReportCharts.BarsPerPriority, plan.Count);
        var p0 = result.Readiness.Blockers.Count(b => b.Priority == Priority.P0);
        Assert.Equal($"{p0 - ReportCharts.BarsPerPriority + 1} more P0 blockers", plan[ReportCharts.BarsPerPriority - 1].Label);
        Assert.All(plan.Zip(plan.Skip(1)), pair => Assert.True(pair.First.End <= pair.Second.Start));
    }
}
