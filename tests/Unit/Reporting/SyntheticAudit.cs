using System.Globalization;
using BqxAudit.Checks.Naming;
using BqxAudit.Model;

namespace BqxAudit.Tests.Reporting;

/// <summary>
/// A deterministic AuditResult of any size, shaped like a real one (scripts with findings at <c>path:line</c>,
/// checks of every kind and status, dependencies, blockers of every priority raised on them, naming results,
/// a decided phase). Used by the report tests and, compiled in, by benchmarks/Reports.
/// </summary>
public static class SyntheticAudit
{
    private static readonly string[] FindingRules = { "python.syntax", "python.unresolved-import", "shell.unknown-flag", "shell.no-errexit", "docker.missing-source", "cloudbuild.undefined-substitution" };

    private static readonly (string Rule, Priority Priority, string Category, string Type)[] BlockerRules =
    {
        ("script.missing-phase-task", Priority.P0, "Script", nameof(ScriptRecord)),
        ("infra.not-verified", Priority.P0, "Infrastructure", nameof(InfraCheck)),
        ("permission.denied", Priority.P0, "Infrastructure", nameof(InfraCheck)),
        ("dependency.undeclared-phase", Priority.P1, "Dependency", nameof(DependencyRecord)),
        ("script.interactive-phase-task", Priority.P1, "Script", nameof(ScriptRecord)),
        ("scope.mismatch", Priority.P1, "Scope", nameof(PhaseTask)),
        ("script.blocked", Priority.P2, "Script", nameof(ScriptRecord)),
        ("script.partial", Priority.P2, "Script", nameof(ScriptRecord)),
        ("dependency.version-conflict", Priority.P2, "Dependency", nameof(DependencyRecord)),
        ("cost.over-budget", Priority.P2, "Cost", nameof(PhaseReadiness)),
        ("dependency.unused", Priority.P3, "Dependency", nameof(DependencyRecord)),
        ("script.style", Priority.P3, "Script", nameof(ScriptRecord)),
    };

