using System.Runtime.CompilerServices;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// Results go to benchmarks/.work/reports (git-ignored), wherever the command is run from.
var artifacts = Path.GetFullPath(Path.Combine(SourceFolder(), "..", ".work", "reports"));
BenchmarkSwitcher.FromAssembly(typeof(BqxAudit.Benchmarks.Reports.ReportBenchmarks).Assembly)
    .Run(args, DefaultConfig.Instance.WithArtifactsPath(artifacts));

static string SourceFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
