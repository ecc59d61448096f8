using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using BqxAudit.Checks.Naming;
using BqxAudit.Configuration;
using BqxAudit.Model;

namespace BqxAudit.Benchmarks.Naming;

/// <summary>
/// The naming engine at scale, on the embedded M008 standard: classifying 1,000,000 names (budget 2 s)
/// and planning renames of 100,000 classified names with collision detection (budget 1 s). The names are
/// seeded random: about two thirds compliant, the rest broken the ways real tables are (pairs or
/// currencies out of order, upper case, missing variant, unknown words, other tables).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class NamingBenchmarks
{
    private MandateProfile mandate = null!;
    private TableNameEntry[] million = null!;
    private List<NamingResult> planInput = null!;

    [GlobalSetup]
    public void Setup()
    {
        mandate = NamingService.SelectMandate(ProfileLoader.LoadEmbedded("bqx-ml-v3"), "M008");
        million = NameCorpus.Entries(mandate, 1_000_000, seed: 8008, projects: 200);
        var service = new NamingService();
        planInput = service.Classify(NameCorpus.Entries(mandate, 100_000, seed: 4242, projects: 10), mandate).ToList();
        Console.WriteLine("// 1,000,000-name corpus: " + service.Summarize(service.Classify(million, mandate).ToList(), mandate).ToText().Split('\n')[0]);
        var plan = service.Plan(planInput, mandate, new RenamePlanOptions { Project = "bqx-ml" });
        Console.WriteLine("// 100,000-name plan: " + string.Join(", ", plan.GroupBy(i => i.Action).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count():N0}")));
    }

    [Benchmark(Description = "Classify 1,000,000 names")]
    public int Classify1M()
    {
        var service = new NamingService();
        var nonCompliant = 0;
        foreach (var result in service.Classify(million, mandate))
        {
            if (result.Status == NamingStatus.NonCompliant)
            {
                nonCompliant++;
            }
        }

        return nonCompliant;
    }

    [Benchmark(Description = "Rename plan of 100,000 names (collision detection)")]
    public int Plan100K()
    {
        var plan = new NamingService().Plan(planInput, mandate, new RenamePlanOptions { Project = "bqx-ml" });
        return plan.Count(i => i.Action == RenameAction.Collision);
    }
}

/// <summary>
/// Seeded random table names from the standard's values, all distinct (project, name) pairs, broken about as
/// often as the directive's dataset (1,968 of 5,817 non-compliant): pairs and currencies out of order,
/// upper case, missing variant, unknown words, tables no family covers.
/// </summary>
public static class NameCorpus
{
    public static TableNameEntry[] Entries(MandateProfile mandate, int count, int seed, int projects)
    {
        var r = new Random(seed);
        var ft = mandate.Values["feature_type"];
        var variants = mandate.Values["variant"];
        var pairs = mandate.Values["pair"];
        var currencies = mandate.Values["currency"];
        var windows = mandate.Values["window"];
        string Pick(List<string> v) => v[r.Next(v.Count)];
        string[] Group(List<string> v, int n)
        {
            var picked = v.OrderBy(_ => r.Next()).Take(n).ToArray();
            return r.Next(4) == 0 ? picked : picked.OrderBy(x => x, StringComparer.Ordinal).ToArray();
        }

        var seen = new HashSet<(string, string)>();
        var entries = new List<TableNameEntry>(count);
        while (entries.Count < count)
        {
            var name = r.Next(10) switch
            {
                0 or 1 => $"{Pick(ft)}_{Pick(variants)}_{Pick(pairs)}",
                2 or 3 or 4 => $"cov_{Pick(ft)}_{Pick(variants)}_{string.Join('_', Group(pairs, 2))}",
                5 => $"tri_{Pick(ft)}_{Pick(variants)}_{string.Join('_', Group(currencies, 3))}",
                6 => $"var_{Pick(ft)}_{Pick(variants)}_{Pick(currencies)}",
                7 => $"corr_etf_{Pick(variants)}_{Pick(pairs)}_spy",
                8 => $"lag_{Pick(variants)}_{Pick(pairs)}_{Pick(windows)}",
                _ => r.Next(2) == 0 ? $"mkt_{Pick(ft)}_{Pick(variants)}" : $"base_{Pick(variants)}_{Pick(pairs)}",
            };

            name = r.Next(100) switch
            {
                < 8 => name.ToUpperInvariant(),
                < 14 => name.Replace("_idx_", "_").Replace("_bqx_", "_"),
                < 17 => name + "_v" + r.Next(3),
                < 20 => "training_" + name,
                _ => name,
            };

            var project = projects == 1 ? "bqx-ml" : $"bqx-ml-{r.Next(projects)}";
            if (seen.Add((project, name)))
            {
                entries.Add(new TableNameEntry(name, "corpus", "bqx_ml_v3_features_v2", project));
            }
        }

        return entries.ToArray();
    }
}
