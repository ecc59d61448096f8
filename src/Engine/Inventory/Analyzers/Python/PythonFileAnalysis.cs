using BqxAudit.Model;

namespace BqxAudit.Inventory.Analyzers.Python;

/// <summary>
/// The analysis of one Python file: a single forward walk over its logical lines that keeps a stack of
/// open blocks (functions, loops, try blocks) and the latest assignment of each name per scope, and
/// collects imports, flags, commands, BigQuery names, GCS URIs and SQL on the way. Expressions are
/// evaluated only where a fact needs them (a call argument, a template placeholder), each at most once.
/// </summary>
/// <remarks>
/// <para><b>Which strings are table names.</b> A string (literal, f-string, <c>.format</c>/<c>%</c> template or
/// <c>+</c> concatenation) is a BigQuery table name when it is
/// (1) a table position in SQL text — CREATE/INSERT/MERGE/ALTER/DROP/TRUNCATE/UPDATE/DELETE targets are
/// written, FROM/JOIN/MERGE … USING/CLONE sources are read;
/// (2) the table argument of a google-cloud-bigquery client call (<c>create_table</c>, <c>delete_table</c>,
/// <c>insert_rows*</c>, <c>update_table</c>, <c>load_table_from_*</c> and <c>copy_table</c> destinations are written;
/// <c>get_table</c>, <c>list_rows</c>, <c>extract_table</c> and <c>copy_table</c> sources are read), a
/// <c>destination=</c> of a job config or <c>job_config.destination = …</c>, or <c>to_gbq</c>'s table — when the
/// file imports BigQuery or the receiver is named like a client;
/// (3) a table argument of a <c>bq</c> command run through subprocess/os.system;
/// (4) assigned to a variable whose name contains "table" or "tbl", or returned by a function whose name
/// does — these are recorded as name templates only, since nothing says whether they are written or read.
/// A variable with any other name (<c>target_id</c>, <c>dest</c>, <c>name</c>) counts when it is later used
/// in one of the positions (1)–(3): the name is resolved to its latest assignment, and the template is
/// recorded at the line that builds it. A table reference that is only a placeholder (<c>`{table_id}`</c>)
/// is replaced by what the name resolves to.</para>
/// <para><b>Templates.</b> Table names list templates with <c>{name}</c> for a plain (dotted) name and
/// <c>{}</c> for any other expression; <c>.format</c>/<c>%</c> slots as written (<c>{}</c>, <c>{0}</c>,
/// <c>{kind}</c>). <see cref="NameTemplate"/>s keep every placeholder as written (<c>{pair.upper()}</c>) and
/// give the literal values of placeholders bound by a <c>for</c> loop or comprehension over literal
/// strings (see <c>IterValues</c>), or by a plain string assignment.</para>
/// </remarks>
internal sealed partial class PythonFileAnalysis
{
    private readonly SourceText source;
    private readonly TokenizedSource src;
    private readonly Token[] tk;
    private readonly string text;
    private readonly RepositoryIndex repository;
    private readonly bool[] code;
    private readonly bool[] consumed;
    private readonly List<Dictionary<string, Assignment>?> scopes = new() { null };
    private readonly List<RawImport> imports = new();

    private ScopeNode? top;
    private bool expectDocstring = true;
    private int lineIndent;
    private int lineEnd;
    private int currentLine;
    private List<CompBinding>? lineBindings;
    private EvalContext? lineContext;

    public PythonFileAnalysis(SourceText source, TokenizedSource tokens, RepositoryIndex repository)
    {
        this.source = source;
        src = tokens;
        tk = tokens.Tokens;
        text = tokens.Text;
        this.repository = repository;
        code = new bool[tokens.LineCount + 2];
        consumed = new bool[tokens.Count];
    }

    public string? DocstringPurpose { get; private set; }

    public void Run()
    {
        foreach (var line in src.Lines)
        {
            ProcessLine(line);
        }

        while (top is not null)
        {
            Pop();
        }
    }

    /// <summary>The evaluation context here; shared by consecutive lines while the open blocks stay the same.</summary>
    private EvalContext Context() => lineContext ??= new EvalContext(top, lineBindings);

    private void Push(ScopeNode node)
    {
        top = node;
        lineContext = null;
    }

