namespace BqxAudit.Checks.Naming;

/// <summary>
/// A table name to classify, with where it came from. Built from plain or qualified names
/// (<c>project:dataset.table</c>, <c>project.dataset.table</c>, <c>dataset.table</c>, optionally in backticks).
/// </summary>
public sealed class TableNameEntry
{
    /// <summary>The longest table name BigQuery accepts (it counts UTF-8 bytes; we accept ASCII only, so characters).</summary>
    public const int MaxTableNameLength = 1024;

    public TableNameEntry(string tableName, string source, string? dataset = null, string? project = null)
    {
        TableName = tableName;
        Source = source;
        Dataset = dataset;
        Project = project;
    }

    public string TableName { get; }

    public string? Dataset { get; init; }

    public string? Project { get; init; }

    /// <summary>Where the name came from: <c>tables.txt:12</c>, <c>argument</c>, <c>scripts/x.py:42</c>.</summary>
    public string Source { get; }

    /// <summary>The BigQuery table type when the listing gave one (TABLE, VIEW, MATERIALIZED_VIEW, EXTERNAL, SNAPSHOT).</summary>
    public string? TableType { get; init; }

    /// <summary>How many times the source listed the name (sources fold duplicates into one entry).</summary>
    public int Count { get; init; } = 1;

    /// <summary>The same table from another place or with another count.</summary>
    internal TableNameEntry With(int count) => new(TableName, Source, Dataset, Project) { TableType = TableType, Count = count };

    internal TableNameEntry WithDefaults(string? dataset, string? project) =>
        new(TableName, Source, Dataset ?? dataset, Project ?? project) { TableType = TableType, Count = Count };

    /// <summary>
    /// Parses a plain or qualified table name. Returns null and a message for people when the text is
    /// not a usable name: empty, over 1,024 characters, non-ASCII or control characters, or a
    /// qualification with the wrong number of parts.
    /// </summary>
    public static TableNameEntry? TryParse(string text, string source, out string? problem, string? tableType = null)
    {
        problem = null;
        var s = text.Trim();
        if (s.Length == 0)
        {
            problem = text.Length == 0 ? "empty table name" : "the table name is only whitespace";
            return null;
        }

        if (s.Length >= 2 && s[0] == '`' && s[^1] == '`')
        {
            s = s[1..^1].Trim();
        }

        string? project = null;
        var colon = s.LastIndexOf(':');
        var rest = s;
        if (colon >= 0)
        {
            project = s[..colon];
            rest = s[(colon + 1)..];
        }

        var parts = rest.Split('.');
        string? dataset = null;
        string table;
        switch (parts.Length)
        {
            case 1 when project is null:
                table = parts[0];
                break;
            case 1:
                problem = $"'{Shorten(s)}' has a project but no dataset; expected project:dataset.table";
                return null;
            case 2:
                dataset = parts[0];
                table = parts[1];
                break;
            case 3:
                // project.dataset.table, or a domain-scoped project: example.com:project.dataset.table.
                project = project is null ? parts[0] : $"{project}:{parts[0]}";
                dataset = parts[1];
                table = parts[2];
                break;
            default:
                problem = $"'{Shorten(s)}' has {parts.Length} dot-separated parts; expected table, dataset.table or project.dataset.table";
                return null;
        }

        if ((project is not null && project.Length == 0) || (dataset is not null && dataset.Length == 0) || table.Length == 0)
        {
            problem = $"'{Shorten(s)}' has an empty project, dataset or table part";
            return null;
        }

        problem = CheckCharacters(table, "table name") ?? CheckCharacters(dataset, "dataset") ?? CheckCharacters(project, "project");
        if (problem is not null)
        {
            return null;
        }

        if (table.Length > MaxTableNameLength)
        {
            problem = $"the table name is {table.Length:N0} characters long; BigQuery allows at most {MaxTableNameLength:N0} ('{Shorten(table)}')";
            return null;
        }

        return new TableNameEntry(table, source, dataset, project) { TableType = tableType };
    }

    private static string? CheckCharacters(string? value, string what)
    {
        if (value is null)
        {
            return null;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c > 0x7E)
            {
                return $"the {what} '{Shorten(value)}' has a non-ASCII character U+{(int)c:X4} at position {i + 1}; " +
                       "the naming standard covers ASCII names only (check the file's encoding)";
            }

            if (c < 0x20 || c == 0x7F)
            {
                return $"the {what} has a control character U+{(int)c:X4} at position {i + 1}";
            }

            if (c is ' ' or '`' or '\'' or '"')
            {
                return $"the {what} '{Shorten(value)}' has a '{c}' at position {i + 1}; a name has no spaces or quotes";
            }
        }

        return null;
    }

    internal static string Shorten(string s) => s.Length <= 60 ? s : s[..57] + "...";

    /// <summary><c>project.dataset.table</c> with the parts known.</summary>
    public override string ToString() =>
        Dataset is null ? TableName : Project is null ? $"{Dataset}.{TableName}" : $"{Project}.{Dataset}.{TableName}";
}
