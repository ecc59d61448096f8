using System.Text.Json.Serialization;

namespace BqxAudit.Model;

[JsonConverter(typeof(JsonStringEnumConverter<ScriptKind>))]
public enum ScriptKind : long
{
    Python,
    Shell,
    Dockerfile,
    CloudBuild,
}

[JsonConverter(typeof(JsonStringEnumConverter<ScriptStatus>))]
public enum ScriptStatus : long
{
    Ready,
    Partial,
    Missing,
    Blocked,
}

[JsonConverter(typeof(JsonStringEnumConverter<LastModifiedSource>))]
public enum LastModifiedSource : long
{
    Git,
    FileSystem,
}

[JsonConverter(typeof(JsonStringEnumConverter<ExecutionMode>))]
public enum ExecutionMode : long
{
    Sequential,
    Parallel,
}

[JsonConverter(typeof(JsonStringEnumConverter<ImportKind>))]
public enum ImportKind : long
{
    Stdlib,
    Local,
    ThirdParty,
    Unresolved,
}

/// <summary>One import statement's module, as the analyzer classified it.</summary>
public sealed class ImportRecord
{
    public string Module { get; set; } = "";
    public ImportKind Kind { get; set; }

    /// <summary>The PyPI distribution for a ThirdParty import (e.g. <c>google-cloud-bigquery</c>).</summary>
    public string? Distribution { get; set; }

    public int Line { get; set; }

    /// <summary>
    /// True when the script copes without the module: the import sits in a <c>try:</c> whose <c>except</c>
    /// catches ImportError (or ModuleNotFoundError, Exception, a bare except), or under <c>if TYPE_CHECKING:</c>.
    /// </summary>
    public bool Optional { get; set; }

    public override string ToString() => $"{Module} ({Kind}{(Distribution is null ? "" : " " + Distribution)}) line {Line}";
}

/// <summary>A command-line flag or positional a script accepts (argparse <c>add_argument</c>).</summary>
public sealed class FlagRecord
{
    /// <summary>The flag as written (<c>--workers</c>) or the positional's name.</summary>
    public string Name { get; set; } = "";

    public List<string> Aliases { get; set; } = new();
    public bool Positional { get; set; }
    public bool Required { get; set; }
    public string? Help { get; set; }
    public int Line { get; set; }

    public override string ToString() => (Positional ? Name : string.Join("/", Aliases.Prepend(Name))) + (Required ? " (required)" : "");
}

/// <summary>A command a script runs: a tool (gcloud, bq, python3 …) and, for interpreters, the script and flags passed.</summary>
public sealed class Invocation
{
    public string Tool { get; set; } = "";

    /// <summary>The script run by an interpreter (<c>python3 scripts/x.py</c>), as written.</summary>
    public string? Script { get; set; }

    /// <summary>The script resolved against the audited root (<c>/</c>-separated), when it could be.</summary>
    public string? ResolvedScript { get; set; }

    public List<string> Flags { get; set; } = new();
    public int Line { get; set; }

    public override string ToString() => string.Join(" ", new[] { Tool, Script }.Concat(Flags).Where(w => !string.IsNullOrEmpty(w))) + $" (line {Line})";
}

/// <summary>A task of a phase in the profile.</summary>
public sealed class PhaseTaskRef
{
    public string Phase { get; set; } = "";
    public string Task { get; set; } = "";

    public override string ToString() => $"{Phase}: {Task}";
}

/// <summary>A package a Dockerfile installs with pip, as written (<c>polars==0.20.3</c>).</summary>
public sealed class PackageInstall
{
    public string Requirement { get; set; } = "";
    public int Line { get; set; }

    public override string ToString() => $"{Requirement} (line {Line})";
}

/// <summary>One implementation file: what it is, what it needs, and whether it can run as referenced.</summary>
public sealed class ScriptRecord
{
    public string Name { get; set; } = "";

    /// <summary>Relative to the audited root, <c>/</c>-separated.</summary>
    public string Path { get; set; } = "";

    public ScriptKind Kind { get; set; }
    public string Category { get; set; } = "";
    public ScriptStatus Status { get; set; }
    public string? Purpose { get; set; }
    public long Lines { get; set; }
    public long CodeLines { get; set; }
    public long SizeBytes { get; set; }
    public DateTimeOffset? LastModified { get; set; }
    public LastModifiedSource? LastModifiedSource { get; set; }
    public List<ImportRecord> Imports { get; set; } = new();
    public List<string> Distributions { get; set; } = new();

    /// <summary>Packages a call needs at run time without an import (pandas <c>to_parquet</c> → pyarrow or fastparquet).</summary>
    public List<RuntimeNeed> RuntimeNeeds { get; set; } = new();
    public List<string> ToolsInvoked { get; set; } = new();
    public List<Invocation> Invocations { get; set; } = new();
    public List<FlagRecord> Flags { get; set; } = new();

    /// <summary>True when the script reads <c>sys.argv</c> by hand instead of declaring flags.</summary>
    public bool ParsesArgvByHand { get; set; }

