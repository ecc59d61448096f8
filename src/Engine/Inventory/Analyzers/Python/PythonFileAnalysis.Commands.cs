using BqxAudit.Model;

namespace BqxAudit.Inventory.Analyzers.Python;

internal enum CommandForm
{
    /// <summary><c>subprocess.run(["bq", "ls"])</c> or <c>subprocess.run("bq ls", shell=True)</c>.</summary>
    ListOrString,

    /// <summary><c>os.system("bq ls")</c>: always a shell string.</summary>
    String,

    /// <summary><c>asyncio.create_subprocess_exec("bq", "ls")</c>: one word per argument.</summary>
    Varargs,
}

/// <summary>External commands a script runs, and what the <c>bq</c> ones do to tables.</summary>
internal sealed partial class PythonFileAnalysis
{
    /// <summary>Shell builtins and POSIX utilities: always there, not dependencies worth listing.</summary>
    private static readonly HashSet<string> NotTools = new(StringComparer.Ordinal)
    {
        "cd", "echo", "export", "set", "exit", "true", "false", "test", "[", "printf", "source", ".", ":", "eval", "read",
        "wait", "trap", "unset", "shift", "local", "return", "cat", "cp", "mv", "rm", "mkdir", "rmdir", "ls", "touch", "chmod",
        "chown", "ln", "pwd", "sleep", "head", "tail", "wc", "sort", "uniq", "grep", "sed", "awk", "tr", "cut", "tee", "find",
        "xargs", "date", "basename", "dirname", "kill", "which", "command", "type",
    };

    /// <summary>bq flags that take their value as the next word (others are booleans or use <c>--flag=value</c>).</summary>
    private static readonly HashSet<string> BqValueFlags = new(StringComparer.Ordinal)
    {
        "--project_id", "--dataset_id", "--location", "--format", "--api", "--job_id", "--destination_table", "--schema", "--view",
        "--materialized_view", "--time_partitioning_field", "--time_partitioning_type", "--time_partitioning_expiration",
        "--clustering_fields", "--range_partitioning", "--label", "--description", "--expiration", "--default_table_expiration",
        "--default_partition_expiration", "--source_format", "--field_delimiter", "-F", "--max_bad_records", "--encoding", "-E",
        "--quote", "--skip_leading_rows", "--null_marker", "--max_rows", "-n", "--max_results", "--start_row", "-s",
        "--parameter", "--destination_kms_key", "--destination_format", "--compression", "--session_id", "--connection_id",
        "--reservation_id", "--external_table_definition", "--apilog", "--headless_mode", "--job_timeout_ms", "--maximum_bytes_billed",
    };

    private void Command(int paren, CommandForm form)
    {
        var args = Arguments(paren);
        var context = Context();
        var line = tk[paren].Line;
        if (form == CommandForm.Varargs)
        {
            var words = new List<Resolved>();
            foreach (var a in args)
            {
                if (a.Keyword is not null)
                {
                    break;
                }

                words.Add(Word(a.Start, a.End, context));
            }

            RunCommand(words, line, 0);
            return;
        }

        var first = args.FirstOrDefault(a => a.Keyword is null or "args" or "cmd" or "command");
        if (first.End <= first.Start || first.Keyword == "*")
        {
            return;
        }

        foreach (var command in CommandWords(first.Start, first.End, context, form == CommandForm.String, MaxResolveDepth))
        {
            RunCommand(command, line, 0);
        }
    }

    /// <summary>The commands an argument holds: a list literal of words, or a shell string split into commands.</summary>
    private List<List<Resolved>> CommandWords(int s, int e, EvalContext context, bool stringOnly, int budget)
    {
        var result = new List<List<Resolved>>();
        if (budget <= 0 || s >= e)
        {
            return result;
        }

        if (!stringOnly && tk[s].Kind == TokenKind.Op && tk[s].Match == e - 1 && text[tk[s].Start] is '[' or '(')
        {
            var words = new List<Resolved>();
            foreach (var (es, ee) in SplitTopLevel(s + 1, e - 1))
            {
                if (tk[es].Kind == TokenKind.Op && src.Is(es, "*"))
                {
                    break;
                }

                words.Add(Word(es, ee, context));
            }

            result.Add(words);
            return result;
        }

        if (IsDottedName(s, e) && Lookup(Text(s, e), context) is { } assigned)
        {
            return CommandWords(assigned.Start, assigned.End, assigned.Context, stringOnly, budget - 1);
        }

        if (src.IsName(s))
        {
            var j = s;
            var callee = DottedName(ref j, e)!;
            if (src.IsOp(j, '(') && tk[j].Match == e - 1)
            {
                var callArgs = Arguments(j);
                if ((callee is "shlex.split" or "split") && callArgs.Count >= 1)
                {
                    return CommandWords(callArgs[0].Start, callArgs[0].End, context, true, budget - 1);
                }

                if (callee.EndsWith(".split", StringComparison.Ordinal) && callArgs.Count == 0)
                {
                    return CommandWords(s, j - 2, context, true, budget - 1);
                }
            }
        }

        if (tk[s].Kind == TokenKind.String && src.IsOp(s + 1, '.') && src.IsName(s + 2, "join") && src.IsOp(s + 3, '(') && tk[s + 3].Match == e - 1)
        {
            var joined = Arguments(s + 3);
            if (joined.Count == 1)
            {
                return CommandWords(joined[0].Start, joined[0].End, context, false, budget - 1);
            }
        }

        foreach (var r in EvalArgument(s, e, context))
        {
            foreach (var command in ShellWords.Split(r.Template))
            {
                result.Add(command.Select(w => new Resolved(w, r.Context, r.Line)).ToList());
            }
        }

        return result;
    }

