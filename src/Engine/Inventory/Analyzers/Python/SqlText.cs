namespace BqxAudit.Inventory.Analyzers.Python;

/// <summary>A table a SQL text names: written (created, inserted into, merged, altered, dropped …) or read (FROM, JOIN, USING).</summary>
internal readonly record struct SqlTableRef(bool Written, string Path);

/// <summary>
/// Reads BigQuery SQL held in a (masked) string template: whether a literal is SQL at all, and which
/// tables it writes and reads. A single forward scan; template placeholders (mask characters) count as
/// identifier characters, so <c>`{project}.{dataset}.cov_{pair}`</c> is one table path.
/// </summary>
internal static class SqlText
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "ALL", "AND", "ANY", "ARRAY", "AS", "ASC", "ASSERT_ROWS_MODIFIED", "AT", "BETWEEN", "BY", "CASE", "CAST", "COLLATE",
        "CONTAINS", "CREATE", "CROSS", "CUBE", "CURRENT", "DEFAULT", "DEFINE", "DESC", "DISTINCT", "ELSE", "END", "ENUM",
        "ESCAPE", "EXCEPT", "EXCLUDE", "EXISTS", "EXTRACT", "FALSE", "FETCH", "FOLLOWING", "FOR", "FROM", "FULL", "GROUP",
        "GROUPING", "GROUPS", "HASH", "HAVING", "IF", "IGNORE", "IN", "INNER", "INTERSECT", "INTERVAL", "INTO", "IS", "JOIN",
        "LATERAL", "LEFT", "LIKE", "LIMIT", "LOOKUP", "MERGE", "NATURAL", "NEW", "NO", "NOT", "NULL", "NULLS", "OF", "ON",
        "OR", "ORDER", "OUTER", "OVER", "PARTITION", "PRECEDING", "PROTO", "QUALIFY", "RANGE", "RECURSIVE", "RESPECT",
        "RIGHT", "ROLLUP", "ROWS", "SELECT", "SET", "SOME", "STRUCT", "TABLESAMPLE", "THEN", "TO", "TREAT", "TRUE",
        "UNBOUNDED", "UNION", "UNNEST", "USING", "WHEN", "WHERE", "WINDOW", "WITH", "WITHIN", "VALUES", "PIVOT", "UNPIVOT",
    };

    /// <summary>Words after which a parenthesis opens a subquery or a list, not a function's arguments.</summary>
    private static readonly HashSet<string> ParenIntroducers = new(StringComparer.OrdinalIgnoreCase)
    {
        "IN", "EXISTS", "FROM", "JOIN", "AS", "SELECT", "WHERE", "ON", "AND", "OR", "NOT", "UNION", "ALL", "ANY", "SOME", "WITH",
        "USING", "THEN", "ELSE", "WHEN", "BY", "HAVING", "QUALIFY", "INTERSECT", "EXCEPT", "DISTINCT", "VALUES", "SET", "LATERAL",
        "TABLE", "INTO", "CASE", "RETURN", "RETURNS",
    };

    private static readonly HashSet<string> CreateObjects = new(StringComparer.OrdinalIgnoreCase)
    {
        "TABLE", "VIEW", "SCHEMA", "FUNCTION", "PROCEDURE", "MODEL", "INDEX", "SEARCH", "VECTOR", "ROW", "MATERIALIZED",
        "EXTERNAL", "SNAPSHOT", "TEMP", "TEMPORARY", "OR", "AGGREGATE", "CAPACITY", "RESERVATION", "ASSIGNMENT",
    };

    private static readonly HashSet<string> AlterDropObjects = new(StringComparer.OrdinalIgnoreCase)
    {
        "TABLE", "VIEW", "SCHEMA", "FUNCTION", "PROCEDURE", "MODEL", "MATERIALIZED", "EXTERNAL", "SNAPSHOT", "SEARCH",
        "VECTOR", "ROW", "ALL", "ORGANIZATION", "PROJECT", "BI", "CAPACITY", "RESERVATION", "ASSIGNMENT", "COLUMN",
    };

    /// <summary>
    /// True when the text starts (after whitespace and SQL comments) like a SQL statement: SELECT, WITH … AS (,
    /// CREATE/ALTER/DROP of an object, INSERT, MERGE … USING, UPDATE … SET, DELETE, TRUNCATE TABLE. The first
    /// keyword must be all upper or all lower case (prose is capitalised: "Select the model"), and a lower-case
    /// <c>select</c> also needs a FROM.
    /// </summary>
    public static bool IsSql(string s)
    {
        var c = new Cursor(s);
        c.SkipTrivia();
        var first = c.Word();

        // Prose starts with a capital ("Delete the old tables where …"); SQL keywords are written in one case.
        if (first.Length == 0 || c.AtEnd || !char.IsWhiteSpace(s[c.Pos])
            || (first != first.ToUpperInvariant() && first != first.ToLowerInvariant()))
        {
            return false;
        }

        c.SkipTrivia();
        switch (first.ToUpperInvariant())
        {
            case "SELECT":
                return !c.AtEnd && (first == "SELECT" || ContainsWord(s, "from"));
            case "WITH":
                if (c.Word().Equals("RECURSIVE", StringComparison.OrdinalIgnoreCase))
                {
                    c.SkipTrivia();
                }

                if (c.Path().Length == 0)
                {
                    return false;
                }

                c.SkipTrivia();
                if (!c.Word().Equals("AS", StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }

                c.SkipTrivia();
                return !c.AtEnd && s[c.Pos] == '(';
            case "CREATE":
                return CreateObjects.Contains(c.Word());
            case "ALTER":
            case "DROP":
                return AlterDropObjects.Contains(c.Word());
            case "TRUNCATE":
                return c.Word().Equals("TABLE", StringComparison.OrdinalIgnoreCase);
            case "INSERT":
                var next = c.Path();
                if (next.Equals("INTO", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }

                c.SkipTrivia();
                return next.Length > 0 && !c.AtEnd && (s[c.Pos] == '(' || c.Word().ToUpperInvariant() is "SELECT" or "VALUES" or "WITH");
            case "MERGE":
                return ContainsWord(s, "USING");
            case "UPDATE":
                return c.Path().Length > 0 && ContainsWord(s, "SET");
            case "DELETE":
                var what = c.Path();
                return what.Equals("FROM", StringComparison.OrdinalIgnoreCase) || (what.Length > 0 && ContainsWord(s, "WHERE"));
            default:
                return false;
        }
    }

    /// <summary>The tables a SQL text writes and reads, in order of appearance (CTE names excluded).</summary>
    public static List<SqlTableRef> Tables(string s)
    {
        var refs = new List<SqlTableRef>();
        var ctes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var c = new Cursor(s);
        var parens = new List<(bool Function, bool Select)>();
        var previousIntroducer = false;
        var previousWasIdentifier = false;
        var inMerge = false;
        string? altered = null;
        while (true)
        {
            c.SkipTrivia();
            if (c.AtEnd)
            {
                break;
            }

            var ch = s[c.Pos];
            if (ch is '\'' or '"')
            {
                c.SkipStringLiteral();
                previousWasIdentifier = false;
                previousIntroducer = false;
                continue;
            }

            if (ch == '(')
            {
                parens.Add((previousWasIdentifier && !previousIntroducer, false));
                c.Pos++;
                previousWasIdentifier = false;
                previousIntroducer = false;
                continue;
            }

            if (ch == ')')
            {
                if (parens.Count > 0)
                {
                    parens.RemoveAt(parens.Count - 1);
                }

                c.Pos++;
                previousWasIdentifier = false;
                previousIntroducer = false;
                continue;
            }

            if (ch == ';')
            {
                inMerge = false;
                altered = null;
                parens.Clear();
                c.Pos++;
                previousWasIdentifier = false;
                previousIntroducer = false;
                continue;
            }

            if (!Cursor.IsPathStart(ch))
            {
                c.Pos++;
                previousWasIdentifier = false;
                previousIntroducer = false;
                continue;
            }

            var start = c.Pos;
            var tokenEnd = c.PathEnd();
            if (tokenEnd == start)
            {
                c.Pos = start + 1;
                continue;
            }

            var token = s.AsSpan(start, tokenEnd - start);
            var bare = Cursor.IsBareWord(token);
            var word = bare ? Keyword(token) ?? "" : "";
            var introducer = word.Length > 0 && ParenIntroducers.Contains(word);
            previousWasIdentifier = true;
            previousIntroducer = introducer;
            switch (word)
            {
                case "SELECT":
                    if (parens.Count > 0)
                    {
                        parens[^1] = (parens[^1].Function, true);
                    }

                    break;
                case "CREATE":
                    Create(c, refs);
                    break;
                case "INSERT":
                    c.SkipTrivia();
                    c.SkipWordIf("INTO");
                    AddPath(c, refs, written: true, rejectCall: false);
                    break;
                case "MERGE":
                    inMerge = true;
                    c.SkipTrivia();
                    c.SkipWordIf("INTO");
                    AddPath(c, refs, written: true, rejectCall: false);
                    break;
                case "USING" when inMerge:
                    AddPath(c, refs, written: false, rejectCall: true);
                    break;
                case "UPDATE":
                    AddPath(c, refs, written: true, rejectCall: false);
                    break;
                case "DELETE":
                    c.SkipTrivia();
                    c.SkipWordIf("FROM");
                    AddPath(c, refs, written: true, rejectCall: false);
                    break;
                case "TRUNCATE":
                    c.SkipTrivia();
                    if (c.SkipWordIf("TABLE"))
                    {
                        AddPath(c, refs, written: true, rejectCall: false);
                    }

                    break;
                case "DROP":
                    c.SkipTrivia();
                    c.SkipWordIf("EXTERNAL", "SNAPSHOT", "MATERIALIZED");
                    c.SkipTrivia();
                    if (c.SkipWordIf("TABLE", "VIEW"))
                    {
                        c.SkipIfExists();
                        AddPath(c, refs, written: true, rejectCall: false);
                    }

                    break;
                case "ALTER":
                    c.SkipTrivia();
                    c.SkipWordIf("MATERIALIZED");
                    c.SkipTrivia();
                    if (c.SkipWordIf("TABLE", "VIEW"))
                    {
                        c.SkipIfExists();
                        altered = AddPath(c, refs, written: true, rejectCall: false);
                    }

                    break;
                case "RENAME":
                    c.SkipTrivia();
                    if (altered is not null && c.SkipWordIf("TO"))
                    {
                        c.SkipTrivia();
                        var target = ReadTablePath(c, rejectCall: false);
                        if (target is not null)
                        {
                            var dot = altered.LastIndexOf('.');
                            // The renamed table must exist (read); only the new name is written, so naming
                            // checks judge the name the script produces, not the one it fixes.
                            var source = refs.FindLastIndex(r => r.Written && r.Path == altered);
                            if (source >= 0)
                            {
                                refs[source] = new SqlTableRef(false, altered);
                            }

                            // RENAME TO takes a bare name in the same dataset; a lone placeholder may hold the whole path.
                            var bareName = !target.Contains('.') && !(target.Length == 1 && StrTemplate.IsMask(target[0]));
                            refs.Add(new SqlTableRef(true, bareName && dot > 0 ? altered[..(dot + 1)] + target : target));
                        }
                    }

                    break;
                case "LOAD":
                    c.SkipTrivia();
                    if (c.SkipWordIf("DATA"))
                    {
                        c.SkipTrivia();
                        c.SkipWordIf("OVERWRITE", "INTO");
                        c.SkipTrivia();
                        c.SkipWordIf("TEMP", "TEMPORARY");
                        c.SkipTrivia();
                        c.SkipWordIf("TABLE");
                        AddPath(c, refs, written: true, rejectCall: false);
                    }

                    break;
                case "FROM":
                    if (parens.Count > 0 && parens[^1].Function && !parens[^1].Select)
                    {
                        break; // EXTRACT(YEAR FROM d), TRIM(x FROM y)
                    }

                    ReadTableList(c, refs);
                    break;
                case "JOIN":
                    AddPath(c, refs, written: false, rejectCall: true);
                    break;
                default:
                    if (bare && FollowedByAsParen(c) && token.ToString() is var name && !Reserved.Contains(name))
                    {
                        ctes.Add(name);
                    }

                    break;
            }
        }

        if (ctes.Count > 0)
        {
            refs.RemoveAll(r => !r.Written && ctes.Contains(r.Path));
        }

        return refs;
    }

    /// <summary>The keyword a bare word is (upper case), for the keywords the scan acts on; null otherwise. No allocation.</summary>
    private static string? Keyword(ReadOnlySpan<char> word)
    {
        if (word.Length < 2 || word.Length > 9 || !char.IsAsciiLetter(word[0]))
        {
            return null;
        }

        Span<char> upper = stackalloc char[9];
        var n = word.ToUpperInvariant(upper);
        return upper[..n] switch
        {
            "SELECT" => "SELECT",
            "CREATE" => "CREATE",
            "INSERT" => "INSERT",
            "MERGE" => "MERGE",
            "UPDATE" => "UPDATE",
            "DELETE" => "DELETE",
            "TRUNCATE" => "TRUNCATE",
            "DROP" => "DROP",
            "ALTER" => "ALTER",
            "RENAME" => "RENAME",
            "LOAD" => "LOAD",
            "IN" => "IN",
            "EXISTS" => "EXISTS",
            "FROM" => "FROM",
            "JOIN" => "JOIN",
            "AS" => "AS",
            "WHERE" => "WHERE",
            "ON" => "ON",
            "AND" => "AND",
            "OR" => "OR",
            "NOT" => "NOT",
            "UNION" => "UNION",
            "ALL" => "ALL",
            "ANY" => "ANY",
            "SOME" => "SOME",
            "WITH" => "WITH",
            "USING" => "USING",
            "THEN" => "THEN",
            "ELSE" => "ELSE",
            "WHEN" => "WHEN",
            "BY" => "BY",
            "HAVING" => "HAVING",
            "QUALIFY" => "QUALIFY",
            "INTERSECT" => "INTERSECT",
            "EXCEPT" => "EXCEPT",
            "DISTINCT" => "DISTINCT",
            "VALUES" => "VALUES",
            "SET" => "SET",
            "LATERAL" => "LATERAL",
            "TABLE" => "TABLE",
            "INTO" => "INTO",
            "CASE" => "CASE",
            "RETURN" => "RETURN",
            "RETURNS" => "RETURNS",
            _ => null,
        };
    }

    private static void Create(Cursor c, List<SqlTableRef> refs)
    {
        c.SkipTrivia();
        if (c.SkipWordIf("OR"))
        {
            c.SkipTrivia();
            c.SkipWordIf("REPLACE");
        }

        c.SkipTrivia();
        c.SkipWordIf("TEMP", "TEMPORARY");
        c.SkipTrivia();
        c.SkipWordIf("EXTERNAL", "SNAPSHOT", "MATERIALIZED");
        c.SkipTrivia();
        if (!c.SkipWordIf("TABLE", "VIEW"))
        {
            return;
        }

        c.SkipIfExists();
        if (AddPath(c, refs, written: true, rejectCall: false) is null)
        {
            return;
        }

        var save = c.Pos;
        c.SkipTrivia();
        if (c.SkipWordIf("CLONE", "COPY", "LIKE"))
        {
            AddPath(c, refs, written: false, rejectCall: true);
        }
        else
        {
            c.Pos = save;
        }
    }

    private static void ReadTableList(Cursor c, List<SqlTableRef> refs)
    {
        while (true)
        {
            if (AddPath(c, refs, written: false, rejectCall: true) is null)
            {
                return;
            }

            var save = c.Pos;
            c.SkipTrivia();
            var alias = c.Path();
            if (alias.Equals("AS", StringComparison.OrdinalIgnoreCase))
            {
                c.SkipTrivia();
                c.Path();
            }
            else if (alias.Length == 0 || !Cursor.IsBareWord(alias) || Reserved.Contains(alias))
            {
                c.Pos = save;
            }

            save = c.Pos;
            c.SkipTrivia();
            if (c.AtEnd || c.Text[c.Pos] != ',')
            {
                c.Pos = save;
                return;
            }

            c.Pos++;
        }
    }

    private static string? AddPath(Cursor c, List<SqlTableRef> refs, bool written, bool rejectCall)
    {
        c.SkipTrivia();
        var path = ReadTablePath(c, rejectCall);
        if (path is not null)
        {
            refs.Add(new SqlTableRef(written, path));
        }

        return path;
    }

    /// <summary>A table path at the cursor (backquotes and legacy brackets removed, <c>project:dataset</c> as <c>project.dataset</c>), or null.</summary>
    private static string? ReadTablePath(Cursor c, bool rejectCall)
    {
        var start = c.Pos;
        if (c.AtEnd || !Cursor.IsPathStart(c.Text[c.Pos]))
        {
            return null;
        }

        var raw = c.Path();
        if (raw.Length == 0 || (Cursor.IsBareWord(raw) && Reserved.Contains(raw)))
        {
            c.Pos = start;
            return null;
        }

        if (rejectCall)
        {
            var save = c.Pos;
            c.SkipTrivia();
            var call = !c.AtEnd && c.Text[c.Pos] == '(';
            c.Pos = save;
            if (call)
            {
                c.Pos = start;
                return null;
            }
        }

        var path = raw.Replace("`", "").Replace("[", "").Replace("]", "").Replace(':', '.').Trim('.');
        return path.Length == 0 ? null : path;
    }

    private static bool FollowedByAsParen(Cursor c)
    {
        var save = c.Pos;
        c.SkipTrivia();
        var ok = c.SkipWordIf("AS");
        if (ok)
        {
            c.SkipTrivia();
            ok = !c.AtEnd && c.Text[c.Pos] == '(';
        }

        c.Pos = save;
        return ok;
    }

    private static bool ContainsWord(string s, string word)
    {
        for (var i = s.IndexOf(word, StringComparison.OrdinalIgnoreCase); i >= 0; i = s.IndexOf(word, i + 1, StringComparison.OrdinalIgnoreCase))
        {
            var before = i == 0 || !Cursor.IsWordChar(s[i - 1]);
            var after = i + word.Length >= s.Length || !Cursor.IsWordChar(s[i + word.Length]);
            if (before && after)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A forward cursor over SQL text.</summary>
    private sealed class Cursor
    {
        public Cursor(string text) => Text = text;

        public string Text { get; }

        public int Pos { get; set; }

        public bool AtEnd => Pos >= Text.Length;

        public static bool IsWordChar(char ch) => char.IsLetterOrDigit(ch) || ch == '_' || StrTemplate.IsMask(ch);

        public static bool IsPathStart(char ch) => IsWordChar(ch) || ch is '`' or '[';

        public static bool IsBareWord(ReadOnlySpan<char> s)
        {
            foreach (var ch in s)
            {
                if (!char.IsLetterOrDigit(ch) && ch != '_')
                {
                    return false;
                }
            }

            return s.Length > 0;
        }

        public void SkipTrivia()
        {
            var s = Text;
            while (Pos < s.Length)
            {
                var ch = s[Pos];
                if (char.IsWhiteSpace(ch))
                {
                    Pos++;
                }
                else if (ch == '#' || (ch == '-' && Pos + 1 < s.Length && s[Pos + 1] == '-'))
                {
                    var eol = s.IndexOf('\n', Pos);
                    Pos = eol < 0 ? s.Length : eol + 1;
                }
                else if (ch == '/' && Pos + 1 < s.Length && s[Pos + 1] == '*')
                {
                    var close = s.IndexOf("*/", Pos + 2, StringComparison.Ordinal);
                    Pos = close < 0 ? s.Length : close + 2;
                }
                else
                {
                    return;
                }
            }
        }

        /// <summary>A run of letters, digits and underscores (no dots).</summary>
        public string Word()
        {
            var start = Pos;
            while (Pos < Text.Length && (char.IsLetterOrDigit(Text[Pos]) || Text[Pos] == '_'))
            {
                Pos++;
            }

            return Text[start..Pos];
        }

        /// <summary>A run of path characters: words, placeholders, <c>.</c>, <c>-</c>, <c>:</c>, <c>*</c>, backquoted and bracketed parts.</summary>
        public string Path()
        {
            var start = Pos;
            return Text[start..PathEnd()];
        }

        /// <summary>Advances over a path (see <see cref="Path"/>) and returns where it ends.</summary>
        public int PathEnd()
        {
            var s = Text;
            var start = Pos;
            while (Pos < s.Length)
            {
                var ch = s[Pos];
                if (ch == '`')
                {
                    var close = s.IndexOf('`', Pos + 1);
                    Pos = close < 0 ? s.Length : close + 1;
                }
                else if (ch == '[' && Pos == start)
                {
                    var close = s.IndexOf(']', Pos + 1);
                    Pos = close < 0 ? s.Length : close + 1;
                }
                else if (IsWordChar(ch) || ch is '.' or ':' or '*')
                {
                    Pos++;
                }
                else if (ch == '-' && Pos > start && Pos + 1 < s.Length && IsWordChar(s[Pos + 1]) && IsWordChar(s[Pos - 1]))
                {
                    Pos++;
                }
                else
                {
                    break;
                }
            }

            return Pos;
        }

        /// <summary>Skips the next word when it is one of the given keywords (case-insensitive).</summary>
        public bool SkipWordIf(string a, string? b = null, string? c = null)
        {
            var start = Pos;
            var end = start;
            while (end < Text.Length && (char.IsLetterOrDigit(Text[end]) || Text[end] == '_'))
            {
                end++;
            }

            var w = Text.AsSpan(start, end - start);
            if (w.Equals(a, StringComparison.OrdinalIgnoreCase) || (b is not null && w.Equals(b, StringComparison.OrdinalIgnoreCase))
                || (c is not null && w.Equals(c, StringComparison.OrdinalIgnoreCase)))
            {
                Pos = end;
                return true;
            }

            return false;
        }

        public void SkipIfExists()
        {
            SkipTrivia();
            var save = Pos;
            if (SkipWordIf("IF"))
            {
                SkipTrivia();
                SkipWordIf("NOT");
                SkipTrivia();
                if (SkipWordIf("EXISTS"))
                {
                    SkipTrivia();
                    return;
                }
            }

            Pos = save;
        }

        public void SkipStringLiteral()
        {
            var s = Text;
            var q = s[Pos];
            var triple = Pos + 2 < s.Length && s[Pos + 1] == q && s[Pos + 2] == q;
            Pos += triple ? 3 : 1;
            while (Pos < s.Length)
            {
                var ch = s[Pos];
                if (ch == '\\')
                {
                    Pos += 2;
                    continue;
                }

                if (ch == q && (!triple || (Pos + 2 < s.Length && s[Pos + 1] == q && s[Pos + 2] == q)))
                {
                    Pos += triple ? 3 : 1;
                    return;
                }

                Pos++;
            }
        }
    }
}