    private void Pop()
    {
        var node = top!;
        top = node.Parent;
        lineContext = null;
        if (node.Kind == ScopeKind.Try && node.Pending is { Count: > 0 } pending && !node.CatchesImport)
        {
            // Imports of an inner try that catches nothing relevant are still inside the outer try's body.
            for (var p = top; p is not null; p = p.Parent)
            {
                if (p.Kind == ScopeKind.Try && !p.InHandlers)
                {
                    (p.Pending ??= new List<RawImport>()).AddRange(pending);
                    break;
                }
            }
        }
    }

    private int ScopeId => top?.ScopeId ?? 0;

    private int ClassScopeId()
    {
        for (var p = top; p is not null; p = p.Parent)
        {
            if (p.Kind == ScopeKind.Class)
            {
                return p.ScopeId;
            }
        }

        return ScopeId;
    }

    private void ProcessLine(LogicalLine line)
    {
        var first = line.First;
        var end = line.End;
        var continuation = tk[first].Kind == TokenKind.Name && (src.Is(first, "except") || src.Is(first, "else") || src.Is(first, "elif") || src.Is(first, "finally"));
        while (top is not null && top.Indent >= line.Indent)
        {
            if (top.Indent == line.Indent && top.Kind == ScopeKind.Try && continuation && !src.Is(first, "elif"))
            {
                break;
            }

            Pop();
        }

        if (continuation && top is { Kind: ScopeKind.Try } t && t.Indent == line.Indent)
        {
            t.InHandlers = true;
            if (src.Is(first, "except") && CatchesImportError(first + 1, end))
            {
                t.CatchesImport = true;
                foreach (var pending in t.Pending ?? new List<RawImport>())
                {
                    pending.Optional = true;
                }
            }
        }

        lineIndent = line.Indent;
        lineEnd = end;
        currentLine = tk[first].Line;
        if (lineBindings is not null)
        {
            lineBindings = null;
            lineContext = null;
        }

        if (expectDocstring)
        {
            expectDocstring = false;
            if (AllPlainStrings(first, end))
            {
                if (first == 0 && top is null)
                {
                    DocstringPurpose = Purpose.FromDocstring(Literal(first, end));
                }

                return;
            }
        }

        var comprehension = false;
        for (var i = first; i < end; i++)
        {
            ref var token = ref tk[i];
            if ((token.Flags & StringFlags.MultiLine) == 0)
            {
                code[token.Line] = true;
            }
            else
            {
                MarkMultiLine(token);
            }

            if (i > first && token.Kind == TokenKind.Name && token.Length == 3 && src.Is(i, "for"))
            {
                comprehension = true;
            }
        }

        if (comprehension)
        {
            CollectComprehensions(first, end);
            lineContext = null;
        }

        Scan(first, end);
    }

    private void MarkMultiLine(in Token token)
    {
        var line = token.Line;
        var blank = true;
        for (var i = token.Start; i < token.End; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                if (!blank)
                {
                    code[line] = true;
                }

                line++;
                blank = true;
            }
            else if (blank && !char.IsWhiteSpace(c))
            {
                blank = false;
            }
        }

