using BqxAudit.Model;

namespace BqxAudit.Inventory.Analyzers.Shell;

/// <summary>
/// Checks the flags every caller (shell script, Dockerfile ENTRYPOINT/CMD, Cloud Build step) passes
/// to a Python script of the repository against the flags that script declares.
/// </summary>
/// <remarks>
/// For an invocation whose resolved script is an inventoried Python file: a flag the script does not
/// accept is a Warning <c>shell.unknown-flag</c> on the caller, naming both files and lines; any flag
/// passed to a script that reads <c>sys.argv</c> by hand is a Warning
/// <c>shell.flag-to-argv-script</c> — unless the script compares sys.argv with flag literals
/// (<c>if arg == "--gcs-output"</c>): then a flag it never mentions is <c>shell.unknown-flag</c>. Accepted: a flag's name or alias, <c>-h</c>/<c>--help</c> when the
/// script declares flags (argparse adds them), a unique prefix of a long flag (argparse's default
/// abbreviation), and a known short flag with its value attached (<c>-w4</c>). The rule ids are the
/// same whatever kind the caller is. The Python record gets no finding (the caller is what must
/// change), only evidence naming the call.
/// </remarks>
public sealed class PythonFlagCheck : ICrossFileCheck
{
    public void Check(IReadOnlyList<ScriptRecord> records, RepositoryIndex repository)
    {
        var python = new Dictionary<string, ScriptRecord>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            if (r.Kind == ScriptKind.Python)
            {
                python.TryAdd(r.Path, r);
            }
        }

        foreach (var caller in records)
        {
            if (caller.Kind == ScriptKind.Python)
            {
                continue;
            }

            foreach (var call in caller.Invocations)
            {
                if (call.Flags.Count == 0 || call.ResolvedScript is null || !python.TryGetValue(call.ResolvedScript, out var target) ||
                    !(CommandSyntax.IsPythonName(call.Tool) || call.Tool == "exec"))
                {
                    continue;
                }

                CheckCall(caller, call, target);
            }
        }
    }

    private static void CheckCall(ScriptRecord caller, Invocation call, ScriptRecord target)
    {
        var at = $"{caller.Path}:{call.Line}";
        var flags = call.Flags.Distinct(StringComparer.Ordinal).ToList();
        if (target.ParsesArgvByHand && target.Flags.Count > 0 && target.Flags.All(f => f.Help == Python.PythonFileAnalysis.HandParsedFlag))
        {
            var known = target.Flags.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
            var ignored = flags.Where(f => !known.Contains(f) && !known.Contains(f.Split('=')[0])).ToList();
            foreach (var flag in ignored)
            {
                caller.Findings.Add(new Finding("shell.unknown-flag", FindingSeverity.Warning,
                    $"{at} passes {flag} to {target.Path}, which reads sys.argv by hand and never mentions it (it knows {string.Join(", ", known.Order(StringComparer.Ordinal))}); the flag is ignored or taken as a positional",
                    at));
            }

            if (ignored.Count > 0)
            {
                target.Evidence.Add(new Evidence("file", at, $"called with {string.Join(", ", ignored)}, which this script never mentions"));
            }

            return;
        }

        if (target.ParsesArgvByHand)
        {
            caller.Findings.Add(new Finding("shell.flag-to-argv-script", FindingSeverity.Warning,
                $"{at} passes {string.Join(", ", flags)} to {target.Path}, which reads sys.argv by hand instead of declaring flags; check that it handles them",
                at));
            target.Evidence.Add(new Evidence("file", at, $"called with {string.Join(", ", flags)}; this script reads sys.argv by hand"));
            return;
        }

        var declared = target.Flags.Where(f => !f.Positional).ToList();
        var unknown = flags.Where(f => !Accepts(declared, f)).ToList();
        if (unknown.Count == 0)
        {
            return;
        }

        var theirs = Describe(target, declared);
        foreach (var flag in unknown)
        {
            caller.Findings.Add(new Finding("shell.unknown-flag", FindingSeverity.Warning,
                $"{at} passes {flag} to {target.Path}, which does not define it ({theirs})", at));
        }

        target.Evidence.Add(new Evidence("file", at, $"called with {string.Join(", ", unknown)}, which this script does not define"));
    }

    private static string Describe(ScriptRecord target, List<FlagRecord> declared)
    {
        if (declared.Count == 0)
        {
            var positionals = target.Flags.Where(f => f.Positional).Select(f => f.Name).ToList();
            return positionals.Count == 0
                ? "it declares no flags"
                : $"it declares no flags, only the positional arguments {string.Join(", ", positionals)}";
        }

        var names = declared.Select(f => f.Aliases.Count == 0 ? f.Name : $"{f.Name}/{string.Join("/", f.Aliases)}");
        var first = declared.Min(f => f.Line);
        var last = declared.Max(f => f.Line);
        var lines = first == last ? $"{first}" : $"{first}-{last}";
        return $"its flags: {string.Join(", ", names)} at {target.Path}:{lines}";
    }

    private static bool Accepts(List<FlagRecord> declared, string flag)
    {
        var names = declared.SelectMany(f => f.Aliases.Prepend(f.Name)).ToList();
        if (names.Contains(flag, StringComparer.Ordinal))
        {
            return true;
        }

        if (declared.Count > 0 && flag is "-h" or "--help")
        {
            return true;
        }

        if (flag.StartsWith("--", StringComparison.Ordinal))
        {
            return names.Count(n => n.StartsWith("--", StringComparison.Ordinal) && n.StartsWith(flag, StringComparison.Ordinal)) == 1;
        }

        // -w4 (a short flag with its value attached) or -vq (short switches combined).
        return flag.Length > 2 && names.Contains(flag[..2], StringComparer.Ordinal);
    }
}
