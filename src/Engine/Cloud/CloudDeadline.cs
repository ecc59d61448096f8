using System.Diagnostics;

namespace BqxAudit.Cloud;

/// <summary>
/// The deadline of one cloud phase (a session): started when the session is created, it cancels every call
/// still running when it passes, and tells the retry policy how long is left, so a Retry-After wait that would
/// end after it is not taken.
/// </summary>
public sealed class CloudDeadline : IDisposable
{
    private readonly CancellationTokenSource source;
    private readonly Stopwatch watch = Stopwatch.StartNew();

    public CloudDeadline(TimeSpan limit)
    {
        Limit = limit;
        source = new CancellationTokenSource(limit);
    }

    public TimeSpan Limit { get; }

    /// <summary>Cancelled when the deadline passes.</summary>
    public CancellationToken Token => source.Token;

    public bool Passed => source.IsCancellationRequested || watch.Elapsed >= Limit;

    public TimeSpan Remaining => Limit - watch.Elapsed is { } left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    /// <summary>For messages: <c>60 s</c>.</summary>
    public string Describe() => $"{Limit.TotalSeconds:0.###} s";

    public void Dispose() => source.Dispose();
}

/// <summary>The cloud phase's deadline passed before the call finished: what it would have measured is NotVerified.</summary>
public sealed class GcpDeadlineExceededException : GcpException
{
    public GcpDeadlineExceededException(string message, GcpMethod? method, Exception? inner = null)
        : base(GcpErrorKind.DeadlineExceeded, message, method, inner: inner) { }
}

/// <summary>The server asked to be retried later than the cloud deadline allows (Retry-After): the wait was not taken.</summary>
public sealed class GcpRetryRefusedException : GcpException
{
    public GcpRetryRefusedException(string message, GcpMethod? method, int status, TimeSpan retryAfter)
        : base(GcpErrorKind.DeadlineExceeded, message, method, status, "Retry-After") => RetryAfter = retryAfter;

    public TimeSpan RetryAfter { get; }
}

/// <summary>A response larger than <see cref="GcpHttpOptions.MaxResponseBytes"/> once decompressed: not read further.</summary>
public sealed class GcpResponseTooLargeException : GcpException
{
    public GcpResponseTooLargeException(string message, GcpMethod? method, int? status)
        : base(GcpErrorKind.ResponseTooLarge, message, method, status, "response too large") { }
}

/// <summary>A redirect (3xx): never followed, so a redirect loop costs one call.</summary>
public sealed class GcpRedirectException : GcpException
{
    public GcpRedirectException(string message, GcpMethod? method, int status)
        : base(GcpErrorKind.Redirected, message, method, status, $"HTTP {status}") { }
}
