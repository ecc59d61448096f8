using BqxAudit.Model;

namespace BqxAudit.Inventory.Analyzers.Python;

/// <summary>Writes what the walk found onto the record.</summary>
internal sealed partial class PythonFileAnalysis
{
    /// <summary>Evidence detail prefix of the line where the script waits for input (the reports and the phase check point there).</summary>
    internal const string InteractiveEvidence = "waits for input: ";

    /// <summary>The Help of a flag found as a literal in a script that reads sys.argv by hand.</summary>
    internal const string HandParsedFlag = "(a literal the script compares sys.argv with; read by hand)";

    /// <summary>Flag names (dashes stripped, <c>_</c> as <c>-</c>, lower case) that set a worker count.</summary>
    private static readonly HashSet<string> WorkerFlagNames = new(StringComparer.Ordinal)
    {
        "workers", "max-workers", "num-workers", "n-workers", "worker-count", "jobs", "n-jobs", "num-jobs", "max-jobs",
        "parallel", "parallelism", "threads", "num-threads", "n-threads", "max-threads", "processes", "num-processes",
        "n-processes", "procs", "concurrency", "max-concurrency", "pool-size",
    };

    public void Fill(ScriptRecord record)
    {
        record.Purpose ??= DocstringPurpose ?? Purpose.FromHeader(src.Header);
        record.CodeLines = code.Count(c => c);

        var resolver = new ImportResolver(repository, source.Path, sysPathEdited);
        foreach (var raw in imports)
        {
            foreach (var resolved in resolver.Resolve(raw))
            {
                record.Imports.Add(resolved.Record);
                if (resolved.Problem is { } problem)
                {
                    record.Findings.Add(raw.Optional
                        ? new Finding("python.unresolved-import", FindingSeverity.Info,
                            $"optional import '{resolved.Record.Module}' does not resolve (the script guards it): {problem}", source.LocationOfLine(raw.Line))
                        : new Finding("python.unresolved-import", FindingSeverity.Error,
                            $"import '{resolved.Record.Module}' does not resolve: {problem}", source.LocationOfLine(raw.Line)));
                }
            }
        }

        record.Distributions.AddRange(record.Imports
            .Where(i => i.Kind == ImportKind.ThirdParty && i.Distribution is not null)
            .Select(i => i.Distribution!)
            .Except(record.Distributions, StringComparer.Ordinal)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(d => d, StringComparer.Ordinal));

        record.Flags.AddRange(flags);
        record.ParsesArgvByHand = argvLine > 0 && !usesArgumentParser;
        if (record.ParsesArgvByHand)
        {
            // The flags it compares sys.argv with are the ones it knows (`if arg == "--gcs-output"`).
            foreach (var (flag, line) in flagLiterals)
            {
                record.Flags.Add(new FlagRecord { Name = flag, Line = line, Help = HandParsedFlag });
            }

            record.Findings.Add(new Finding("python.argv-by-hand", FindingSeverity.Info,
                "reads options from sys.argv by hand instead of declaring them with argparse; flags passed to it cannot be checked",
                source.LocationOfLine(argvLine)));
        }

        FillParallel(record);
        record.RuntimeNeeds.AddRange(runtimeNeeds);
        record.WorkersFlag = flags.FirstOrDefault(f => !f.Positional && f.Aliases.Prepend(f.Name).Any(IsWorkersFlag))?.Name;
        record.Interactive = interactiveLine > 0;
        if (interactiveLine > 0)
        {
            record.Evidence.Add(new Evidence("file", source.LocationOfLine(interactiveLine), $"{InteractiveEvidence}a prompt for a person at line {interactiveLine}"));
        }

        record.TablesWritten.AddRange(written);
        record.TablesRead.AddRange(read);
        record.GcsUris.AddRange(gcs);
        record.SqlStatements.AddRange(sql);
        record.ToolsInvoked.AddRange(tools.Except(record.ToolsInvoked, StringComparer.Ordinal));
        record.Invocations.AddRange(invocations);
        record.NameTemplates.AddRange(nameTemplates.OrderBy(n => n.Line).ThenBy(n => n.Template, StringComparer.Ordinal));

        if (src.Problems.Count > 0)
        {
            var first = src.Problems.OrderBy(p => p.Line).First();
            var more = src.Problems.Count > 1 ? $" ({src.Problems.Count - 1} more syntax problem{(src.Problems.Count == 2 ? "" : "s")} after it)" : "";
            record.Findings.Add(new Finding("python.syntax", FindingSeverity.Error,
                $"SyntaxError: {first.Message}; Python cannot load this file{more}", source.LocationOfLine(first.Line)));
        }
    }

    private static bool IsWorkersFlag(string flag) =>
        flag.StartsWith('-') && WorkerFlagNames.Contains(flag.TrimStart('-').Replace('_', '-').ToLowerInvariant());
}
