using System.Text.Json;
using System.Text.RegularExpressions;
using BqxAudit.Model;
using BqxAudit.Reporting;
using static BqxAudit.Tests.Reporting.ReportTestKit;

namespace BqxAudit.Tests.Reporting;

/// <summary>The reports of the example repository (offline, dated): what the chief engineer reads, checked against the JSON.</summary>
public class ExampleReportTests
{
    private static readonly Lazy<IReadOnlyDictionary<Deliverable, string>> Markdown = new(() =>
        MarkdownReportWriter.BuildAll(ExampleResult).ToDictionary(d => d.Deliverable, d => d.Markdown));

    private static readonly Lazy<JsonElement> Json = new(() => JsonDocument.Parse(JsonReportWriter.Write(ExampleResult)).RootElement.Clone());

    private static string Md(Deliverable d) => Markdown.Value[d];

    private static IEnumerable<JsonElement> Array(string name) => Json.Value.GetProperty(name).EnumerateArray();

    private static Dictionary<string, long> CountBy(IEnumerable<JsonElement> items, string property) =>
        items.GroupBy(i => i.GetProperty(property).GetString()!).ToDictionary(g => g.Key, g => (long)g.Count());

    /// <summary>The report's counts keyed by enum name: every enum value present, and each number equal to the JSON's.</summary>
    private static void AssertCounts<T>(string line, IEnumerable<JsonElement> items, string property, Func<T, string> word)
        where T : struct, Enum
    {
        var (total, counts) = Counts(line);
        var expected = CountBy(items, property);
        Assert.Equal(expected.Values.Sum(), total);
        foreach (var value in Enum.GetValues<T>())
        {
            Assert.True(counts.ContainsKey(word(value)), $"'{word(value)}' missing from '{line}'");
            Assert.Equal(expected.GetValueOrDefault(value.ToString()), counts[word(value)]);
        }
    }

    [Fact]
    public void Summary_WhenExampleAudited_ShouldNameThePhasesP0AndP1BlockersAndCountTheRest()
    {
        var summary = Md(Deliverable.Summary);
        var r = ExampleResult;

        var urgent = r.Readiness.Blockers.Where(b => b.Priority <= Priority.P1).OrderBy(b => b.Priority).ToList();
        var named = Regex.Matches(summary, @"^- \*\*(P[01])\*\* `(BQX-[0-9A-F]{8})` (.+)$", RegexOptions.Multiline).ToList();
        Assert.Equal(urgent.Select(b => b.Id), named.Select(m => m.Groups[2].Value));
        Assert.Equal(urgent.Select(b => MarkdownBuilder.Text(b.Title)), named.Select(m => m.Groups[3].Value)); // whole titles
        var lower = r.Readiness.Blockers.Count(b => b.Priority > Priority.P1);
        var repository = r.Blockers.Count(b => b.AffectedPhase is null);
        Assert.True(repository > 0);
        Assert.Contains(lower == 0 ? "Also " : $"Also {lower} P2/P3 phase blocker", summary);
        Assert.Contains($"{repository} repository findings that touch nothing the phase runs", summary);
        Assert.DoesNotContain("| Id | P | Title |", summary); // no blocker table: the readiness report has the phase's
        var counts = Table(summary, "## Counts").ToDictionary(row => row[0], row => Number(row[1]));
        Assert.Equal(r.Readiness.Blockers.Count, counts["Phase blockers"]);
        Assert.Equal(repository, counts["Repository findings"]);
    }

    [Fact]
    public void Reports_WhenExampleAuditedOffline_ShouldCarryOneCloudNotMeasuredP0CountedOnceOnTheCriticalPath()
    {
        var r = ExampleResult;

        var cloud = Assert.Single(r.Blockers, b => b.Rule == "infra.not-verified");
        Assert.Equal("Cloud not measured: offline", cloud.Title);
        Assert.Equal(Priority.P0, cloud.Priority);
        Assert.Equal("M008-4C", cloud.AffectedPhase);
        Assert.Equal(r.Infrastructure.Select(c => c.Kind.ToString()).Distinct().OrderBy(k => k, StringComparer.Ordinal), cloud.Evidence.Select(e => e.Location));
        // The rename-collision check of the listing is online too; one measured run resolves both, so the path counts the longest once.
        var together = r.Readiness.Blockers.Where(b => b.ResolvedBy == cloud.ResolvedBy).ToList();
        Assert.Contains(cloud, together);
        var summary = Md(Deliverable.Summary);
        var section = summary[summary.IndexOf("## Blockers", StringComparison.Ordinal)..summary.IndexOf("## Critical questions", StringComparison.Ordinal)];
        Assert.Single(Regex.Matches(section, "Cloud not measured"));
        Assert.Contains("they are one P0 blocker", summary);
        Assert.Matches(@"\*\*P0\*\* `BQX-[0-9A-F]{8}` Cloud not measured: offline", summary);
    }

