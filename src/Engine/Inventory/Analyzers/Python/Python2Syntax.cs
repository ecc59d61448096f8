namespace BqxAudit.Inventory.Analyzers.Python;

/// <summary>
/// Python 2 syntax that Python 3 refuses, seen in the tokens: the <c>print</c> and <c>exec</c>
/// statements (<c>print "x"</c>, <c>print &gt;&gt;f, x</c>), <c>except E, e:</c>, octal literals
/// without <c>0o</c> (<c>0777</c>) and long literals (<c>10L</c>). Each becomes a
/// <see cref="SyntaxProblem"/> at its line with the message CPython gives, so the file is Blocked
/// like any other file Python cannot load.
/// </summary>
internal static class Python2Syntax
{
    /// <summary>The keywords of a compound statement's header, after whose colon a statement may follow on the same line.
    /// A pattern over the token's text, not a set of strings: this runs for every logical line.</summary>
    private static bool Compound(ReadOnlySpan<char> word) =>
        word is "if" or "elif" or "else" or "for" or "while" or "try" or "except" or "finally" or "with" or "def" or "class" or "async";

    /// <summary>Names after <c>print</c> that still make a Python 3 expression (<c>print if x else y</c>, <c>print in seen</c>).</summary>
    private static readonly HashSet<string> ExpressionWords = new(StringComparer.Ordinal)
    {
        "if", "else", "and", "or", "in", "is", "for",
    };

    public static void AddProblems(TokenizedSource src)
    {
        foreach (var line in src.Lines)
        {
            var compound = src.IsName(line.First) && Compound(src.TextOf(line.First));
            var depth = 0;
            for (var i = line.First; i < line.End; i++)
            {
                var token = src.Tokens[i];
                if (token.Kind == TokenKind.Op && token.Length == 1)
                {
                    switch (src.Text[token.Start])
                    {
                        case '(' or '[' or '{':
                            depth++;
                            break;
                        case ')' or ']' or '}':
                            depth = Math.Max(0, depth - 1);
                            break;
                    }
                }

                if (token.Kind == TokenKind.Number && Number(src.TextOf(i)) is { } numberProblem)
                {
                    src.Problems.Add(new SyntaxProblem(token.Line, numberProblem));
                }

                // Only a name can start a Python 2 statement; the depth above is that before this token was counted,
                // as a name leaves it unchanged.
                if (token.Kind != TokenKind.Name
                    || !(i == line.First || (depth == 0 && (src.IsOp(i - 1, ';') || (compound && src.IsOp(i - 1, ':'))))))
                {
                    continue;
                }

                if ((src.Is(i, "print") || src.Is(i, "exec")) && i + 1 < line.End && StatementOperand(src, i + 1))
                {
                    var word = src.String(i);
                    src.Problems.Add(new SyntaxProblem(token.Line, $"Missing parentheses in call to '{word}' (a Python 2 {word} statement). Did you mean {word}(...)?"));
                }
                else if (src.Is(i, "except") && ExceptComma(src, i + 1, line.End))
                {
                    src.Problems.Add(new SyntaxProblem(token.Line,
                        "multiple exception types must be parenthesized (Python 2 'except E, e:'; Python 3 writes 'except E as e:')"));
                }
            }
        }
    }

    /// <summary>What follows <c>print</c>/<c>exec</c> makes it a statement: a literal, a name, or <c>&gt;&gt;</c>.</summary>
    private static bool StatementOperand(TokenizedSource src, int next)
    {
        var t = src.Tokens[next];
        if (t.Start > 0 && src.Tokens[next - 1].End == t.Start && t.Kind != TokenKind.String)
        {
            return false; // printx, print.x … (adjacent)
        }

        return t.Kind switch
        {
            TokenKind.String or TokenKind.Number => true,
            TokenKind.Name => !ExpressionWords.Contains(src.String(next)),
            _ => src.Is(next, ">>"),
        };
    }

    /// <summary>A comma at bracket depth 0 between <c>except</c> and its colon.</summary>
    private static bool ExceptComma(TokenizedSource src, int from, int end)
    {
        var depth = 0;
        for (var i = from; i < end; i++)
        {
            if (src.Tokens[i].Kind != TokenKind.Op || src.Tokens[i].Length != 1)
            {
                continue;
            }

            switch (src.Text[src.Tokens[i].Start])
            {
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']' or '}':
                    depth--;
                    break;
                case ',' when depth == 0:
                    return true;
                case ':' when depth == 0:
                    return false;
            }
        }

        return false;
    }

    /// <summary>CPython's message for a Python 2 integer literal, or null.</summary>
    private static string? Number(ReadOnlySpan<char> n)
    {
        if (n.Length >= 2 && n[0] == '0' && char.IsAsciiDigit(n[1]) && AllDigits(n) && n.IndexOfAnyExcept("0_") >= 0)
        {
            return "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers (a Python 2 octal literal)";
        }

        if (n.Length >= 2 && n[^1] is 'L' or 'l' && (AllDigits(n[..^1]) || (n.Length > 3 && n[0] == '0' && n[1] is 'x' or 'X')))
        {
            return "invalid decimal literal (a Python 2 long literal: drop the 'L')";
        }

        return null;
    }

    private static bool AllDigits(ReadOnlySpan<char> n)
    {
        foreach (var c in n)
        {
            if (!char.IsAsciiDigit(c) && c != '_')
            {
                return false;
            }
        }

        return n.Length > 0;
    }
}