    public ExecutionMode ExecutionMode { get; set; }
    public string? WorkersFlag { get; set; }
    public bool Interactive { get; set; }
    public List<string> TablesWritten { get; set; } = new();
    public List<string> TablesRead { get; set; } = new();
    public List<string> GcsUris { get; set; } = new();

    /// <summary>Names of tables the script writes, built from templates, with the values each placeholder takes where known.</summary>
    public List<NameTemplate> NameTemplates { get; set; } = new();

    /// <summary>SQL string literals, kept for cost estimation.</summary>
    public List<string> SqlStatements { get; set; } = new();

    /// <summary>What the script does to BigQuery tables and local files (rename, copy, create view, drop, count rows …), each with its line.</summary>
    public List<ScriptOperation> Operations { get; set; } = new();

    /// <summary>True when the script touches no cloud service at all: it only reads and writes local files.</summary>
    public bool LocalFilesOnly { get; set; }

    /// <summary>Dockerfile FROM images and Cloud Build step images.</summary>
    public List<string> BaseImages { get; set; } = new();

    /// <summary>Dockerfile <c>pip install</c> requirements.</summary>
    public List<PackageInstall> PipInstalls { get; set; } = new();

    /// <summary>Cloud Build images pushed.</summary>
    public List<string> ImagesPushed { get; set; } = new();

    public List<Finding> Findings { get; set; } = new();

    /// <summary>The phase tasks this script implements (its path matches the task's scriptGlobs), or the task a Missing record stands for.</summary>
    public List<PhaseTaskRef> PhaseTasks { get; set; } = new();

    /// <summary>Mandate id → compliance status of the names this script generates.</summary>
    public Dictionary<string, string> Compliance { get; set; } = new();

    /// <summary>What running the script's queries costs, with the basis (set by the audit; NotVerified offline).</summary>
    public UsdRange? CostEstimate { get; set; }

    public string? Recommendation { get; set; }
    public List<Evidence> Evidence { get; set; } = new();

    /// <summary>The audited root <see cref="Path"/> is relative to (full path); set by the cmdlets, not in the JSON.</summary>
    [JsonIgnore]
    public string? Root { get; set; }

    /// <summary>The imported modules on one line (Export-Csv, tickets).</summary>
    [JsonIgnore]
    public string ImportsText => Flat.Join(Imports.Select(i => i.Module));

    /// <summary>The third-party distributions on one line.</summary>
    [JsonIgnore]
    public string DistributionsText => Flat.Join(Distributions);

    /// <summary>The tools invoked on one line.</summary>
    [JsonIgnore]
    public string ToolsInvokedText => Flat.Join(ToolsInvoked);

    /// <summary>The tables written on one line.</summary>
    [JsonIgnore]
    public string TablesWrittenText => Flat.Join(TablesWritten);

    /// <summary>The tables read on one line.</summary>
    [JsonIgnore]
    public string TablesReadText => Flat.Join(TablesRead);

    /// <summary>The findings on one line.</summary>
    [JsonIgnore]
    public string FindingsText => Flat.Join(Findings);

    /// <summary>The phase tasks on one line.</summary>
    [JsonIgnore]
    public string PhaseTasksText => Flat.Join(PhaseTasks);

    /// <summary>The evidence on one line.</summary>
    [JsonIgnore]
    public string EvidenceText => Flat.Join(Evidence);

    public override string ToString() => Path;
}

/// <summary>
/// A table name a script builds from a template (an f-string or <c>.format</c>), with the literal
/// values each placeholder takes when the analyzer could resolve them (module-level lists or tuples
/// of string literals iterated by a <c>for</c> loop or comprehension).
/// </summary>
public sealed class NameTemplate
{
    /// <summary>The template with placeholders as written, e.g. <c>cov_{ft}_{variant}_{p1}_{p2}</c>; positional ones as <c>{}</c>.</summary>
    public string Template { get; set; } = "";

    public int Line { get; set; }

    /// <summary>Placeholder expression → the literal values it iterates over; a placeholder absent here is unresolved.</summary>
    public Dictionary<string, List<string>> Values { get; set; } = new();

    /// <summary>The variable the name is assigned to (<c>table_name = f"…"</c>), when it is.</summary>
    public string? AssignedTo { get; set; }

    /// <summary>The branch the name is built under (<c>if source_variant == 'bqx':</c>), when its test compares with literals.</summary>
    public TemplateGuard? Guard { get; set; }

    public override string ToString() => $"{Template} (line {Line})";
}

/// <summary>A call that needs a distribution at run time that the script never imports (pandas <c>to_parquet</c> needs pyarrow or fastparquet).</summary>
public sealed class RuntimeNeed
{
    /// <summary>The call as the reports name it, e.g. <c>pandas DataFrame.to_parquet</c>.</summary>
    public string Call { get; set; } = "";

    public int Line { get; set; }

    /// <summary>Any one of these distributions satisfies the need (PEP 503 names).</summary>
    public List<string> AnyOf { get; set; } = new();

    public override string ToString() => $"{Call} (line {Line}) needs {string.Join(" or ", AnyOf)}";
}