        if (!blank)
        {
            code[line] = true;
        }
    }

    private bool AllPlainStrings(int first, int end)
    {
        for (var i = first; i < end; i++)
        {
            if (tk[i].Kind != TokenKind.String || (tk[i].Flags & (StringFlags.Format | StringFlags.Bytes)) != 0)
            {
                return false;
            }
        }

        return true;
    }

    private bool CatchesImportError(int from, int end)
    {
        if (from >= end || src.IsOp(from, ':'))
        {
            return true; // bare except
        }

        for (var i = from; i < end && !src.IsOp(i, ':'); i++)
        {
            if (tk[i].Kind == TokenKind.Name && (src.Is(i, "ImportError") || src.Is(i, "ModuleNotFoundError") || src.Is(i, "Exception") || src.Is(i, "BaseException")))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The walk over one logical line: statement starts (after <c>;</c> and a compound header's <c>:</c>) and token patterns.</summary>
    private void Scan(int first, int end)
    {
        var depth = 0;
        var statement = first;
        var compound = false;
        for (var i = first; i < end; i++)
        {
            if (i == statement)
            {
                var next = StatementStart(i, end, out compound);
                if (next > i)
                {
                    i = next - 1;
                    statement = next;
                    continue;
                }
            }

            ref var t = ref tk[i];
            switch (t.Kind)
            {
                case TokenKind.Op when t.Length == 1:
                    switch (text[t.Start])
                    {
                        case '(' or '[' or '{':
                            depth++;
                            break;
                        case ')' or ']' or '}':
                            depth = Math.Max(0, depth - 1);
                            break;
                        case ';' when depth == 0:
                            statement = i + 1;
                            break;
                        case ':' when depth == 0 && compound:
                            statement = i + 1;
                            compound = false;
                            break;
                    }

                    break;
                case TokenKind.Name:
                    NamePattern(i, end);
                    break;
                case TokenKind.String when !consumed[i]:
                    NoteFlagLiteral(i);
                    StringChain(i, end);
                    break;
            }
        }
    }

    /// <summary>Handles a statement's first token; returns the index to continue at (past an import), or <paramref name="i"/>.</summary>
    private int StatementStart(int i, int end, out bool compound)
    {
        compound = false;
        if (tk[i].Kind != TokenKind.Name)
        {
            return i;
        }

        var k = src.Is(i, "async") && i + 1 < end ? i + 1 : i;
        var keyword = tk[k].Length <= 8 ? src.TextOf(k) : default;
        compound = keyword is "if" or "elif" or "else" or "for" or "while" or "with" or "try" or "except" or "finally" or "def" or "class" or "async";
        switch (keyword)
        {
            case "import":
            {
                var stop = StatementEnd(k, end);
                ParseImport(k, stop);
                return stop;
            }

            case "from" when k + 1 < end:
            {
                var stop = StatementEnd(k, end);
                ParseFromImport(k, stop);
                return stop;
            }

            case "for":
                ParseFor(k, end);
                return i;
            case "def" or "class":
            {
                var name = src.IsName(k + 1) ? src.String(k + 1) : null;
                if (keyword is "class")
                {
                    NoteClassBases(k, end);
                }

                Push(new ScopeNode(keyword is "def" ? ScopeKind.Def : ScopeKind.Class, lineIndent, top, scopes.Count) { Name = name });
                scopes.Add(null);
                expectDocstring = src.IsOp(end - 1, ':');
                return i;
            }

            case "try":
                Push(new ScopeNode(ScopeKind.Try, lineIndent, top, ScopeId));
                return i;
            case "if":
                if ((src.IsName(k + 1, "TYPE_CHECKING") && src.IsOp(k + 2, ':'))
                    || (src.IsName(k + 1) && src.IsOp(k + 2, '.') && src.IsName(k + 3, "TYPE_CHECKING") && src.IsOp(k + 4, ':')))
                {
                    Push(new ScopeNode(ScopeKind.TypeChecking, lineIndent, top, ScopeId));
                }

                return i;
            case "return":
                ReturnStatement(k + 1, StatementEnd(k, end));
                return i;
        }

        if (!compound)
        {
            Assignment(i, end);
        }

        return i;
    }

    /// <summary>The end of the statement starting at <paramref name="i"/>: the next top-level <c>;</c> or the line end.</summary>
    private int StatementEnd(int i, int end)
    {
        for (var j = i; j < end; j++)
        {
            ref var t = ref tk[j];
            if (t.Kind != TokenKind.Op || t.Length != 1)
            {
                continue;
            }

            var c = text[t.Start];
            if (c is '(' or '[' or '{' && t.Match > j)
            {
                j = Math.Min(t.Match, end - 1);
            }
            else if (c == ';')
            {
                return j;
            }
        }

        return end;
    }

    private void ParseImport(int k, int stop)
    {
        var line = tk[k].Line;
        var i = k + 1;
        while (i < stop)
        {
            var module = DottedName(ref i, stop);
            if (module is null)
            {
                return;
            }

            string? alias = null;
            if (src.IsName(i, "as") && src.IsName(i + 1))
            {
                alias = src.String(i + 1);
                i += 2;
            }

            var dot = module.IndexOf('.');
            var topName = dot < 0 ? module : module[..dot];
            SetAlias(alias ?? topName, alias is null ? topName : module);
            AddImport(new RawImport { Module = module, Line = line });
            if (!src.IsOp(i, ','))
            {
                return;
            }

            i++;
        }
    }

    private void ParseFromImport(int k, int stop)
    {
        var line = tk[k].Line;
        var i = k + 1;
        var level = 0;
        while (i < stop && tk[i].Kind == TokenKind.Op && (src.Is(i, ".") || src.Is(i, "...")))
        {
            level += tk[i].Length;
            i++;
        }

        var module = "";
        if (!src.IsName(i, "import"))
        {
            module = DottedName(ref i, stop) ?? "";
        }

        if (!src.IsName(i, "import") || (level == 0 && module.Length == 0))
        {
            return;
        }

        i++;
        var names = new List<string>();
        var close = stop;
        if (src.IsOp(i, '('))
        {
            close = tk[i].Match > i ? tk[i].Match : stop;
            i++;
        }

        while (i < close)
        {
            if (src.IsOp(i, '*'))
            {
                names.Add("*");
                i++;
            }
            else if (src.IsName(i))
            {
                var name = src.String(i);
                names.Add(name);
                i++;
                var local = name;
                if (src.IsName(i, "as") && src.IsName(i + 1))
                {
                    local = src.String(i + 1);
                    i += 2;
                }

                SetAlias(local, level > 0 ? "." + name : module + "." + name);
            }
            else
            {
                i++;
            }
        }

        AddImport(new RawImport { Level = level, Module = module, Names = names, Line = line });
    }

    /// <summary>Reads <c>a.b.c</c> at <paramref name="i"/>, advancing past it; null when there is no name.</summary>
    private string? DottedName(ref int i, int stop)
    {
        if (i >= stop || !src.IsName(i))
        {
            return null;
        }

        var start = i;
        while (i + 2 < stop && src.IsOp(i + 1, '.') && src.IsName(i + 2))
        {
            i += 2;
        }

        var dotted = text[tk[start].Start..tk[i].End];
        i++;
        return dotted;
    }

    private void AddImport(RawImport raw)
    {
        imports.Add(raw);
        for (var p = top; p is not null; p = p.Parent)
        {
            if (p.Kind == ScopeKind.TypeChecking)
            {
                raw.Optional = true;
            }
        }

        for (var p = top; p is not null; p = p.Parent)
        {
            if (p.Kind == ScopeKind.Try && !p.InHandlers)
            {
                (p.Pending ??= new List<RawImport>()).Add(raw);
                break;
            }
        }

        NoteImport(raw);
    }

    private void ParseFor(int k, int end)
    {
        var inAt = -1;
        for (var j = k + 1; j < end; j++)
        {
            if (src.IsName(j, "in"))
            {
                inAt = j;
                break;
            }

            if (tk[j].Kind == TokenKind.Op && tk[j].Match > j)
            {
                j = tk[j].Match;
            }
        }

        if (inAt < 0)
        {
            return;
        }

        var iterEnd = inAt + 1;
        while (iterEnd < end && !src.IsOp(iterEnd, ':'))
        {
            iterEnd = tk[iterEnd].Kind == TokenKind.Op && tk[iterEnd].Match > iterEnd ? tk[iterEnd].Match + 1 : iterEnd + 1;
        }

        var context = Context();
        Push(new ScopeNode(ScopeKind.For, lineIndent, top, ScopeId)
        {
            Targets = Targets(k + 1, inAt),
            IterStart = inAt + 1,
            IterEnd = Math.Min(iterEnd, end),
            IterContext = context,
        });
    }

    /// <summary>Flat loop targets: <c>a</c>, <c>a, b</c>, <c>(a, b)</c>; null for nested or non-name targets.</summary>
    private string[]? Targets(int s, int e)
    {
        if (e - s >= 2 && tk[s].Kind == TokenKind.Op && tk[s].Match == e - 1)
        {
            s++;
            e--;
        }

        var names = new List<string>();
        for (var i = s; i < e; i++)
        {
            if (src.IsName(i))
            {
                names.Add(src.String(i));
                if (i + 1 < e && !src.IsOp(i + 1, ','))
                {
                    return null;
                }

                i++;
            }
            else
            {
                return null;
            }
        }

        return names.Count > 0 ? names.ToArray() : null;
    }

    /// <summary>Comprehension clauses on this line (<c>[f(x) for x in XS if …]</c>), so placeholders before them resolve.</summary>
    private void CollectComprehensions(int first, int end)
    {
        for (var i = first + 1; i < end; i++)
        {
            if (!src.IsName(i, "for"))
            {
                continue;
            }

            var inAt = -1;
            for (var j = i + 1; j < end; j++)
            {
                if (src.IsName(j, "in"))
                {
                    inAt = j;
                    break;
                }

                if (tk[j].Kind == TokenKind.Op && tk[j].Match > j)
                {
                    j = tk[j].Match;
                }
                else if (tk[j].Kind == TokenKind.Op && tk[j].Length == 1 && text[tk[j].Start] is ')' or ']' or '}')
                {
                    break;
                }
            }

            if (inAt < 0)
            {
                continue;
            }

            var stop = inAt + 1;
            while (stop < end)
            {
                ref var t = ref tk[stop];
                if (t.Kind == TokenKind.Name && (src.Is(stop, "for") || src.Is(stop, "if") || src.Is(stop, "async")))
                {
                    break;
                }

                if (t.Kind == TokenKind.Op && t.Length == 1 && text[t.Start] is ')' or ']' or '}' or ',' or ':' or ';' or '=')
                {
                    break;
                }

                stop = t.Kind == TokenKind.Op && t.Match > stop ? t.Match + 1 : stop + 1;
            }

            (lineBindings ??= new List<CompBinding>()).Add(new CompBinding(Targets(i + 1, inAt), inAt + 1, Math.Min(stop, end)));
        }
    }

    /// <summary>
    /// <c>name = value</c>, <c>a = b = value</c>, <c>name: T = value</c> and <c>obj.attr = value</c>: remembered
    /// per scope for later lookups. A value assigned to a name containing "table"/"tbl" is a table name.
    /// </summary>
    private void Assignment(int i, int end)
    {
        // Most statements are calls or expressions: look for "name =" / "name:" before allocating anything.
        var probe = i;
        while (probe + 2 < end && src.IsOp(probe + 1, '.') && src.IsName(probe + 2))
        {
            probe += 2;
        }

        if (!src.IsName(i) || !(src.IsOp(probe + 1, '=') || src.IsOp(probe + 1, ':')))
        {
            return;
        }

        var stop = StatementEnd(i, end);
        List<string>? targets = null;
        var pos = i;
        while (pos < stop)
        {
            var start = pos;
            var name = DottedName(ref pos, stop);
            if (name is null)
            {
                break;
            }

            if (src.IsOp(pos, '='))
            {
                (targets ??= new List<string>()).Add(name);
                pos++;
                continue;
            }

            if (targets is null && src.IsOp(pos, ':'))
            {
                var eq = pos + 1;
                while (eq < stop && !src.IsOp(eq, '='))
                {
                    eq = tk[eq].Kind == TokenKind.Op && tk[eq].Match > eq ? tk[eq].Match + 1 : eq + 1;
                }

                if (eq < stop)
                {
                    targets = new List<string> { name };
                    pos = eq + 1;
                    continue;
                }
            }

            pos = start;
            break;
        }

        if (targets is null || pos >= stop)
        {
            return;
        }

        var context = Context();
        foreach (var target in targets)
        {
            // self.x set in one method is read in another: keep it with the class.
            var scope = target.StartsWith("self.", StringComparison.Ordinal) ? ClassScopeId() : ScopeId;
            var names = scopes[scope] ??= new Dictionary<string, Assignment>(StringComparer.Ordinal);
            names[target] = new Assignment(pos, stop, context);
            var last = target[(target.LastIndexOf('.') + 1)..];
            if (last == "destination" && target.Contains('.'))
            {
                TablesFromArgument(written: true, pos, stop, context);
            }
            else if (IsTableVariable(last))
            {
                var value = Chain(pos, stop, out var next, null);
                if (value is not null && next == stop && value.HasFields && LooksLikeName(value))
                {
                    AddNameTemplate(value, tk[pos].Line, context);
                }
            }
        }
    }

    private static bool IsTableVariable(string name) =>
        name.Contains("table", StringComparison.OrdinalIgnoreCase) || name.Contains("tbl", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>return f"…"</c> in a function whose name mentions a table (<c>def cov_table_name(…)</c>) returns a table name.</summary>
    private void ReturnStatement(int s, int e)
    {
        for (var p = top; p is not null; p = p.Parent)
        {
            if (p.Kind is ScopeKind.Def or ScopeKind.Class)
            {
                if (p.Kind == ScopeKind.Def && p.Name is { } name && IsTableVariable(name) && s < e)
                {
                    var value = Chain(s, e, out var next, null);
                    if (value is not null && next == e && value.HasFields && LooksLikeName(value))
                    {
                        AddNameTemplate(value, tk[s].Line, Context());
                    }
                }

                return;
            }
        }
    }

    /// <summary>Literal characters are those of a table path (letters, digits, <c>_ . - : ` *</c>).</summary>
    private static bool LooksLikeName(StrTemplate t)
    {
        foreach (var c in t.Masked)
        {
            if (!(StrTemplate.IsMask(c) || char.IsLetterOrDigit(c) || c is '_' or '.' or '-' or ':' or '`' or '*' or '$'))
            {
                return false;
            }
        }

        return t.Masked.Length > 0;
    }

    private string Literal(int first, int end)
    {
        var b = new StrTemplateBuilder();
        for (var i = first; i < end; i++)
        {
            StringDecoder.Append(src, i, b);
        }

        return b.Build().AsWritten();
    }
}
