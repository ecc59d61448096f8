using BqxAudit.Model;

namespace BqxAudit.Inventory.Analyzers.Python;

/// <summary>The facts: flags, argv, parallelism, interactivity, commands, BigQuery names, URIs, SQL.</summary>
internal sealed partial class PythonFileAnalysis
{
    private static readonly HashSet<string> ArgumentParsers = new(StringComparer.Ordinal)
    {
        "argparse", "optparse", "getopt", "click", "typer", "fire", "docopt", "absl",
    };

    private static readonly string[] SqlKeywords = { "SELECT", "WITH", "CREATE", "INSERT", "MERGE", "ALTER", "DROP", "UPDATE", "DELETE", "TRUNCATE" };

    private readonly List<FlagRecord> flags = new();
    private readonly SortedSet<string> written = new(StringComparer.Ordinal);
    private readonly SortedSet<string> read = new(StringComparer.Ordinal);
    private readonly SortedSet<string> gcs = new(StringComparer.Ordinal);
    private readonly List<string> sql = new();
    private readonly HashSet<string> sqlSeen = new(StringComparer.Ordinal);
    private readonly SortedSet<string> tools = new(StringComparer.Ordinal);
    private readonly List<Invocation> invocations = new();

    private bool bigQueryImported;
    private bool usesArgumentParser;
    private bool sysPathEdited;
    private int argvLine;
    private int interactiveLine;

    private void NoteImport(RawImport raw)
    {
        var module = raw.Module;
        var dot = module.IndexOf('.');
        var topName = dot < 0 ? module : module[..dot];
        if (raw.Level == 0 && (module.StartsWith("google.cloud.bigquery", StringComparison.Ordinal)
            || (module == "google.cloud" && raw.Names.Contains("bigquery")) || topName is "bigframes" or "pandas_gbq"))
        {
            bigQueryImported = true;
        }

        if (raw.Level == 0 && ArgumentParsers.Contains(topName))
        {
            usesArgumentParser = true;
        }

        if (raw.Level == 0 && raw.Names.Contains("*"))
        {
            NoteParallelStarImport(module);
        }
    }

    /// <summary>Module paths whose local names the patterns below need to recognise.</summary>
    private static readonly HashSet<string> InterestingModules = new(StringComparer.Ordinal)
    {
        "sys", "site", "sys.argv", "subprocess", "os", "asyncio", "click", "getpass", "pandas_gbq", "getpass.getpass",
        "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output", "subprocess.Popen",
        "subprocess.getoutput", "subprocess.getstatusoutput", "os.system", "os.popen",
    };

    private readonly List<(string Local, string Module)> interesting = new();

    private void SetAlias(string local, string module)
    {
        for (var k = interesting.Count - 1; k >= 0; k--)
        {
            if (interesting[k].Local == local)
            {
                interesting.RemoveAt(k);
            }
        }

        if (InterestingModules.Contains(module))
        {
            interesting.Add((local, module));
        }

        NoteParallelAlias(local, module);
        NoteRuntimeAlias(local, module);
    }

    /// <summary>The module a local name was imported as, when it is one the patterns need (<c>sp</c> → <c>subprocess</c>).</summary>
    private string? Imported(ReadOnlySpan<char> name)
    {
        foreach (var (local, module) in interesting)
        {
            if (name.SequenceEqual(local))
            {
                return module;
            }
        }

        return null;
    }

    /// <summary>The module a receiver name stands for: an import alias, else the name itself when it is a module we know.</summary>
    private string? Receiver(int i)
    {
        if (i < 0 || !src.IsName(i))
        {
            return null;
        }

        var name = src.TextOf(i);
        return Imported(name) ?? (name is "sys" or "site" or "subprocess" or "os" or "asyncio" or "click" or "getpass" or "pandas_gbq" ? name.ToString() : null);
    }

