using System.Text;

namespace BqxAudit.Inventory.Analyzers.Shell;

/// <summary>One shell word: quotes removed, expansions (<c>$X</c>, <c>${X}</c>, <c>$(…)</c>, backticks) kept as written.</summary>
internal sealed class ShellWord
{
    /// <summary>Stands for a <c>$</c> that was quoted or escaped, so evaluation never expands it.</summary>
    internal const char LiteralDollar = '\uE000';

    /// <summary>Stands for a backtick that was quoted or escaped.</summary>
    internal const char LiteralBacktick = '\uE001';

    public ShellWord(string expr, int offset, bool dynamic, bool quoted)
    {
        Expr = expr;
        Text = expr.IndexOf(LiteralDollar) < 0 && expr.IndexOf(LiteralBacktick) < 0
            ? expr
            : expr.Replace(LiteralDollar, '$').Replace(LiteralBacktick, '`');
        Offset = offset;
        Dynamic = dynamic;
        Quoted = quoted;
    }

    /// <summary>The word as the shell would see it before expansion, quotes removed.</summary>
    public string Text { get; }

    /// <summary>As <see cref="Text"/>, with literal <c>$</c> and backticks replaced by sentinels; what <see cref="ShellExpander"/> evaluates.</summary>
    public string Expr { get; }

    /// <summary>Offset of the word's first character in the text that was lexed.</summary>
    public int Offset { get; }

    /// <summary>True when the word holds an expansion whose value is only known at run time.</summary>
    public bool Dynamic { get; }

    public bool Quoted { get; }

    /// <summary>A word with no expansion (an exec-form array element, a YAML string).</summary>
    public static ShellWord Literal(string text, int offset) =>
        new(text.Replace('$', LiteralDollar).Replace('`', LiteralBacktick), offset, dynamic: false, quoted: true);

    /// <summary>True for the unquoted, unexpanded word <paramref name="value"/> (keywords).</summary>
    public bool IsBare(string value) => !Quoted && !Dynamic && Text == value;

    public override string ToString() => Text;
}

internal enum ShellTokenKind
{
    Word,
    Operator,
    Redirect,
    Newline,
}

internal readonly record struct ShellToken(ShellTokenKind Kind, int Offset, string Op, ShellWord? Word);

/// <summary>
/// A small shell lexer: quotes, escapes, line continuations, comments, operators, redirections,
/// here-documents (skipped), parameter expansions, and command substitutions (<c>$(…)</c>,
/// backticks, <c>&lt;(…)</c>) whose contents are lexed into their own token segments. One pass,
/// linear in the text; nesting deeper than <see cref="MaxDepth"/> is skipped, not lexed.
/// </summary>
internal sealed class ShellLexer
{
    private const int MaxDepth = 24;

    private readonly string text;
    private readonly int end;
    private readonly List<List<ShellToken>> segments = new();
    private readonly List<(string Delimiter, bool StripTabs)> heredocs = new();
    private int pos;

    /// <summary>Where the first quote that is never closed opens (bash refuses the whole script), or -1.</summary>
    private int unterminatedQuote = -1;

    private ShellLexer(string text, int start, int end)
    {
        this.text = text;
        pos = start;
        this.end = end;
    }

    public static ShellLexResult Lex(string text) => Lex(text, 0, text.Length);

    public static ShellLexResult Lex(string text, int start, int end)
    {
        var lexer = new ShellLexer(text, start, end);
        var top = new List<ShellToken>();
        lexer.segments.Add(top);
        lexer.LexSegment(top, '\0', 0);

        return new ShellLexResult(lexer.segments) { UnterminatedQuote = lexer.unterminatedQuote };
    }

