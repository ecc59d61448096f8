using System.Text;
using System.Text.RegularExpressions;
using BqxAudit.Model;

namespace BqxAudit.Inventory.Analyzers;

/// <summary>An operation found in a piece of text (SQL or a bq command), at an offset of that text.</summary>
internal readonly record struct TextOperation(OperationKind Kind, int Offset, string Detail, string? Target);

/// <summary>
/// What SQL text and <c>bq</c> command lines do to tables, shared by the Python and shell analyzers: renames
/// (<c>ALTER TABLE … RENAME TO</c>, <c>bq mv</c>), copies (<c>CREATE TABLE … AS SELECT * FROM t</c>, <c>CLONE</c>,
/// <c>COPY</c>, <c>bq cp</c>), tables and views created, drops (<c>DROP TABLE|VIEW</c>, <c>bq rm</c>), deleted rows,
/// backups (<c>CREATE SNAPSHOT TABLE</c>, <c>EXPORT DATA</c>, <c>bq extract</c>), row counts (<c>COUNT(*)</c>,
/// <c>row_count</c> of <c>__TABLES__</c>, <c>total_rows</c> of INFORMATION_SCHEMA) and reads. Each is one
/// <see cref="ScriptOperation"/>; the analyzers decide whether the text is run or only printed.
/// </summary>
internal static partial class BigQueryOperations
{
    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;
    private const string Name = @"(?<t>`[^`]+`|[\w\-.{}\[\]()'""$:]+)";

    private static readonly Regex Rename = RenameRegex();
    private static readonly Regex Snapshot = SnapshotRegex();
    private static readonly Regex CreateTable = CreateTableRegex();
    private static readonly Regex CopySource = CopySourceRegex();
    private static readonly Regex CreateView = CreateViewRegex();
    private static readonly Regex Drop = DropRegex();
    private static readonly Regex DeleteRows = DeleteRowsRegex();
    private static readonly Regex Export = ExportRegex();
    private static readonly Regex Count = CountRegex();
    private static readonly Regex MetadataRows = MetadataRowsRegex();
    private static readonly Regex CountsMetadata = CountsMetadataRegex();
    private static readonly Regex RowColumns = RowColumnsRegex();
    private static readonly Regex Select = SelectRegex();

    /// <summary>The operations in SQL text, in order of offset; a SELECT counts as a read only when nothing else was found.</summary>
    public static List<TextOperation> FromSql(string sql)
    {
        var found = new List<TextOperation>();
        foreach (Match m in Rename.Matches(sql))
        {
            found.Add(new(OperationKind.Rename, m.Index, Statement(sql, m.Index), Target(m)));
        }

        var snapshots = new HashSet<int>();
        foreach (Match m in Snapshot.Matches(sql))
        {
            snapshots.Add(m.Index);
            found.Add(new(OperationKind.Backup, m.Index, Statement(sql, m.Index), Target(m)));
        }

        foreach (Match m in CreateTable.Matches(sql))
        {
            if (snapshots.Contains(m.Index))
            {
                continue;
            }

            var copy = CopySource.Match(sql, m.Index + m.Length);
            found.Add(new(copy.Success ? OperationKind.Copy : OperationKind.CreateTable, m.Index, Statement(sql, m.Index), Target(m)));
        }

        foreach (Match m in CreateView.Matches(sql))
        {
            found.Add(new(OperationKind.CreateView, m.Index, Statement(sql, m.Index), Target(m)));
        }

        foreach (Match m in Drop.Matches(sql))
        {
            found.Add(new(OperationKind.Drop, m.Index, Statement(sql, m.Index), Target(m)));
        }

        foreach (Match m in DeleteRows.Matches(sql))
        {
            found.Add(new(OperationKind.DeleteRows, m.Index, Statement(sql, m.Index), Target(m)));
        }

        foreach (Match m in Export.Matches(sql))
        {
            found.Add(new(OperationKind.Backup, m.Index, Statement(sql, m.Index), null));
        }

        foreach (Match m in Count.Matches(sql))
        {
            // COUNT(*) over a metadata view of tables or columns counts tables, not rows.
            var statement = Statement(sql, StatementStart(sql, m.Index));
            if (!CountsMetadata.IsMatch(statement))
            {
                found.Add(new(OperationKind.RowCount, m.Index, statement, null));
            }
        }

        var metadata = MetadataRows.Match(sql);
        if (metadata.Success && RowColumns.Match(sql) is { Success: true } column)
        {
            found.Add(new(OperationKind.RowCount, Math.Min(column.Index, metadata.Index), Statement(sql, StatementStart(sql, column.Index)), null));
        }

        if (found.Count == 0 && Select.Match(sql) is { Success: true } select)
        {
            found.Add(new(OperationKind.Read, select.Index, Statement(sql, select.Index), null));
        }

        found.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        return found;
    }

