using BqxAudit.Hosting;

namespace BqxAudit.Checks.Dependencies;

/// <summary>What a dependency parser found wrong. Callers key on the code, never on the message text.</summary>
public enum DependencyDiagnosticCode
{
    /// <summary>A requirement (PEP 508 line, conda spec, TOML array entry) that could not be read.</summary>
    RequirementInvalid,

    /// <summary>A pip option or directive that is recognised but not followed (remote include, <c>file:</c> directive).</summary>
    NotFollowed,

    /// <summary>An option that pip does not know.</summary>
    UnknownOption,

    /// <summary>A URL or local path requirement whose distribution name cannot be told (no <c>#egg=</c>).</summary>
    NameUnknown,

    /// <summary>A <c>-r</c>/<c>-c</c> include that leads back to a file already being read.</summary>
    IncludeCycle,

    /// <summary>A <c>-r</c>/<c>-c</c> include whose target does not exist.</summary>
    IncludeMissing,

    /// <summary>A file that could not be read at all.</summary>
    FileUnreadable,

    /// <summary>Bytes that are not valid UTF-8: decoded with U+FFFD and parsed anyway.</summary>
    EncodingInvalid,

    /// <summary>A TOML syntax error.</summary>
    TomlSyntax,

    /// <summary>A YAML syntax error.</summary>
    YamlSyntax,

    /// <summary>A manifest that parses but has the wrong shape (dependencies not a list, a value of the wrong type).</summary>
    ManifestInvalid,

    /// <summary>A version that is not PEP 440 (kept as text, not compared).</summary>
    VersionNotPep440,

    /// <summary>A broken <c>METADATA</c>/<c>PKG-INFO</c> of an installed distribution.</summary>
    MetadataInvalid,

    /// <summary>The Python interpreter did not answer in time and was killed.</summary>
    InterpreterTimeout,

    /// <summary>The Python interpreter could not be started, crashed or exited non-zero.</summary>
    InterpreterFailed,

    /// <summary>The Python interpreter answered with something that is not the expected JSON.</summary>
    InterpreterOutputInvalid,
}

/// <summary>How bad a diagnostic is: an error lost information, a warning only explains a choice.</summary>
public enum DependencyDiagnosticSeverity
{
    Warning,
    Error,
}

/// <summary>
/// A problem in one dependency manifest or environment, at <c>File:Line[:Column]</c>. Parsers
/// return these beside their results and never throw for bad content. <see cref="File"/> is
/// relative to the audited root ('/'-separated) for manifests, the path as given for
/// site-packages folders and interpreters. <see cref="Line"/> and <see cref="Column"/> are
/// 1-based; 0 means "the whole file".
/// </summary>
public sealed record DependencyDiagnostic(
    DependencyDiagnosticCode Code,
    string File,
    int Line,
    string Message,
    int Column = 0,
    DependencyDiagnosticSeverity Severity = DependencyDiagnosticSeverity.Error)
{
    /// <summary>At most this long, and redacted: parsers quote short excerpts, this is the second line of defence.</summary>
    public const int MaxMessageLength = 300;

    /// <summary>What is wrong, redacted and at most <see cref="MaxMessageLength"/> characters.</summary>
    public string Message { get; init; } = Bound(Message);

    /// <summary><c>file:line:column</c>, <c>file:line</c> or <c>file</c>.</summary>
    public string Location => Line <= 0 ? File : Column <= 0 ? $"{File}:{Line}" : $"{File}:{Line}:{Column}";

    /// <summary>The diagnostic as a non-terminating engine error for the host.</summary>
    public BqxError ToBqxError() => Code switch
    {
        DependencyDiagnosticCode.FileUnreadable or DependencyDiagnosticCode.IncludeMissing =>
            new BqxError(ErrorIds.FileUnreadable, BqxErrorCategory.ReadError, Message, Location),
        DependencyDiagnosticCode.InterpreterTimeout =>
            new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.OperationStopped, Message, Location),
        DependencyDiagnosticCode.InterpreterFailed =>
            new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.ResourceUnavailable, Message, Location),
        _ => new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidData, Message, Location),
    };

    public override string ToString() => $"{Location}: {Message}";

    private static string Bound(string message)
    {
        var redacted = BqxAudit.Cloud.SecretRedactor.Redact(message);
        return redacted.Length <= MaxMessageLength ? redacted : redacted[..(MaxMessageLength - 1)] + "…";
    }
}