    /// <summary>
    /// <paramref name="blockers"/> blockers (about 1% P0, 4% P1, 35% P2, 60% P3), <paramref name="findings"/> script
    /// findings (four per script), <paramref name="checks"/> infrastructure checks, and names for the naming summary.
    /// </summary>
    public static AuditResult Create(int blockers, int findings = 0, int checks = 0, int names = 200, int seed = 1)
    {
        var random = new Random(seed);
        var inv = CultureInfo.InvariantCulture;
        var result = new AuditResult
        {
            Run =
            {
                ToolVersion = "0.1.0",
                ProfileName = "synthetic",
                SummaryName = "BA_AUDIT_SUMMARY",
                ProfileSource = "embedded:synthetic",
                Root = "synthetic-repo",
                Commit = "0123456789abcdef0123456789abcdef01234567",
                ProjectId = "bqx-ml",
                Offline = false,
                ReportDate = "2025-12-13",
                Reproducible = true,
                NotMeasured = { "Infrastructure Quota: 3 checks not verified (permission denied on serviceusage)", "Cost: dry runs were not allowed" },
            },
        };

        var scriptCount = Math.Max(4, (findings + 3) / 4);
        var kinds = Enum.GetValues<ScriptKind>();
        for (var i = 0; i < scriptCount; i++)
        {
            var kind = kinds[i % kinds.Length];
            var path = kind switch
            {
                ScriptKind.Python => $"scripts/generate_{i:D5}.py",
                ScriptKind.Shell => $"scripts/run_{i:D5}.sh",
                ScriptKind.Dockerfile => $"docker/Dockerfile.{i:D5}",
                _ => $"build/cloudbuild-{i:D5}.yaml",
            };
            var script = new ScriptRecord
            {
                Name = Path.GetFileName(path),
                Path = path,
                Kind = kind,
                Category = i % 3 == 0 ? "Generation" : i % 3 == 1 ? "Extraction" : "Deployment",
                Status = (ScriptStatus)(i % 4 == 2 ? 0 : i % 4),
                Purpose = $"Builds feature table family {i % 17} (pairs | windows)",
                Lines = 40 + (i % 300),
                CodeLines = 30 + (i % 250),
                SizeBytes = 1200 + i,
                LastModified = new DateTimeOffset(2025, 12, 1, 8, 0, 0, TimeSpan.Zero).AddMinutes(i),
                LastModifiedSource = LastModifiedSource.Git,
                Distributions = { "google-cloud-bigquery", "pandas" },
                ToolsInvoked = kind == ScriptKind.Shell ? new List<string> { "bq", "gsutil" } : new List<string>(),
                ExecutionMode = i % 5 == 0 ? ExecutionMode.Parallel : ExecutionMode.Sequential,
                WorkersFlag = i % 5 == 0 ? "--workers" : null,
                Compliance = { ["M008"] = i % 2 == 0 ? "Compliant" : "NonCompliant" },
                Recommendation = "Review the findings",
                Evidence = { new Evidence("file", path, $"{40 + (i % 300)} lines read and analyzed") },
            };
            result.Scripts.Add(script);
        }

        for (var f = 0; f < findings; f++)
        {
            var script = result.Scripts[f % scriptCount];
            var line = 1 + random.Next(400);
            script.Findings.Add(new Finding(FindingRules[f % FindingRules.Length], (FindingSeverity)(f % 3), $"finding {f} in {script.Name} <check> the *value* | of [x]", $"{script.Path}:{line}"));
        }

        var checkKinds = Enum.GetValues<InfraCheckKind>();
        for (var i = 0; i < checks; i++)
        {
            var kind = checkKinds[i % checkKinds.Length];
            var status = (InfraCheckStatus)(i / checkKinds.Length % 6);
            var target = kind switch
            {
                InfraCheckKind.BigQueryDataset or InfraCheckKind.Permission or InfraCheckKind.WriteProbe => $"bigquery:bqx-ml.dataset_{i:D5}",
                InfraCheckKind.GcsBucket => $"gcs:bucket-{i:D5}",
                InfraCheckKind.Api => $"api:service{i:D5}.googleapis.com",
                InfraCheckKind.CloudRunJob => $"run:us-central1/job-{i:D5}",
                _ => $"project:bqx-ml-{i:D5}",
            };
            var check = new InfraCheck
            {
                Target = target,
                Kind = kind,
                Check = $"{kind} check {i}",
                Status = status,
                Expected = "ready",
                Actual = status == InfraCheckStatus.NotVerified ? "not measured: permission denied" : status.ToString().ToLowerInvariant(),
                Remedy = status == InfraCheckStatus.Ready ? null : "gcloud auth application-default login",
                Evidence = { new Evidence("api", $"GET {kind} 200", $"status {status}") },
                DurationMs = 10 + (i % 90),
            };
            if (kind == InfraCheckKind.BigQueryDataset && status == InfraCheckStatus.Ready)
            {
                check.Details["Tables"] = 5000 + i;
                check.Details["LogicalBytes"] = 1_479_000_000_000L + i;
                check.Details["Location"] = "US";
            }

            result.Infrastructure.Add(check);
        }

        var depCount = Math.Max(10, blockers / 10);
        for (var i = 0; i < depCount; i++)
        {
            result.Dependencies.Add(new DependencyRecord
            {
                Name = $"package-{i:D5}",
                Type = (DependencyType)(i % 5),
                VersionRequired = ">=1.0",
                VersionInstalled = i % 3 == 0 ? null : "1.2.3",
                DeclaredIn = { "requirements.txt:" + (i + 1).ToString(inv) },
                Location = $"scripts/generate_{i % scriptCount:D5}.py:3",
                Purpose = "imported by the generators",
                UsedBy = { result.Scripts[i % scriptCount].Path },
                Status = (DependencyStatus)(i % 8),
                Critical = i % 4 == 0,
                Evidence = { new Evidence("file", "requirements.txt:" + (i + 1).ToString(inv), "declared") },
            });
        }

        var phase = "M008-4C";
        for (var i = 0; i < blockers; i++)
        {
            var rule = BlockerRules[Pick(i)];
            var script = result.Scripts[i % scriptCount];
            var target = rule.Type switch
            {
                nameof(ScriptRecord) => script.Path,
                nameof(InfraCheck) => checks > 0 ? result.Infrastructure[i % checks].Target : $"bigquery:bqx-ml.dataset_{i:D5}",
                nameof(DependencyRecord) => result.Dependencies[i % depCount].Name,
                nameof(PhaseTask) => $"{phase}/Task {i % 6}",
                _ => phase,
            };
            result.Blockers.Add(new Blocker
            {
                Id = "BQX-" + ((uint)(i * 2654435761u) ^ (uint)seed).ToString("X8", inv),
                Title = $"{rule.Category} blocker {i}: {target}",
                Priority = rule.Priority,
                Category = rule.Category,
                Description = $"Raised by {rule.Rule} on {target}",
                Impact = $"'{target}' cannot run as referenced | risk of a partial result",
                AffectedPhase = i % 2 == 0 ? phase : null,
                EstimatedDelay = new HoursRange { Min = 0.5 + (i % 4), Max = 1 + (i % 8) },
                Mitigation = "Fix the finding before the phase starts",
                Workaround = i % 3 == 0 ? "Run the step by hand" : null,
                RecommendedAction = $"Fix {target} and re-run the audit",
                Rule = rule.Rule,
                Source = new BlockerSource { Type = rule.Type, Target = target, Detail = rule.Rule },
                Evidence =
                {
                    new Evidence("file", $"{script.Path}:{1 + (i % 200)}", "where the finding is"),
                    new Evidence("profile", $"phases[{phase}]", "the phase"),
                },
            });
        }

        var ordered = result.Blockers.OrderBy(b => b.Priority).ToList();
        var p0 = ordered.Count(b => b.Priority == Priority.P0);
        var p1 = ordered.Count(b => b.Priority == Priority.P1);
        var decision = p0 > 0 ? Decision.NoGo : p1 > 0 ? Decision.ConditionalGo : Decision.Go;
        result.Readiness = new PhaseReadiness
        {
            Phase = phase,
            PhaseName = "M008 Phase 4C",
            Decision = decision,
            RiskLevel = decision switch { Decision.NoGo => RiskLevel.High, Decision.ConditionalGo => RiskLevel.Medium, _ => RiskLevel.Low },
            DecisionReason = decision == Decision.Go ? "only P2/P3 findings" : $"{p0} P0 blockers prevent execution: " + string.Join("; ", ordered.Take(3).Select(b => b.Title)),
            Blockers = ordered,
            CriticalPathHours = new HoursRange { Min = 22, Max = 50 },
            StartDate = new DateTimeOffset(2025, 12, 15, 9, 0, 0, TimeSpan.Zero),
            EarliestStart = new DateTimeOffset(2025, 12, 17, 15, 0, 0, TimeSpan.Zero),
            Cost = new UsdRange { MinUsd = 4.5, MaxUsd = 12.25, Basis = "dry-run bytes × $6.25/TiB" },
            Budget = new UsdRange { MinUsd = 5, MaxUsd = 15, Basis = "profile budgetUsd" },
            Tasks = Enumerable.Range(0, 6).Select(t => new PhaseTask
            {
                Name = $"Task {t}",
                ScriptStatus = (ScriptStatus)(t % 4),
                Scripts = t % 4 == 2 ? new List<string>() : new List<string> { result.Scripts[t % scriptCount].Path },
                CreationHours = t % 4 == 2 ? new HoursRange { Min = 6, Max = 12 } : null,
                DelayHours = new HoursRange { Min = t, Max = 2 * t },
                Parallel = t == 4,
                ClaimedScope = t < 4 ? (t == 1 ? "224 → 56" : (1596 - t).ToString(inv)) : null,
                MeasuredScope = t < 3 ? 23 + t : null,
                ScopeBasis = t < 3 ? $"{23 + t} tables of family cov" : null,
            }).ToList(),
            Answers = Enumerable.Range(1, 6).ToDictionary(q => $"{q}. Question number {q} of the directive?", q => $"Answer {q}: " + string.Join("; ", ordered.Take(40).Select(b => $"{b.Id} {b.Priority} {b.Title}"))),
        };

        var families = new[] { "cov", "lag", "var", "tri", "mkt", "primary" };
        for (var i = 0; i < names; i++)
        {
            var status = (NamingStatus)(i % 7 == 0 ? 3 : i % 3 == 0 ? 1 : 0);
            result.Naming.Add(new NamingResult
            {
                TableName = $"{families[i % families.Length]}_agg_idx_{i:D5}",
                Dataset = "bqx_ml_v3_features_v2",
                Family = status == NamingStatus.NoRule ? null : families[i % families.Length],
                Status = status,
                Violations = status == NamingStatus.NonCompliant ? new[] { (NamingViolation)(i % 6) } : Array.Empty<NamingViolation>(),
                Rule = "M008",
                Source = $"tables.txt:{i + 1}",
            });
            result.RenamePlan.Add(new RenamePlanItem
            {
                Dataset = "bqx_ml_v3_features_v2",
                Source = $"{families[i % families.Length]}_agg_idx_{i:D5}",
                Action = status == NamingStatus.NonCompliant ? RenameAction.Rename : RenameAction.AlreadyCompliant,
            });
        }

        result.NamingSummary = NamingSummary.From(result.Naming, "M008");
        return result;
    }

    /// <summary>About 1% P0, 4% P1, 35% P2, 60% P3, spread over the rules of each priority.</summary>
    private static int Pick(int i)
    {
        var bucket = i % 100;
        return bucket switch
        {
            0 => i / 100 % 3,
            < 5 => 3 + (i % 3),
            < 40 => 6 + (i % 4),
            _ => 10 + (i % 2),
        };
    }
}