    /// <summary>One word of a list-form command: its string value, else a placeholder for the expression.</summary>
    private Resolved Word(int s, int e, EvalContext context)
    {
        var values = EvalArgument(s, e, context);
        if (values.Count == 1)
        {
            return values[0];
        }

        var b = new StrTemplateBuilder();
        b.AppendField(ConcatField(Text(s, e)));
        return new Resolved(b.Build(), context, tk[s].Line);
    }

    private void RunCommand(List<Resolved> words, int line, int nesting)
    {
        var i = 0;
        while (i < words.Count)
        {
            var w = Literal(words[i]);
            if (w is "sudo" or "nohup" or "exec" or "time" or "env" || (w is not null && w.Contains('=') && !w.StartsWith('-') && i + 1 < words.Count))
            {
                i++;
                continue;
            }

            if (w == "timeout" && i + 2 < words.Count)
            {
                i += 2;
                continue;
            }

            break;
        }

        if (i >= words.Count)
        {
            return;
        }

        var tool = ToolName(words[i]);
        if (tool is null || NotTools.Contains(tool))
        {
            return;
        }

        var args = new List<Resolved>();
        for (var k = i + 1; k < words.Count; k++)
        {
            if (Literal(words[k]) is { } literal && ShellWords.IsRedirect(literal, out var takesNext))
            {
                k += takesNext ? 1 : 0;
                continue;
            }

            args.Add(words[k]);
        }

        tools.Add(tool);
        var invocation = new Invocation { Tool = tool, Line = line };
        if (IsPython(tool))
        {
            PythonInvocation(args, invocation);
        }
        else
        {
            invocation.Flags = args.Select(Literal).Where(a => a is not null && a.StartsWith('-') && a.Length > 1)
                .Select(a => a!.Split('=')[0]).ToList();
        }

        invocations.Add(invocation);
        if (tool == "bq")
        {
            Bq(args, line);
        }
        else if (tool is "bash" or "sh" && nesting < 2)
        {
            var c = args.FindIndex(a => Literal(a) == "-c");
            if (c >= 0 && c + 1 < args.Count)
            {
                foreach (var command in ShellWords.Split(args[c + 1].Template))
                {
                    RunCommand(command.Select(x => new Resolved(x, args[c + 1].Context, args[c + 1].Line)).ToList(), line, nesting + 1);
                }
            }
        }
    }

    private static string? Literal(Resolved word) => word.Template.HasFields ? null : word.Template.Masked;

    /// <summary>The program a word names: its base name (<c>/usr/bin/gsutil</c> → <c>gsutil</c>), <c>python</c> for <c>sys.executable</c>.</summary>
    private static string? ToolName(Resolved word)
    {
        var t = word.Template;
        if (t.Masked.Length == 1 && StrTemplate.IsMask(t.Masked[0]))
        {
            return t.FieldOf(t.Masked[0]).SimpleName == "sys.executable" ? "python" : null;
        }

        if (t.HasFields || t.Masked.Length == 0 || ShellWords.IsRedirect(t.Masked, out _))
        {
            return null;
        }

        var name = t.Masked[(t.Masked.LastIndexOf('/') + 1)..];
        return name.Length == 0 || name.Any(char.IsWhiteSpace) ? null : name;
    }

    private static bool IsPython(string tool) =>
        tool is "python" or "python3" or "python2" || (tool.StartsWith("python3.", StringComparison.Ordinal) && tool.Length <= 10);

    private void PythonInvocation(List<Resolved> args, Invocation invocation)
    {
        var i = 0;
        while (i < args.Count)
        {
            var a = Literal(args[i]);
            if (a is "-m" or "-c")
            {
                return; // a module or inline code: no script file to resolve
            }

            if (a is "-W" or "-X")
            {
                i += 2;
                continue;
            }

            if (a is not null && a.StartsWith('-'))
            {
                i++;
                continue;
            }

            break;
        }

        if (i >= args.Count)
        {
            return;
        }

        var script = args[i].Template;
        invocation.Script = script.Simple();
        if (!script.HasFields)
        {
            invocation.ResolvedScript = repository.Candidates(script.Masked, source.Path).FirstOrDefault(repository.FileExists);
        }

        invocation.Flags = args.Skip(i + 1).Select(Literal).Where(a => a is not null && a.StartsWith('-') && a.Length > 1)
            .Select(a => a!.Split('=')[0]).ToList();
    }

