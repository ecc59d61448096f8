using System.Buffers;

namespace BqxAudit.Inventory.Analyzers.Python;

internal enum TokenKind : byte
{
    Name,
    Number,
    String,
    Op,
}

[Flags]
internal enum StringFlags : byte
{
    None = 0,
    Raw = 1,
    Bytes = 2,
    Format = 4,
    Triple = 8,

    /// <summary>The string was not closed; the token ends where the tokenizer recovered.</summary>
    Unterminated = 16,

    /// <summary>The string spans more than one line.</summary>
    MultiLine = 32,
}

/// <summary>One token: a name, number, string (with its prefix and quotes) or operator.</summary>
internal struct Token
{
    public int Start;
    public int End;
    public int Line;

    /// <summary>For a bracket, the index of its partner; -1 when unmatched or not a bracket.</summary>
    public int Match;

    public TokenKind Kind;
    public StringFlags Flags;

    /// <summary>For a string: the length of its prefix letters (<c>f</c>, <c>rb</c> …).</summary>
    public byte PrefixLength;

    public readonly int Length => End - Start;
}

/// <summary>A logical line: the tokens of one statement line (brackets and backslashes joined), with its indentation.</summary>
internal readonly record struct LogicalLine(int First, int End, int Indent);

/// <summary>A syntax problem the tokenizer can see, at the line Python would blame.</summary>
internal readonly record struct SyntaxProblem(int Line, string Message);

/// <summary>A comment before the first token of the file, for the purpose line.</summary>
internal readonly record struct HeaderComment(int Line, string Text);

/// <summary>The tokens of one Python file and what the tokenizer noticed on the way.</summary>
internal sealed class TokenizedSource
{
    public TokenizedSource(string text, Token[] tokens, int count, List<LogicalLine> lines, List<SyntaxProblem> problems, List<HeaderComment> header, int lineCount)
    {
        Text = text;
        Tokens = tokens;
        Count = count;
        Lines = lines;
        Problems = problems;
        Header = header;
        LineCount = lineCount;
    }

    public string Text { get; }

    /// <summary>The token buffer (rented from the shared pool); only the first <see cref="Count"/> entries are tokens.</summary>
    public Token[] Tokens { get; private set; }

    public int Count { get; }

    public List<LogicalLine> Lines { get; }

    public List<SyntaxProblem> Problems { get; }

    public List<HeaderComment> Header { get; }

    /// <summary>Physical lines (newline count + 1).</summary>
    public int LineCount { get; }

    public ReadOnlySpan<char> TextOf(int index) => Text.AsSpan(Tokens[index].Start, Tokens[index].Length);

    public bool Is(int index, string value) =>
        index >= 0 && index < Count && Tokens[index].Length == value.Length && Text.AsSpan(Tokens[index].Start, value.Length).SequenceEqual(value);

    public bool IsOp(int index, char c) =>
        index >= 0 && index < Count && Tokens[index].Kind == TokenKind.Op && Tokens[index].Length == 1 && Text[Tokens[index].Start] == c;

    public bool IsName(int index) => index >= 0 && index < Count && Tokens[index].Kind == TokenKind.Name;

    public bool IsName(int index, string value) => IsName(index) && Is(index, value);

    public string String(int index) => Text.Substring(Tokens[index].Start, Tokens[index].Length);

    /// <summary>Returns the token buffer to the pool; the tokens must not be used afterwards.</summary>
    public void Release()
    {
        var buffer = Tokens;
        Tokens = Array.Empty<Token>();
        if (buffer.Length > 0)
        {
            ArrayPool<Token>.Shared.Return(buffer);
        }
    }
}

/// <summary>
/// A single linear pass over Python source that produces tokens and logical lines the way CPython's
/// tokenizer does: strings with every prefix (raw, bytes, f-strings with nested quotes and
/// <c>{{</c>/<c>}}</c> escapes, triple quotes), comments, backslash continuations, implicit joining
/// inside brackets. It never throws on bad input: an unterminated string or an unbalanced bracket
/// becomes a <see cref="SyntaxProblem"/> and the tokenizer recovers at the end of that line.
/// </summary>
internal sealed class PythonTokenizer
{
    /// <summary>CPython's tokenizer refuses more than 200 nested brackets ("too many nested parentheses").</summary>
    public const int MaxBracketDepth = 200;