    /// <summary>
    /// The operation of a <c>bq</c> command line, given its words after <c>bq</c> (global flags first, then the
    /// command); <c>bq query</c> yields the operations of its SQL. <paramref name="offsets"/> are the words' offsets.
    /// </summary>
    public static List<TextOperation> FromBq(IReadOnlyList<string> words, IReadOnlyList<int> offsets)
    {
        var found = new List<TextOperation>();
        var i = 0;
        while (i < words.Count && words[i].StartsWith('-'))
        {
            i++;
        }

        if (i >= words.Count)
        {
            return found;
        }

        var command = words[i];
        var at = offsets[i];
        var args = words.Skip(i + 1).ToList();
        var positional = args.Where(a => !a.StartsWith('-')).ToList();
        var detail = Shorten("bq " + string.Join(' ', words.Skip(i)));
        var first = positional.FirstOrDefault();
        switch (command)
        {
            case "mv":
                found.Add(new(OperationKind.Rename, at, detail, first));
                break;
            case "cp":
                found.Add(new(OperationKind.Copy, at, detail, positional.LastOrDefault()));
                break;
            case "rm":
                found.Add(new(OperationKind.Drop, at, detail, positional.LastOrDefault()));
                break;
            case "mk":
                var view = args.Any(a => a is "--view" or "--materialized_view" || a.StartsWith("--view=", StringComparison.Ordinal) || a.StartsWith("--materialized_view=", StringComparison.Ordinal));
                var kind = view ? OperationKind.CreateView : args.Any(a => a is "-d" or "--dataset") ? (OperationKind?)null : OperationKind.CreateTable;
                if (kind is { } k)
                {
                    found.Add(new(k, at, detail, positional.LastOrDefault()));
                }

                break;
            case "extract":
                found.Add(new(OperationKind.Backup, at, detail, first));
                break;
            case "load":
                found.Add(new(OperationKind.CreateTable, at, detail, first));
                break;
            case "ls" or "show" or "head":
                found.Add(new(OperationKind.Read, at, detail, first));
                break;
            case "query":
                var sql = string.Join(' ', positional);
                var inner = FromSql(sql);
                if (inner.Count == 0 && sql.Length > 0)
                {
                    found.Add(new(OperationKind.Read, at, detail, null));
                }

                found.AddRange(inner.Select(o => o with { Offset = at }));
                var destination = args.FirstOrDefault(a => a.StartsWith("--destination_table", StringComparison.Ordinal));
                if (destination is not null)
                {
                    found.Add(new(OperationKind.CreateTable, at, detail, destination.Contains('=') ? destination[(destination.IndexOf('=') + 1)..] : null));
                }

                break;
        }

        return found;
    }

