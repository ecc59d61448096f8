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

    /// <summary>Timeout of one attempt, reading the whole body included.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the metadata-server probe may take (DESIGN.md: at most 300 ms).</summary>
    public TimeSpan MetadataProbeTimeout { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>How long BigQuery may hold one jobs.query / getQueryResults call open (its <c>timeoutMs</c>).</summary>
    public TimeSpan QueryWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a query may take in all before the check gives up on it.</summary>
    public TimeSpan QueryMaxDuration { get; init; } = TimeSpan.FromMinutes(5);

    public bool UseJitter { get; init; } = true;

    public static GcpHttpOptions Default { get; } = new();
}