    private readonly string text;
    private readonly List<SyntaxProblem> problems = new();
    private readonly List<HeaderComment> header = new();
    private readonly List<LogicalLine> lines;
    private readonly List<int> openers = new();
    private readonly StringScanner scanner;
    private Token[] tokens;
    private int count;
    private int line = 1;
    private bool depthReported;

    private PythonTokenizer(string text)
    {
        this.text = text;
        lines = new List<LogicalLine>(Math.Min(text.Length / 32 + 4, 1 << 14));
        tokens = ArrayPool<Token>.Shared.Rent(Math.Max(64, Math.Min(text.Length / 3, 1 << 20)));
        scanner = new StringScanner(text, problems);
    }

    public static TokenizedSource Tokenize(string text)
    {
        var t = new PythonTokenizer(text);
        t.Run();
        return new TokenizedSource(text, t.tokens, t.count, t.lines, t.problems, t.header, t.line);
    }

    private void Run()
    {
        var n = text.Length;
        var pos = 0;
        if (n > 0 && text[0] == '\uFEFF')
        {
            pos = 1;
        }

        var lineStart = pos;
        var logicalFirst = 0;
        var logicalIndent = 0;
        while (pos < n)
        {
            var c = text[pos];
            if (c == '\n')
            {
                if (openers.Count == 0)
                {
                    EndLogicalLine(ref logicalFirst, logicalIndent);
                }

                line++;
                pos++;
                lineStart = pos;
                continue;
            }

            if (c is ' ' or '\t' or '\f' or '\r')
            {
                pos++;
                continue;
            }

            if (c == '#')
            {
                var eol = text.IndexOf('\n', pos);
                if (eol < 0)
                {
                    eol = n;
                }

                if (count == 0)
                {
                    header.Add(new HeaderComment(line, text[pos..eol].TrimEnd('\r')));
                }

                pos = eol;
                continue;
            }

            if (c == '\\')
            {
                var next = pos + 1;
                if (next < n && text[next] == '\r')
                {
                    next++;
                }

                if (next < n && text[next] == '\n')
                {
                    line++;
                    pos = next + 1;
                    lineStart = pos;
                    continue;
                }

                if (next >= n)
                {
                    Problem(line, "unexpected end of file after a line continuation character");
                    pos = n;
                    continue;
                }

                Problem(line, "unexpected character after line continuation character");
                pos++;
                continue;
            }

            if (count == logicalFirst && openers.Count == 0)
            {
                logicalIndent = Column(lineStart, pos);
            }

            if (c == '_' || char.IsAsciiLetter(c) || (c > 127 && IsIdentifierStart(c)))
            {
                var end = pos + 1;
                while (end < n && IsIdentifierPart(text[end]))
                {
                    end++;
                }

                if (end < n && text[end] is '\'' or '"' && end - pos <= 2 && StringPrefix(text.AsSpan(pos, end - pos), out var flags))
                {
                    pos = ReadString(pos, end, flags);
                    continue;
                }

                Add(TokenKind.Name, pos, end, line);
                pos = end;
                continue;
            }

            if (c is '\'' or '"')
            {
                pos = ReadString(pos, pos, StringFlags.None);
                continue;
            }

            if (char.IsAsciiDigit(c) || (c == '.' && pos + 1 < n && char.IsAsciiDigit(text[pos + 1])))
            {
                var end = pos + 1;
                while (end < n)
                {
                    var d = text[end];
                    if (char.IsAsciiLetterOrDigit(d) || d is '_' or '.')
                    {
                        end++;
                    }
                    else if (d is '+' or '-' && text[end - 1] is 'e' or 'E' && !IsHexLiteral(pos))
                    {
                        end++;
                    }
                    else
                    {
                        break;
                    }
                }

                Add(TokenKind.Number, pos, end, line);
                pos = end;
                continue;
            }

            pos = ReadOperator(pos);
        }

        foreach (var open in openers)
        {
            ref var t = ref tokens[open];
            Problem(t.Line, $"'{text[t.Start]}' was never closed");
        }

        openers.Clear();
        EndLogicalLine(ref logicalFirst, logicalIndent);
    }

    private bool IsHexLiteral(int start) => start + 1 < text.Length && text[start] == '0' && text[start + 1] is 'x' or 'X';

