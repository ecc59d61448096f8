using System.Text;
using System.Text.RegularExpressions;
using BqxAudit.Model;

namespace BqxAudit.Inventory.Analyzers.Python;

/// <summary>
/// What a Python script does to BigQuery tables and local files (<see cref="ScriptRecord.Operations"/>), read from
/// its tokens: SQL strings it runs, <c>bq</c> commands it starts, google-cloud-bigquery calls (<c>copy_table</c>,
/// <c>delete_table</c>, <c>create_table</c> with <c>view_query</c>, <c>extract_table</c>, <c>num_rows</c>), and the
/// files it opens; plus, on each name template, the variable it is assigned to and the if/elif/else branch it is
/// built under (<see cref="NameTemplate.Guard"/>).
/// </summary>
/// <remarks>
/// A SQL string or bq command counts only when the script runs it: not when it is an argument of an output call
/// (<c>print</c>, <c>write</c>, logging, an exception, <c>append</c> to a report), not when it is a variable whose
/// every use is such a call or that is never used, not as a bare string statement (a docstring), and not in a file
/// that has no way to run it (no BigQuery import, no <c>bq</c> command, no local module to hand it to). A script
/// that only writes a report with <c>ALTER TABLE … RENAME TO</c> in it therefore renames nothing.
/// </remarks>
internal sealed class PythonOperations
{
    private static readonly HashSet<string> OutputCalls = new(StringComparer.Ordinal)
    {
        "print", "pprint", "write", "writelines", "writerow", "writerows", "info", "debug", "warning", "warn", "error", "critical",
        "exception", "log", "echo", "secho", "startswith", "endswith", "replace", "split", "lower", "upper", "strip",
        "markdown", "add_row", "set_description", "tqdm", "len",
    };

