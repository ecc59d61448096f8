using System.Text.RegularExpressions;
using BqxAudit.Model;

namespace BqxAudit.Inventory.Analyzers.Shell;

/// <summary>
/// Reads a shell script: the commands it runs (gcloud, bq, gsutil, python with its script and
/// flags, bash/sh/source of another script, docker …) as <see cref="Invocation"/>s, whether each
/// script it runs exists, and whether it stops on errors.
/// </summary>
/// <remarks>
/// Paths resolve as the interpreter would see them, statically: a relative path against the working
/// folder when a <c>cd</c> made it known, else against the audited root first, then the script's
/// own folder (scripts are run from either). <c>$0</c>, <c>${BASH_SOURCE[0]}</c>,
/// <c>$(dirname "$0")</c>, <c>$(cd "$(dirname "$0")/.." &amp;&amp; pwd)</c>, <c>${0%/*}</c>,
/// <c>realpath</c>/<c>readlink -f</c> of those, and variables assigned from any of them or from
/// literals (<c>SCRIPT_DIR=…</c>, <c>ROOT="$SCRIPT_DIR/.."</c>, <c>${VAR:-default}</c>) are evaluated;
/// a path depending on anything else (arguments, the environment) is recorded but not checked.
/// A program run by a relative path without <c>./</c> and without a script extension
/// (<c>venv/bin/gunicorn</c>) is a tool unless the repository has that file.
/// Rules: <c>shell.missing-script</c> and <c>shell.missing-dockerfile</c> (Error; Warning for a sourced
/// dotfile or virtualenv <c>activate</c>, which are machine setup kept out of git),
/// <c>shell.self-invocation</c> (Warning), <c>shell.unresolved-script</c> (Info),
/// <c>shell.no-errexit</c> (Warning, scripts of two or more commands without <c>set -e</c> /
/// <c>set -o errexit</c> / a <c>-e</c> shebang option), <c>shell.no-pipefail</c> (a script with a pipe
/// and no <c>set -o pipefail</c>: Warning for bash, Info for a <c>#!/bin/sh</c> script, where the
/// option may not exist), <c>shell.crlf-line-endings</c> (Error: bash fails on the carriage returns),
/// <c>shell.grep-count-fallback</c> (Warning: <c>$(grep -c … || echo 0)</c> yields two lines when nothing matches).
/// ToolsInvoked holds the programs run; scripts run by path or sourced are invocations but not tools.
/// </remarks>
public sealed partial class ShellAnalyzer : IScriptAnalyzer
{
    /// <summary><c>$(… grep -c … || echo 0)</c> (or <c>--count</c>, <c>-ic</c>, backticks, printf).</summary>
    [GeneratedRegex(@"(\$\(|`)[^()`\n]*?\bgrep\s(?:[^|()`\n]*?\s)?(?:-[A-Za-z]*c[A-Za-z]*|--count)(?=[\s""'])[^()`\n]*?\|\|\s*(?:echo|printf)\b[^()`\n]*(\)|`)", RegexOptions.CultureInvariant)]
    private static partial Regex GrepCountFallback();

    private static string Shorten(string s) => s.Length > 80 ? s[..80] + "…" : s;

    public ScriptKind Kind => ScriptKind.Shell;