    [Fact]
    public void Summary_WhenExampleAudited_ShouldPutNoGoFirstAndFitThreePages()
    {
        var summary = Md(Deliverable.Summary);

        var lines = summary.Split('\n');
        Assert.StartsWith("# Audit Summary: M008 Phase 4C", lines[0]);
        Assert.Equal("## Decision: NO-GO ❌", lines.First(l => l.StartsWith("## ", StringComparison.Ordinal)));
        Assert.True(LineCount(summary) <= 150, $"{LineCount(summary)} lines");
        Assert.True(summary.Length <= 9000, $"{summary.Length} characters");
    }

    [Fact]
    public void Reports_WhenExampleAuditedOffline_ShouldSayTheUnverifiedCloudIsAP0BlockerAndNeverGo()
    {
        var r = ExampleResult;

        Assert.True(r.Run.Offline);
        Assert.Equal(Decision.NoGo, r.Readiness.Decision);
        var unverified = r.Blockers.Where(b => b.Rule == "infra.not-verified").ToList();
        Assert.NotEmpty(unverified);
        Assert.All(unverified, b => Assert.Equal(Priority.P0, b.Priority));
        Assert.Contains("Cloud not measured", r.Readiness.DecisionReason, StringComparison.Ordinal);

        var checks = r.Infrastructure.Count;
        var areas = r.Infrastructure.Select(c => c.Kind).Distinct().Count();
        Assert.All(r.Infrastructure, c => Assert.Equal(InfraCheckStatus.NotVerified, c.Status));
        Assert.Contains($"**Unmeasured ground**: {checks} infrastructure checks in {areas} areas not measured (offline); they are one P0 blocker", Md(Deliverable.Summary));
        var infra = Md(Deliverable.Infrastructure);
        Assert.StartsWith($"NOT VERIFIED ❔: {checks} of {checks} checks not measured", Field(infra, "Verdict"));
        Assert.Contains("The audit ran offline: no cloud call was made", infra);
        var notVerified = Table(infra, "## Not verified");
        Assert.Equal(r.Infrastructure.Select(c => c.Kind.ToString()).Distinct(), notVerified.Select(row => row[0]));
        Assert.All(notVerified, row => Assert.Equal("not measured: offline", row[2]));
        Assert.All(notVerified, row => Assert.Equal(Assert.Single(unverified).Id, Plain(row[3])));
    }

