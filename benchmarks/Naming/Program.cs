using System.Runtime.CompilerServices;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// Results go to benchmarks/.work/naming (git-ignored), wherever the command is run from.
var artifacts = Path.GetFullPath(Path.Combine(SourceFolder(), "..", ".work", "naming"));
BenchmarkSwitcher.FromAssembly(typeof(BqxAudit.Benchmarks.Naming.NamingBenchmarks).Assembly)
    .Run(args, DefaultConfig.Instance.WithArtifactsPath(artifacts));

static string SourceFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