    /// <summary>
    /// <c>bq mk/rm/cp/query/load/extract/show/head/update/insert</c>: the tables written and read. Flags are
    /// booleans unless listed in <see cref="BqValueFlags"/> or written <c>--flag=value</c>; datasets, models and
    /// jobs (<c>-d</c>, <c>-m</c>, <c>-j</c> …) are not tables.
    /// </summary>
    private void Bq(List<Resolved> args, int line)
    {
        var i = 0;
        while (i < args.Count && Literal(args[i]) is { } g && g.StartsWith('-'))
        {
            i += !g.Contains('=') && BqValueFlags.Contains(g) ? 2 : 1;
        }

        if (i >= args.Count || Literal(args[i]) is not { } command)
        {
            return;
        }

        var positionals = new List<Resolved>();
        var options = new Dictionary<string, Resolved?>(StringComparer.Ordinal);
        for (i++; i < args.Count; i++)
        {
            var w = args[i];
            var masked = w.Template.Masked;
            if (masked.StartsWith('-') && masked.Length > 1)
            {
                var eq = masked.IndexOf('=');
                if (eq > 0)
                {
                    options[masked[..eq]] = w with { Template = w.Template.With(masked[(eq + 1)..]) };
                }
                else if (BqValueFlags.Contains(masked) && i + 1 < args.Count)
                {
                    options[masked] = args[++i];
                }
                else
                {
                    options[masked] = null;
                }

                continue;
            }

            positionals.Add(w);
        }

        bool Has(params string[] names) => names.Any(options.ContainsKey);
        var notTable = Has("-d", "--dataset", "-m", "--model", "-j", "--job", "--connection", "--transfer_config", "--reservation",
            "--capacity_commitment", "--reservation_assignment", "--routine");
        switch (command)
        {
            case "mk" when !notTable:
            {
                var view = options.GetValueOrDefault("--view") ?? options.GetValueOrDefault("--materialized_view");
                if (view is { } v)
                {
                    Sql(v.Template, v.Context, v.Line);
                }

                if (positionals.Count > 0 && (Has("-t", "--table") || view is not null || IsQualifiedTable(positionals[0])))
                {
                    BqTable(true, positionals[0]);
                }

                break;
            }

            case "rm" or "update" or "insert" when !notTable && positionals.Count > 0 && (Has("-t", "--table") || IsQualifiedTable(positionals[0])):
                BqTable(true, positionals[0]);
                break;
            case "cp" when positionals.Count >= 2:
                for (var k = 0; k < positionals.Count - 1; k++)
                {
                    foreach (var part in positionals[k].Template.Masked.Split(','))
                    {
                        BqTable(false, positionals[k] with { Template = positionals[k].Template.With(part) });
                    }
                }

                BqTable(true, positionals[^1]);
                break;
            case "query":
            {
                if (options.GetValueOrDefault("--destination_table") is { } destination)
                {
                    BqTable(true, destination);
                }

                if (positionals.Count > 0)
                {
                    var b = new StrTemplateBuilder();
                    foreach (var p in positionals)
                    {
                        if (b.Length > 0)
                        {
                            b.Append(' ');
                        }

                        b.AppendTemplate(p.Template);
                    }

                    var query = b.Build();
                    if (SqlText.IsSql(query.Masked))
                    {
                        Sql(query, positionals[0].Context, positionals[0].Line);
                    }
                }

                break;
            }

            case "load" when positionals.Count > 0:
                BqTable(true, positionals[0]);
                break;
            case "extract" or "show" or "head" when !notTable && positionals.Count > 0 && (command == "extract" || Has("-t", "--table") || IsQualifiedTable(positionals[0])):
                BqTable(false, positionals[0]);
                break;
        }
    }

    /// <summary><c>dataset.table</c> or <c>project:dataset.table</c> (a placeholder may stand for any part), not just <c>project:dataset</c>.</summary>
    private static bool IsQualifiedTable(Resolved word)
    {
        var s = word.Template.Masked;
        var colon = s.IndexOf(':');
        return s.IndexOf('.', colon + 1) > colon + 1 && !s.Contains('/');
    }

    private void BqTable(bool isWritten, Resolved word)
    {
        if (word.Template.Masked.StartsWith("gs://", StringComparison.Ordinal))
        {
            return;
        }

        AddTable(isWritten, word.Template, word.Context, word.Line, 0);
    }
}