    [Fact]
    public void InfrastructureReport_WhenOffline_ShouldListUnmeasuredDatasetsAsRowsAndShareIdenticalEvidence()
    {
        var r = ExampleResult;
        var infra = Md(Deliverable.Infrastructure);
        var datasets = r.Infrastructure.Where(c => c.Kind == InfraCheckKind.BigQueryDataset).ToList();

        Assert.DoesNotContain("### BigQuery Dataset:", infra); // nothing was measured: no block of "not measured" lines
        Assert.Contains($"{datasets.Count} datasets not measured", infra);
        var evidence = infra[infra.IndexOf("## Evidence", StringComparison.Ordinal)..];
        // Checks whose evidence is the same word for word (every check of an offline run) share one list, stated once.
        var lists = Regex.Matches(evidence, @"^(\d+) checks \(([^)]+)\) on ", RegexOptions.Multiline).ToList();
        Assert.NotEmpty(lists);
        Assert.Equal(lists.Count, lists.Select(m => m.Value).Distinct().Count());
        Assert.All(lists, m => Assert.Equal(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            m.Groups[2].Value.Split(", ").Sum(k => int.Parse(k.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(r.Infrastructure.Count, lists.Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
                                             + Regex.Matches(evidence, @"^\w+ `[^`]+` \(", RegexOptions.Multiline).Count);
    }

    [Fact]
    public void MarkdownReports_WhenExampleAudited_ShouldCarryTheNumbersOfTheJson()
    {
        var json = Json.Value;
        var readiness = json.GetProperty("Readiness");
        var decision = ReportText.Decision(Enum.Parse<Decision>(readiness.GetProperty("Decision").GetString()!));
        foreach (var d in ReportNames.Deliverables.Where(d => d != Deliverable.Summary))
        {
            Assert.StartsWith(decision + " for M008 Phase 4C", Field(Md(d), "Decision"));
        }

        Assert.Contains($"## Decision: {decision}", Md(Deliverable.Summary));

        // Inventory: status and severity counts, then every script: a block when it needs attention, else one row.
        var inventory = Md(Deliverable.ScriptInventory);
        AssertCounts<ScriptStatus>(Field(inventory, "Scripts"), Array("Scripts"), "Status", ReportText.Status);
        AssertCounts<FindingSeverity>(Field(inventory, "Findings"), Array("Scripts").SelectMany(s => s.GetProperty("Findings").EnumerateArray()), "Severity", s => s.ToString());
        var rows = Table(inventory, "## Other scripts");
        var scripts = Array("Scripts").ToDictionary(s => s.GetProperty("Path").GetString()!);
        var blocks = Regex.Matches(inventory, @"^### Script: ", RegexOptions.Multiline).Count;
        Assert.Equal(scripts.Count, rows.Count + blocks);
        Assert.Equal(Array("Scripts").Count(s => s.GetProperty("Status").GetString() != "Ready" || s.GetProperty("PhaseTasks").GetArrayLength() > 0), blocks);
        foreach (var row in rows)
        {
            var s = scripts[Plain(row[0])];
            Assert.Equal(s.GetProperty("Lines").GetInt64(), Number(row[2]));
            Assert.Equal(s.GetProperty("Findings").GetArrayLength(), Number(row[3]));
            Assert.Equal("Ready", s.GetProperty("Status").GetString()); // the section says so once instead of a column of the same word
        }

        var kinds = Table(inventory, "## Totals per kind").ToDictionary(r => r[0], r => Number(r[1]));
        Assert.Equal(Array("Scripts").GroupBy(s => s.GetProperty("Kind").GetString()!).ToDictionary(g => g.Key, g => (long)g.Count()), kinds);

        // Readiness: phase blockers, critical path, tasks (claimed vs measured), naming and rename counts.
        var phase = Md(Deliverable.PhaseReadiness);
        AssertCounts<Priority>(Field(phase, "Phase blockers"), readiness.GetProperty("Blockers").EnumerateArray(), "Priority", p => p.ToString());
        var path = readiness.GetProperty("CriticalPathHours");
        Assert.StartsWith(FormattableString.Invariant($"{path.GetProperty("Min").GetDouble()}-{path.GetProperty("Max").GetDouble()} hours"), Field(phase, "Critical path"));
        var tasks = readiness.GetProperty("Tasks").EnumerateArray().ToList();
        var taskRows = Table(phase, "## Tasks");
        Assert.Equal(tasks.Select(t => t.GetProperty("Name").GetString()), taskRows.Select(r => r[0]));
        for (var i = 0; i < tasks.Count; i++)
        {
            var t = tasks[i];
            Assert.Equal($"`{t.GetProperty("Action").GetString()}`", taskRows[i][1]);
            Assert.Equal(t.TryGetProperty("ClaimedScope", out var claimed) ? claimed.GetString() : "", taskRows[i][7]);
            if (t.TryGetProperty("MeasuredScope", out var measured))
            {
                Assert.Equal(measured.GetInt64(), Number(taskRows[i][8]));
            }

            if (t.TryGetProperty("CreationHours", out var create))
            {
                Assert.Equal(FormattableString.Invariant($"{create.GetProperty("Min").GetDouble()}-{create.GetProperty("Max").GetDouble()}h"), taskRows[i][4]);
            }
        }

        var naming = json.GetProperty("NamingSummary");
        var (names, byStatus) = Counts(Field(phase, "Table names"));
        Assert.Equal(naming.GetProperty("Names").GetInt64(), names);
        foreach (var status in Enum.GetValues<NamingStatus>())
        {
            Assert.Equal(naming.GetProperty("ByStatus").GetProperty(status.ToString()).GetInt64(), byStatus[ReportText.Status(status)]);
        }

        AssertCounts<RenameAction>(Field(phase, "Rename plan"), Array("RenamePlan"), "Action", a => a.ToString());

        // Infrastructure and dependencies: status counts and one row per record.
        var infra = Md(Deliverable.Infrastructure);
        AssertCounts<InfraCheckStatus>(Field(infra, "Checks"), Array("Infrastructure"), "Status", ReportText.Status);
        Assert.Equal(Array("Infrastructure").Count(), Table(infra, "## All checks").Count);
        var deps = Md(Deliverable.Dependencies);
        AssertCounts<DependencyStatus>(Field(deps, "Dependencies"), Array("Dependencies"), "Status", ReportText.Status);
        // Every dependency once: a block when it needs action, a row of a minor table, or a row of the others (no full table besides).
        var named = Regex.Matches(deps, @"^### Dependency: `([^`]+)`$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        if (deps.Contains("## Minor: unused declarations and inconsistent pins\n", StringComparison.Ordinal))
        {
            var minor = deps[deps.IndexOf("## Minor: unused declarations and inconsistent pins\n", StringComparison.Ordinal)..deps.IndexOf("## Other dependencies\n", StringComparison.Ordinal)];
            named.AddRange(minor.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).Select(l => Plain(Cells(l)[0])));
        }

        named.AddRange(Table(deps, "## Other dependencies").Select(row => Plain(row[1])));
        Assert.Equal(Array("Dependencies").Select(d => d.GetProperty("Name").GetString()!).Order(StringComparer.Ordinal), named.Order(StringComparer.Ordinal));

        // Blockers: counts, every phase block's Id in order with its delay, and each repository finding once in its table.
        var blockers = Md(Deliverable.Blockers);
        AssertCounts<Priority>(Field(blockers, "Blockers"), Array("Blockers"), "Priority", p => p.ToString());
        AssertCounts<Priority>(Field(blockers, "Phase blockers"), readiness.GetProperty("Blockers").EnumerateArray(), "Priority", p => p.ToString());
        var phaseBlockers = readiness.GetProperty("Blockers").EnumerateArray().ToList();
        var ids = Regex.Matches(blockers, @"^\*\*Id\*\*: `(BQX-[0-9A-F]{8})`$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(phaseBlockers.Select(b => b.GetProperty("Id").GetString()), ids);
        var delays = Regex.Matches(blockers, @"^\*\*Estimated Delay\*\*: ([0-9.]+)-([0-9.]+) hours$", RegexOptions.Multiline).ToList();
        Assert.Equal(phaseBlockers.Select(b => (b.GetProperty("EstimatedDelay").GetProperty("Min").GetDouble(), b.GetProperty("EstimatedDelay").GetProperty("Max").GetDouble())),
            delays.Select(m => (double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))));
        var inPhase = phaseBlockers.Select(b => b.GetProperty("Id").GetString()).ToHashSet();
        Assert.Equal(Array("Blockers").Select(b => b.GetProperty("Id").GetString()).Where(i => !inPhase.Contains(i)), Table(blockers, "## Repository findings").Select(row => Plain(row[0])));

        // Summary: every count row equals the JSON.
        var counts = Table(Md(Deliverable.Summary), "## Counts").ToDictionary(r => r[0], r => (Total: Number(r[1]), Breakdown: r[2]));
        AssertCounts<Priority>($"{counts["Blockers"].Total} — {counts["Blockers"].Breakdown}", Array("Blockers"), "Priority", p => p.ToString());
        AssertCounts<ScriptStatus>($"{counts["Scripts"].Total} — {counts["Scripts"].Breakdown}", Array("Scripts"), "Status", ReportText.Status);
        AssertCounts<InfraCheckStatus>($"{counts["Infrastructure checks"].Total} — {counts["Infrastructure checks"].Breakdown}", Array("Infrastructure"), "Status", ReportText.Status);
        AssertCounts<DependencyStatus>($"{counts["Dependencies"].Total} — {counts["Dependencies"].Breakdown}", Array("Dependencies"), "Status", ReportText.Status);
        AssertCounts<RenameAction>($"{counts["Rename plan"].Total} — {counts["Rename plan"].Breakdown}", Array("RenamePlan"), "Action", a => a.ToString());
        Assert.Equal(naming.GetProperty("Names").GetInt64(), counts["Table names"].Total);
    }

    [Fact]
    public void MarkdownReports_WhenExampleAudited_ShouldOpenWithTheVerdictAndEndWithTheEvidence()
    {
        foreach (var d in ReportNames.Deliverables.Where(d => d != Deliverable.Summary))
        {
            var lines = Md(d).Split('\n');
            Assert.StartsWith("# ", lines[0]);
            Assert.Equal("", lines[1]);
            Assert.StartsWith("**Verdict**: ", lines[2]);
            Assert.StartsWith("**Decision**: ", lines[3]);
            var evidence = System.Array.IndexOf(lines, "## Evidence");
            Assert.True(evidence > 0, $"{d}: no evidence appendix");
            Assert.Equal(evidence, System.Array.FindLastIndex(lines, l => l.StartsWith("## ", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public void BlockerAnalysis_WhenExampleAudited_ShouldWritePhaseBlockersInTheDirectiveBlockFormatAndRepositoryFindingsOnce()
    {
        var md = Md(Deliverable.Blockers);
        var blocks = Regex.Split(md[..md.IndexOf("## Repository findings", StringComparison.Ordinal)], @"^### Blocker: ", RegexOptions.Multiline).Skip(1).ToList();

        Assert.Equal(ExampleResult.Readiness.Blockers.Count, blocks.Count);
        var labels = new[] { "Id", "Type", "Category", "Impact", "Affected Phase", "Estimated Delay", "Mitigation", "Workaround", "Recommended Action" };
        foreach (var block in blocks)
        {
            var fields = Regex.Matches(block, @"^\*\*([A-Za-z ]+)\*\*: ", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
            Assert.All(labels, l => Assert.Contains(l, fields));
            Assert.Matches(@"^\*\*Type\*\*: P[0-3]-(CRITICAL|HIGH|MEDIUM|LOW)$", block.Split('\n').First(l => l.StartsWith("**Type**", StringComparison.Ordinal)));
            Assert.Contains("**Affected Phase**: M008-4C", block);
        }

        var lag = blocks.Single(b => b.StartsWith("LAG rename script missing", StringComparison.Ordinal));
        Assert.Contains("**Type**: P0-CRITICAL", lag);
        Assert.Contains("**Estimated Delay**: 2-4 hours", lag);
        Assert.Contains("scripts/generate_lag_rename_mapping.py matches the globs but renames nothing: it only reads BigQuery and writes local files (LAG_RENAME_MAPPING.csv)", lag);
        var repository = Table(md, "## Repository findings");
        Assert.Equal(ExampleResult.Blockers.Count(b => b.AffectedPhase is null), repository.Count);
        Assert.Contains(repository, row => row[3].StartsWith("Style finding", StringComparison.Ordinal));
        Assert.DoesNotContain("```mermaid", md); // the resolution plan is the readiness report's
    }

    [Fact]
    public void ReadinessReport_WhenExampleAudited_ShouldAnswerTheSixQuestionsAndDrawBothCharts()
    {
        var md = Md(Deliverable.PhaseReadiness);

        foreach (var question in ExampleResult.Readiness.Questions.Values)
        {
            Assert.Contains($"**{question}**", md);
        }

        Assert.Equal(2, Regex.Matches(md, "^```mermaid$", RegexOptions.Multiline).Count);
        Assert.Contains("gantt\n    title Blocker resolution plan for M008 Phase 4C", md);
        Assert.Contains("pie showData\n    title Naming compliance (M008) of 135 table names", md);
        // The Gantt draws the phase's P0 then P1 blockers, each once.
        var bars = Regex.Matches(md, @"^    (BQX-[0-9A-F]{8}) .* :(crit, )?t\d+, ", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(ExampleResult.Readiness.Blockers.Where(b => b.Priority <= Priority.P1).Select(b => b.Id), bars);
    }

    [Fact]
    public void HtmlReports_WhenExampleAudited_ShouldBeSelfContainedWithChartsAsInlineSvg()
    {
        foreach (var document in MarkdownReportWriter.BuildAll(ExampleResult))
        {
            var html = HtmlReportWriter.Render(document);

            Assert.StartsWith("<!DOCTYPE html>", html);
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch(@"(src|href)\s*=\s*[""']?\s*(https?:)?//", html);
            Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("mermaid", html);
            Assert.Equal(document.Charts.Count, Regex.Matches(html, "<figure class=\"chart\"><svg ").Count);
            Assert.DoesNotMatch("[✅❌🔴❔❗➖⚠]", html); // status marks are inline SVG: no emoji font needed
            Assert.Contains("<table>", html);
            Assert.Contains("<style>", html);
        }

        var readiness = HtmlReportWriter.Write(ExampleResult, Deliverable.PhaseReadiness);
        Assert.Equal(2, Regex.Matches(readiness, "<figure class=\"chart\"><svg ").Count);
        Assert.Contains("<title>Blocker resolution plan for M008 Phase 4C</title>", readiness);
    }

    [Fact]
    public void JsonReport_WhenExampleAudited_ShouldBeTheAuditResultWithEnumNames()
    {
        var json = Json.Value;

        Assert.Equal("NoGo", json.GetProperty("Readiness").GetProperty("Decision").GetString());
        Assert.Equal("BA_AUDIT_SUMMARY", json.GetProperty("Run").GetProperty("SummaryName").GetString());
        Assert.Equal("2025-12-13", json.GetProperty("Run").GetProperty("ReportDate").GetString());
        Assert.False(json.GetProperty("Run").TryGetProperty("Start", out _));
        Assert.Equal(ExampleResult.Blockers.Count, json.GetProperty("Blockers").GetArrayLength());
        Assert.Equal(JsonReportWriter.Write(ExampleResult), JsonReportWriter.Write(ExampleResult));
        Assert.EndsWith("}\n", JsonReportWriter.Write(ExampleResult));
    }
}