    private void EndLogicalLine(ref int logicalFirst, int indent)
    {
        if (count > logicalFirst)
        {
            lines.Add(new LogicalLine(logicalFirst, count, indent));
            logicalFirst = count;
        }
    }

    private int Column(int lineStart, int pos)
    {
        var col = 0;
        for (var i = lineStart; i < pos; i++)
        {
            col = text[i] switch
            {
                '\t' => (col / 8 + 1) * 8,
                '\f' => 0,
                _ => col + 1,
            };
        }

        return col;
    }

    private int ReadOperator(int pos)
    {
        var n = text.Length;
        var c = text[pos];
        switch (c)
        {
            case '(' or '[' or '{':
                Add(TokenKind.Op, pos, pos + 1, line);
                openers.Add(count - 1);
                if (openers.Count > MaxBracketDepth && !depthReported)
                {
                    depthReported = true;
                    Problem(line, $"too many nested parentheses (more than {MaxBracketDepth})");
                }

                return pos + 1;
            case ')' or ']' or '}':
                Add(TokenKind.Op, pos, pos + 1, line);
                Close(count - 1, c);
                return pos + 1;
        }

        if (pos + 2 < n)
        {
            var three = text.AsSpan(pos, 3);
            if (three is "..." or "**=" or "//=" or ">>=" or "<<=")
            {
                Add(TokenKind.Op, pos, pos + 3, line);
                return pos + 3;
            }
        }

        if (pos + 1 < n)
        {
            var two = text.AsSpan(pos, 2);
            if (two is "==" or "!=" or "<=" or ">=" or "->" or ":=" or "**" or "//" or "<<" or ">>" or "+=" or "-=" or "*=" or "/=" or "%=" or "&=" or "|=" or "^=" or "@=" or "<>")
            {
                Add(TokenKind.Op, pos, pos + 2, line);
                return pos + 2;
            }
        }

        if ("+-*/%@&|^~<>=.,:;".Contains(c))
        {
            Add(TokenKind.Op, pos, pos + 1, line);
            return pos + 1;
        }

        // Anything else ($, ?, `, a lone !, non-identifier Unicode such as U+FFFD or a no-break space) is not Python.
        var code = char.IsSurrogate(c) ? "a surrogate" : $"U+{(int)c:X4}";
        Problem(line, $"invalid character '{(char.IsControl(c) || char.IsSurrogate(c) ? ' ' : c)}' ({code})");
        return pos + 1;
    }

    private void Close(int index, char closer)
    {
        if (openers.Count == 0)
        {
            Problem(line, $"unmatched '{closer}'");
            return;
        }

        var open = openers[^1];
        openers.RemoveAt(openers.Count - 1);
        var opener = text[tokens[open].Start];
        var expected = opener switch { '(' => ')', '[' => ']', _ => '}' };
        if (expected != closer)
        {
            Problem(tokens[open].Line, tokens[open].Line == line
                ? $"closing '{closer}' does not match opening '{opener}'"
                : $"'{opener}' opened here is closed by '{closer}' on line {line}");
            return;
        }

        tokens[open].Match = index;
        tokens[index].Match = open;
    }

    private int ReadString(int start, int quotePos, StringFlags flags)
    {
        var startLine = line;
        var end = scanner.Scan(quotePos, flags, ref line, 0, out var ok, out var triple);
        if (triple)
        {
            flags |= StringFlags.Triple;
        }

        if (!ok)
        {
            flags |= StringFlags.Unterminated;
            line = startLine;
            end = text.IndexOf('\n', quotePos);
            if (end < 0)
            {
                end = text.Length;
            }
            else if (end > quotePos && text[end - 1] == '\r')
            {
                end--;
            }

            Problem(startLine, scanner.Failure ?? (triple ? "unterminated triple-quoted string literal" : "unterminated string literal"));

            // Recover as if the line ended the statement: brackets still open would swallow the rest of the file.
            openers.Clear();
        }

        Add(TokenKind.String, start, end, startLine);
        tokens[count - 1].Flags = flags | (line != startLine ? StringFlags.MultiLine : StringFlags.None);
        tokens[count - 1].PrefixLength = (byte)(quotePos - start);
        return end;
    }

