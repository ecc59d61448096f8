using System.Globalization;
using BqxAudit.Cloud;
using BqxAudit.Cloud.BigQuery;
using BqxAudit.Hosting;
using BqxAudit.Model;

namespace BqxAudit.Readiness;

/// <summary>
/// Cost of the scripts' queries: online, each literal SQL statement is dry-run (<c>jobs.query</c> with
/// <c>dryRun: true</c>, free) and its bytes priced at <c>pricing.queryUsdPerTiB</c> (default 6.25);
/// a templated statement that cannot be resolved is bounded by the logical bytes of the datasets it
/// names (from the infrastructure checks). Offline, every estimate is NotVerified with the reason.
/// </summary>
public sealed class CostEstimator
{
    public const double DefaultUsdPerTiB = 6.25;
    private const double TiB = 1024d * 1024 * 1024 * 1024;

    private readonly IAuditHost host;

    public CostEstimator(IAuditHost host) => this.host = host;

    /// <summary>Sets each script's CostEstimate and returns the phase's total over its task scripts.</summary>
    public UsdRange Estimate(AuditOptions options, AuditResult result)
    {
        var price = options.Profile.Pricing.QueryUsdPerTiB;
        var withSql = result.Scripts.Where(s => s.SqlStatements.Count > 0).ToList();
        if (options.Offline)
        {
            foreach (var script in withSql)
            {
                script.CostEstimate = new UsdRange { Basis = "NotVerified: offline; the cost needs BigQuery dry runs (jobs.query dryRun, free)" };
            }

            return new UsdRange { Basis = "NotVerified: offline; the cost needs BigQuery dry runs (jobs.query dryRun, free)" };
        }

        var storage = StorageBounds(result.Infrastructure);
        using var session = GcpSession.Create(new GcpSessionOptions
        {
            Endpoints = options.Profile.Gcp.Endpoints,
            ProfileSource = options.Profile.Source,
            CredentialPath = options.CredentialPath,
            Environment = options.Environment,
            Http = options.Http,
            Host = host,
        });
        var api = new BigQueryApi(session);
        var project = options.Profile.Gcp.Project ?? "";
        var gate = new SemaphoreSlim(Math.Max(1, options.ThrottleLimit));
        var tasks = withSql.Select(async script =>
        {
            double minBytes = 0, maxBytes = 0;
            var notes = new List<string>();
            var unbounded = 0;
            foreach (var sql in script.SqlStatements.Distinct(StringComparer.Ordinal))
            {
                if (sql.Contains('{'))
                {
                    var bound = storage.Where(s => sql.Contains(s.Key, StringComparison.Ordinal)).Sum(s => (double)s.Value);
                    if (bound > 0)
                    {
                        maxBytes += bound;
                        notes.Add("a templated statement bounded by its datasets' logical bytes");
                    }
                    else
                    {
                        unbounded++;
                    }

                    continue;
                }

                await gate.WaitAsync(host.Cancellation).ConfigureAwait(false);
                try
                {
                    var response = await api.QueryAsync(project, new QueryRequest { Query = sql, DryRun = true, UseLegacySql = false, Location = options.Profile.Gcp.Region }, host.Cancellation).ConfigureAwait(false);
                    var bytes = (double)(response.TotalBytesProcessed ?? 0);
                    minBytes += bytes;
                    maxBytes += bytes;
                }
                catch (GcpException e)
                {
                    unbounded++;
                    notes.Add($"a dry run failed ({e.Kind}: {e.Message})");
                }
                finally
                {
                    gate.Release();
                }
            }

            var statements = script.SqlStatements.Distinct(StringComparer.Ordinal).Count();
            script.CostEstimate = unbounded == statements
                ? new UsdRange { Basis = $"NotVerified: none of {statements} statement(s) could be dry-run or bounded" + (notes.Count > 0 ? $" ({notes[0]})" : "") }
                : new UsdRange
                {
                    MinUsd = Round(minBytes / TiB * price),
                    MaxUsd = Round(maxBytes / TiB * price),
                    Basis = string.Create(CultureInfo.InvariantCulture, $"dry run of {statements - unbounded} of {statements} statement(s) × ${price}/TiB")
                            + (notes.Count > 0 ? "; " + string.Join("; ", notes.Distinct()) : "")
                            + (unbounded > 0 ? $"; {unbounded} statement(s) not bounded" : ""),
                };
        }).ToArray();
        Task.WaitAll(tasks, host.Cancellation);

        var phaseId = options.Phase ?? options.Profile.Phases.FirstOrDefault()?.Id;
        var phaseScripts = withSql.Where(s => s.PhaseTasks.Any(t => t.Phase == phaseId)).ToList();
        var measured = phaseScripts.Where(s => s.CostEstimate is { Measured: true }).ToList();
        if (phaseScripts.Count > 0 && measured.Count == 0)
        {
            return new UsdRange { Basis = "NotVerified: no phase script's queries could be dry-run" };
        }

        return new UsdRange
        {
            MinUsd = Round(measured.Sum(s => s.CostEstimate!.MinUsd ?? 0)),
            MaxUsd = Round(measured.Sum(s => s.CostEstimate!.MaxUsd ?? 0)),
            Basis = $"sum over {measured.Count} phase script(s) with SQL" + (measured.Count < phaseScripts.Count ? $"; {phaseScripts.Count - measured.Count} not verified" : ""),
        };
    }

    private static Dictionary<string, long> StorageBounds(IEnumerable<InfraCheck> checks)
    {
        var bounds = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var c in checks.Where(c => c.Kind == InfraCheckKind.BigQueryDataset && c.Details.TryGetValue("LogicalBytes", out _)))
        {
            var dataset = c.Target[(c.Target.LastIndexOf('.') + 1)..];
            bounds[dataset] = Convert.ToInt64(c.Details["LogicalBytes"], CultureInfo.InvariantCulture);
        }

        return bounds;
    }

    private static double Round(double usd) => Math.Round(usd, 4);
}
