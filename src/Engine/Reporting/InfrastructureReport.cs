using BqxAudit.Model;
using static BqxAudit.Reporting.MarkdownBuilder;

namespace BqxAudit.Reporting;

/// <summary>
/// INFRASTRUCTURE_READINESS_REPORT: the directive's six infrastructure questions, a "BigQuery Dataset" block per
/// dataset, a table of every check, and — first — what was not verified and why.
/// </summary>
internal static class InfrastructureReport
{
    private static readonly (string Question, Func<InfraCheck, bool> Covers)[] Questions =
    {
        ("BigQuery access: can scripts create, rename and delete tables?", c => c.Kind is InfraCheckKind.BigQueryDataset or InfraCheckKind.WriteProbe || (c.Kind == InfraCheckKind.Permission && c.Target.StartsWith("bigquery:", StringComparison.Ordinal))),
        ("GCS access: can scripts read the checkpoints?", c => c.Kind == InfraCheckKind.GcsBucket || (c.Kind == InfraCheckKind.Permission && c.Target.StartsWith("gcs:", StringComparison.Ordinal))),
        ("Cloud Run jobs: deployed and ready?", c => c.Kind == InfraCheckKind.CloudRunJob),
        ("Service accounts: do scripts have the IAM permissions they need?", c => c.Kind == InfraCheckKind.ServiceAccount || (c.Kind == InfraCheckKind.Permission && !c.Target.StartsWith("bigquery:", StringComparison.Ordinal) && !c.Target.StartsWith("gcs:", StringComparison.Ordinal))),
        ("Quotas: sufficient for the phase?", c => c.Kind == InfraCheckKind.Quota),
        ("Cost monitoring: is cost tracking in place?", c => c.Kind is InfraCheckKind.CostMonitoring or InfraCheckKind.Billing),
        ("Project and APIs: reachable and enabled?", c => c.Kind is InfraCheckKind.Project or InfraCheckKind.Api),
    };