    public void Analyze(SourceText source, ScriptRecord record, RepositoryIndex repository)
    {
        var text = source.Text;
        var interpreter = new ShellInterpreter(record, repository, new ShellContext
        {
            RulePrefix = "shell",
            ScriptPath = record.Path,
            MapAbsolute = repository.Resolve,
            OnDockerBuild = (dockerfile, context, tags, at) => Docker.DockerBuilds.Add(record, new Docker.DockerBuildRef(dockerfile, context, tags, at)),
        });
        var posixSh = ReadShebang(text, interpreter);
        var script = ShellScript.Parse(text);
        interpreter.Run(script, source.LineAt);
        ShellOperations.Collect(script, source, record);

        if (script.UnterminatedQuote >= 0)
        {
            var quote = text[script.UnterminatedQuote] == '$' ? "$'" : text[script.UnterminatedQuote].ToString();
            record.Findings.Add(new Finding("shell.unterminated-quote", FindingSeverity.Error,
                $"the {quote} quote opened at line {source.LineAt(script.UnterminatedQuote)} is never closed: bash stops with \"unexpected EOF while looking for matching\" and runs none of the script",
                source.Location(script.UnterminatedQuote)));
        }

        var crlf = text.IndexOf("\r\n", StringComparison.Ordinal);
        if (crlf >= 0)
        {
            record.Findings.Add(new Finding("shell.crlf-line-endings", FindingSeverity.Error,
                "the script has Windows (CRLF) line endings; bash reads the carriage returns as part of each command and fails (convert to LF)",
                source.Location(crlf)));
        }

        if (!interpreter.Errexit && interpreter.CommandCount >= 2)
        {
            record.Findings.Add(new Finding("shell.no-errexit", FindingSeverity.Warning,
                "no `set -e` (or `set -o errexit`): a failing command does not stop the script, so the steps after it run on partial results",
                source.LocationOfLine(1)));
        }

        if (script.FirstPipeOffset >= 0 && !interpreter.Pipefail)
        {
            var line = source.LineAt(script.FirstPipeOffset);
            record.Findings.Add(posixSh
                ? new Finding("shell.no-pipefail", FindingSeverity.Info,
                    $"a pipe at line {line} hides failures of the commands left of `|`; /bin/sh may not support `set -o pipefail` (use bash for it)",
                    source.LocationOfLine(line))
                : new Finding("shell.no-pipefail", FindingSeverity.Warning,
                    $"a pipe at line {line} without `set -o pipefail`: a failure left of `|` is ignored and the pipeline reports success",
                    source.LocationOfLine(line)));
        }

        foreach (Match m in GrepCountFallback().Matches(text))
        {
            record.Findings.Add(new Finding("shell.grep-count-fallback", FindingSeverity.Warning,
                $"`{Shorten(m.Value)}`: when nothing matches, grep -c prints 0 and fails, so `|| echo` adds a second line and the value is \"0\\n0\"; numeric tests on it fail (use `|| true` instead)",
                source.Location(m.Index)));
        }

        record.ImagesPushed = record.ImagesPushed.Distinct(StringComparer.Ordinal).ToList();
        record.ToolsInvoked = record.Invocations
            .Select(i => i.Tool)
            .Where(t => t is not ("exec" or "source"))
            .Distinct(StringComparer.Ordinal)
            .OrderBy(t => t, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Reads <c>#!</c> options (<c>#!/bin/bash -e</c>); true when the interpreter is a POSIX sh.</summary>
    private static bool ReadShebang(string text, ShellInterpreter interpreter)
    {
        if (!text.StartsWith("#!", StringComparison.Ordinal))
        {
            return false;
        }

        var end = text.IndexOf('\n');
        var line = (end < 0 ? text : text[..end]).TrimEnd('\r');
        var words = line[2..].Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return false;
        }

        var name = words[0][(words[0].LastIndexOf('/') + 1)..];
        var first = 1;
        if (name == "env")
        {
            while (first < words.Length && words[first].StartsWith('-'))
            {
                first++;
            }

            name = first < words.Length ? words[first++] : name;
        }

        for (var i = first; i < words.Length; i++)
        {
            var w = words[i];
            if (w.Length > 1 && w[0] == '-' && w[1] != '-' && w.Contains('e'))
            {
                interpreter.Errexit = true;
            }

            if (w == "-o" && i + 1 < words.Length)
            {
                interpreter.Errexit |= words[i + 1] == "errexit";
                interpreter.Pipefail |= words[i + 1] == "pipefail";
            }
        }

        return name is "sh" or "dash";
    }
}