    /// <summary>Splits a command written as one string (<c>bq rm -f -t "ds.t"</c>) into words, quotes removed; offsets into the string.</summary>
    public static (List<string> Words, List<int> Offsets) SplitCommand(string command)
    {
        var words = new List<string>();
        var offsets = new List<int>();
        var sb = new StringBuilder();
        var start = -1;
        char quote = '\0';
        for (var i = 0; i < command.Length; i++)
        {
            var c = command[i];
            if (quote != '\0')
            {
                if (c == '\\' && quote == '"' && i + 1 < command.Length && command[i + 1] is '"' or '\\' or '`' or '$')
                {
                    sb.Append(command[++i]);
                }
                else if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    sb.Append(c);
                }

                continue;
            }

            if (c is ' ' or '\t' or '\n' or '\r')
            {
                if (start >= 0)
                {
                    words.Add(sb.ToString());
                    offsets.Add(start);
                    sb.Clear();
                    start = -1;
                }

                continue;
            }

            if (c is '|' or ';' or '&' or '>' or '<')
            {
                if (c is '>' or '<' && start >= 0 && sb.Length > 0 && sb.ToString().All(char.IsAsciiDigit))
                {
                    start = -1; // `2>/dev/null`: the digits name a file descriptor
                }

                break; // the bq command ends at the first shell operator
            }

            if (start < 0)
            {
                start = i;
            }

            if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '\\' && i + 1 < command.Length)
            {
                sb.Append(command[++i]);
            }
            else
            {
                sb.Append(c);
            }
        }

        if (start >= 0)
        {
            words.Add(sb.ToString());
            offsets.Add(start);
        }

        return (words, offsets);
    }

    /// <summary>The statement from <paramref name="start"/> to its end (a ';' or the text's end), one line, at most 120 characters.</summary>
    private static string Statement(string sql, int start)
    {
        var end = sql.IndexOf(';', start);
        return Shorten(sql[start..(end < 0 ? sql.Length : end)]);
    }

    /// <summary>Where the statement holding <paramref name="offset"/> starts: after the previous ';', at its first keyword.</summary>
    private static int StatementStart(string sql, int offset)
    {
        var semi = offset == 0 ? -1 : sql.LastIndexOf(';', offset - 1);
        var start = semi + 1;
        while (start < offset && char.IsWhiteSpace(sql[start]))
        {
            start++;
        }

        return start;
    }

    private static string? Target(Match m)
    {
        foreach (Group g in m.Groups)
        {
            if (g.Name == "t" && g.Success)
            {
                return g.Value.Trim('`');
            }
        }

        return null;
    }

    /// <summary>Whitespace runs as one space; past 120 characters, cut at a word and marked with '…'.</summary>
    public static string Shorten(string text)
    {
        var sb = new StringBuilder(Math.Min(text.Length, 130));
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = sb.Length > 0;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(c);
        }

        if (sb.Length <= 120)
        {
            return sb.ToString();
        }

        var cut = sb.ToString(0, 120);
        var lastSpace = cut.LastIndexOf(' ');
        return (lastSpace > 60 ? cut[..lastSpace] : cut) + " …";
    }

    [GeneratedRegex(@"\bALTER\s+TABLE\s+(IF\s+EXISTS\s+)?" + Name + @"\s+RENAME\s+TO\b", Options)]
    private static partial Regex RenameRegex();

    [GeneratedRegex(@"\bCREATE\s+(OR\s+REPLACE\s+)?SNAPSHOT\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?" + Name, Options)]
    private static partial Regex SnapshotRegex();

    [GeneratedRegex(@"\bCREATE\s+(OR\s+REPLACE\s+)?(TEMP(ORARY)?\s+|EXTERNAL\s+)?TABLE\s+(IF\s+NOT\s+EXISTS\s+)?" + Name, Options)]
    private static partial Regex CreateTableRegex();

    [GeneratedRegex(@"\G[^;]*?\b(CLONE|COPY)\s+\S|\G\s*(\([^;]*?\)\s*)?(PARTITION\s+BY[^;]*?|CLUSTER\s+BY[^;]*?|OPTIONS\s*\([^;]*?\)\s*)*AS\s*\(?\s*SELECT\s+\*\s+FROM\s+[`\w\-.{}]+\s*\)?\s*(;|$|""|')", Options)]
    private static partial Regex CopySourceRegex();

    [GeneratedRegex(@"\bCREATE\s+(OR\s+REPLACE\s+)?(MATERIALIZED\s+)?VIEW\s+(IF\s+NOT\s+EXISTS\s+)?" + Name, Options)]
    private static partial Regex CreateViewRegex();

    [GeneratedRegex(@"\bDROP\s+(SNAPSHOT\s+TABLE|EXTERNAL\s+TABLE|MATERIALIZED\s+VIEW|TABLE|VIEW|SCHEMA)\s+(IF\s+EXISTS\s+)?" + Name, Options)]
    private static partial Regex DropRegex();

    [GeneratedRegex(@"\bDELETE\s+(FROM\s+)?" + Name + @"\s+WHERE\b|\bDELETE\s+FROM\s+" + Name + @"|\bTRUNCATE\s+TABLE\s+" + Name, Options)]
    private static partial Regex DeleteRowsRegex();

    [GeneratedRegex(@"\bEXPORT\s+DATA\b", Options)]
    private static partial Regex ExportRegex();

    [GeneratedRegex(@"\bCOUNT\s*\(\s*(\*|1)\s*\)", Options)]
    private static partial Regex CountRegex();

    [GeneratedRegex(@"\b__TABLES__\b[\s\S]*|\bINFORMATION_SCHEMA\s*\.\s*(TABLE_STORAGE|PARTITIONS)\b[\s\S]*", Options)]
    private static partial Regex MetadataRowsRegex();

    [GeneratedRegex(@"\bFROM\s+[^;]*?(INFORMATION_SCHEMA\s*\.\s*(TABLES|COLUMNS|TABLE_OPTIONS|VIEWS|SCHEMATA)\b|__TABLES_SUMMARY__)", Options)]
    private static partial Regex CountsMetadataRegex();

    [GeneratedRegex(@"\b(row_count|total_rows)\b", Options)]
    private static partial Regex RowColumnsRegex();

    [GeneratedRegex(@"\bSELECT\b", Options)]
    private static partial Regex SelectRegex();
}
