using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace BqxAudit.Checks.Dependencies;

/// <summary>A TOML value with the 1-based line and column where it starts.</summary>
public abstract class TomlValue
{
    private protected TomlValue(int line, int column)
    {
        Line = line;
        Column = column;
    }

    public int Line { get; }

    public int Column { get; }
}

public sealed class TomlString : TomlValue
{
    internal TomlString(string value, int line, int column)
        : base(line, column) => Value = value;

    public string Value { get; }

    public override string ToString() => Value;
}

public sealed class TomlInteger : TomlValue
{
    internal TomlInteger(long value, int line, int column)
        : base(line, column) => Value = value;

    public long Value { get; }
}

public sealed class TomlFloat : TomlValue
{
    internal TomlFloat(double value, int line, int column)
        : base(line, column) => Value = value;

    public double Value { get; }
}

public sealed class TomlBoolean : TomlValue
{
    internal TomlBoolean(bool value, int line, int column)
        : base(line, column) => Value = value;

    public bool Value { get; }
}

/// <summary>An offset/local date-time, date or time, kept as its text (checked for shape only).</summary>
public sealed class TomlDateTime : TomlValue
{
    internal TomlDateTime(string text, int line, int column)
        : base(line, column) => Text = text;

    public string Text { get; }
}

public sealed class TomlArray : TomlValue
{
    private readonly List<TomlValue> items = new();

    internal TomlArray(int line, int column, bool isTableArray = false)
        : base(line, column) => IsTableArray = isTableArray;

    public IReadOnlyList<TomlValue> Items => items;

    /// <summary>True for an array of tables built by <c>[[header]]</c>.</summary>
    public bool IsTableArray { get; }

    internal void Add(TomlValue value) => items.Add(value);
}

/// <summary>A table: keys in the order written, values with positions.</summary>
public sealed class TomlTable : TomlValue
{
    private readonly Dictionary<string, TomlValue> values = new(StringComparer.Ordinal);
    private readonly List<string> order = new();

    internal TomlTable(int line, int column, TableOrigin origin)
        : base(line, column) => Origin = origin;

    internal enum TableOrigin
    {
        /// <summary>Created as a parent of a header (<c>[a.b]</c> creates <c>a</c>): may still get its own header.</summary>
        Implicit,
        Header,
        Dotted,
        Inline,
        Root,
    }

    public IReadOnlyList<string> Keys => order;

    public int Count => order.Count;

    internal TableOrigin Origin { get; set; }

    public TomlValue? this[string key] => values.TryGetValue(key, out var v) ? v : null;

    public bool TryGetValue(string key, out TomlValue? value) => values.TryGetValue(key, out value);

