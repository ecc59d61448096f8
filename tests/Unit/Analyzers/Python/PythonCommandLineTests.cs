using BqxAudit.Model;

namespace BqxAudit.Tests.Analyzers.Python;

public sealed class PythonCommandLineTests
{
    [Fact]
    public void Analyze_WhenArgparseDeclaresArguments_ShouldRecordFlagsAndPositionals()
    {
        var record = Py.Analyze(Py.Lines(
            "import argparse",
            "parser = argparse.ArgumentParser(description='x')",
            "parser.add_argument('dataset', help='Target dataset')",
            "parser.add_argument('pairs', nargs='*')",
            "parser.add_argument('-w', '--workers', type=int, default=8,",
            "                    help='Parallel ' 'workers')",
            "parser.add_argument('--dry-run', action='store_true', required=False)",
            "group = parser.add_argument_group('bq')",
            "group.add_argument('--project', required=True, help=f'GCP project (default {DEFAULT})')",
            "sub = parser.add_subparsers(dest='command', required=True)",
            "run = sub.add_parser('run')",
            "run.add_argument('--limit')",
            "for name in OPTIONAL:",
            "    parser.add_argument(f'--{name}')",
            "args = parser.parse_args()"));

        Assert.Equal(
            new[]
            {
                ("dataset", "", true, true, "Target dataset", 3),
                ("pairs", "", true, false, null, 4),
                ("--workers", "-w", false, false, "Parallel workers", 5),
                ("--dry-run", "", false, false, null, 7),
                ("--project", "", false, true, "GCP project (default {DEFAULT})", 9),
                ("command", "", true, true, null, 10),
                ("--limit", "", false, false, null, 12),
            },
            record.Flags.Select(f => (f.Name, string.Join(",", f.Aliases), f.Positional, f.Required, f.Help, f.Line)));
        Assert.False(record.ParsesArgvByHand);
        Assert.Equal("--workers", record.WorkersFlag);
    }

    [Fact]
    public void Analyze_WhenClickDeclaresOptions_ShouldRecordThemAsFlags()
    {
        var record = Py.Analyze(Py.Lines(
            "import click",
            "@click.command()",
            "@click.option('--max-workers', '-j', default=4, help='Threads')",
            "@click.argument('table')",
            "def main(max_workers, table):",
            "    pass"));

        Assert.Equal(new[] { "--max-workers", "table" }, record.Flags.Select(f => f.Name));
        Assert.True(record.Flags[1].Positional);
        Assert.Equal("--max-workers", record.WorkersFlag);
    }

    [Theory]
    [InlineData("--workers", true)]
    [InlineData("--max-workers", true)]
    [InlineData("--max_workers", true)]
    [InlineData("--jobs", true)]
    [InlineData("--n-jobs", true)]
    [InlineData("--parallel", true)]
    [InlineData("--threads", true)]
    [InlineData("--concurrency", true)]
    [InlineData("--worker-id", false)]
    [InlineData("--batch-size", false)]
    public void Analyze_WhenAFlagSetsTheWorkerCount_ShouldNameItAsWorkersFlag(string flag, bool isWorkers)
    {
        var record = Py.Analyze($"import argparse\np = argparse.ArgumentParser()\np.add_argument('--table')\np.add_argument('{flag}', type=int)\n");

        Assert.Equal(isWorkers ? flag : null, record.WorkersFlag);
    }

    [Theory]
    [InlineData("from concurrent.futures import ThreadPoolExecutor\nwith ThreadPoolExecutor(8) as pool: pass\n")]
    [InlineData("import concurrent.futures\nwith concurrent.futures.ProcessPoolExecutor() as pool: pass\n")]
    [InlineData("import concurrent.futures as cf\nex = cf.ThreadPoolExecutor(max_workers=4)\n")]
    [InlineData("from concurrent import futures\nex = futures.ThreadPoolExecutor()\n")]
    [InlineData("from concurrent.futures import *\nex = ProcessPoolExecutor()\n")]
    [InlineData("import multiprocessing as mp\npool = mp.Pool(4)\n")]
    [InlineData("from multiprocessing import Pool as P\nwith P(2) as p: pass\n")]
    [InlineData("from multiprocessing import Process\nProcess(target=f).start()\n")]
    [InlineData("import multiprocessing\npool = multiprocessing.get_context('spawn').Pool(3)\n")]
    [InlineData("from multiprocessing.pool import ThreadPool\npool = ThreadPool(4)\n")]
    [InlineData("import threading\nt = threading.Thread(target=f)\n")]
    [InlineData("from threading import Thread as T\nT(target=f).start()\n")]
    [InlineData("from threading import Thread\nclass Worker(Thread):\n    pass\nclass Loader(Worker):\n    pass\nLoader().start()\n")]
    [InlineData("import threading\nclass Worker(threading.Thread):\n    def run(self): pass\nw = Worker()\n")]
    [InlineData("from joblib import Parallel, delayed\nParallel(n_jobs=2)(delayed(f)(x) for x in xs)\n")]
    [InlineData("import joblib\nr = joblib.Parallel(n_jobs=4)(jobs)\n")]
    public void Analyze_WhenScriptStartsAPoolExecutorProcessOrThread_ShouldBeParallel(string code)
    {
        var record = Py.Analyze(code);

        Assert.Equal(ExecutionMode.Parallel, record.ExecutionMode);
        var evidence = Assert.Single(record.Evidence, e => e.Detail.StartsWith("runs in parallel: ", StringComparison.Ordinal));
        Assert.Equal($"scripts/job.py:{code.Split('\n').Length - 1}", evidence.Location);
    }

