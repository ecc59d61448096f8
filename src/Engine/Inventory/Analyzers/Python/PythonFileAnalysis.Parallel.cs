using BqxAudit.Model;

namespace BqxAudit.Inventory.Analyzers.Python;

/// <summary>
/// Execution mode: a script is Parallel when it starts a pool, an executor, a process or a thread — a call of
/// <c>ThreadPoolExecutor(…)</c>, <c>ProcessPoolExecutor(…)</c>, <c>multiprocessing.Pool/Process(…)</c> (also
/// <c>multiprocessing.pool.ThreadPool</c>, <c>multiprocessing.dummy</c>, <c>get_context(…).Pool(…)</c>),
/// <c>threading.Thread(…)</c> or <c>Timer(…)</c>, an instance of a class it derives from <c>Thread</c> or
/// <c>Process</c>, or <c>joblib.Parallel(…)</c> — with import aliases followed (<c>import concurrent.futures as cf</c>,
/// <c>from multiprocessing import Pool as P</c>). Importing such a module is not enough (<c>joblib.dump</c>,
/// <c>threading.Lock</c>). A library's own workers asked for by a keyword (<c>n_jobs=-1</c>, <c>nthread=8</c>,
/// <c>num_workers=4</c>) are library-internal parallelism: evidence, not the script's mode.
/// </summary>
internal sealed partial class PythonFileAnalysis
{
    /// <summary>Evidence detail prefixes the reports look for.</summary>
    internal const string ParallelEvidence = "runs in parallel: ";
    internal const string LibraryParallelEvidence = "library-internal parallelism: ";

    private const int MaxParallelEvidence = 3;

    /// <summary>Fully qualified callables that start workers.</summary>
    private static readonly HashSet<string> ParallelConstructors = new(StringComparer.Ordinal)
    {
        "concurrent.futures.ThreadPoolExecutor", "concurrent.futures.ProcessPoolExecutor",
        "concurrent.futures.thread.ThreadPoolExecutor", "concurrent.futures.process.ProcessPoolExecutor",
        "multiprocessing.Pool", "multiprocessing.Process", "multiprocessing.pool.Pool", "multiprocessing.pool.ThreadPool",
        "multiprocessing.dummy.Pool", "multiprocessing.dummy.Process", "threading.Thread", "threading.Timer",
        "joblib.Parallel", "sklearn.externals.joblib.Parallel", "torch.multiprocessing.Pool", "torch.multiprocessing.Process",
        "torch.multiprocessing.spawn",
    };

    /// <summary>Base classes whose subclasses are threads or processes.</summary>
    private static readonly HashSet<string> WorkerBases = new(StringComparer.Ordinal)
    {
        "threading.Thread", "multiprocessing.Process", "torch.multiprocessing.Process",
    };

    /// <summary>Keywords by which a library call runs its own workers.</summary>
    private static readonly HashSet<string> LibraryWorkerKeywords = new(StringComparer.Ordinal)
    {
        "n_jobs", "nthread", "nthreads", "num_threads", "n_threads", "thread_count", "num_workers", "use_multiprocessing", "num_parallel_calls",
    };

    /// <summary>Module paths (and their members) whose local names the parallel patterns need.</summary>
    private static readonly HashSet<string> ParallelModules = new(StringComparer.Ordinal)
    {
        "concurrent", "concurrent.futures", "concurrent.futures.thread", "concurrent.futures.process", "multiprocessing",
        "multiprocessing.pool", "multiprocessing.dummy", "threading", "joblib", "sklearn.externals.joblib", "torch.multiprocessing",
        "multiprocessing.get_context",
    };

    private readonly List<(string Local, string Module)> parallelAliases = new();
    private readonly Dictionary<string, (string Base, int Line)> workerClasses = new(StringComparer.Ordinal);
    private readonly List<(int Line, string What)> parallelSites = new();
    private readonly List<(int Line, string What)> librarySites = new();
    private bool futuresStarImported;

    private bool parallel => parallelSites.Count > 0;

    /// <summary>Called for every import binding (<c>import a.b as c</c>, <c>from a import b as c</c>).</summary>
    private void NoteParallelAlias(string local, string module)
    {
        parallelAliases.RemoveAll(a => a.Local == local);
        if (ParallelModules.Contains(module) || ParallelConstructors.Contains(module) || WorkerBases.Contains(module))
        {
            parallelAliases.Add((local, module));
        }
    }

    private void NoteParallelStarImport(string module)
    {
        futuresStarImported |= module is "concurrent.futures";
    }

    /// <summary>The dotted path a name chain ending at token <paramref name="i"/> stands for, imports followed; null when it starts elsewhere.</summary>
    private string? QualifiedChain(int i, out int head)
    {
        head = i;
        while (head >= 2 && src.IsOp(head - 1, '.') && src.IsName(head - 2))
        {
            head -= 2;
        }

        if (head > 0 && src.IsOp(head - 1, '.'))
        {
            return null; // self.pool.Thread, obj().Pool: not a module path
        }

        var first = src.TextOf(head);
        string? module = null;
        foreach (var (local, target) in parallelAliases)
        {
            if (first.SequenceEqual(local))
            {
                module = target;
            }
        }

        if (module is null)
        {
            return null;
        }

        return head == i ? module : module + text[tk[head].End..tk[i].End];
    }

