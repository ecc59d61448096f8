namespace BqxAudit.Inventory.Analyzers.Python;

/// <summary>Turns string tokens into template text: escapes decoded, f-string fields kept as placeholders.</summary>
internal static class StringDecoder
{
    /// <summary>The content of a string token appended to <paramref name="b"/> (f-string fields become placeholders).</summary>
    public static void Append(TokenizedSource src, int index, StrTemplateBuilder b)
    {
        var t = src.Tokens[index];
        var text = src.Text;
        var quote = t.Start + t.PrefixLength;
        var triple = (t.Flags & StringFlags.Triple) != 0;
        var open = triple ? 3 : 1;
        var from = Math.Min(quote + open, t.End);
        var to = t.End;
        if ((t.Flags & StringFlags.Unterminated) == 0)
        {
            to = Math.Max(from, t.End - open);
        }

        var raw = (t.Flags & StringFlags.Raw) != 0;
        if ((t.Flags & StringFlags.Format) == 0)
        {
            AppendLiteral(text, from, to, raw, b);
            return;
        }

        var scanner = new StringScanner(text, null);
        var q = text[quote];
        var chunk = from;
        var i = from;
        while (i < to)
        {
            var c = text[i];
            if (c == '\\')
            {
                i += 2;
                continue;
            }

            if (c is '{' or '}' && i + 1 < to && text[i + 1] == c)
            {
                AppendLiteral(text, chunk, i + 1, raw, b);
                i += 2;
                chunk = i;
                continue;
            }

            if (c != '{')
            {
                i++;
                continue;
            }

            AppendLiteral(text, chunk, i, raw, b);
            var line = 0;
            var end = scanner.ScanField(i + 1, q, triple, ref line, 0, out var ok, out var exprEnd);
            if (!ok || end > to)
            {
                AppendLiteral(text, i, to, raw, b);
                return;
            }

            var expr = text.AsSpan(i + 1, (exprEnd < 0 ? end - 1 : exprEnd) - i - 1).Trim();
            if (expr.EndsWith("="))
            {
                expr = expr[..^1].TrimEnd();
            }

            var key = Collapse(expr);
            b.AppendField(new TemplateField(text[i..end], key, key, formatted: false));
            i = end;
            chunk = i;
        }

        AppendLiteral(text, chunk, to, raw, b);
    }

    private static string Collapse(ReadOnlySpan<char> expr)
    {
        // Expressions spread over lines inside triple-quoted f-strings are keyed on one line.
        if (expr.IndexOfAny('\n', '\r') < 0)
        {
            return expr.ToString();
        }

        var parts = expr.ToString().Split(new[] { '\n', '\r' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(' ', parts);
    }

    private static void AppendLiteral(string text, int from, int to, bool raw, StrTemplateBuilder b)
    {
        if (raw)
        {
            b.Append(text.AsSpan(from, Math.Max(0, to - from)));
            return;
        }

        for (var i = from; i < to; i++)
        {
            var c = text[i];
            if (c != '\\' || i + 1 >= to)
            {
                b.Append(c);
                continue;
            }

            var e = text[++i];
            switch (e)
            {
                case '\n':
                    break;
                case '\r':
                    if (i + 1 < to && text[i + 1] == '\n')
                    {
                        i++;
                    }

                    break;
                case 'n': b.Append('\n'); break;
                case 't': b.Append('\t'); break;
                case 'r': b.Append('\r'); break;
                case '\\': b.Append('\\'); break;
                case '\'': b.Append('\''); break;
                case '"': b.Append('"'); break;
                case '0': b.Append('\0'); break;
                case 'a': b.Append('\a'); break;
                case 'b': b.Append('\b'); break;
                case 'f': b.Append('\f'); break;
                case 'v': b.Append('\v'); break;
                default:
                    b.Append('\\');
                    b.Append(e);
                    break;
            }
        }
    }

    /// <summary>
    /// Applies <c>str.format</c> slots to literal text: <c>{}</c> and <c>{0}</c> become positional fields
    /// (keyed by index), <c>{name}</c> keyword fields; <paramref name="binding"/> gives the argument
    /// expression for an index or keyword, when the call's arguments are known.
    /// </summary>
    public static StrTemplate ApplyFormat(StrTemplate literal, Func<string, string?> binding)
    {
        var s = literal.Masked;
        var b = new StrTemplateBuilder();
        var auto = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (StrTemplate.IsMask(c))
            {
                b.AppendField(literal.FieldOf(c));
                continue;
            }

            if (c is '{' or '}' && i + 1 < s.Length && s[i + 1] == c)
            {
                b.Append(c);
                i++;
                continue;
            }

            if (c != '{')
            {
                b.Append(c);
                continue;
            }

            var close = s.IndexOf('}', i + 1);
            if (close < 0)
            {
                b.Append(s.AsSpan(i));
                break;
            }

            var inner = s.AsSpan(i + 1, close - i - 1);
            var nameEnd = inner.IndexOfAny('!', ':');
            var name = (nameEnd < 0 ? inner : inner[..nameEnd]).Trim();
            var top = name;
            var dot = top.IndexOfAny('.', '[');
            if (dot >= 0)
            {
                top = top[..dot];
            }

            string key;
            bool positional;
            if (top.Length == 0)
            {
                key = (auto++).ToString(System.Globalization.CultureInfo.InvariantCulture);
                positional = true;
            }
            else if (int.TryParse(top, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                key = top.ToString();
                positional = true;
            }
            else
            {
                key = top.ToString();
                positional = false;
            }

            var asWritten = s.Substring(i, close - i + 1);
            var bound = binding(key);
            b.AppendField(new TemplateField(asWritten, key, positional ? bound : bound ?? key, formatted: true));
            i = close;
        }

        return b.Build();
    }

    /// <summary>Applies printf-style <c>%s</c> slots: each becomes a positional <c>{}</c> field keyed by index; <c>%(name)s</c> a keyword field.</summary>
    public static StrTemplate ApplyPercent(StrTemplate literal, Func<string, string?> binding)
    {
        var s = literal.Masked;
        var b = new StrTemplateBuilder();
        var auto = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (StrTemplate.IsMask(c))
            {
                b.AppendField(literal.FieldOf(c));
                continue;
            }

            if (c != '%' || i + 1 >= s.Length)
            {
                b.Append(c);
                continue;
            }

            if (s[i + 1] == '%')
            {
                b.Append('%');
                i++;
                continue;
            }

            var j = i + 1;
            string? name = null;
            if (s[j] == '(')
            {
                var close = s.IndexOf(')', j);
                if (close < 0)
                {
                    b.Append(c);
                    continue;
                }

                name = s[(j + 1)..close];
                j = close + 1;
            }

            while (j < s.Length && "#0- +.123456789*lhL".Contains(s[j]))
            {
                j++;
            }

            if (j >= s.Length || !"sdirfFeEgGxXoc".Contains(s[j]))
            {
                b.Append(c);
                continue;
            }

            if (name is null)
            {
                var key = (auto++).ToString(System.Globalization.CultureInfo.InvariantCulture);
                b.AppendField(new TemplateField("{}", key, binding(key), formatted: true));
            }
            else
            {
                b.AppendField(new TemplateField("{" + name + "}", name, binding(name) ?? name, formatted: true));
            }

            i = j;
        }

        return b.Build();
    }
}