    private void LexSegment(List<ShellToken> tokens, char terminator, int depth)
    {
        var word = new WordBuilder();
        var parens = 0;
        var delimiterExpected = 0; // 1: after <<, 2: after <<-

        void Flush()
        {
            if (!word.Started)
            {
                return;
            }

            var w = word.Build();
            if (delimiterExpected != 0)
            {
                heredocs.Add((w.Text, delimiterExpected == 2));
                delimiterExpected = 0;
            }

            tokens.Add(new ShellToken(ShellTokenKind.Word, w.Offset, "", w));
        }

        void Operator(string op, ShellTokenKind kind = ShellTokenKind.Operator)
        {
            Flush();
            tokens.Add(new ShellToken(kind, pos, op, null));
            pos += op.Length;
        }

        while (pos < end)
        {
            var c = text[pos];
            switch (c)
            {
                case ' ':
                case '\t':
                case '\r':
                    Flush();
                    pos++;
                    break;
                case '\n':
                    Flush();
                    tokens.Add(new ShellToken(ShellTokenKind.Newline, pos, "\n", null));
                    pos++;
                    SkipHeredocBodies();
                    break;
                case '#' when !word.Started:
                    while (pos < end && text[pos] != '\n')
                    {
                        pos++;
                    }

                    break;
                case '\\':
                    ReadEscape(word);
                    break;
                case '\'':
                    ReadSingleQuoted(word);
                    break;
                case '"':
                    ReadDoubleQuoted(word, depth);
                    break;
                case '$':
                    ReadDollar(word, depth);
                    break;
                case '`':
                    if (terminator == '`')
                    {
                        Flush();
                        pos++;
                        return;
                    }

                    ReadSubstitution(word, depth, open: 1, closing: '`');
                    break;
                case ';':
                    Operator(At(1) == ';' ? (At(2) == '&' ? ";;&" : ";;") : At(1) == '&' ? ";&" : ";");
                    break;
                case '&':
                    if (At(1) == '>')
                    {
                        Operator(At(2) == '>' ? "&>>" : "&>", ShellTokenKind.Redirect);
                    }
                    else
                    {
                        Operator(At(1) == '&' ? "&&" : "&");
                    }

                    break;
                case '|':
                    Operator(At(1) == '|' ? "||" : At(1) == '&' ? "|&" : "|");
                    break;
                case '(':
                    if (word.Started && word.EndsWith('='))
                    {
                        // Array assignment a=(x y z): keep it as one word.
                        var start = pos;
                        SkipBalanced('(', ')');
                        word.AppendRaw(text, start, pos - start, pos);
                    }
                    else if (!word.Started && At(1) == '(')
                    {
                        // Arithmetic command (( … )): nothing to run.
                        Flush();
                        SkipBalanced('(', ')');
                    }
                    else
                    {
                        parens++;
                        Operator("(");
                    }

                    break;
                case ')':
                    if (terminator == ')' && parens == 0)
                    {
                        Flush();
                        pos++;
                        return;
                    }

                    parens = Math.Max(0, parens - 1);
                    Operator(")");
                    break;
                case '<':
                case '>':
                    if (At(1) == '(')
                    {
                        // Process substitution <(cmd) / >(cmd): a word whose commands are lexed.
                        ReadSubstitution(word, depth, open: 2, closing: ')');
                        break;
                    }

                    if (word.IsFileDescriptor)
                    {
                        word.Reset();
                    }

                    var op = c == '<'
                        ? (At(1) == '<' ? (At(2) == '<' ? "<<<" : At(2) == '-' ? "<<-" : "<<") : At(1) == '&' ? "<&" : At(1) == '>' ? "<>" : "<")
                        : (At(1) == '>' ? ">>" : At(1) == '&' ? ">&" : At(1) == '|' ? ">|" : ">");
                    Operator(op, ShellTokenKind.Redirect);
                    if (op is "<<" or "<<-")
                    {
                        delimiterExpected = op == "<<" ? 1 : 2;
                    }

                    break;
                default:
                    word.Append(c, pos);
                    pos++;
                    break;
            }
        }

        Flush();
    }

    private char At(int ahead) => pos + ahead < end ? text[pos + ahead] : '\0';

    private void ReadEscape(WordBuilder word)
    {
        var next = At(1);
        if (next == '\n')
        {
            pos += 2;
        }
        else if (next == '\r' && At(2) == '\n')
        {
            pos += 3;
        }
        else if (pos + 1 < end)
        {
            word.AppendLiteral(next, pos);
            pos += 2;
        }
        else
        {
            word.AppendLiteral('\\', pos);
            pos++;
        }
    }