    private void Add(TokenKind kind, int start, int end, int startLine)
    {
        if (count == tokens.Length)
        {
            var bigger = ArrayPool<Token>.Shared.Rent(tokens.Length * 2);
            Array.Copy(tokens, bigger, count);
            ArrayPool<Token>.Shared.Return(tokens);
            tokens = bigger;
        }

        tokens[count++] = new Token { Start = start, End = end, Line = startLine, Kind = kind, Match = -1 };
    }

    private void Problem(int atLine, string message) => problems.Add(new SyntaxProblem(atLine, message));

    internal static bool StringPrefix(ReadOnlySpan<char> prefix, out StringFlags flags)
    {
        flags = StringFlags.None;
        foreach (var ch in prefix)
        {
            var f = char.ToLowerInvariant(ch) switch
            {
                'r' => StringFlags.Raw,
                'b' => StringFlags.Bytes,
                'f' or 't' => StringFlags.Format,
                'u' => StringFlags.None,
                _ => (StringFlags)255,
            };
            if (f == (StringFlags)255 || (f != StringFlags.None && (flags & f) != 0))
            {
                return false;
            }

            flags |= f;
        }

        if (prefix.Length == 2 && (char.ToLowerInvariant(prefix[0]) == 'u' || char.ToLowerInvariant(prefix[1]) == 'u'))
        {
            return false;
        }

        return (flags & (StringFlags.Bytes | StringFlags.Format)) != (StringFlags.Bytes | StringFlags.Format);
    }

    internal static bool IsIdentifierStart(char c) =>
        c == '_' || char.IsAsciiLetter(c) || (c > 127 && (char.IsLetter(c) || char.IsSurrogate(c)
            || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.LetterNumber));

    internal static bool IsIdentifierPart(char c)
    {
        if (c < 128)
        {
            return c == '_' || char.IsAsciiLetterOrDigit(c);
        }

        if (char.IsLetterOrDigit(c) || char.IsSurrogate(c))
        {
            return true;
        }

        var cat = char.GetUnicodeCategory(c);
        return cat is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark
            or System.Globalization.UnicodeCategory.ConnectorPunctuation or System.Globalization.UnicodeCategory.LetterNumber;
    }
}

/// <summary>
/// Finds where a string literal ends, following Python 3.12 rules: inside an f-string's replacement
/// field any quote starts a nested string, brackets nest, and a format spec may hold nested fields.
/// Recursion only happens for strings nested in f-string fields, and is capped.
/// </summary>
internal sealed class StringScanner
{
    /// <summary>CPython caps f-string nesting; beyond this the literal is reported, not followed.</summary>
    public const int MaxNesting = 100;

    private readonly string text;
    private readonly List<SyntaxProblem>? problems;

    public StringScanner(string text, List<SyntaxProblem>? problems)
    {
        this.text = text;
        this.problems = problems;
    }

    /// <summary>Why the last scan failed, when it was not a plain unterminated string.</summary>
    public string? Failure { get; private set; }

    /// <summary>Scans the literal whose first quote is at <paramref name="quotePos"/>; returns the index after the closing quote.</summary>
    public int Scan(int quotePos, StringFlags flags, ref int line, int nesting, out bool ok, out bool triple)
    {
        var n = text.Length;
        var q = text[quotePos];
        triple = quotePos + 2 < n && text[quotePos + 1] == q && text[quotePos + 2] == q;
        var i = quotePos + (triple ? 3 : 1);
        var raw = (flags & StringFlags.Raw) != 0;
        var format = (flags & StringFlags.Format) != 0;
        if (nesting > MaxNesting)
        {
            Failure = $"f-string nesting deeper than {MaxNesting} levels";
            ok = false;
            return i;
        }

        while (i < n)
        {
            var c = text[i];
            if (c == '\\')
            {
                if (i + 2 < n && text[i + 1] == '\r' && text[i + 2] == '\n')
                {
                    line++;
                    i += 3;
                    continue;
                }

                if (i + 1 < n && text[i + 1] == '\n')
                {
                    line++;
                }
                else if (!raw && format && i + 2 < n && text[i + 1] == 'N' && text[i + 2] == '{')
                {
                    var close = text.IndexOf('}', i + 3);
                    var eol = text.IndexOf('\n', i + 3);
                    if (close > 0 && (eol < 0 || close < eol))
                    {
                        i = close + 1;
                        continue;
                    }
                }

                i += 2;
                continue;
            }

            if (c == '\n')
            {
                if (!triple)
                {
                    ok = false;
                    return i;
                }

                line++;
                i++;
                continue;
            }

            if (c == q)
            {
                if (!triple)
                {
                    ok = true;
                    return i + 1;
                }

                if (i + 2 < n && text[i + 1] == q && text[i + 2] == q)
                {
                    ok = true;
                    return i + 3;
                }

                i++;
                continue;
            }

            if (format && c == '{')
            {
                if (i + 1 < n && text[i + 1] == '{')
                {
                    i += 2;
                    continue;
                }

                i = ScanField(i + 1, q, triple, ref line, nesting, out ok, out _);
                if (!ok)
                {
                    return i;
                }

                continue;
            }

            if (format && c == '}')
            {
                if (i + 1 < n && text[i + 1] == '}')
                {
                    i += 2;
                    continue;
                }

                problems?.Add(new SyntaxProblem(line, "f-string: single '}' is not allowed"));
            }

            i++;
        }

        ok = false;
        return n;
    }