    private void NamePattern(int i, int end)
    {
        ref var t = ref tk[i];
        var name = src.TextOf(i);
        ParallelPattern(i, end);
        RuntimePattern(i, end);
        if (name is "ArgumentParser")
        {
            usesArgumentParser = true;
        }

        var afterDot = i > 0 && src.IsOp(i - 1, '.');
        var call = i + 1 < end && src.IsOp(i + 1, '(');
        if (!afterDot)
        {
            if (call)
            {
                if (name is "input" or "raw_input")
                {
                    if (!src.IsName(i - 1, "def"))
                    {
                        interactiveLine = interactiveLine == 0 ? t.Line : interactiveLine;
                    }
                }
                else if (name is "QueryJobConfig" or "LoadJobConfig" or "CopyJobConfig")
                {
                    DestinationKeyword(i + 1);
                }
                else if (Imported(name) is { } full)
                {
                    switch (full)
                    {
                        case "subprocess.run" or "subprocess.call" or "subprocess.check_call" or "subprocess.check_output" or "subprocess.Popen":
                            Command(i + 1, CommandForm.ListOrString);
                            break;
                        case "subprocess.getoutput" or "subprocess.getstatusoutput" or "os.system" or "os.popen":
                            Command(i + 1, CommandForm.String);
                            break;
                        case "getpass.getpass":
                            interactiveLine = interactiveLine == 0 ? t.Line : interactiveLine;
                            break;
                    }
                }
            }
            else if (i + 2 < end && src.IsOp(i + 1, '.'))
            {
                var module = Receiver(i);
                if (module == "sys")
                {
                    if (src.IsName(i + 2, "argv"))
                    {
                        ArgvUse(i, i + 3);
                    }
                    else if (src.IsName(i + 2, "path") && src.IsOp(i + 3, '.') && (src.IsName(i + 4, "insert") || src.IsName(i + 4, "append") || src.IsName(i + 4, "extend")))
                    {
                        sysPathEdited = true;
                    }
                }
                else if (module == "site" && src.IsName(i + 2, "addsitedir"))
                {
                    sysPathEdited = true;
                }
            }
            else if (Imported(name) == "sys.argv")
            {
                ArgvUse(i, i + 1);
            }

            return;
        }

        if (!call)
        {
            return;
        }

        switch (name)
        {
            case "add_argument":
                AddArgument(i + 1, t.Line);
                break;
            case "add_subparsers":
                AddSubparsers(i + 1, t.Line);
                break;
            case "option" or "argument" when Receiver(i - 2) == "click":
                ClickParameter(i + 1, t.Line, positional: name is "argument");
                break;
            case "prompt" or "confirm" when Receiver(i - 2) == "click":
            case "getpass" when Receiver(i - 2) == "getpass":
                interactiveLine = interactiveLine == 0 ? t.Line : interactiveLine;
                break;
            case "system" or "popen" when Receiver(i - 2) == "os":
                Command(i + 1, CommandForm.String);
                break;
            case "run" or "call" or "check_call" or "check_output" or "Popen" when Receiver(i - 2) == "subprocess":
                Command(i + 1, CommandForm.ListOrString);
                break;
            case "getoutput" or "getstatusoutput" when Receiver(i - 2) == "subprocess":
                Command(i + 1, CommandForm.String);
                break;
            case "create_subprocess_shell" when Receiver(i - 2) == "asyncio":
                Command(i + 1, CommandForm.String);
                break;
            case "create_subprocess_exec" when Receiver(i - 2) == "asyncio":
                Command(i + 1, CommandForm.Varargs);
                break;
            case "QueryJobConfig" or "LoadJobConfig" or "CopyJobConfig":
                DestinationKeyword(i + 1);
                break;
            case "create_table" or "delete_table" or "insert_rows" or "insert_rows_json" or "insert_rows_from_dataframe" or "update_table"
                or "load_table_from_uri" or "load_table_from_dataframe" or "load_table_from_file" or "load_table_from_json" or "copy_table"
                or "get_table" or "list_rows" or "extract_table" or "to_gbq":
                ClientCall(name.ToString(), i, i + 1);
                break;
        }
    }

    /// <summary>
    /// <c>sys.argv[…]</c> (other than <c>[0]</c>, the program) indexed or sliced, or <c>… in sys.argv</c>, reads
    /// options by hand — unless a slice is handed straight to a call (<c>parser.parse_args(sys.argv[1:])</c>,
    /// <c>main(sys.argv[1:])</c>), which passes the arguments on rather than parsing them.
    /// </summary>
    /// <summary>String literals that look like flags (<c>"--gcs-output"</c>): the flags a script that reads sys.argv by hand knows.</summary>
    private readonly List<(string Flag, int Line)> flagLiterals = new();

    private const int MaxFlagLiterals = 64;

