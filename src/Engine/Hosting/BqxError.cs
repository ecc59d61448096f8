namespace BqxAudit.Hosting;

/// <summary>Mirrors PowerShell's ErrorCategory names the cmdlets map to, without referencing PowerShell.</summary>
public enum BqxErrorCategory
{
    NotSpecified,
    InvalidArgument,
    InvalidData,
    ObjectNotFound,
    PermissionDenied,
    ReadError,
    WriteError,
    ResourceUnavailable,
    OperationStopped,
    InvalidOperation,
    ConnectionError,
    QuotaExceeded,
    AuthenticationError,
    InvalidType,
}

/// <summary>A problem with one item, with a stable id (<c>BqxAudit.ProfileInvalid</c>) and the target it concerns.</summary>
public sealed record BqxError(string ErrorId, BqxErrorCategory Category, string Message, string? Target = null)
{
    public override string ToString() => Target is null ? Message : $"{Target}: {Message}";
}

/// <summary>Stable error ids: callers key on these, never on message text.</summary>
public static class ErrorIds
{
    public const string ProfileInvalid = "BqxAudit.ProfileInvalid";
    public const string ProfileNotFound = "BqxAudit.ProfileNotFound";
    public const string PathNotFound = "BqxAudit.PathNotFound";
    public const string FileUnreadable = "BqxAudit.FileUnreadable";
    public const string FileSkipped = "BqxAudit.FileSkipped";
    public const string SymlinkLoop = "BqxAudit.SymlinkLoop";
    public const string GitFailed = "BqxAudit.GitFailed";
    public const string InputInvalid = "BqxAudit.InputInvalid";

    /// <summary>A piped object the cmdlet cannot use (a string, a CSV row, a result of the wrong kind): the message names its type.</summary>
    public const string InputNotSupported = "BqxAudit.InputNotSupported";

    /// <summary>An output file exists and -Force / --force was not given.</summary>
    public const string OutputExists = "BqxAudit.OutputExists";

    /// <summary>An output file could not be written.</summary>
    public const string OutputFailed = "BqxAudit.OutputFailed";
    public const string Internal = "BqxAudit.Internal";
}

/// <summary>
/// A terminating engine error: nothing can go on (a profile that does not load, a root that
/// does not exist). Callers map <see cref="Error"/> to an exit code or ErrorRecord.
/// </summary>
public sealed class BqxException : Exception
{
    public BqxException(BqxError error, Exception? inner = null)
        : base(error.ToString(), inner) => Error = error;

    public BqxError Error { get; }

    /// <summary>True for problems in what the user gave (exit code 3), false for bugs (exit code 4).</summary>
    public bool IsUserError => Error.ErrorId != ErrorIds.Internal;
}