    private void ReadSingleQuoted(WordBuilder word)
    {
        word.MarkQuoted(pos);
        var close = text.IndexOf('\'', pos + 1, end - pos - 1);
        if (close < 0)
        {
            Unterminated(pos);
        }

        var stop = close < 0 ? end : close;
        for (var i = pos + 1; i < stop; i++)
        {
            word.AppendLiteral(text[i], i);
        }

        pos = close < 0 ? end : close + 1;
    }

    private void Unterminated(int at)
    {
        if (unterminatedQuote < 0)
        {
            unterminatedQuote = at;
        }
    }

    private void ReadDoubleQuoted(WordBuilder word, int depth)
    {
        word.MarkQuoted(pos);
        var open = pos;
        pos++;
        while (pos < end)
        {
            var c = text[pos];
            switch (c)
            {
                case '"':
                    pos++;
                    return;
                case '\\':
                    var next = At(1);
                    if (next == '\n')
                    {
                        pos += 2;
                    }
                    else if (next is '$' or '`' or '"' or '\\')
                    {
                        word.AppendLiteral(next, pos);
                        pos += 2;
                    }
                    else
                    {
                        word.AppendLiteral('\\', pos);
                        pos++;
                    }

                    break;
                case '$':
                    ReadDollar(word, depth);
                    break;
                case '`':
                    ReadSubstitution(word, depth, open: 1, closing: '`');
                    break;
                default:
                    word.AppendLiteral(c, pos);
                    pos++;
                    break;
            }
        }

        Unterminated(open); // the text ended inside the quotes
    }

    private void ReadDollar(WordBuilder word, int depth)
    {
        var start = pos;
        var next = At(1);
        if (next == '(' && At(2) == '(')
        {
            pos++;
            SkipBalanced('(', ')');
            word.AppendRaw(text, start, pos - start, start);
        }
        else if (next == '(')
        {
            ReadSubstitution(word, depth, open: 2, closing: ')');
        }
        else if (next == '{')
        {
            pos++;
            SkipBalanced('{', '}');
            word.AppendRaw(text, start, pos - start, start);
        }
        else if (next == '\'')
        {
            // ANSI-C quoting $'…': literal text, \' does not end it.
            word.MarkQuoted(pos);
            var open = pos;
            pos += 2;
            while (pos < end && text[pos] != '\'')
            {
                if (text[pos] == '\\' && pos + 1 < end)
                {
                    pos++;
                }

                word.AppendLiteral(text[pos], pos);
                pos++;
            }

            if (pos >= end)
            {
                Unterminated(open);
            }

            pos = Math.Min(end, pos + 1);
        }
        else if (next == '"')
        {
            pos++;
            ReadDoubleQuoted(word, depth);
        }
        else if (char.IsAsciiLetter(next) || next == '_')
        {
            pos++;
            while (pos < end && (char.IsAsciiLetterOrDigit(text[pos]) || text[pos] == '_'))
            {
                pos++;
            }

            word.AppendRaw(text, start, pos - start, start);
        }
        else if (char.IsAsciiDigit(next) || next is '@' or '*' or '#' or '?' or '$' or '!' or '-')
        {
            pos += 2;
            word.AppendRaw(text, start, 2, start);
        }
        else
        {
            word.AppendLiteral('$', pos);
            pos++;
        }
    }

    /// <summary>A command substitution: its commands go to a new segment; the word keeps the raw text.</summary>
    private void ReadSubstitution(WordBuilder word, int depth, int open, char closing)
    {
        var start = pos;
        pos += open;
        if (depth >= MaxDepth)
        {
            if (closing == '`')
            {
                var close = text.IndexOf('`', pos, end - pos);
                pos = close < 0 ? end : close + 1;
            }
            else
            {
                pos = start + open - 1;
                SkipBalanced('(', ')');
            }
        }
        else
        {
            var segment = new List<ShellToken>();
            segments.Add(segment);
            LexSegment(segment, closing, depth + 1);
        }

        word.AppendRaw(text, start, pos - start, start);
    }