    private static readonly Regex ReportReceiver = new("(report|lines|md|markdown|doc|out|text|summary|content|html|message|msg|log)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static readonly Regex StatedDrop = new(@"\b(DELETE|DROP|REMOVE)S?\s+(?<n>\d[\d,]*)\s+(?:[A-Za-z_\-]+\s+){0,3}?tables?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static readonly string[] SqlStarts = { "SELECT", "WITH", "CREATE", "INSERT", "MERGE", "ALTER", "DROP", "UPDATE", "DELETE", "TRUNCATE", "EXPORT", "DECLARE", "BEGIN" };

    /// <summary>open()'s mode letters that write.</summary>
    private static readonly char[] WriteModes = { 'w', 'a', 'x', '+' };

    private readonly TokenizedSource src;
    private readonly Token[] tk;
    private readonly string text;
    private readonly ScriptRecord record;
    private readonly int[] openOf;
    private readonly int[] lineOfToken;
    private readonly List<ScriptOperation> found = new();
    private readonly Dictionary<string, List<int>> uses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> constants = new(StringComparer.Ordinal);
    private readonly bool bigQueryImported;
    private bool canRun;

    private PythonOperations(TokenizedSource tokens, ScriptRecord record)
    {
        src = tokens;
        tk = tokens.Tokens;
        text = tokens.Text;
        this.record = record;
        openOf = new int[tokens.Count];
        lineOfToken = new int[tokens.Count];
        bigQueryImported = record.Imports.Any(i => i.Module.StartsWith("google.cloud.bigquery", StringComparison.Ordinal)
            || i.Module is "bigframes" or "pandas_gbq" || i.Module.StartsWith("bigframes.", StringComparison.Ordinal))
            || record.Distributions.Contains("google-cloud-bigquery");
    }

    /// <summary>Fills <see cref="ScriptRecord.Operations"/>, <see cref="ScriptRecord.LocalFilesOnly"/> and the name templates' guards.</summary>
    public static void Collect(TokenizedSource tokens, ScriptRecord record)
    {
        var collector = new PythonOperations(tokens, record);
        collector.Run();
    }

    private void Run()
    {
        Brackets();
        Names();
        canRun = bigQueryImported || record.Imports.Any(i => i.Kind == ImportKind.Local) || HasBqCommand();
        for (var i = 0; i < src.Count; i++)
        {
            switch (tk[i].Kind)
            {
                case TokenKind.String:
                    i = StringChunk(i);
                    break;
                case TokenKind.Name:
                    NameToken(i);
                    break;
                case TokenKind.Op when text[tk[i].Start] is '[' or '(' && tk[i].Length == 1:
                    BqList(i);
                    break;
            }
        }

        StatedCounts();
        found.Sort((a, b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : a.Kind.CompareTo(b.Kind));
        record.Operations = found.GroupBy(o => (o.Kind, o.Line, o.Detail)).Select(g => g.First()).ToList();
        record.LocalFilesOnly = !TouchesCloud() && record.Operations.Count > 0 && record.Operations.All(o => o.Kind is OperationKind.ReadFile or OperationKind.WriteFile);
        Guards();
    }

    private bool TouchesCloud() =>
        bigQueryImported
        || record.Imports.Any(i => i.Module.StartsWith("google.cloud", StringComparison.Ordinal) || i.Module.StartsWith("google.api", StringComparison.Ordinal)
                                   || i.Module.StartsWith("googleapiclient", StringComparison.Ordinal) || i.Module is "gcsfs" or "boto3")
        || record.ToolsInvoked.Any(t => t is "bq" or "gcloud" or "gsutil")
        || record.GcsUris.Count > 0
        || record.Operations.Any(o => o.Kind is not (OperationKind.ReadFile or OperationKind.WriteFile));

    /// <summary>The innermost open bracket around each token (-1 at the top level).</summary>
    private void Brackets()
    {
        var stack = new Stack<int>();
        for (var i = 0; i < src.Count; i++)
        {
            openOf[i] = stack.Count == 0 ? -1 : stack.Peek();
            if (tk[i].Kind != TokenKind.Op || tk[i].Length != 1)
            {
                continue;
            }

            var c = text[tk[i].Start];
            if (c is '(' or '[' or '{')
            {
                stack.Push(i);
            }
            else if (c is ')' or ']' or '}' && stack.Count > 0)
            {
                stack.Pop();
                openOf[i] = stack.Count == 0 ? -1 : stack.Peek();
            }
        }
    }

    /// <summary>Module-level string constants (<c>OUTPUT_FILE = "report.md"</c>) and each token's logical line.</summary>
    private void Names()
    {
        for (var k = 0; k < src.Lines.Count; k++)
        {
            var line = src.Lines[k];
            for (var i = line.First; i < line.End && i < src.Count; i++)
            {
                lineOfToken[i] = k;
            }

            if (line.Indent == 0 && line.End - line.First == 3 && src.IsName(line.First) && src.IsOp(line.First + 1, '=')
                && tk[line.First + 2].Kind == TokenKind.String && (tk[line.First + 2].Flags & StringFlags.Format) == 0)
            {
                constants[src.String(line.First)] = Content(line.First + 2);
            }
        }
    }

    /// <summary>Where a plain name is read after token <paramref name="after"/> (not assigned, not an attribute, not a keyword argument).</summary>
    private List<int> UsesOf(string name, int after)
    {
        if (!uses.TryGetValue(name, out var list))
        {
            uses[name] = list = new List<int>();
            for (var i = 0; i < src.Count; i++)
            {
                if (tk[i].Kind == TokenKind.Name && src.Is(i, name) && !(i > 0 && src.IsOp(i - 1, '.')) && !src.IsOp(i + 1, '='))
                {
                    list.Add(i);
                }
            }
        }

        return list.Where(u => u > after).ToList();
    }

    private bool HasBqCommand()
    {
        for (var i = 0; i < src.Count; i++)
        {
            if (tk[i].Kind == TokenKind.String && (ContentSpan(i).TrimStart().StartsWith("bq ", StringComparison.Ordinal) || (ContentSpan(i).SequenceEqual("bq") && src.IsOp(i + 1, ','))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A string and what it is concatenated with (adjacent strings, <c>+ name</c>, <c>+ "…"</c>): SQL or a bq command.</summary>
    private int StringChunk(int first)
    {
        var head = ContentSpan(first).TrimStart();
        if (!head.StartsWith("bq ", StringComparison.Ordinal) && !StartsWithSql(head))
        {
            var skip = first;
            while (skip + 1 < src.Count && tk[skip + 1].Kind == TokenKind.String)
            {
                skip++;
            }

            return skip;
        }

        var parts = new List<(int Token, int At)>();
        var sb = new StringBuilder();
        var last = first;
        for (var j = first; j < src.Count; j++)
        {
            if (tk[j].Kind == TokenKind.String)
            {
                parts.Add((j, sb.Length));
                sb.Append(ContentSpan(j));
                last = j;
                continue;
            }

            if (src.IsOp(j, '+') && j + 1 < src.Count && tk[j + 1].Kind is TokenKind.String or TokenKind.Name)
            {
                if (tk[j + 1].Kind == TokenKind.Name)
                {
                    sb.Append('{').Append(src.TextOf(j + 1)).Append('}');
                    j++;
                    last = j;
                }

                continue;
            }

            break;
        }

        var content = sb.ToString();
        var trimmed = content.TrimStart();
        var isBq = trimmed.StartsWith("bq ", StringComparison.Ordinal);
        if (!isBq && !StartsWithSql(trimmed))
        {
            return last;
        }

        if (!canRun || !Runs(first, last))
        {
            return last;
        }

        if (isBq)
        {
            var lead = content.Length - trimmed.Length;
            var (words, offsets) = BigQueryOperations.SplitCommand(trimmed[3..]);
            foreach (var op in BigQueryOperations.FromBq(words, offsets))
            {
                Add(op.Kind, LineOf(parts, lead), "bq", op.Detail, op.Target);
            }
        }
        else
        {
            foreach (var op in BigQueryOperations.FromSql(content))
            {
                Add(op.Kind, LineOf(parts, op.Offset), "sql", op.Detail, op.Target);
            }
        }

        return last;
    }

    private static bool StartsWithSql(string s) => StartsWithSql(s.AsSpan());

    private static bool StartsWithSql(ReadOnlySpan<char> s)
    {
        while (true)
        {
            s = s.TrimStart();
            if (s.StartsWith("\\n", StringComparison.Ordinal))
            {
                s = s[2..];
                continue;
            }

            if (!s.StartsWith("--", StringComparison.Ordinal))
            {
                break;
            }

            var eol = s.IndexOf('\n');
            if (eol < 0)
            {
                return false;
            }

            s = s[(eol + 1)..];
        }

        var n = 0;
        while (n < s.Length && n < 9 && char.IsAsciiLetter(s[n]))
        {
            n++;
        }

        if (n == 0 || (n < s.Length && char.IsAsciiLetterOrDigit(s[n])))
        {
            return false;
        }

        var word = s[..n];
        foreach (var k in SqlStarts)
        {
            if (word.Equals(k, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the string at tokens [first, last] is run: not printed, not a docstring, not a variable only printed or unused.</summary>
    private bool Runs(int first, int last)
    {
        var line = src.Lines[lineOfToken[first]];
        if (line.First == first && line.End == last + 1)
        {
            return false; // a bare string statement: a docstring or a comment
        }

        if (EnclosingCall(first) is { } call)
        {
            return !IsOutput(call);
        }

        // NAME = "…" (or NAME += "…"): decided by how the name is used afterwards.
        if (openOf[first] < 0 && first == line.First + 2 && src.IsName(line.First) && tk[line.First + 1].Kind == TokenKind.Op
            && (src.IsOp(line.First + 1, '=') || src.Is(line.First + 1, "+=")))
        {
            var name = src.String(line.First);
            return UsesOf(name, last).Any(u => EnclosingCall(u) is not { } c || !IsOutput(c));
        }

        return true;
    }

    /// <summary>The call a token is an argument of (through any list, tuple or dict literal): the callee's name token.</summary>
    private int? EnclosingCall(int i)
    {
        for (var b = openOf[i]; b >= 0; b = openOf[b])
        {
            if (src.IsOp(b, '(') && b > 0 && src.IsName(b - 1))
            {
                return b - 1;
            }

            if (src.IsOp(b, '(') && b > 0 && src.IsOp(b - 1, ')'))
            {
                return null; // a call of a call's result: unknown, count it
            }
        }

        return null;
    }

    private bool IsOutput(int callee)
    {
        var name = src.String(callee);
        if (name.EndsWith("Error", StringComparison.Ordinal) || name.EndsWith("Exception", StringComparison.Ordinal) || name.EndsWith("Warning", StringComparison.Ordinal))
        {
            return true;
        }

        if (name is "append" or "extend" or "insert" && callee >= 2 && src.IsOp(callee - 1, '.') && src.IsName(callee - 2))
        {
            return ReportReceiver.IsMatch(src.String(callee - 2));
        }

        return OutputCalls.Contains(name);
    }

    /// <summary>google-cloud-bigquery calls and attributes, and local file reads and writes.</summary>
    private void NameToken(int i)
    {
        var afterDot = i > 0 && src.IsOp(i - 1, '.');
        var call = src.IsOp(i + 1, '(');
        var name = src.TextOf(i); // compared, not kept: a string per name token was this pass's largest allocation
        var line = tk[i].Line;
        if (afterDot && !call)
        {
            switch (name)
            {
                case "num_rows" or "total_rows" when bigQueryImported:
                    Add(OperationKind.RowCount, line, "client", $".{name}", null);
                    break;
                case "view_query" when src.IsOp(i + 1, '=') && (bigQueryImported || ClientLike(i - 2)):
                    Add(OperationKind.CreateView, line, "client", "table.view_query = …", null);
                    break;
            }

            return;
        }

        if (!call)
        {
            if (name is "view_query" && src.IsOp(i + 1, '=') && openOf[i] >= 0 && bigQueryImported)
            {
                Add(OperationKind.CreateView, line, "client", "view_query=…", null);
            }

            return;
        }

        if (afterDot && (bigQueryImported || ClientLike(i - 2)))
        {
            OperationKind? kind = name switch
            {
                "copy_table" => OperationKind.Copy,
                "delete_table" or "delete_dataset" => OperationKind.Drop,
                "create_table" => OperationKind.CreateTable,
                "extract_table" => OperationKind.Backup,
                "load_table_from_uri" or "load_table_from_dataframe" or "load_table_from_file" or "load_table_from_json" => OperationKind.CreateTable,
                "get_table" or "list_tables" or "list_rows" => OperationKind.Read,
                _ => null,
            };
            if (kind is { } k)
            {
                var target = FirstArgument(i + 1);
                Add(k, line, "client", $"{Receiver(i)}.{name}({target ?? ""})", target);
                return;
            }
        }

        if (name is "to_gbq")
        {
            Add(OperationKind.CreateTable, line, "client", "to_gbq(…)", FirstArgument(i + 1));
            return;
        }

        if (!afterDot && name is "open" || afterDot && name is "open" && src.IsName(i - 2, "io"))
        {
            Open(i);
            return;
        }

        if (afterDot && name is "to_csv" or "to_json" or "to_parquet" or "to_excel" or "to_markdown" or "to_html" or "write_text" or "write_bytes" or "savefig")
        {
            LocalFile(OperationKind.WriteFile, i, $".{name}(…)");
            return;
        }

        if (name is "read_csv" or "read_json" or "read_parquet" or "read_excel" or "read_text" or "read_bytes")
        {
            LocalFile(OperationKind.ReadFile, i, $"{name}(…)");
            return;
        }

        if (name is "FileHandler")
        {
            LocalFile(OperationKind.WriteFile, i, "logging.FileHandler(…)");
        }
    }

    private void Open(int i)
    {
        var args = Arguments(i + 1);
        if (args.Count == 0)
        {
            return;
        }

        var mode = args.FirstOrDefault(a => a.Keyword == "mode");
        var modeText = mode.Keyword is not null ? Literal(mode.Start, mode.End) : args.Count > 1 && args[1].Keyword is null ? Literal(args[1].Start, args[1].End) : "r";
        var writes = modeText is not null && modeText.IndexOfAny(WriteModes) >= 0;
        LocalFile(writes ? OperationKind.WriteFile : OperationKind.ReadFile, i, $"open(…, '{modeText ?? "?"}')");
    }

    private void LocalFile(OperationKind kind, int nameIndex, string detail)
    {
        var target = FirstArgument(nameIndex + 1);
        if (target is not null && target.StartsWith("gs://", StringComparison.Ordinal))
        {
            return;
        }

        Add(kind, tk[nameIndex].Line, "file", detail, target);
    }

    /// <summary>A list or tuple of strings that starts with <c>'bq'</c>: a bq command given as argv.</summary>
    private void BqList(int open)
    {
        var first = open + 1;
        if (first >= src.Count || tk[first].Kind != TokenKind.String || ContentSpan(first) is not "bq" || !src.IsOp(first + 1, ','))
        {
            return;
        }

        if (!Runs(open, open))
        {
            return;
        }

        var close = tk[open].Match;
        if (close <= open)
        {
            return;
        }

        var words = new List<string>();
        var offsets = new List<int>();
        for (var k = first + 2; k < close; k++)
        {
            if (openOf[k] != open || src.IsOp(k, ','))
            {
                continue;
            }

            words.Add(tk[k].Kind == TokenKind.String ? Content(k) : "{" + src.String(k) + "}");
            offsets.Add(0);
        }

        foreach (var op in BigQueryOperations.FromBq(words, offsets))
        {
            Add(op.Kind, tk[open].Line, "bq", op.Detail, op.Target);
        }
    }

    /// <summary>The count a module docstring states for its drops ("DELETE 285 PATTERN_VIOLATION tables"), on every drop.</summary>
    private void StatedCounts()
    {
        if (src.Count == 0 || tk[0].Kind != TokenKind.String || !found.Any(o => o.Destructive))
        {
            return;
        }

        var doc = Content(0);
        var m = StatedDrop.Match(doc);
        if (m.Success && int.TryParse(m.Groups["n"].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
        {
            foreach (var op in found.Where(o => o.Kind == OperationKind.Drop))
            {
                op.StatedCount = n;
            }
        }
    }

    /// <summary>Each name template's variable and the if/elif/else branch it is built in.</summary>
    private void Guards()
    {
        if (record.NameTemplates.Count == 0)
        {
            return;
        }

        var lines = src.Lines;
        foreach (var template in record.NameTemplates)
        {
            var k = -1;
            for (var j = 0; j < lines.Count; j++)
            {
                var l = lines[j];
                if (l.End > l.First && tk[l.First].Line <= template.Line && template.Line <= tk[l.End - 1].Line)
                {
                    k = j;
                    break;
                }
            }

            if (k < 0)
            {
                continue;
            }

            var line = lines[k];
            if (line.End - line.First >= 3 && src.IsName(line.First) && src.IsOp(line.First + 1, '='))
            {
                template.AssignedTo = src.String(line.First);
            }

            template.Guard = GuardOf(k);
        }
    }

    private TemplateGuard? GuardOf(int k)
    {
        var lines = src.Lines;
        var indent = lines[k].Indent;
        for (var j = k - 1; j >= 0; j--)
        {
            if (lines[j].Indent >= indent)
            {
                continue;
            }

            var header = lines[j];
            indent = header.Indent;
            var keyword = src.String(header.First);
            if (keyword is "def" or "class" or "async" or "lambda")
            {
                return null;
            }

            if (keyword is "if" or "elif" && Condition(header) is { } guard)
            {
                return guard;
            }

            if (keyword == "else" && ElseGuard(j) is { } negated)
            {
                return negated;
            }
        }

        return null;
    }

    /// <summary>The guard of an <c>else</c>: none of the values its if/elif chain compared one name with.</summary>
    private TemplateGuard? ElseGuard(int elseLine)
    {
        var lines = src.Lines;
        var indent = lines[elseLine].Indent;
        var values = new List<string>();
        string? variable = null;
        for (var m = elseLine - 1; m >= 0; m--)
        {
            if (lines[m].Indent > indent)
            {
                continue;
            }

            if (lines[m].Indent < indent)
            {
                return null;
            }

            var keyword = src.String(lines[m].First);
            if (keyword is not ("if" or "elif") || Condition(lines[m]) is not { Negated: false } c || (variable is not null && variable != c.Variable))
            {
                return null;
            }

            variable = c.Variable;
            values.InsertRange(0, c.Values); // the chain is read upwards; keep source order
            if (keyword == "if")
            {
                return new TemplateGuard { Variable = variable, Values = values.Distinct(StringComparer.Ordinal).ToList(), Negated = true, Line = tk[lines[elseLine].First].Line };
            }
        }

        return null;
    }

    /// <summary><c>if NAME == 'x':</c>, <c>'x' == NAME</c>, <c>NAME != 'x'</c>, <c>NAME in ('x', 'y')</c>, <c>NAME not in […]</c>; null for anything else.</summary>
    private TemplateGuard? Condition(LogicalLine line)
    {
        var i = line.First + 1;
        var end = line.End - 1;
        if (!src.IsOp(end, ':'))
        {
            return null;
        }

        var line1 = tk[line.First].Line;
        if (tk[i].Kind == TokenKind.String && src.Is(i + 1, "==") && DottedName(i + 2, end) is { } reversed)
        {
            return i + 3 + reversed.Skip == end ? new TemplateGuard { Variable = reversed.Name, Values = { Content(i) }, Line = line1 } : null;
        }

        if (DottedName(i, end) is not { } name)
        {
            return null;
        }

        var op = i + name.Skip;
        if ((src.Is(op, "==") || src.Is(op, "!=")) && op + 2 == end && tk[op + 1].Kind == TokenKind.String && (tk[op + 1].Flags & StringFlags.Format) == 0)
        {
            return new TemplateGuard { Variable = name.Name, Values = { Content(op + 1) }, Negated = src.Is(op, "!="), Line = line1 };
        }

        var negated = src.IsName(op, "not") && src.IsName(op + 1, "in");
        var list = negated ? op + 2 : src.IsName(op, "in") ? op + 1 : -1;
        if (list < 0 || !(src.IsOp(list, '(') || src.IsOp(list, '[') || src.IsOp(list, '{')) || tk[list].Match != end - 1)
        {
            return null;
        }

        var values = new List<string>();
        for (var k = list + 1; k < end - 1; k++)
        {
            if (tk[k].Kind == TokenKind.String && (tk[k].Flags & StringFlags.Format) == 0)
            {
                values.Add(Content(k));
            }
            else if (!src.IsOp(k, ','))
            {
                return null;
            }
        }

        return values.Count == 0 ? null : new TemplateGuard { Variable = name.Name, Values = values, Negated = negated, Line = line1 };
    }

    private (string Name, int Skip)? DottedName(int i, int end)
    {
        if (!src.IsName(i))
        {
            return null;
        }

        var sb = new StringBuilder(src.String(i));
        var k = i + 1;
        while (k + 1 < end && src.IsOp(k, '.') && src.IsName(k + 1))
        {
            sb.Append('.').Append(src.TextOf(k + 1));
            k += 2;
        }

        return (sb.ToString(), k - i);
    }

    private void Add(OperationKind kind, int line, string via, string detail, string? target) =>
        found.Add(new ScriptOperation { Kind = kind, Line = line, Via = via, Detail = BigQueryOperations.Shorten(detail), Target = target });

    private bool ClientLike(int i)
    {
        if (i < 0)
        {
            return false;
        }

        if (src.IsName(i))
        {
            var name = src.String(i);
            return name.Contains("client", StringComparison.OrdinalIgnoreCase) || name.Contains("bq", StringComparison.OrdinalIgnoreCase) || name.Contains("bigquery", StringComparison.OrdinalIgnoreCase);
        }

        return false;
    }

    private string Receiver(int nameIndex) => nameIndex >= 2 && src.IsName(nameIndex - 2) ? src.String(nameIndex - 2) : "…";

    /// <summary>The first positional argument as written (a string's value, a constant's value, else the expression text).</summary>
    private string? FirstArgument(int paren)
    {
        var args = Arguments(paren);
        var first = args.FirstOrDefault(a => a.Keyword is null);
        if (first.End <= first.Start)
        {
            return null;
        }

        if (first.End == first.Start + 1)
        {
            if (tk[first.Start].Kind == TokenKind.String)
            {
                return Content(first.Start);
            }

            if (src.IsName(first.Start) && constants.TryGetValue(src.String(first.Start), out var value))
            {
                return value;
            }
        }

        return BigQueryOperations.Shorten(text[tk[first.Start].Start..tk[first.End - 1].End]);
    }

    private string? Literal(int start, int end) =>
        end == start + 1 && tk[start].Kind == TokenKind.String ? Content(start) : null;

    private List<(string? Keyword, int Start, int End)> Arguments(int paren)
    {
        var result = new List<(string?, int, int)>();
        if (!src.IsOp(paren, '('))
        {
            return result;
        }

        var close = tk[paren].Match;
        if (close <= paren)
        {
            return result;
        }

        var start = paren + 1;
        for (var k = paren + 1; k <= close; k++)
        {
            if (k < close && !(src.IsOp(k, ',') && openOf[k] == paren))
            {
                continue;
            }

            if (k > start)
            {
                var keyword = src.IsName(start) && src.IsOp(start + 1, '=') ? src.String(start) : null;
                result.Add((keyword, keyword is null ? start : start + 2, k));
            }

            start = k + 1;
        }

        return result;
    }

    /// <summary>A string token's content between its quotes (escapes as written).</summary>
    private string Content(int i) => ContentSpan(i).ToString();

    private ReadOnlySpan<char> ContentSpan(int i)
    {
        ref var t = ref tk[i];
        var quote = (t.Flags & StringFlags.Triple) != 0 ? 3 : 1;
        var from = t.Start + t.PrefixLength + quote;
        var to = t.End - quote;
        return to > from ? text.AsSpan(from, to - from) : ReadOnlySpan<char>.Empty;
    }

    /// <summary>The line of an offset into a chunk's content: its token's line plus the newlines before it.</summary>
    private int LineOf(List<(int Token, int At)> parts, int offset)
    {
        var part = parts[0];
        foreach (var p in parts)
        {
            if (p.At <= offset)
            {
                part = p;
            }
        }

        ref var t = ref tk[part.Token];
        var quote = (t.Flags & StringFlags.Triple) != 0 ? 3 : 1;
        var from = t.Start + t.PrefixLength + quote;
        var upto = Math.Min(t.End, from + (offset - part.At));
        var line = t.Line;
        for (var k = from; k < upto; k++)
        {
            if (text[k] == '\n')
            {
                line++;
            }
        }

        return line;
    }
}