    [Theory]
    [InlineData("import joblib\njoblib.dump(model, 'model.pkl')\n")]
    [InlineData("import concurrent.futures\n")]
    [InlineData("from concurrent import futures\n")]
    [InlineData("from concurrent.futures import as_completed\n")]
    [InlineData("import threading\nlock = threading.Lock()\n")]
    [InlineData("from joblib import Parallel, delayed\n")]
    [InlineData("from multiprocessing import Pool, cpu_count\nprint(cpu_count())\n")]
    [InlineData("class Thread:\n    pass\nThread()\n")]
    [InlineData("import mylib\nmylib.Pool(3)\n")]
    [InlineData("self.executor.ThreadPoolExecutor(2)\n")]
    public void Analyze_WhenScriptRunsOneThingAtATime_ShouldBeSequential(string code)
    {
        Assert.Equal(ExecutionMode.Sequential, Py.Analyze(code).ExecutionMode);
    }

    [Fact]
    public void Analyze_WhenALibraryRunsItsOwnWorkers_ShouldReportItAsLibraryParallelismNotTheScriptsMode()
    {
        var record = Py.Analyze(Py.Lines(
            "from sklearn.ensemble import RandomForestClassifier",
            "import xgboost as xgb",
            "model = RandomForestClassifier(n_estimators=500, n_jobs=-1)",
            "booster = xgb.XGBClassifier(nthread=1)",
            "other = RandomForestClassifier(n_jobs=None)",
            "n_jobs = -1"));

        Assert.Equal(ExecutionMode.Sequential, record.ExecutionMode);
        var library = Assert.Single(record.Evidence, e => e.Detail.StartsWith("library-internal parallelism: ", StringComparison.Ordinal));
        Assert.Equal("scripts/job.py:3", library.Location);
        Assert.Contains("n_jobs=-1 at line 3", library.Detail);
        Assert.DoesNotContain(record.Evidence, e => e.Detail.StartsWith("runs in parallel: ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("answer = input('Proceed? [y/N] ')\n", true)]
    [InlineData("if input().lower() != 'y':\n    raise SystemExit\n", true)]
    [InlineData("import getpass\npw = getpass.getpass()\n", true)]
    [InlineData("import click\nif click.confirm('Drop 1,596 tables?'):\n    pass\n", true)]
    [InlineData("widget.input('x')\n", false)]
    [InlineData("def input(prompt):\n    return 'y'\n", false)]
    [InlineData("# input('x')\nmsg = \"input('x')\"\n", false)]
    public void Analyze_WhenScriptMayWaitForInput_ShouldSetInteractive(string code, bool interactive)
    {
        Assert.Equal(interactive, Py.Analyze(code).Interactive);
    }

    [Theory]
    [InlineData("import sys\ntable = sys.argv[1]\n", 2)]
    [InlineData("import sys\nif '--dry-run' in sys.argv:\n    pass\n", 2)]
    [InlineData("import sys\nfor arg in sys.argv[1:]:\n    pass\n", 2)]
    [InlineData("from sys import argv\nworkers = int(argv[2])\n", 2)]
    [InlineData("import sys as s\nx = s.argv[1:]\n", 2)]
    public void Analyze_WhenOptionsAreReadFromSysArgvByHand_ShouldFlagItWithAnInfoFinding(string code, int line)
    {
        var record = Py.Analyze(code);

        Assert.True(record.ParsesArgvByHand);
        var finding = Assert.Single(record.Findings);
        Assert.Equal("python.argv-by-hand", finding.Rule);
        Assert.Equal(FindingSeverity.Info, finding.Severity);
        Assert.Equal($"scripts/job.py:{line}", finding.Location);
    }

    [Theory]
    [InlineData("import sys\nprint(sys.argv[0])\n")]
    [InlineData("import sys\nargs = parser.parse_args(sys.argv[1:])\n")]
    [InlineData("import sys\nmain(sys.argv[1:])\n")]
    [InlineData("import sys\nprint(len(sys.argv))\n")]
    [InlineData("import sys, argparse\np = argparse.ArgumentParser()\np.add_argument('--x')\nif len(sys.argv) > 1 and sys.argv[1] == 'help': pass\n")]
    [InlineData("argv = ['a']\nx = argv[0]\n")]
    public void Analyze_WhenSysArgvIsNotParsedByHand_ShouldNotFlagIt(string code)
    {
        var record = Py.Analyze(code);

        Assert.False(record.ParsesArgvByHand);
        Assert.DoesNotContain(record.Findings, f => f.Rule == "python.argv-by-hand");
    }
}
