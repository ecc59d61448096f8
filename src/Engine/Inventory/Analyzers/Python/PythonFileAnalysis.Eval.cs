using BqxAudit.Model;

namespace BqxAudit.Inventory.Analyzers.Python;

/// <summary>A call argument: its token range, and its keyword (null for positional, "*" for <c>*args</c>/<c>**kw</c>).</summary>
internal readonly record struct Argument(int Start, int End, string? Keyword);

/// <summary>Static evaluation of string expressions: literals, f-strings, concatenation, <c>.format</c>, names.</summary>
internal sealed partial class PythonFileAnalysis
{
    private const int MaxResolveDepth = 4;
    private const int MaxChainNesting = 32;

    private readonly Dictionary<int, (StrTemplate? Value, int Next)> chains = new();
    private readonly List<NameTemplate> nameTemplates = new();
    private readonly HashSet<string> nameTemplateKeys = new(StringComparer.Ordinal);
    private int resolveDepth;
    private int chainNesting;

    /// <summary>
    /// A string expression starting at <paramref name="i"/>: terms (string literals with optional
    /// <c>.format(…)</c> or <c>% …</c>, names, calls, parenthesised chains) joined by <c>+</c>. Names and
    /// other expressions become placeholders. Null when no term is a string literal.
    /// </summary>
    private StrTemplate? Chain(int i, int limit, out int next, List<int>? strings)
    {
        if (strings is null && chains.TryGetValue(i, out var cached) && cached.Next <= limit)
        {
            next = cached.Next;
            return cached.Value;
        }

        var b = new StrTemplateBuilder();
        var hasString = false;
        var pos = i;
        next = i;
        while (pos < limit)
        {
            var termStart = pos;
            if (!Term(ref pos, limit, b, ref hasString, strings))
            {
                pos = termStart;
                break;
            }

            next = pos;
            if (pos < limit && src.IsOp(pos, '+'))
            {
                pos++;
                continue;
            }

            break;
        }

        var value = hasString ? b.Build() : null;
        if (strings is null)
        {
            chains[i] = (value, next);
        }

        return value;
    }

    private bool Term(ref int pos, int limit, StrTemplateBuilder b, ref bool hasString, List<int>? strings)
    {
        ref var t = ref tk[pos];
        switch (t.Kind)
        {
            case TokenKind.String:
            {
                if ((t.Flags & StringFlags.Bytes) != 0)
                {
                    return false;
                }

                var g = new StrTemplateBuilder();
                var j = pos;
                while (j < limit && tk[j].Kind == TokenKind.String && (tk[j].Flags & StringFlags.Bytes) == 0)
                {
                    StringDecoder.Append(src, j, g);
                    strings?.Add(j);
                    j++;
                }

                var value = g.Build();
                if (j + 2 < limit && src.IsOp(j, '.') && src.IsName(j + 1, "format") && src.IsOp(j + 2, '(') && tk[j + 2].Match > j + 2 && tk[j + 2].Match < limit)
                {
                    value = StringDecoder.ApplyFormat(value, Bindings(j + 2));
                    j = tk[j + 2].Match + 1;
                }
                else if (j + 1 < limit && src.IsOp(j, '%'))
                {
                    var operand = j + 1;
                    if (src.IsOp(operand, '(') && tk[operand].Match > operand && tk[operand].Match < limit)
                    {
                        var items = SplitTopLevel(operand + 1, tk[operand].Match);
                        value = StringDecoder.ApplyPercent(value, key => int.TryParse(key, out var k) && k < items.Count ? Text(items[k].Start, items[k].End) : null);
                        j = tk[operand].Match + 1;
                    }
                    else if (src.IsName(operand))
                    {
                        var after = operand;
                        var name = DottedName(ref after, limit);
                        value = StringDecoder.ApplyPercent(value, key => key == "0" ? name : null);
                        j = after;
                    }
                }

                b.AppendTemplate(value);
                hasString = true;
                pos = j;
                return true;
            }

            case TokenKind.Name:
            {
                var j = pos;
                var name = DottedName(ref j, limit)!;
                if (j < limit && src.IsOp(j, '(') && tk[j].Match > j && tk[j].Match < limit)
                {
                    var close = tk[j].Match;
                    var lastDot = name.LastIndexOf('.');
                    if (lastDot > 0 && name[(lastDot + 1)..] == "format")
                    {
                        var receiver = EvalName(name[..lastDot], Context());
                        if (receiver.Count == 1)
                        {
                            b.AppendTemplate(StringDecoder.ApplyFormat(receiver[0].Template, Bindings(j)));
                            hasString = true;
                            pos = close + 1;
                            return true;
                        }
                    }

                    var args = SplitTopLevel(j + 1, close);
                    if (name == "str" && args.Count == 1 && IsDottedName(args[0].Start, args[0].End))
                    {
                        b.AppendField(ConcatField(Text(args[0].Start, args[0].End)));
                        pos = close + 1;
                        return true;
                    }

                    j = close + 1;
                }

                j = Trailers(j, limit);
                b.AppendField(ConcatField(Text(pos, j)));
                pos = j;
                return true;
            }

            case TokenKind.Op when src.IsOp(pos, '(') && t.Match > pos && t.Match < limit:
            {
                var close = t.Match;
                StrTemplate? inner = null;
                var n2 = -1;
                if (chainNesting < MaxChainNesting)
                {
                    chainNesting++;
                    inner = Chain(pos + 1, close, out n2, strings);
                    chainNesting--;
                }

                if (inner is not null && n2 == close)
                {
                    b.AppendTemplate(inner);
                    hasString = true;
                }
                else
                {
                    b.AppendField(ConcatField(Text(pos, close + 1)));
                }

                pos = close + 1;
                return true;
            }

            default:
                return false;
        }
    }