    /// <summary>The parallel patterns at a name token.</summary>
    private void ParallelPattern(int i, int end)
    {
        var call = i + 1 < end && src.IsOp(i + 1, '(');
        if (!call)
        {
            if (i + 1 < end && tk[i + 1].Kind == TokenKind.Op && tk[i + 1].Length == 1 && text[tk[i + 1].Start] == '=' &&
                i > 0 && (src.IsOp(i - 1, '(') || src.IsOp(i - 1, ',')) && tk[i].Length is >= 6 and <= 19 &&
                text[tk[i].Start] is 'n' or 't' or 'u' && LibraryWorkerKeywords.Contains(src.String(i)))
            {
                LibraryKeyword(i, end);
            }

            return;
        }

        if (src.IsName(i - 1, "class") || src.IsName(i - 1, "def"))
        {
            return; // a definition, not a call
        }

        var full = parallelAliases.Count == 0 ? null : QualifiedChain(i, out _);
        if (full is not null && ParallelConstructors.Contains(full))
        {
            Parallel(tk[i].Line, full);
            return;
        }

        var head = i;
        while (head >= 2 && src.IsOp(head - 1, '.') && src.IsName(head - 2))
        {
            head -= 2;
        }

        if (workerClasses.Count == 0 && !futuresStarImported && !(src.IsOp(i - 1, '.') && src.IsOp(i - 2, ')')))
        {
            return;
        }

        var name = src.String(i);
        if (head == i && !src.IsOp(i - 1, '.'))
        {
            if (workerClasses.TryGetValue(name, out var cls))
            {
                Parallel(tk[i].Line, $"{name} (a {cls.Base} subclass, line {cls.Line})");
            }
            else if (futuresStarImported && name is "ThreadPoolExecutor" or "ProcessPoolExecutor")
            {
                Parallel(tk[i].Line, "concurrent.futures." + name);
            }

            return;
        }

        // get_context("spawn").Pool(…)
        if (name is "Pool" or "Process" && src.IsOp(i - 1, '.') && src.IsOp(i - 2, ')') && tk[i - 2].Match > 0)
        {
            var open = tk[i - 2].Match;
            if (open > 0 && src.IsName(open - 1, "get_context") && (QualifiedChain(open - 1, out _) is "multiprocessing.get_context" or null))
            {
                Parallel(tk[i].Line, $"multiprocessing.get_context(…).{name}");
            }
        }
    }

    /// <summary><c>class Worker(threading.Thread):</c> — remembered, so <c>Worker(…)</c> starts a thread.</summary>
    private void NoteClassBases(int k, int end)
    {
        if (!src.IsName(k + 1) || !src.IsOp(k + 2, '(') || tk[k + 2].Match <= k + 2)
        {
            return;
        }

        var close = Math.Min(tk[k + 2].Match, end);
        for (var j = k + 3; j < close; j++)
        {
            if (!src.IsName(j) || (j + 1 < close && src.IsOp(j + 1, '.')))
            {
                continue;
            }

            var base_ = QualifiedChain(j, out _);
            if (base_ is not null && WorkerBases.Contains(base_))
            {
                workerClasses[src.String(k + 1)] = (base_, tk[k].Line);
            }
            else if (workerClasses.TryGetValue(src.String(j), out var inherited))
            {
                workerClasses[src.String(k + 1)] = inherited;
            }
        }
    }

    private void LibraryKeyword(int i, int end)
    {
        var start = i + 2;
        var stop = start;
        while (stop < end && !src.IsOp(stop, ',') && !src.IsOp(stop, ')'))
        {
            stop = tk[stop].Kind == TokenKind.Op && tk[stop].Match > stop ? tk[stop].Match + 1 : stop + 1;
        }

        if (stop <= start)
        {
            return;
        }

        var value = text[tk[start].Start..tk[Math.Min(stop, end) - 1].End];
        if (value is "1" or "None" or "False" or "0")
        {
            return;
        }

        if (librarySites.Count < MaxParallelEvidence)
        {
            librarySites.Add((tk[i].Line, $"{src.String(i)}={(value.Length > 40 ? value[..40] + "…" : value)}"));
        }
    }

    private void Parallel(int line, string what)
    {
        if (parallelSites.Count < MaxParallelEvidence && !parallelSites.Any(s => s.What == what))
        {
            parallelSites.Add((line, what));
        }
    }

    private void FillParallel(ScriptRecord record)
    {
        record.ExecutionMode = parallel ? ExecutionMode.Parallel : ExecutionMode.Sequential;
        foreach (var (line, what) in parallelSites)
        {
            record.Evidence.Add(new Evidence("file", source.LocationOfLine(line), $"{ParallelEvidence}{what} called at line {line}"));
        }

        foreach (var (line, what) in librarySites)
        {
            record.Evidence.Add(new Evidence("file", source.LocationOfLine(line),
                $"{LibraryParallelEvidence}{what} at line {line} (the library's own workers inside that call, not the script's execution mode)"));
        }
    }
}