    public static ReportDocument Build(ReportContext c)
    {
        var checks = c.Infrastructure;
        var md = new MarkdownBuilder(4096 + (checks.Count * 700));
        var notVerified = checks.Where(x => x.Status is InfraCheckStatus.NotVerified or InfraCheckStatus.Error).ToList();
        var failing = checks.Count(x => x.Status is InfraCheckStatus.Blocked or InfraCheckStatus.Missing);
        var partial = checks.Count(x => x.Status == InfraCheckStatus.Partial);
        string verdict;
        if (checks.Count == 0)
        {
            verdict = $"{ReportText.Status(InfraCheckStatus.NotVerified)}: no infrastructure check ran";
        }
        else if (notVerified.Count > 0)
        {
            verdict = $"{ReportText.Status(InfraCheckStatus.NotVerified)}: {N(notVerified.Count)} of {ReportText.Count(checks.Count, "check")} not measured"
                      + (failing > 0 ? $", {N(failing)} failing" : "")
                      + " — readiness on unmeasured ground is unknown, and the unmeasured areas are a P0 blocker (one per cause)";
        }
        else if (failing > 0)
        {
            verdict = $"{ReportText.Status(InfraCheckStatus.Blocked)}: {N(failing)} of {ReportText.Count(checks.Count, "check")} failing";
        }
        else if (partial > 0)
        {
            verdict = $"{ReportText.Status(InfraCheckStatus.Partial)}: {N(partial)} of {ReportText.Count(checks.Count, "check")} partial";
        }
        else
        {
            verdict = $"{ReportText.Status(InfraCheckStatus.Ready)}: all {ReportText.Count(checks.Count, "check")} pass";
        }

        var title = ReportSections.Header(md, c, "Infrastructure Readiness Report", verdict);
        md.Field("Checks", $"{N(checks.Count)} — {ReportSections.Counts(checks.Select(x => x.Status), ReportText.Status)}");
        md.Field("Project", c.Run.ProjectId is null ? "none" : Code(c.Run.ProjectId));
        md.EndBlock();

        NotVerified(md, c, notVerified);

        md.Heading(2, "Directive questions");
        md.Table(
            new[] { "Question", "Status", "Checks" },
            Questions.Select(q =>
            {
                var covered = checks.Where(q.Covers).ToList();
                return (IReadOnlyList<string>)new[]
                {
                    Text(q.Question),
                    covered.Count == 0 ? "not checked (nothing in the profile)" : ReportText.Status(Worst(covered)),
                    covered.Count == 0 ? "" : string.Join(", ", covered.GroupBy(x => x.Status).OrderBy(g => g.Key).Select(g => $"{N(g.Count())} {ReportText.Status(g.Key)}")),
                };
            }));

        md.Heading(2, "BigQuery datasets");
        var datasets = checks.Where(x => x.Kind == InfraCheckKind.BigQueryDataset).ToList();
        if (datasets.Count == 0)
        {
            md.Paragraph("The profile names no dataset.");
        }

        var quotas = checks.Where(x => x.Kind == InfraCheckKind.Quota).ToList();
        var costs = checks.Where(x => x.Kind == InfraCheckKind.CostMonitoring).ToList();
        var byTarget = checks.ToLookup(x => x.Target, StringComparer.Ordinal);
        foreach (var d in datasets.Where(d => d.Status != InfraCheckStatus.NotVerified))
        {
            Dataset(md, c, d, byTarget[d.Target].Where(x => x != d).ToList(), quotas, costs);
        }

        // A dataset nothing was measured of has a row, not a block of "not measured" lines.
        var unmeasured = datasets.Where(d => d.Status == InfraCheckStatus.NotVerified).ToList();
        if (unmeasured.Count > 0)
        {
            md.Paragraph($"{ReportText.Count(unmeasured.Count, "dataset")} not measured (their access, quota and cost checks are in the table of all checks):");
            md.Table(
                new[] { "Dataset", "Expected", "Why not verified", "Blockers" },
                unmeasured.Select(d => (IReadOnlyList<string>)new[]
                {
                    Code(d.Target.StartsWith("bigquery:", StringComparison.Ordinal) ? d.Target[9..] : d.Target),
                    Text(d.Expected),
                    Text(d.Actual),
                    c.Ids(c.BlockersOf(d).Concat(byTarget[d.Target].Where(x => x != d).SelectMany(c.BlockersOf)).Distinct()),
                }));
        }

        md.Heading(2, "All checks");
        md.Table(
            new[] { "Kind", "Target", "Check", "Status", "Expected", "Actual", "Blockers" },
            checks.Select(x => (IReadOnlyList<string>)new[]
            {
                x.Kind.ToString(), Code(x.Target), Text(x.Check), ReportText.Status(x.Status), Text(x.Expected), Text(x.Actual),
                c.Ids(c.BlockersOf(x)),
            }));

        var remedies = checks.Where(x => x.Status != InfraCheckStatus.Ready && !string.IsNullOrEmpty(x.Remedy)).GroupBy(x => x.Remedy!, StringComparer.Ordinal).ToList();
        if (remedies.Count > 0)
        {
            md.Heading(2, "Remedies");
            foreach (var g in remedies)
            {
                md.Bullet($"{Text(g.Key)} ({ReportText.Some(g.Select(x => Code(x.Target)).Distinct().ToList(), ReportLimits.Targets, rest: c.InJson("Infrastructure[].Remedy"))})");
            }

            md.EndBlock();
        }

        md.Heading(2, "Evidence");
        // Checks whose evidence is the same word for word (every check of an offline run) share one list that counts
        // them by kind and names their targets; the others each have their own.
        var rest = c.InJson("Infrastructure[].Evidence");
        var shared = checks.Where(x => x.Details.Count == 0 && x.Evidence.Count > 0)
            .GroupBy(x => string.Join("\n", x.Evidence.Select(ReportText.Evidence)), StringComparer.Ordinal)
            .Where(g => g.Skip(1).Any())
            .ToDictionary(g => g.First(), g => g.ToList());
        var grouped = shared.Values.SelectMany(g => g).ToHashSet();
        foreach (var x in checks)
        {
            if (shared.TryGetValue(x, out var group))
            {
                var kinds = string.Join(", ", group.GroupBy(g => g.Kind).Select(k => $"{k.Key} {N(k.Count())}"));
                var targets = ReportText.Some(group.Select(g => Code(g.Target)).Distinct(StringComparer.Ordinal).ToList(), ReportLimits.Targets, rest: rest);
                ReportSections.EvidenceList(md, $"{ReportText.Count(group.Count, "check")} ({kinds}) on {targets}:", x.Evidence, ReportLimits.EvidencePerCheck, rest);
                continue;
            }

            if (grouped.Contains(x))
            {
                continue;
            }

            var lines = x.Evidence.ToList();
            if (x.Details.Count > 0)
            {
                lines.Add(new Evidence("measured", x.Target, string.Join("; ", x.Details.Select(kv => $"{kv.Key}: {ReportText.Value(kv.Value)}"))));
            }

            ReportSections.EvidenceList(md, $"{x.Kind} {Code(x.Target)} ({Text(x.Check)}{(x.DurationMs > 0 && !c.Run.Reproducible ? $", {N(x.DurationMs)} ms" : "")}):", lines, ReportLimits.EvidencePerCheck, rest);
        }

        ReportSections.RunEvidence(md, c);
        return new ReportDocument(Deliverable.Infrastructure, title, md.ToString(), md.Charts);
    }