    /// <summary>
    /// Scans a replacement field starting just after its <c>{</c>; returns the index after its closing
    /// <c>}</c>. <paramref name="exprEnd"/> is where the expression stops (at <c>=</c>, <c>!</c>, <c>:</c> or <c>}</c>).
    /// </summary>
    public int ScanField(int i, char q, bool triple, ref int line, int nesting, out bool ok, out int exprEnd)
    {
        var n = text.Length;
        var depth = 0;
        exprEnd = -1;
        while (i < n)
        {
            var c = text[i];
            if (c is '\'' or '"')
            {
                var flags = NestedPrefix(i);
                i = Scan(i, flags, ref line, nesting + 1, out ok, out _);
                if (!ok)
                {
                    return i;
                }

                continue;
            }

            if (c == '\n')
            {
                if (!triple)
                {
                    ok = false;
                    return i;
                }

                line++;
                i++;
                continue;
            }

            if (c == '\\' && !triple && i + 1 < n && text[i + 1] == '\n')
            {
                ok = false;
                return i;
            }

            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']')
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (c == '}')
            {
                if (depth == 0)
                {
                    if (exprEnd < 0)
                    {
                        exprEnd = i;
                    }

                    ok = true;
                    return i + 1;
                }

                depth--;
            }
            else if (depth == 0 && c == '!' && (i + 1 >= n || text[i + 1] != '='))
            {
                exprEnd = i;
            }
            else if (depth == 0 && c == ':')
            {
                if (exprEnd < 0)
                {
                    exprEnd = i;
                }

                return ScanSpec(i + 1, q, triple, ref line, nesting, out ok);
            }
            else if (depth == 0 && c == '=' && exprEnd < 0 && i + 1 < n && text[i + 1] is '}' or '!' or ':'
                && i > 0 && text[i - 1] is not ('=' or '!' or '<' or '>'))
            {
                exprEnd = i;
            }

            i++;
        }

        ok = false;
        return n;
    }

    private int ScanSpec(int i, char q, bool triple, ref int line, int nesting, out bool ok)
    {
        var n = text.Length;
        while (i < n)
        {
            var c = text[i];
            if (c == '}')
            {
                ok = true;
                return i + 1;
            }

            if (c == '{')
            {
                i = ScanField(i + 1, q, triple, ref line, nesting + 1, out ok, out _);
                if (!ok)
                {
                    return i;
                }

                continue;
            }

            if (c == '\n')
            {
                if (!triple)
                {
                    ok = false;
                    return i;
                }

                line++;
            }
            else if (c == q && !triple)
            {
                ok = false;
                return i;
            }

            i++;
        }

        ok = false;
        return n;
    }

    private StringFlags NestedPrefix(int quote)
    {
        var start = quote;
        while (start > 0 && char.IsAsciiLetter(text[start - 1]) && quote - start < 3)
        {
            start--;
        }

        if (start == quote || (start > 0 && PythonTokenizer.IsIdentifierPart(text[start - 1])))
        {
            return StringFlags.None;
        }

        return PythonTokenizer.StringPrefix(text.AsSpan(start, quote - start), out var flags) ? flags : StringFlags.None;
    }
}