    /// <summary>From an opening bracket at <see cref="pos"/>, moves past its match, minding quotes and escapes.</summary>
    private void SkipBalanced(char open, char close)
    {
        var level = 0;
        while (pos < end)
        {
            var c = text[pos];
            if (c == '\\')
            {
                pos += 2;
                continue;
            }

            if (c == '\'' && open != '{')
            {
                var q = text.IndexOf('\'', pos + 1, end - pos - 1);
                pos = q < 0 ? end : q + 1;
                continue;
            }

            if (c == '"')
            {
                pos++;
                while (pos < end && text[pos] != '"')
                {
                    pos += text[pos] == '\\' ? 2 : 1;
                }

                pos++;
                continue;
            }

            pos++;
            if (c == open)
            {
                level++;
            }
            else if (c == close && --level <= 0)
            {
                break;
            }
        }

        pos = Math.Min(pos, end);
    }

    private void SkipHeredocBodies()
    {
        foreach (var (delimiter, stripTabs) in heredocs)
        {
            while (pos < end)
            {
                var newline = text.IndexOf('\n', pos, end - pos);
                var lineEnd = newline < 0 ? end : newline;
                var line = text.AsSpan(pos, lineEnd - pos).TrimEnd('\r');
                if (stripTabs)
                {
                    line = line.TrimStart('\t');
                }

                pos = newline < 0 ? end : newline + 1;
                if (line.SequenceEqual(delimiter))
                {
                    break;
                }
            }
        }

        heredocs.Clear();
    }

    private sealed class WordBuilder
    {
        private readonly StringBuilder expr = new();
        private int start = -1;
        private bool dynamic;
        private bool quoted;

        public bool Started => start >= 0;

        /// <summary>An unquoted run of digits before a redirection (<c>2&gt;</c>) is a file descriptor, not a word.</summary>
        public bool IsFileDescriptor
        {
            get
            {
                if (!Started || quoted || dynamic || expr.Length == 0)
                {
                    return false;
                }

                for (var i = 0; i < expr.Length; i++)
                {
                    if (!char.IsAsciiDigit(expr[i]))
                    {
                        return false;
                    }
                }

                return true;
            }
        }

        public bool EndsWith(char c) => expr.Length > 0 && expr[^1] == c;

        public void Append(char c, int at)
        {
            Begin(at);
            expr.Append(c);
        }

        public void AppendLiteral(char c, int at)
        {
            Begin(at);
            quoted = true;
            expr.Append(c switch { '$' => ShellWord.LiteralDollar, '`' => ShellWord.LiteralBacktick, _ => c });
        }

        public void AppendRaw(string source, int index, int length, int at)
        {
            Begin(at);
            dynamic = true;
            expr.Append(source, index, length);
        }

        public void MarkQuoted(int at)
        {
            Begin(at);
            quoted = true;
        }

        public ShellWord Build()
        {
            var word = new ShellWord(expr.ToString(), start, dynamic, quoted);
            Reset();
            return word;
        }

        public void Reset()
        {
            expr.Clear();
            start = -1;
            dynamic = false;
            quoted = false;
        }

        private void Begin(int at)
        {
            if (start < 0)
            {
                start = at;
            }
        }
    }
}

/// <summary>The token segments of one lexed text: the top level first, then one per command substitution.</summary>
internal sealed record ShellLexResult(IReadOnlyList<List<ShellToken>> Segments)
{
    /// <summary>Offset of the first quote never closed (bash: "unexpected EOF while looking for matching"), or -1.</summary>
    public int UnterminatedQuote { get; init; } = -1;
}

/// <summary>A simple command: its words (leading <c>NAME=value</c> assignments included), redirections removed.</summary>
internal sealed class ShellCommand
{
    public ShellCommand(List<ShellWord> words, bool topLevel)
    {
        Words = words;
        TopLevel = topLevel;
    }

    public List<ShellWord> Words { get; }

    /// <summary>False for a command inside a command substitution.</summary>
    public bool TopLevel { get; }

    public int Offset => Words[0].Offset;
}

/// <summary>A lexed and parsed shell text: its simple commands in text order and the functions it defines.</summary>
internal sealed class ShellScript
{
    private ShellScript(List<ShellCommand> commands, HashSet<string> functions, int firstPipe)
    {
        Commands = commands;
        Functions = functions;
        FirstPipeOffset = firstPipe;
    }

    public IReadOnlyList<ShellCommand> Commands { get; }

    public IReadOnlySet<string> Functions { get; }