    /// <summary>Skips attribute, call and subscript trailers (<c>.x</c>, <c>(…)</c>, <c>[…]</c>).</summary>
    private int Trailers(int j, int limit)
    {
        while (j < limit)
        {
            if (src.IsOp(j, '.') && src.IsName(j + 1) && j + 1 < limit)
            {
                j += 2;
            }
            else if ((src.IsOp(j, '(') || src.IsOp(j, '[')) && tk[j].Match > j && tk[j].Match < limit)
            {
                j = tk[j].Match + 1;
            }
            else
            {
                break;
            }
        }

        return j;
    }

    private static TemplateField ConcatField(string expression) => new("{" + expression + "}", expression, expression, formatted: false);

    /// <summary>The <c>.format(…)</c> argument expression for a slot: by index for positional slots, by keyword otherwise.</summary>
    private Func<string, string?> Bindings(int paren)
    {
        var args = Arguments(paren);
        return key =>
        {
            if (int.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
            {
                var positional = args.Where(a => a.Keyword is null).ToList();
                return index < positional.Count ? Text(positional[index].Start, positional[index].End) : null;
            }

            var keyword = args.FirstOrDefault(a => a.Keyword == key);
            return keyword.Keyword is null ? null : Text(keyword.Start, keyword.End);
        };
    }

    /// <summary>The source text of tokens [s, e), on one line.</summary>
    private string Text(int s, int e)
    {
        if (s >= e)
        {
            return "";
        }

        var raw = text.AsSpan(tk[s].Start, tk[e - 1].End - tk[s].Start);
        if (raw.IndexOfAny('\n', '\r') < 0)
        {
            return raw.ToString();
        }

        return string.Join(' ', raw.ToString().Split(new[] { '\n', '\r' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private bool IsDottedName(int s, int e)
    {
        if (s >= e || !src.IsName(s))
        {
            return false;
        }

        var i = s;
        DottedName(ref i, e);
        return i == e;
    }

    /// <summary>The arguments of the call whose <c>(</c> is at <paramref name="paren"/>.</summary>
    private List<Argument> Arguments(int paren)
    {
        var close = tk[paren].Match > paren ? tk[paren].Match : lineEnd;
        var list = new List<Argument>();
        foreach (var (s, e) in SplitTopLevel(paren + 1, close))
        {
            if (src.IsName(s) && src.Is(s + 1, "=") && s + 2 <= e)
            {
                list.Add(new Argument(s + 2, e, src.String(s)));
            }
            else if (tk[s].Kind == TokenKind.Op && (src.Is(s, "*") || src.Is(s, "**")))
            {
                list.Add(new Argument(s + 1, e, "*"));
            }
            else
            {
                list.Add(new Argument(s, e, null));
            }
        }

        return list;
    }

    /// <summary>Comma-separated items of [s, e) at the top level (nested brackets skipped); empty items dropped.</summary>
    private List<(int Start, int End)> SplitTopLevel(int s, int e)
    {
        var items = new List<(int, int)>();
        var start = s;
        var i = s;
        while (i < e)
        {
            ref var t = ref tk[i];
            if (t.Kind == TokenKind.Op && t.Match > i && t.Match < e && text[t.Start] is '(' or '[' or '{')
            {
                i = t.Match + 1;
                continue;
            }

            if (t.Kind == TokenKind.Op && t.Length == 1 && text[t.Start] == ',')
            {
                if (i > start)
                {
                    items.Add((start, i));
                }

                start = i + 1;
            }

            i++;
        }

        if (e > start)
        {
            items.Add((start, e));
        }

        return items;
    }

    /// <summary>The value of [s, e) when it is only plain string literals (no placeholders).</summary>
    private string? PlainString(int s, int e)
    {
        if (s >= e)
        {
            return null;
        }

        for (var i = s; i < e; i++)
        {
            if (tk[i].Kind != TokenKind.String || (tk[i].Flags & StringFlags.Bytes) != 0)
            {
                return null;
            }
        }

        if (e == s + 1 && (tk[s].Flags & (StringFlags.Format | StringFlags.Unterminated)) == 0)
        {
            // One plain literal without escapes: its text as is.
            var t = tk[s];
            var quote = (t.Flags & StringFlags.Triple) != 0 ? 3 : 1;
            var content = text.AsSpan(t.Start + t.PrefixLength + quote, t.End - t.Start - t.PrefixLength - 2 * quote);
            if (content.IndexOf('\\') < 0 && content.IndexOfAnyInRange(StrTemplate.MaskBase, (char)(StrTemplate.MaskBase + StrTemplate.MaxFields - 1)) < 0)
            {
                return content.ToString();
            }
        }

        var b = new StrTemplateBuilder();
        for (var i = s; i < e; i++)
        {
            StringDecoder.Append(src, i, b);
        }

        var value = b.Build();
        return value.HasFields ? null : value.Masked;
    }

    /// <summary>
    /// The string values an argument expression can have: a literal or template; a name's loop values or
    /// latest assignment; <c>bigquery.Table(x)</c>, <c>TableReference.from_string(x)</c> and <c>str(x)</c> see through to x.
    /// </summary>
    private List<Resolved> EvalArgument(int s, int e, EvalContext context)
    {
        while (s < e && src.IsOp(s, '(') && tk[s].Match == e - 1)
        {
            s++;
            e--;
        }

        if (s >= e)
        {
            return new List<Resolved>();
        }

        if (IsDottedName(s, e))
        {
            return EvalName(Text(s, e), context);
        }

        if (src.IsName(s))
        {
            var j = s;
            var callee = DottedName(ref j, e)!;
            if (src.IsOp(j, '(') && tk[j].Match == e - 1)
            {
                var last = callee[(callee.LastIndexOf('.') + 1)..];
                if (last is "Table" or "TableReference" or "from_string" or "str")
                {
                    var args = Arguments(j);
                    var arg = args.FirstOrDefault(a => a.Keyword is null or "table_id" or "table_ref" or "table_id_or_ref");
                    return arg.End > arg.Start ? EvalArgument(arg.Start, arg.End, context) : new List<Resolved>();
                }
            }
        }

        var value = Chain(s, e, out var next, null);
        return value is not null && next == e ? new List<Resolved> { new(value, context, tk[s].Line) } : new List<Resolved>();
    }

    /// <summary>A name's values: each literal of the loop it iterates, else its latest assignment's value.</summary>
    private List<Resolved> EvalName(string name, EvalContext context)
    {
        var result = new List<Resolved>();
        if (LoopValues(name, context) is { } values)
        {
            foreach (var v in values)
            {
                result.Add(new Resolved(new StrTemplate(v, Array.Empty<TemplateField>()), context, currentLine));
            }

            return result;
        }

        if (Lookup(name, context) is { } assignment)
        {
            return Evaluate(assignment);
        }

        return result;
    }

    private List<Resolved> Evaluate(Assignment a)
    {
        if (a.Cache is not null)
        {
            return a.Cache;
        }

        if (a.Evaluating || resolveDepth >= MaxResolveDepth)
        {
            return new List<Resolved>();
        }

        a.Evaluating = true;
        resolveDepth++;
        try
        {
            a.Cache = EvalArgument(a.Start, a.End, a.Context);
        }
        finally
        {
            resolveDepth--;
            a.Evaluating = false;
        }

        return a.Cache;
    }

    /// <summary>The latest assignment of <paramref name="name"/> visible from the context: enclosing functions, then the module.</summary>
    private Assignment? Lookup(string name, EvalContext context)
    {
        for (var p = context.Scope; p is not null; p = p.Parent)
        {
            if (p.Kind is ScopeKind.Def or ScopeKind.Class && scopes[p.ScopeId] is { } names && names.TryGetValue(name, out var inner))
            {
                return inner;
            }
        }

        return scopes[0] is { } module && module.TryGetValue(name, out var assignment) ? assignment : null;
    }

    /// <summary>The literal values a loop variable takes, from the comprehension or <c>for</c> that binds it.</summary>
    private List<string>? LoopValues(string name, EvalContext context)
    {
        if (context.Bindings is { } bindings)
        {
            foreach (var b in bindings)
            {
                var index = b.Targets is null ? -1 : Array.IndexOf(b.Targets, name);
                if (index >= 0)
                {
                    return IterValues(b.IterStart, b.IterEnd, index, b.Targets!.Length, context with { Bindings = null }, MaxResolveDepth);
                }
            }
        }

        for (var p = context.Scope; p is not null; p = p.Parent)
        {
            if (p.Kind == ScopeKind.For && p.Targets is { } targets)
            {
                var index = Array.IndexOf(targets, name);
                if (index >= 0)
                {
                    return IterValues(p.IterStart, p.IterEnd, index, targets.Length, p.IterContext!, MaxResolveDepth);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The literals target <paramref name="index"/> of <paramref name="count"/> takes when iterating [s, e):
    /// list/tuple/set literals of strings (or of tuples of strings), dict keys, names bound to those,
    /// <c>sorted/list/tuple/set/reversed(x)</c>, <c>enumerate(x)</c> (second target), <c>zip(a, b)</c> and
    /// <c>product(a, b)</c> (per position), <c>d.keys()/values()/items()</c>. Anything else — including
    /// <c>combinations</c> and <c>permutations</c>, whose per-position values would over-state — is unresolved.
    /// </summary>
    private List<string>? IterValues(int s, int e, int index, int count, EvalContext context, int budget)
    {
        if (budget <= 0 || s >= e)
        {
            return null;
        }

        if (tk[s].Kind == TokenKind.Op && tk[s].Match == e - 1 && text[tk[s].Start] is '(' or '[' or '{')
        {
            var items = SplitTopLevel(s + 1, e - 1);
            var isDict = text[tk[s].Start] == '{' && items.Count > 0 && TopLevelColon(items[0].Start, items[0].End) > 0;
            var values = new List<string>();
            foreach (var (is_, ie) in items)
            {
                string? v;
                if (isDict)
                {
                    var colon = TopLevelColon(is_, ie);
                    v = count == 1 && colon > 0 ? PlainString(is_, colon) : null;
                }
                else if (count == 1)
                {
                    v = PlainString(is_, ie);
                }
                else
                {
                    v = tk[is_].Kind == TokenKind.Op && tk[is_].Match == ie - 1 && SplitTopLevel(is_ + 1, ie - 1) is { } inner && inner.Count == count
                        ? PlainString(inner[index].Start, inner[index].End)
                        : null;
                }

                if (v is null)
                {
                    return null;
                }

                values.Add(v);
            }

            return values.Count > 0 ? values : null;
        }

        if (IsDottedName(s, e))
        {
            return Lookup(Text(s, e), context) is { } a ? IterValues(a.Start, a.End, index, count, a.Context, budget - 1) : null;
        }

        if (!src.IsName(s))
        {
            return null;
        }

        var j = s;
        var callee = DottedName(ref j, e)!;
        if (!src.IsOp(j, '(') || tk[j].Match != e - 1)
        {
            return null;
        }

        var args = Arguments(j);
        var last = callee[(callee.LastIndexOf('.') + 1)..];
        var receiver = callee.Contains('.') ? callee[..callee.LastIndexOf('.')] : null;
        switch (last)
        {
            case "sorted" or "list" or "tuple" or "set" or "frozenset" or "reversed" when args.Count >= 1 && args[0].Keyword is null:
                return IterValues(args[0].Start, args[0].End, index, count, context, budget - 1);
            case "enumerate" when count == 2 && index == 1 && args.Count >= 1:
                return IterValues(args[0].Start, args[0].End, 0, 1, context, budget - 1);
            case "zip" or "product" when args.Count == count && args.All(a => a.Keyword is null):
                return IterValues(args[index].Start, args[index].End, 0, 1, context, budget - 1);
            case "keys" or "values" or "items" when receiver is not null && args.Count == 0:
                if (Lookup(receiver, context) is not { } dict || tk[dict.Start].Kind != TokenKind.Op || text[tk[dict.Start].Start] != '{' || tk[dict.Start].Match != dict.End - 1)
                {
                    return null;
                }

                var part = last switch { "keys" => 0, "values" => 1, _ => count == 2 ? index : -1 };
                if (part < 0 || (last != "items" && count != 1))
                {
                    return null;
                }

                var result = new List<string>();
                foreach (var (is_, ie) in SplitTopLevel(dict.Start + 1, dict.End - 1))
                {
                    var colon = TopLevelColon(is_, ie);
                    var v = colon < 0 ? null : part == 0 ? PlainString(is_, colon) : PlainString(colon + 1, ie);
                    if (v is null)
                    {
                        return null;
                    }

                    result.Add(v);
                }

                return result.Count > 0 ? result : null;
            default:
                return null;
        }
    }

    private int TopLevelColon(int s, int e)
    {
        for (var i = s; i < e; i++)
        {
            if (tk[i].Kind == TokenKind.Op && tk[i].Match > i && tk[i].Match < e)
            {
                i = tk[i].Match;
            }
            else if (src.IsOp(i, ':'))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Values of a placeholder's expression: a string literal argument, loop literals, or a simple assignment of a string literal.</summary>
    private List<string>? PlaceholderValues(string expression, EvalContext context)
    {
        if (expression.Length >= 2 && expression[0] is '\'' or '"' && expression[^1] == expression[0]
            && expression.AsSpan(1, expression.Length - 2).IndexOfAny(expression[0], '\\') < 0)
        {
            return new List<string> { expression[1..^1] }; // .format(kind='agg')
        }

        if (!TemplateField.IsIdentifier(expression))
        {
            return null;
        }

        if (LoopValues(expression, context) is { } values)
        {
            return values;
        }

        if (Lookup(expression, context) is { } a && PlainString(a.Start, a.End) is { } literal)
        {
            return new List<string> { literal };
        }

        return null;
    }

    /// <summary>Records a table-name template with the values its placeholders are known to take.</summary>
    /// <param name="tablePath">The template is a table path as listed (<c>project:dataset</c> written as <c>project.dataset</c>), so values get the same spelling.</param>
    private void AddNameTemplate(StrTemplate value, int line, EvalContext context, bool tablePath = false)
    {
        if (!value.HasFields)
        {
            return;
        }

        var template = value.AsWritten();
        if (!nameTemplateKeys.Add(template + "\n" + line.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            return;
        }

        var entry = new NameTemplate { Template = template, Line = line };
        foreach (var field in value.FieldsIn(value.Masked))
        {
            if (field.Binding is { } binding && !entry.Values.ContainsKey(field.Key) && PlaceholderValues(binding, context) is { } values)
            {
                entry.Values[field.Key] = (tablePath ? values.Select(v => v.Replace(':', '.')) : values).Distinct(StringComparer.Ordinal).ToList();
            }
        }

        nameTemplates.Add(entry);
    }
}
