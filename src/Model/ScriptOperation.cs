using System.Text.Json.Serialization;

namespace BqxAudit.Model;

/// <summary>What a script does to BigQuery tables (or to local files), as its code shows.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OperationKind>))]
public enum OperationKind : long
{
    /// <summary><c>ALTER TABLE … RENAME TO</c>, <c>bq mv</c>, or a copy followed by a delete of the source.</summary>
    Rename,

    /// <summary>A table copied or created from another: <c>copy_table</c>, <c>bq cp</c>, <c>CREATE TABLE … AS SELECT</c>, <c>CLONE</c>, <c>COPY</c>.</summary>
    Copy,

    /// <summary>A table created or replaced (<c>CREATE TABLE</c> without a source, <c>create_table</c>, <c>bq mk</c>, a load or query destination).</summary>
    CreateTable,

    /// <summary>A view created: <c>CREATE VIEW</c>, <c>bq mk --view</c>, a table with <c>view_query</c>.</summary>
    CreateView,

    /// <summary>A table or view dropped: <c>DROP TABLE</c>, <c>DROP VIEW</c>, <c>bq rm</c>, <c>delete_table</c>.</summary>
    Drop,

    /// <summary>Rows deleted: <c>DELETE FROM</c>, <c>TRUNCATE TABLE</c>.</summary>
    DeleteRows,

    /// <summary>A point-in-time copy kept before a change: <c>CREATE SNAPSHOT TABLE</c>, an export (<c>extract_table</c>, <c>bq extract</c>, <c>EXPORT DATA</c>).</summary>
    Backup,

    /// <summary>Rows counted: <c>COUNT(*)</c>, <c>num_rows</c>, row counts of <c>__TABLES__</c> or INFORMATION_SCHEMA.</summary>
    RowCount,

    /// <summary>A query that reads (SELECT, listing tables, <c>get_table</c>).</summary>
    Read,

    /// <summary>A local file opened for reading.</summary>
    ReadFile,

    /// <summary>A local file written (<c>open(…, 'w')</c>, <c>to_csv</c>, a shell redirection).</summary>
    WriteFile,
}

/// <summary>One operation a script performs, where its code performs it.</summary>
public sealed class ScriptOperation
{
    public OperationKind Kind { get; set; }

    /// <summary>The line of the statement or call (1-based).</summary>
    public int Line { get; set; }

    /// <summary>How it is done: <c>sql</c> (a statement the script runs), <c>client</c> (a google-cloud-bigquery call), <c>bq</c> (the bq tool), <c>file</c>.</summary>
    public string Via { get; set; } = "";

    /// <summary>The statement or call as written, shortened: <c>DROP TABLE `bqx-ml.ds.{table_name}`</c>, <c>bq rm -f</c>, <c>open(OUTPUT_FILE, 'w')</c>.</summary>
    public string Detail { get; set; } = "";

    /// <summary>The table (or file) it acts on, as a template, when the code names it.</summary>
    public string? Target { get; set; }

    /// <summary>How many tables the script's own docstring says it acts on this way ("DELETE 285 … tables"), when it says.</summary>
    public int? StatedCount { get; set; }

    /// <summary>True for operations that destroy data: Drop and DeleteRows.</summary>
    [JsonIgnore]
    public bool Destructive => Kind is OperationKind.Drop or OperationKind.DeleteRows;

    public override string ToString() => $"{Kind} at line {Line}: {Detail}";
}

/// <summary>The if/elif/else branch a name template is built under, when its test compares a name with string literals.</summary>
public sealed class TemplateGuard
{
    /// <summary>The name tested, e.g. <c>source_variant</c>.</summary>
    public string Variable { get; set; } = "";

    /// <summary>The literals it is compared with (<c>== 'bqx'</c>, <c>in ('a', 'b')</c>).</summary>
    public List<string> Values { get; set; } = new();

    /// <summary>True in the <c>else</c> (or <c>!=</c>) branch: the name holds none of <see cref="Values"/>.</summary>
    public bool Negated { get; set; }

    /// <summary>The line of the <c>if</c>/<c>elif</c>/<c>else</c>.</summary>
    public int Line { get; set; }

    public override string ToString() => Negated
        ? $"{Variable} not in ({string.Join(", ", Values.Select(v => $"'{v}'"))})"
        : Values.Count == 1 ? $"{Variable} == '{Values[0]}'" : $"{Variable} in ({string.Join(", ", Values.Select(v => $"'{v}'"))})";
}