    /// <summary>Offset of the first <c>|</c> pipe, or -1.</summary>
    public int FirstPipeOffset { get; }

    public static ShellScript Parse(string text) => Parse(text, 0, text.Length);

    public static ShellScript Parse(string text, int start, int end)
    {
        var lexed = ShellLexer.Lex(text, start, end);
        var commands = new List<ShellCommand>();
        var functions = new HashSet<string>(StringComparer.Ordinal);
        var firstPipe = -1;
        for (var i = 0; i < lexed.Segments.Count; i++)
        {
            var pipe = ParseSegment(lexed.Segments[i], i == 0, commands, functions);
            if (pipe >= 0 && (firstPipe < 0 || pipe < firstPipe))
            {
                firstPipe = pipe;
            }
        }

        var ordered = commands.OrderBy(c => c.Offset).ToList();
        return new ShellScript(ordered, functions, firstPipe) { UnterminatedQuote = lexed.UnterminatedQuote };
    }

    /// <summary>Offset of the first quote that is never closed, or -1.</summary>
    public int UnterminatedQuote { get; private init; } = -1;

    /// <summary>Adds the segment's commands; returns the offset of its first pipe, or -1.</summary>
    private static int ParseSegment(List<ShellToken> tokens, bool topLevel, List<ShellCommand> commands, HashSet<string> functions)
    {
        var firstPipe = -1;
        var current = new List<ShellWord>();
        var skipWord = false;
        var cases = new List<bool>(); // per open case: true while a pattern is expected
        var inPattern = false;

        void Emit()
        {
            if (current.Count == 0)
            {
                return;
            }

            if (current[0].IsBare("esac") && cases.Count > 0)
            {
                cases.RemoveAt(cases.Count - 1);
                current.RemoveAt(0);
            }

            if (current.Count >= 2 && current[0].IsBare("function"))
            {
                functions.Add(current[1].Text);
            }

            if (current.Count > 0)
            {
                commands.Add(new ShellCommand(current, topLevel));
            }

            current = new List<ShellWord>();
        }

        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var expectingPattern = cases.Count > 0 && cases[^1];
            if (expectingPattern && current.Count == 0)
            {
                // Inside `case … in`: skip the pattern up to its ')'; `esac` closes the case.
                if (token.Kind == ShellTokenKind.Word && !inPattern && token.Word!.IsBare("esac"))
                {
                    cases.RemoveAt(cases.Count - 1);
                    continue;
                }

                if (token.Kind == ShellTokenKind.Operator && token.Op == ")")
                {
                    cases[^1] = false;
                    inPattern = false;
                }
                else if (token.Kind == ShellTokenKind.Word)
                {
                    inPattern = true;
                }

                continue;
            }

            switch (token.Kind)
            {
                case ShellTokenKind.Word:
                    if (skipWord)
                    {
                        skipWord = false;
                        continue;
                    }

                    var w = token.Word!;
                    if (current.Count > 0 && current[0].IsBare("case") && w.IsBare("in"))
                    {
                        current.Clear();
                        cases.Add(true);
                        continue;
                    }

                    current.Add(w);
                    break;
                case ShellTokenKind.Redirect:
                    skipWord = true;
                    break;
                default:
                    skipWord = false;
                    if (token.Op is "|" or "|&" && firstPipe < 0)
                    {
                        firstPipe = token.Offset;
                    }

                    if (token.Op is ";;" or ";&" or ";;&")
                    {
                        Emit();
                        if (cases.Count > 0)
                        {
                            cases[^1] = true;
                        }

                        continue;
                    }

                    if (token.Op == "(" && current.Count == 1 && i + 1 < tokens.Count && tokens[i + 1].Op == ")")
                    {
                        // name() { … }: a function definition, not a command.
                        functions.Add(current[0].Text);
                        current.Clear();
                        i++;
                        continue;
                    }

                    if (token.Op == "(" && current.Count == 2 && current[0].IsBare("function") && i + 1 < tokens.Count && tokens[i + 1].Op == ")")
                    {
                        functions.Add(current[1].Text);
                        current.Clear();
                        i++;
                        continue;
                    }

                    Emit();
                    break;
            }
        }

        Emit();
        return firstPipe;
    }
}