    /// <summary>The value at a dotted path of keys (<c>Find("project", "optional-dependencies")</c>), or null.</summary>
    public TomlValue? Find(params string[] path)
    {
        TomlValue? current = this;
        foreach (var key in path)
        {
            current = current is TomlTable t ? t[key] : null;
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    internal void Add(string key, TomlValue value)
    {
        values.Add(key, value);
        order.Add(key);
    }
}

/// <summary>
/// A small TOML reader for manifests (pyproject.toml). Supported: comments; bare, quoted and
/// dotted keys; <c>[table]</c> and <c>[[array.of.tables]]</c> headers; basic strings with every
/// TOML 1.0 escape (<c>\b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX</c>), literal strings, multi-line
/// basic (with line-ending backslashes) and literal strings; integers (decimal with <c>_</c>,
/// <c>0x</c>, <c>0o</c>, <c>0b</c>), floats (incl. <c>inf</c>/<c>nan</c>), booleans; arrays over
/// several lines with comments and a trailing comma; inline tables (newlines and a trailing comma
/// tolerated, as TOML 1.1 allows). Dates and times are checked for shape and kept as text.
/// Duplicate keys, a table defined twice, and adding to an inline table or a value are errors.
/// Not supported: full validation of dates, and some redefinition subtleties of the spec.
/// Errors never throw: each is a <see cref="DependencyDiagnosticCode.TomlSyntax"/> diagnostic with
/// line and column; the statement in error is dropped (an array keeps the elements read before
/// and after a broken element), and reading resumes at the next line that starts a key or table.
/// </summary>
public sealed partial class TomlDocument
{
    private TomlDocument(TomlTable root, IReadOnlyList<DependencyDiagnostic> diagnostics)
    {
        Root = root;
        Diagnostics = diagnostics;
    }

    public TomlTable Root { get; }

    public IReadOnlyList<DependencyDiagnostic> Diagnostics { get; }

    /// <summary>Parses TOML text; <paramref name="file"/> names it in diagnostics.</summary>
    public static TomlDocument Parse(string text, string file)
    {
        var parser = new Parser(text, file);
        var root = parser.ParseDocument();
        return new TomlDocument(root, parser.Diagnostics);
    }

    private sealed class SyntaxError : Exception
    {
        public SyntaxError(int position, string message)
            : base(message) => Position = position;

        public int Position { get; }
    }

    private sealed class Parser
    {
        private readonly string text;
        private readonly string file;
        private readonly int[] lineStarts;
        private readonly TomlTable root = new(1, 1, TomlTable.TableOrigin.Root);
        private int pos;

        public Parser(string text, string file)
        {
            this.text = text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
            this.file = file;
            var starts = new List<int> { 0 };
            for (var i = 0; i < this.text.Length; i++)
            {
                if (this.text[i] == '\n')
                {
                    starts.Add(i + 1);
                }
            }

            lineStarts = starts.ToArray();
        }

        public List<DependencyDiagnostic> Diagnostics { get; } = new();

        private bool AtEnd => pos >= text.Length;

        private char Current => pos < text.Length ? text[pos] : '\0';

        public TomlTable ParseDocument()
        {
            var current = root;
            while (true)
            {
                SkipBlankLinesAndComments();
                if (AtEnd)
                {
                    return root;
                }

                var statementStart = pos;
                try
                {
                    if (Current == '[')
                    {
                        current = new TomlTable(0, 0, TomlTable.TableOrigin.Inline); // limbo until the header parses
                        current = ParseHeader();
                    }
                    else
                    {
                        ParseKeyValue(current);
                    }

                    ExpectEndOfLine();
                }
                catch (SyntaxError e)
                {
                    Report(e);
                    Resync(Math.Max(e.Position, statementStart));
                }
            }
        }

        private void Report(SyntaxError e)
        {
            var (line, column) = Position(e.Position);
            Diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.TomlSyntax, file, line, e.Message, column));
        }

        private (int Line, int Column) Position(int offset)
        {
            offset = Math.Min(offset, text.Length);
            var i = Array.BinarySearch(lineStarts, offset);
            var line = i >= 0 ? i : ~i - 1;
            return (line + 1, offset - lineStarts[line] + 1);
        }

        /// <summary>Skips to the next line that starts a key/value or a table header.</summary>
        private void Resync(int from)
        {
            pos = from;
            SkipToNextLine();
            while (!AtEnd)
            {
                var end = text.IndexOf('\n', pos);
                var line = end < 0 ? text[pos..] : text[pos..end];
                if (StatementStart().IsMatch(line))
                {
                    return;
                }

                pos = end < 0 ? text.Length : end + 1;
            }
        }

        private void SkipToNextLine()
        {
            var end = text.IndexOf('\n', Math.Min(pos, text.Length));
            pos = end < 0 ? text.Length : end + 1;
        }

        private void ExpectEndOfLine()
        {
            if (pos > 0 && text[pos - 1] == '\n')
            {
                return; // a value that recovered to the next line
            }

            SkipSpaces();
            SkipComment();
            if (AtEnd)
            {
                return;
            }

            if (Current == '\n')
            {
                pos++;
                return;
            }

            if (Current == '\r' && pos + 1 < text.Length && text[pos + 1] == '\n')
            {
                pos += 2;
                return;
            }

            throw new SyntaxError(pos, $"expected the end of the line, found '{Current}'");
        }

        private TomlTable ParseHeader()
        {
            var start = pos;
            var isArray = pos + 1 < text.Length && text[pos + 1] == '[';
            pos += isArray ? 2 : 1;
            SkipSpaces();
            var keys = ParseKey();
            SkipSpaces();
            if (isArray ? !(Current == ']' && pos + 1 < text.Length && text[pos + 1] == ']') : Current != ']')
            {
                throw new SyntaxError(pos, isArray ? "expected ']]' to close the table-array header" : "expected ']' to close the table header");
            }

            pos += isArray ? 2 : 1;
            var (line, column) = Position(start);
            var table = root;
            for (var i = 0; i < keys.Count - 1; i++)
            {
                table = Descend(table, keys[i].Key, keys[i].Position, TomlTable.TableOrigin.Implicit, forHeader: true);
            }

            var last = keys[^1];
            var existing = table[last.Key];
            if (isArray)
            {
                if (existing is null)
                {
                    var array = new TomlArray(line, column, isTableArray: true);
                    table.Add(last.Key, array);
                    existing = array;
                }

                if (existing is not TomlArray { IsTableArray: true } tables)
                {
                    throw new SyntaxError(last.Position, $"'{Dotted(keys)}' is already defined and is not an array of tables");
                }

                var element = new TomlTable(line, column, TomlTable.TableOrigin.Header);
                tables.Add(element);
                return element;
            }

            if (existing is null)
            {
                var created = new TomlTable(line, column, TomlTable.TableOrigin.Header);
                table.Add(last.Key, created);
                return created;
            }

            if (existing is TomlTable { Origin: TomlTable.TableOrigin.Implicit } implicitTable)
            {
                implicitTable.Origin = TomlTable.TableOrigin.Header;
                return implicitTable;
            }

            throw new SyntaxError(last.Position, $"table [{Dotted(keys)}] is defined twice (first at line {existing.Line})");
        }

        private TomlTable Descend(TomlTable table, string key, int keyPosition, TomlTable.TableOrigin origin, bool forHeader)
        {
            var existing = table[key];
            if (existing is null)
            {
                var (line, column) = Position(keyPosition);
                var created = new TomlTable(line, column, origin);
                table.Add(key, created);
                return created;
            }

            if (existing is TomlTable t && t.Origin != TomlTable.TableOrigin.Inline)
            {
                return t;
            }

            if (forHeader && existing is TomlArray { IsTableArray: true } tables && tables.Items.Count > 0)
            {
                return (TomlTable)tables.Items[^1];
            }

            throw new SyntaxError(keyPosition, existing is TomlTable
                ? $"'{key}' is an inline table and cannot be extended"
                : $"'{key}' is already a value (line {existing.Line}), not a table");
        }

        private void ParseKeyValue(TomlTable table)
        {
            var keys = ParseKey();
            SkipSpaces();
            if (Current != '=')
            {
                throw new SyntaxError(pos, AtEnd || Current is '\n' or '\r'
                    ? $"expected '=' after the key '{Dotted(keys)}'"
                    : $"expected '=' after the key '{Dotted(keys)}', found '{Current}'");
            }

            pos++;
            SkipSpaces();
            var value = ParseValue();
            Insert(table, keys, value);
        }

        private void Insert(TomlTable table, List<(string Key, int Position)> keys, TomlValue value)
        {
            for (var i = 0; i < keys.Count - 1; i++)
            {
                table = Descend(table, keys[i].Key, keys[i].Position, TomlTable.TableOrigin.Dotted, forHeader: false);
            }

            var last = keys[^1];
            if (table[last.Key] is { } existing)
            {
                throw new SyntaxError(last.Position, $"duplicate key '{Dotted(keys)}' (first defined at line {existing.Line})");
            }

            table.Add(last.Key, value);
        }

        private List<(string Key, int Position)> ParseKey()
        {
            var keys = new List<(string, int)>();
            while (true)
            {
                SkipSpaces();
                var start = pos;
                string key;
                if (Current == '"')
                {
                    key = ParseBasicString();
                }
                else if (Current == '\'')
                {
                    key = ParseLiteralString();
                }
                else
                {
                    while (!AtEnd && (char.IsAsciiLetterOrDigit(Current) || Current is '_' or '-'))
                    {
                        pos++;
                    }

                    if (start == pos)
                    {
                        throw new SyntaxError(pos, AtEnd || Current is '\n' or '\r' ? "expected a key" : $"expected a key, found '{Current}'");
                    }

                    key = text[start..pos];
                }

                keys.Add((key, start));
                SkipSpaces();
                if (Current != '.')
                {
                    return keys;
                }

                pos++;
            }
        }

        private TomlValue ParseValue()
        {
            var start = pos;
            var (line, column) = Position(start);
            switch (Current)
            {
                case '"':
                    return new TomlString(text.AsSpan(pos).StartsWith("\"\"\"") ? ParseMultilineBasic() : ParseBasicString(), line, column);
                case '\'':
                    return new TomlString(text.AsSpan(pos).StartsWith("'''") ? ParseMultilineLiteral() : ParseLiteralString(), line, column);
                case '[':
                    return ParseArray();
                case '{':
                    return ParseInlineTable();
            }

            if (AtEnd || Current is '\n' or '\r' or '#')
            {
                throw new SyntaxError(pos, "expected a value");
            }

            while (!AtEnd && (char.IsAsciiLetterOrDigit(Current) || Current is '_' or '-' or '+' or '.' or ':'))
            {
                pos++;
            }

            // A date and a time may be separated by one space.
            if (DateOnly().IsMatch(text.AsSpan(start, pos - start)) && pos + 3 < text.Length && Current == ' '
                && char.IsAsciiDigit(text[pos + 1]) && char.IsAsciiDigit(text[pos + 2]) && text[pos + 3] == ':')
            {
                pos++;
                while (!AtEnd && (char.IsAsciiLetterOrDigit(Current) || Current is '_' or '-' or '+' or '.' or ':'))
                {
                    pos++;
                }
            }

            var token = text[start..pos];
            switch (token)
            {
                case "true":
                    return new TomlBoolean(true, line, column);
                case "false":
                    return new TomlBoolean(false, line, column);
                case "inf" or "+inf":
                    return new TomlFloat(double.PositiveInfinity, line, column);
                case "-inf":
                    return new TomlFloat(double.NegativeInfinity, line, column);
                case "nan" or "+nan" or "-nan":
                    return new TomlFloat(double.NaN, line, column);
            }

            var digits = token.Replace("_", string.Empty, StringComparison.Ordinal);
            try
            {
                if (DecimalInteger().IsMatch(token))
                {
                    return new TomlInteger(long.Parse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), line, column);
                }

                if (PrefixedInteger().IsMatch(token))
                {
                    var radix = token[1] switch { 'x' => 16, 'o' => 8, _ => 2 };
                    return new TomlInteger(Convert.ToInt64(digits[2..], radix), line, column);
                }
            }
            catch (OverflowException)
            {
                throw new SyntaxError(start, $"integer '{token}' does not fit in 64 bits");
            }

            if (FloatNumber().IsMatch(token))
            {
                return new TomlFloat(double.Parse(digits, NumberStyles.Float, CultureInfo.InvariantCulture), line, column);
            }

            if (DateTimeValue().IsMatch(token))
            {
                return new TomlDateTime(token, line, column);
            }

            pos = start;
            if (token.Length == 0)
            {
                throw new SyntaxError(start, $"expected a value, found '{Current}'");
            }

            throw new SyntaxError(start, $"'{token}' is not a TOML value (strings need quotes)");
        }

