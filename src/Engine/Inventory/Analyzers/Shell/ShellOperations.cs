using BqxAudit.Model;

namespace BqxAudit.Inventory.Analyzers.Shell;

/// <summary>
/// What a shell script does to BigQuery tables and local files (<see cref="ScriptRecord.Operations"/>): each
/// <c>bq</c> command (<c>mv</c>, <c>cp</c>, <c>rm</c>, <c>mk --view</c>, <c>extract</c>, <c>query "SQL"</c> …, also
/// behind <c>sudo</c>/<c>env</c>/<c>time</c>/<c>nohup</c>), and every file written by a redirection or <c>tee</c>.
/// Commands inside functions and substitutions count; <c>echo</c>ed text does not.
/// </summary>
internal static class ShellOperations
{
    private static readonly HashSet<string> Wrappers = new(StringComparer.Ordinal) { "sudo", "env", "time", "nohup", "exec", "command", "timeout", "nice" };

    public static void Collect(ShellScript script, SourceText source, ScriptRecord record)
    {
        var found = new List<ScriptOperation>();
        foreach (var command in script.Commands)
        {
            var words = command.Words;
            var i = 0;
            while (i < words.Count && CommandSyntax.IsAssignment(words[i], out _, out _))
            {
                i++;
            }

            while (i < words.Count && Wrappers.Contains(words[i].Text))
            {
                i++;
                while (i < words.Count && (words[i].Text.StartsWith('-') || CommandSyntax.IsAssignment(words[i], out _, out _) || (words[i - 1].Text == "timeout" && char.IsAsciiDigit(words[i].Text.FirstOrDefault()))))
                {
                    i++;
                }
            }

            if (i >= words.Count)
            {
                continue;
            }

            var tool = words[i].Text;
            var name = tool[(tool.LastIndexOf('/') + 1)..];
            var line = source.LineAt(words[i].Offset);
            if (name == "bq")
            {
                var rest = words.Skip(i + 1).ToList();
                foreach (var op in BigQueryOperations.FromBq(rest.Select(w => w.Text).ToList(), rest.Select(w => w.Offset).ToList()))
                {
                    found.Add(new ScriptOperation { Kind = op.Kind, Line = line, Via = "bq", Detail = op.Detail, Target = op.Target });
                }
            }
            else if (name == "tee")
            {
                foreach (var w in words.Skip(i + 1).Where(w => !w.Text.StartsWith('-')))
                {
                    found.Add(new ScriptOperation { Kind = OperationKind.WriteFile, Line = line, Via = "file", Detail = BigQueryOperations.Shorten($"tee {w.Text}"), Target = w.Text });
                }
            }
        }

        // Redirections are lexed, not parsed into commands: `> file`, `>> file` (not descriptors, not /dev/null).
        foreach (var segment in ShellLexer.Lex(source.Text).Segments)
        {
            for (var k = 0; k + 1 < segment.Count; k++)
            {
                var token = segment[k];
                if (token.Kind != ShellTokenKind.Redirect || token.Op is not (">" or ">>" or ">|" or "&>" or "&>>") || segment[k + 1].Word is not { } target)
                {
                    continue;
                }

                if (target.Text.StartsWith('&') || target.Text is "/dev/null" or "/dev/stderr" or "/dev/stdout")
                {
                    continue;
                }

                found.Add(new ScriptOperation
                {
                    Kind = OperationKind.WriteFile, Line = source.LineAt(token.Offset), Via = "file",
                    Detail = BigQueryOperations.Shorten($"{token.Op} {target.Text}"), Target = target.Text,
                });
            }
        }

        found.Sort((a, b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : a.Kind.CompareTo(b.Kind));
        record.Operations = found.GroupBy(o => (o.Kind, o.Line, o.Detail)).Select(g => g.First()).ToList();
        var cloud = record.Invocations.Any(v => v.Tool is "bq" or "gcloud" or "gsutil") || record.GcsUris.Count > 0;
        record.LocalFilesOnly = !cloud && record.Operations.Count > 0 && record.Operations.All(o => o.Kind is OperationKind.ReadFile or OperationKind.WriteFile);
    }
}