    private void NoteFlagLiteral(int i)
    {
        ref var t = ref tk[i];
        if (flagLiterals.Count >= MaxFlagLiterals || t.Length < 4 || t.Length > 48 || (t.Flags & (StringFlags.Format | StringFlags.Bytes | StringFlags.MultiLine)) != 0)
        {
            return;
        }

        var raw = text.AsSpan(t.Start, t.Length);
        var quote = raw[0];
        if (quote is not ('"' or '\'') || raw[^1] != quote)
        {
            return;
        }

        var value = raw[1..^1];
        if (value.Length < 2 || value[0] != '-' || (value.Length > 1 && value[1] == '-' ? value.Length < 3 || !char.IsAsciiLetter(value[2]) : !char.IsAsciiLetter(value[1])))
        {
            return;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return;
            }
        }

        var flag = value.ToString();
        if (!flagLiterals.Any(f => f.Flag == flag))
        {
            flagLiterals.Add((flag, t.Line));
        }
    }

    private void ArgvUse(int start, int after)
    {
        var counts = false;
        if (src.IsOp(after, '['))
        {
            var close = tk[after].Match;
            var programName = close == after + 2 && tk[after + 1].Kind == TokenKind.Number && src.Is(after + 1, "0");
            var slice = false;
            for (var k = after + 1; k < close; k++)
            {
                slice |= src.IsOp(k, ':');
            }

            var passedOn = slice && (src.IsOp(start - 1, '(') || src.IsOp(start - 1, ','))
                && (src.IsOp(close + 1, ')') || src.IsOp(close + 1, ','));
            counts = !programName && !passedOn;
        }
        else if (src.IsName(start - 1, "in"))
        {
            counts = true;
        }

        if (counts && argvLine == 0)
        {
            argvLine = tk[start].Line;
        }
    }

    private void AddArgument(int paren, int line)
    {
        var names = new List<string>();
        bool? required = null;
        string? help = null;
        string? nargs = null;
        foreach (var arg in Arguments(paren))
        {
            switch (arg.Keyword)
            {
                case null:
                    if (PlainString(arg.Start, arg.End) is not { } flagName)
                    {
                        return; // names built at run time: nothing reliable to record
                    }

                    names.Add(flagName);
                    break;
                case "*":
                    return;
                case "required":
                    required = src.IsName(arg.Start, "True") && arg.End == arg.Start + 1;
                    break;
                case "help":
                    help = Chain(arg.Start, arg.End, out _, null)?.AsWritten();
                    break;
                case "nargs":
                    nargs = PlainString(arg.Start, arg.End) ?? Text(arg.Start, arg.End);
                    break;
            }
        }

        if (names.Count == 0)
        {
            return;
        }

        var positional = !names[0].StartsWith('-');
        var main = positional ? names[0] : names.FirstOrDefault(n => n.StartsWith("--", StringComparison.Ordinal)) ?? names[0];
        AddFlag(new FlagRecord
        {
            Name = main,
            Aliases = names.Where(n => n != main).ToList(),
            Positional = positional,
            Required = positional ? nargs is not ("?" or "*" or "..." or "argparse.REMAINDER" or "REMAINDER") : required == true,
            Help = help,
            Line = line,
        });
        usesArgumentParser = true;
    }

    private void AddSubparsers(int paren, int line)
    {
        usesArgumentParser = true;
        var args = Arguments(paren);
        var dest = args.FirstOrDefault(a => a.Keyword == "dest");
        if (dest.Keyword is null || PlainString(dest.Start, dest.End) is not { } name)
        {
            return;
        }

        var required = args.FirstOrDefault(a => a.Keyword == "required");
        var help = args.FirstOrDefault(a => a.Keyword == "help");
        AddFlag(new FlagRecord
        {
            Name = name,
            Positional = true,
            Required = required.Keyword is not null && src.IsName(required.Start, "True"),
            Help = help.Keyword is null ? null : Chain(help.Start, help.End, out _, null)?.AsWritten(),
            Line = line,
        });
    }

    private void ClickParameter(int paren, int line, bool positional)
    {
        usesArgumentParser = true;
        var names = new List<string>();
        bool? required = null;
        string? help = null;
        foreach (var arg in Arguments(paren))
        {
            if (arg.Keyword is null && PlainString(arg.Start, arg.End) is { } s)
            {
                if (positional || s.StartsWith('-'))
                {
                    names.Add(s.Split('/')[0].Trim());
                }
            }
            else if (arg.Keyword == "required")
            {
                required = src.IsName(arg.Start, "True");
            }
            else if (arg.Keyword == "help")
            {
                help = Chain(arg.Start, arg.End, out _, null)?.AsWritten();
            }
        }

        if (names.Count == 0)
        {
            return;
        }

        var main = positional ? names[0] : names.FirstOrDefault(n => n.StartsWith("--", StringComparison.Ordinal)) ?? names[0];
        AddFlag(new FlagRecord
        {
            Name = main,
            Aliases = names.Where(n => n != main).ToList(),
            Positional = positional,
            Required = positional ? required != false : required == true,
            Help = help,
            Line = line,
        });
    }

    private void AddFlag(FlagRecord flag)
    {
        if (!flags.Any(f => f.Name == flag.Name))
        {
            flags.Add(flag);
        }
    }

    /// <summary>A string literal (with what it is concatenated or formatted with): SQL, <c>gs://</c> URIs.</summary>
    private void StringChain(int i, int end)
    {
        var maybeSql = LooksLikeSqlStart(i);
        var maybeGcs = false;
        for (var j = i; j < end && tk[j].Kind == TokenKind.String && !maybeSql; j++)
        {
            maybeGcs |= text.AsSpan(tk[j].Start, tk[j].Length).Contains("gs://", StringComparison.Ordinal);
        }

        if (!maybeSql && !maybeGcs)
        {
            return;
        }

        var strings = new List<int>();
        var value = Chain(i, end, out _, strings);
        foreach (var s in strings)
        {
            consumed[s] = true;
        }

        if (value is null)
        {
            return;
        }

        var line = tk[i].Line;
        if (value.Masked.Contains("gs://", StringComparison.Ordinal))
        {
            GcsUris(value);
        }

        if (maybeSql && SqlText.IsSql(value.Masked))
        {
            Sql(value, Context(), line);
        }
    }

    /// <summary>A cheap test on the first string token: does its text start with a SQL keyword?</summary>
    private bool LooksLikeSqlStart(int i)
    {
        ref var t = ref tk[i];
        if ((t.Flags & StringFlags.Bytes) != 0)
        {
            return false;
        }

        var quote = (t.Flags & StringFlags.Triple) != 0 ? 3 : 1;
        var s = text.AsSpan(t.Start + t.PrefixLength + quote, Math.Max(0, t.End - t.Start - t.PrefixLength - quote));
        while (true)
        {
            s = s.TrimStart();
            if (s.StartsWith("\\n", StringComparison.Ordinal))
            {
                s = s[2..];
            }
            else if (s.StartsWith("--", StringComparison.Ordinal) || s.StartsWith("#", StringComparison.Ordinal))
            {
                var eol = s.IndexOf('\n');
                if (eol < 0)
                {
                    return false;
                }

                s = s[(eol + 1)..];
            }
            else
            {
                break;
            }
        }

        var n = 0;
        while (n < s.Length && n < 9 && char.IsAsciiLetter(s[n]))
        {
            n++;
        }

        var word = s[..n];
        foreach (var k in SqlKeywords)
        {
            if (word.Equals(k, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private void Sql(StrTemplate value, EvalContext context, int line)
    {
        var statement = value.AsWritten().Trim();
        if (sqlSeen.Add(statement))
        {
            sql.Add(statement);
        }

        foreach (var r in SqlText.Tables(value.Masked))
        {
            AddTable(r.Written, value.With(r.Path), context, line, 0);
        }
    }

    private void GcsUris(StrTemplate value)
    {
        var s = value.Masked;
        for (var i = s.IndexOf("gs://", StringComparison.Ordinal); i >= 0; i = s.IndexOf("gs://", i + 5, StringComparison.Ordinal))
        {
            var end = i + 5;
            while (end < s.Length && !char.IsWhiteSpace(s[end]) && s[end] is not ('\'' or '"' or ',' or ')' or ']' or ';' or '<' or '>' or '|' or '`'))
            {
                end++;
            }

            if (end > i + 5)
            {
                gcs.Add(value.Render(s[i..end], f => f.Simple));
            }
        }
    }

    /// <summary>
    /// Records one table reference. A reference that is nothing but a placeholder (<c>`{table_id}`</c>) is
    /// replaced by what the name resolves to (its loop values or its assigned template) when it resolves.
    /// </summary>
    private void AddTable(bool isWritten, StrTemplate value, EvalContext context, int line, int depth)
    {
        var masked = NormalizeTablePath(value.Masked);
        if (masked.Length == 0 || masked.Any(c => char.IsWhiteSpace(c) || c == '/'))
        {
            return;
        }

        value = value.With(masked);
        if (masked.Length == 1 && StrTemplate.IsMask(masked[0]) && depth < 2 && value.FieldOf(masked[0]).SimpleName is { } name)
        {
            var resolved = EvalName(name, context);
            if (resolved.Count > 0)
            {
                foreach (var r in resolved)
                {
                    AddTable(isWritten, r.Template, r.Context, r.Line, depth + 1);
                }

                return;
            }
        }

        (isWritten ? written : read).Add(value.Simple());
        if (isWritten)
        {
            // Only names the script produces are its generated names; a table it reads (or renames away) is not.
            AddNameTemplate(value, line, context, tablePath: true);
        }
    }

    /// <summary>Backquotes dropped, <c>project:dataset.table</c> as <c>project.dataset.table</c>, surrounding whitespace trimmed.</summary>
    private static string NormalizeTablePath(string masked)
    {
        var s = masked.Trim();
        if (s.Contains('`') || s.Contains(':'))
        {
            s = s.Replace("`", "").Replace(':', '.');
        }

        return s.Trim('.');
    }

    private void TablesFromArgument(bool written, int s, int e, EvalContext context)
    {
        if (s < e && tk[s].Kind == TokenKind.Op && tk[s].Match == e - 1 && text[tk[s].Start] is '[' or '(')
        {
            foreach (var (es, ee) in SplitTopLevel(s + 1, e - 1))
            {
                TablesFromArgument(written, es, ee, context);
            }

            return;
        }

        foreach (var r in EvalArgument(s, e, context))
        {
            AddTable(written, r.Template, r.Context, r.Line, 0);
        }
    }

    private void DestinationKeyword(int paren)
    {
        foreach (var arg in Arguments(paren))
        {
            if (arg.Keyword == "destination")
            {
                TablesFromArgument(written: true, arg.Start, arg.End, Context());
            }
        }
    }

    /// <summary>
    /// google-cloud-bigquery client methods (and <c>to_gbq</c>): the table arguments they write or read.
    /// Only when the file imports BigQuery or the receiver looks like a client (<c>client</c>, <c>bq_client</c>, <c>Client()</c>).
    /// </summary>
    private void ClientCall(string method, int nameIndex, int paren)
    {
        (bool Written, int Position, string Keyword)? spec = method switch
        {
            "create_table" or "delete_table" or "insert_rows" or "insert_rows_json" or "insert_rows_from_dataframe" or "update_table" => (true, 0, "table"),
            "load_table_from_uri" or "load_table_from_dataframe" or "load_table_from_file" or "load_table_from_json" => (true, 1, "destination"),
            "copy_table" => (true, 1, "destination"),
            "get_table" or "list_rows" => (false, 0, "table"),
            "extract_table" => (false, 0, "source"),
            "to_gbq" => (true, Receiver(nameIndex - 2) == "pandas_gbq" ? 1 : 0, "destination_table"),
            _ => null,
        };
        if (spec is not { } s || !(bigQueryImported || method == "to_gbq" || ReceiverLooksLikeClient(nameIndex - 2)))
        {
            return;
        }

        var args = Arguments(paren);
        var context = Context();
        var positional = args.Where(a => a.Keyword is null).ToList();
        var arg = args.FirstOrDefault(a => a.Keyword == s.Keyword);
        if (arg.Keyword is null && s.Position < positional.Count)
        {
            arg = positional[s.Position];
        }

        if (arg.End > arg.Start)
        {
            TablesFromArgument(s.Written, arg.Start, arg.End, context);
        }

        if (method == "copy_table")
        {
            var sources = args.FirstOrDefault(a => a.Keyword == "sources");
            if (sources.Keyword is null && positional.Count > 0)
            {
                sources = positional[0];
            }

            if (sources.End > sources.Start)
            {
                TablesFromArgument(written: false, sources.Start, sources.End, context);
            }
        }
    }

    private bool ReceiverLooksLikeClient(int i)
    {
        if (i < 0)
        {
            return false;
        }

        if (src.IsName(i))
        {
            var name = src.TextOf(i);
            return name.Contains("client", StringComparison.OrdinalIgnoreCase) || name.Contains("bq", StringComparison.OrdinalIgnoreCase)
                || name.Contains("bigquery", StringComparison.OrdinalIgnoreCase);
        }

        return src.IsOp(i, ')') && tk[i].Match > 0 && src.IsName(tk[i].Match - 1, "Client");
    }
}
