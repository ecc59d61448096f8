namespace BqxAudit.Cloud;

/// <summary>
/// Timing of cloud calls: retries, per-attempt timeout, the metadata probe, BigQuery's query wait.
/// The defaults suit real GCP; tests make every delay tiny.
/// </summary>
public sealed class GcpHttpOptions
{
    /// <summary>Attempts per call, the first included (DESIGN.md: at most 5).</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>First backoff delay; it doubles per retry (with jitter) up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>A server's Retry-After is honoured up to this long.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one attempt, reading the whole body included (longer than <see cref="QueryWait"/>, which BigQuery may hold a call open for).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long opening a connection may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The deadline of the whole cloud phase (DESIGN.md: at most 60 s by default; <c>--timeout</c> / <c>-TimeoutSec</c>):
    /// a call still running then is cancelled, a Retry-After wait that would end after it is not taken, and what
    /// was not measured by then is NotVerified, saying so.
    /// </summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The most one response may hold once decompressed; a larger one is an error on that call, read no further.</summary>
    public long MaxResponseBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>How long the metadata-server probe may take (DESIGN.md: at most 300 ms).</summary>
    public TimeSpan MetadataProbeTimeout { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>How long BigQuery may hold one jobs.query / getQueryResults call open (its <c>timeoutMs</c>).</summary>
    public TimeSpan QueryWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a query may take in all before the check gives up on it.</summary>
    public TimeSpan QueryMaxDuration { get; init; } = TimeSpan.FromMinutes(5);

    public bool UseJitter { get; init; } = true;

    public static GcpHttpOptions Default { get; } = new();

    /// <summary>
    /// True for the options of one run (a CLI command, a cmdlet call): every session made from this instance shares
    /// one deadline, started by the first, so an audit's infrastructure checks, live table listings and cost queries
    /// together stay within it. False (the default instance, tests): each session has its own.
    /// </summary>
    public bool OneDeadlinePerRun { get; init; }

    private CloudDeadline? runDeadline;

    /// <summary>The deadline a new session keeps; <paramref name="owned"/> says whether the session disposes it.</summary>
    internal CloudDeadline DeadlineForSession(out bool owned)
    {
        owned = !OneDeadlinePerRun;
        return OneDeadlinePerRun
            ? LazyInitializer.EnsureInitialized(ref runDeadline, () => new CloudDeadline(Deadline))
            : new CloudDeadline(Deadline);
    }

    /// <summary>
    /// The options of one run, with its cloud deadline (<c>--timeout</c> / <c>-TimeoutSec</c>, in seconds; null keeps
    /// the default), shared by every session of the run.
    /// </summary>
    public GcpHttpOptions WithDeadline(double? seconds)
    {
        if (seconds is not null && !(seconds > 0 && seconds <= 24 * 3600))
        {
            throw new BqxAudit.Hosting.BqxException(new BqxAudit.Hosting.BqxError(BqxAudit.Hosting.ErrorIds.InputInvalid, BqxAudit.Hosting.BqxErrorCategory.InvalidArgument,
                $"the cloud timeout must be a number of seconds above 0 and at most 86400, not {seconds}", "timeout"));
        }

        return new GcpHttpOptions
        {
            MaxAttempts = MaxAttempts,
            BaseDelay = BaseDelay,
            MaxDelay = MaxDelay,
            MaxRetryAfter = MaxRetryAfter,
            AttemptTimeout = AttemptTimeout,
            ConnectTimeout = ConnectTimeout,
            Deadline = seconds is { } limit ? TimeSpan.FromSeconds(limit) : Deadline,
            OneDeadlinePerRun = true,
            MaxResponseBytes = MaxResponseBytes,
            MetadataProbeTimeout = MetadataProbeTimeout,
            QueryWait = QueryWait,
            QueryMaxDuration = QueryMaxDuration,
            UseJitter = UseJitter,
        };
    }
}