    private static void NotVerified(MarkdownBuilder md, ReportContext c, IReadOnlyList<InfraCheck> notVerified)
    {
        md.Heading(2, "Not verified");
        if (notVerified.Count == 0)
        {
            md.Paragraph("Every check was measured.");
            return;
        }

        md.Paragraph((c.Run.Offline
                         ? "The audit ran offline: no cloud call was made, so none of these was measured. "
                         : "These checks could not be measured in this run. ")
                     + "An unmeasured area is not assumed ready: the areas below that share a cause are one P0 blocker, and the decision cannot be GO until they are measured.");
        md.Table(
            new[] { "Kind", "Checks", "Why not verified", "Blocker" },
            notVerified.GroupBy(x => x.Kind).OrderBy(g => g.Key).Select(g => (IReadOnlyList<string>)new[]
            {
                g.Key.ToString(),
                N(g.Count()),
                ReportText.Some(g.Select(x => Text(x.Actual ?? x.Status.ToString())).Distinct(StringComparer.Ordinal).ToList(), ReportLimits.Reasons, "; ", c.InJson("Infrastructure[].Actual")),
                c.Ids(g.SelectMany(c.BlockersOf).Distinct()),
            }),
            new[] { false, true, false, false });
        if (notVerified.Any(x => !string.IsNullOrEmpty(x.Remedy)))
        {
            md.Paragraph("What to do about each, with the targets it covers: the Remedies below.");
        }
    }

    /// <summary>The directive's "BigQuery Dataset" block.</summary>
    private static void Dataset(MarkdownBuilder md, ReportContext c, InfraCheck d, IReadOnlyList<InfraCheck> related, IReadOnlyList<InfraCheck> quotas, IReadOnlyList<InfraCheck> costs)
    {
        var name = d.Target.StartsWith("bigquery:", StringComparison.Ordinal) ? d.Target[9..] : d.Target;
        var dataset = name.Contains('.') ? name[(name.IndexOf('.') + 1)..] : name;
        md.HeadingMarkdown(3, "BigQuery Dataset: " + Code(dataset));
        md.Field("Status", $"{ReportText.Status(d.Status)}{(d.Status == InfraCheckStatus.Ready ? "" : $" — {Text(d.Actual)}")}");
        md.Field("Target", Code(d.Target));
        var measured = d.Status is not (InfraCheckStatus.NotVerified or InfraCheckStatus.Error);
        md.Field("Table Count", d.Details.TryGetValue("Tables", out var tables)
            ? $"{Text(ReportText.Value(tables))} tables{(d.Details.TryGetValue("ExpectedTables", out var exp) ? $" (expected {Text(ReportText.Value(exp))})" : "")}"
            : $"not measured{(d.Expected is null ? "" : $" (expected {Text(d.Expected)})")}");
        md.Field("Storage", d.Details.TryGetValue("LogicalBytes", out var bytes) && ReportText.Integer(bytes) is { } logical
            ? $"{ReportText.Bytes(logical)} logical"
            : "not measured");
        if (d.Details.TryGetValue("Location", out var location))
        {
            md.Field("Location", Text(ReportText.Value(location)));
        }

        md.Field("Access", Related(related.Where(x => x.Kind is InfraCheckKind.Permission or InfraCheckKind.WriteProbe).ToList()));
        md.Field("Quotas", Related(quotas));
        md.Field("Cost Tracking", Related(costs));
        md.Field("Blockers", c.BlockerList(c.BlockersOf(d).Concat(related.SelectMany(c.BlockersOf)).Distinct().ToList(), withTitles: true));
        if (!measured)
        {
            md.Field("Why not verified", Text(d.Actual));
        }

        md.EndBlock();
    }

    /// <summary>Up to three checks in words; more as counts by status (the table of all checks has each one).</summary>
    private static string Related(IReadOnlyList<InfraCheck> checks) => checks.Count switch
    {
        0 => "not checked",
        <= 3 => string.Join("; ", checks.Select(x => $"{ReportText.Status(x.Status)} {Text(x.Check)}{(string.IsNullOrEmpty(x.Actual) ? "" : ": " + Text(x.Actual))}")),
        _ => $"{N(checks.Count)} checks: " + string.Join(" · ", checks.GroupBy(x => x.Status).OrderBy(g => g.Key).Select(g => $"{ReportText.Status(g.Key)} {N(g.Count())}")),
    };

    /// <summary>The status that decides a group: a failure before an unknown before a partial before ready.</summary>
    private static InfraCheckStatus Worst(IEnumerable<InfraCheck> checks) => checks.Select(x => x.Status).MaxBy(s => s switch
    {
        InfraCheckStatus.Ready => 0,
        InfraCheckStatus.Partial => 1,
        InfraCheckStatus.NotVerified => 2,
        InfraCheckStatus.Error => 3,
        InfraCheckStatus.Missing => 4,
        _ => 5,
    });
}