        private TomlArray ParseArray()
        {
            var (line, column) = Position(pos);
            var array = new TomlArray(line, column);
            pos++; // [
            var expectComma = false;
            while (true)
            {
                SkipWhitespaceNewlinesAndComments();
                if (AtEnd)
                {
                    throw new SyntaxError(pos, $"unterminated array (opened at line {line}, column {column})");
                }

                if (Current == ']')
                {
                    pos++;
                    return array;
                }

                if (Current == ',')
                {
                    if (!expectComma)
                    {
                        throw new SyntaxError(pos, "expected a value before ','");
                    }

                    pos++;
                    expectComma = false;
                    continue;
                }

                if (expectComma)
                {
                    // A missing comma: report it and read on as if it were there.
                    Report(new SyntaxError(pos, "expected ',' or ']' between array values"));
                }

                try
                {
                    array.Add(ParseValue());
                    expectComma = true;
                }
                catch (SyntaxError e)
                {
                    Report(e);
                    pos = Math.Max(pos, e.Position);
                    SkipToNextLine();
                    expectComma = false;
                    if (NextContentLineStartsStatement())
                    {
                        Diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.TomlSyntax, file, Position(pos).Line,
                            $"unterminated array (opened at line {line}, column {column}); kept the values read", Position(pos).Column));
                        return array;
                    }
                }
            }
        }

        private bool NextContentLineStartsStatement()
        {
            var probe = pos;
            while (probe < text.Length)
            {
                var end = text.IndexOf('\n', probe);
                var lineText = end < 0 ? text[probe..] : text[probe..end];
                var trimmed = lineText.TrimStart();
                if (trimmed.Length == 0 || trimmed[0] == '#')
                {
                    probe = end < 0 ? text.Length : end + 1;
                    continue;
                }

                if (StatementStart().IsMatch(lineText))
                {
                    pos = probe;
                    return true;
                }

                return false;
            }

            pos = text.Length;
            return true;
        }

        private TomlTable ParseInlineTable()
        {
            var (line, column) = Position(pos);
            var table = new TomlTable(line, column, TomlTable.TableOrigin.Dotted);
            pos++; // {
            var first = true;
            while (true)
            {
                SkipWhitespaceNewlinesAndComments();
                if (AtEnd)
                {
                    throw new SyntaxError(pos, $"unterminated inline table (opened at line {line}, column {column})");
                }

                if (Current == '}')
                {
                    pos++;
                    table.Origin = TomlTable.TableOrigin.Inline;
                    FreezeNested(table);
                    return table;
                }

                if (!first)
                {
                    if (Current != ',')
                    {
                        throw new SyntaxError(pos, $"expected ',' or '}}' in inline table, found '{Current}'");
                    }

                    pos++;
                    SkipWhitespaceNewlinesAndComments();
                    if (Current == '}')
                    {
                        continue;
                    }
                }

                ParseKeyValue(table);
                first = false;
            }
        }

        private static void FreezeNested(TomlTable table)
        {
            foreach (var key in table.Keys)
            {
                if (table[key] is TomlTable nested)
                {
                    nested.Origin = TomlTable.TableOrigin.Inline;
                    FreezeNested(nested);
                }
            }
        }

        private string ParseBasicString()
        {
            var start = pos;
            pos++; // "
            var sb = new StringBuilder();
            while (true)
            {
                if (AtEnd || Current is '\n' or '\r')
                {
                    throw new SyntaxError(start, "unterminated string (a basic string ends on the same line with \")");
                }

                var c = Current;
                if (c == '"')
                {
                    pos++;
                    return sb.ToString();
                }

                if (c == '\\')
                {
                    sb.Append(ParseEscape());
                    continue;
                }

                if (char.IsControl(c) && c != '\t')
                {
                    throw new SyntaxError(pos, $"control character U+{(int)c:X4} must be escaped in a string");
                }

                sb.Append(c);
                pos++;
            }
        }

        private string ParseEscape()
        {
            var at = pos;
            pos++; // backslash
            if (AtEnd)
            {
                throw new SyntaxError(at, "unterminated escape sequence");
            }

            var c = Current;
            pos++;
            switch (c)
            {
                case 'b': return "\b";
                case 't': return "\t";
                case 'n': return "\n";
                case 'f': return "\f";
                case 'r': return "\r";
                case '"': return "\"";
                case '\\': return "\\";
                case 'u' or 'U':
                    var length = c == 'u' ? 4 : 8;
                    if (pos + length > text.Length || !int.TryParse(text.AsSpan(pos, length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
                        || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
                    {
                        throw new SyntaxError(at, $"\\{c} needs {length} hex digits of a Unicode scalar value");
                    }

                    pos += length;
                    return char.ConvertFromUtf32(code);
                default:
                    throw new SyntaxError(at, $"invalid escape sequence '\\{c}'");
            }
        }

        private string ParseLiteralString()
        {
            var start = pos;
            var end = pos + 1;
            while (end < text.Length && text[end] != '\'' && text[end] != '\n')
            {
                end++;
            }

            if (end >= text.Length || text[end] != '\'')
            {
                throw new SyntaxError(start, "unterminated literal string (a literal string ends on the same line with ')");
            }

            pos = end + 1;
            return text[(start + 1)..end];
        }

        private string ParseMultilineBasic()
        {
            var start = pos;
            pos += 3;
            SkipFirstNewline();
            var sb = new StringBuilder();
            while (true)
            {
                if (AtEnd)
                {
                    throw new SyntaxError(start, "unterminated multi-line string (\"\"\")");
                }

                if (text.AsSpan(pos).StartsWith("\"\"\""))
                {
                    var quotes = 0;
                    while (pos + quotes < text.Length && text[pos + quotes] == '"' && quotes < 5)
                    {
                        quotes++;
                    }

                    sb.Append('"', quotes - 3);
                    pos += quotes;
                    return sb.ToString();
                }

                if (Current == '\\')
                {
                    // A line-ending backslash trims the newline and the whitespace after it.
                    var probe = pos + 1;
                    while (probe < text.Length && text[probe] is ' ' or '\t')
                    {
                        probe++;
                    }

                    if (probe < text.Length && text[probe] is '\n' or '\r')
                    {
                        pos = probe;
                        while (!AtEnd && char.IsWhiteSpace(Current))
                        {
                            pos++;
                        }

                        continue;
                    }

                    sb.Append(ParseEscape());
                    continue;
                }

                sb.Append(Current);
                pos++;
            }
        }

        private string ParseMultilineLiteral()
        {
            var start = pos;
            pos += 3;
            SkipFirstNewline();
            var end = text.IndexOf("'''", pos, StringComparison.Ordinal);
            if (end < 0)
            {
                throw new SyntaxError(start, "unterminated multi-line literal string (''')");
            }

            var quotes = 3;
            while (end + quotes < text.Length && text[end + quotes] == '\'' && quotes < 5)
            {
                quotes++;
            }

            var value = text[pos..end] + new string('\'', quotes - 3);
            pos = end + quotes;
            return value;
        }

        private void SkipFirstNewline()
        {
            if (Current == '\n')
            {
                pos++;
            }
            else if (Current == '\r' && pos + 1 < text.Length && text[pos + 1] == '\n')
            {
                pos += 2;
            }
        }

        private void SkipSpaces()
        {
            while (!AtEnd && Current is ' ' or '\t')
            {
                pos++;
            }
        }

        private void SkipComment()
        {
            if (Current == '#')
            {
                while (!AtEnd && Current != '\n')
                {
                    pos++;
                }
            }
        }

        private void SkipWhitespaceNewlinesAndComments()
        {
            while (!AtEnd)
            {
                if (Current is ' ' or '\t' or '\r' or '\n')
                {
                    pos++;
                }
                else if (Current == '#')
                {
                    SkipComment();
                }
                else
                {
                    return;
                }
            }
        }

        private void SkipBlankLinesAndComments() => SkipWhitespaceNewlinesAndComments();

        private static string Dotted(List<(string Key, int Position)> keys) => string.Join('.', keys.Select(k => k.Key));
    }

    // A line that starts a statement: a table header or a (possibly dotted, possibly quoted) key and '='.
    [GeneratedRegex("""^\s*(?:\[\[?\s*(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*'))*\s*\]|(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*'))*\s*=)""")]
    private static partial Regex StatementStart();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex DateOnly();

    [GeneratedRegex(@"^[+-]?(0|[1-9](_?\d)*)$")]
    private static partial Regex DecimalInteger();

    [GeneratedRegex(@"^(0x[0-9A-Fa-f](_?[0-9A-Fa-f])*|0o[0-7](_?[0-7])*|0b[01](_?[01])*)$")]
    private static partial Regex PrefixedInteger();

    [GeneratedRegex(@"^[+-]?(0|[1-9](_?\d)*)((\.\d(_?\d)*)([eE][+-]?\d(_?\d)*)?|[eE][+-]?\d(_?\d)*)$")]
    private static partial Regex FloatNumber();

    [GeneratedRegex(@"^(\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?)?|\d{2}:\d{2}:\d{2}(\.\d+)?)$")]
    private static partial Regex DateTimeValue();
}
