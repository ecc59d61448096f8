using System.Collections.Concurrent;

namespace BqxAudit.Tests.FakeGcp;

/// <summary>What a fault does to a request.</summary>
public enum FaultKind
{
    /// <summary>HTTP 429 with <c>Retry-After</c>.</summary>
    TooManyRequests,

    /// <summary>HTTP <see cref="Fault.Status"/> (500, 502, 503, 504) with a Google error body.</summary>
    ServerError,

    /// <summary>HTTP 403 with <see cref="Fault.Reason"/>: accessDenied, SERVICE_DISABLED, quotaExceeded, rateLimitExceeded, billingNotEnabled, IAM_PERMISSION_DENIED.</summary>
    Forbidden,

    /// <summary>HTTP 401 UNAUTHENTICATED.</summary>
    Unauthorized,

    /// <summary>HTTP 404 notFound.</summary>
    NotFound,

    /// <summary>No answer until the client gives up (or <see cref="Fault.Delay"/> passes).</summary>
    Timeout,

    /// <summary>HTTP 200 with a body that is not JSON.</summary>
    Malformed,

    /// <summary>The real response, cut in half: the declared Content-Length is never reached and the connection is aborted.</summary>
    Truncated,

    /// <summary>HTTP 200, <c>Content-Encoding: gzip</c>: about 1 MB on the wire that expands to <see cref="Fault.ExpandedBytes"/> (1 GB).</summary>
    GzipBomb,

    /// <summary>HTTP 302 to the same URL, forever.</summary>
    RedirectLoop,

    /// <summary>The real response with these top-level fields removed (<see cref="Fault.Without"/>): a 200 that lacks what a verdict needs.</summary>
    Lacking,
}

/// <summary>A fault to inject. Transient ones (429, 5xx, timeouts, truncated bodies, 403 rateLimitExceeded) should be retried away.</summary>
public sealed record Fault(FaultKind Kind)
{
    public int Status { get; init; } = 500;
    public string? Reason { get; init; }
    public int RetryAfterSeconds { get; init; } = 1;
    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(30);
    public long ExpandedBytes { get; init; } = 1L << 30;
    public IReadOnlyList<string> Without { get; init; } = Array.Empty<string>();

    public static Fault TooManyRequests(int retryAfterSeconds = 1) => new(FaultKind.TooManyRequests) { Status = 429, RetryAfterSeconds = retryAfterSeconds };
    public static Fault Server(int status) => new(FaultKind.ServerError) { Status = status };
    public static Fault Forbidden(string reason) => new(FaultKind.Forbidden) { Status = 403, Reason = reason };
    public static Fault Unauthorized() => new(FaultKind.Unauthorized) { Status = 401 };
    public static Fault NotFound() => new(FaultKind.NotFound) { Status = 404 };
    public static Fault Timeout() => new(FaultKind.Timeout);
    public static Fault Malformed() => new(FaultKind.Malformed) { Status = 200 };
    public static Fault Truncated() => new(FaultKind.Truncated) { Status = 200 };

    /// <summary>Accepts the request and never answers (until the client gives up).</summary>
    public static Fault Hang() => new(FaultKind.Timeout) { Delay = System.Threading.Timeout.InfiniteTimeSpan };
    public static Fault GzipBomb(long expandedBytes = 1L << 30) => new(FaultKind.GzipBomb) { Status = 200, ExpandedBytes = expandedBytes };
    public static Fault RedirectLoop() => new(FaultKind.RedirectLoop) { Status = 302 };

    /// <summary>The real 200 answer without these fields; a dotted name removes a nested one (<c>terminalCondition.state</c>).</summary>
    public static Fault Lacking(params string[] fields) => new(FaultKind.Lacking) { Status = 200, Without = fields };

    /// <summary>The faults a client must retry through (DESIGN.md: 429, 500, 502, 503, 504; plus timeouts, cut bodies and BigQuery's 403 rate limit).</summary>
    public static IReadOnlyList<Fault> Transient { get; } = new[]
    {
        TooManyRequests(), Server(500), Server(502), Server(503), Server(504), Timeout(), Truncated(), Forbidden("rateLimitExceeded"),
    };

    public override string ToString() => Kind switch
    {
        FaultKind.ServerError or FaultKind.TooManyRequests => $"{Kind} {Status}",
        FaultKind.Forbidden => $"Forbidden {Reason}",
        FaultKind.Lacking => $"Lacking {string.Join(",", Without)}",
        _ => Kind.ToString(),
    };
}

/// <summary>
/// Per-route fault injection: <c>Add("bigquery.tables.list", Fault.Server(503), times: 1)</c> fails the next
/// call of that route once; <c>AddEverywhere(fault, 1)</c> fails the first call of every route once (each
/// route counts on its own); <c>times: int.MaxValue</c> makes a fault permanent. A predicate can narrow
/// it to some requests (e.g. one dataset).
/// </summary>
public sealed class FakeFaults
{
    private readonly List<Entry> entries = new();
    private readonly object gate = new();

    public void Add(string routeId, Fault fault, int times = 1, Func<FakeRequest, bool>? when = null)
    {
        lock (gate)
        {
            entries.Add(new Entry(routeId, fault, times, when));
        }
    }

    /// <summary>Every route (token and metadata routes excluded unless <paramref name="includeAuth"/>) fails <paramref name="times"/> times on its own counter.</summary>
    public void AddEverywhere(Fault fault, int times = 1, bool includeAuth = false)
    {
        lock (gate)
        {
            entries.Add(new Entry(null, fault, times, null) { IncludeAuth = includeAuth });
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            entries.Clear();
        }
    }

    /// <summary>The fault to apply to this request, if any (consuming one use).</summary>
    internal Fault? Take(string routeId, bool isAuthRoute, FakeRequest request)
    {
        lock (gate)
        {
            foreach (var entry in entries)
            {
                if (entry.RouteId is not null && entry.RouteId != routeId)
                {
                    continue;
                }

                if (entry.RouteId is null && isAuthRoute && !entry.IncludeAuth)
                {
                    continue;
                }

                if (entry.When is not null && !entry.When(request))
                {
                    continue;
                }

                var used = entry.Uses.GetOrAdd(routeId, 0);
                if (used >= entry.Times)
                {
                    continue;
                }

                entry.Uses[routeId] = used + 1;
                return entry.Fault;
            }
        }

        return null;
    }

    private sealed record Entry(string? RouteId, Fault Fault, int Times, Func<FakeRequest, bool>? When)
    {
        public bool IncludeAuth { get; init; }
        public ConcurrentDictionary<string, int> Uses { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>One request as the fake saw it, and what it answered.</summary>
public sealed record LoggedRequest(
    DateTimeOffset Time,
    string Method,
    string Path,
    string Query,
    string? RouteId,
    int Status,
    bool HadAuthorization,
    string? Fault,
    string? RequestBody)
{
    /// <summary>The response body, when the log captures bodies.</summary>
    public string? ResponseBody { get; init; }

    public override string ToString() => $"{Method} {Path}{(Query.Length > 0 ? "?" + Query : "")} → {Status} [{RouteId}]{(Fault is null ? "" : $" fault {Fault}")}";
}

/// <summary>Every request in arrival order (thread-safe).</summary>
public sealed class FakeRequestLog
{
    private readonly ConcurrentQueue<LoggedRequest> entries = new();

    /// <summary>Keep response bodies (the contract test validates them against the discovery schemas).</summary>
    public bool CaptureBodies { get; set; }

    public IReadOnlyList<LoggedRequest> Entries => entries.ToArray();

    public void Clear() => entries.Clear();

    internal void Add(LoggedRequest entry) => entries.Enqueue(entry);

    public int Count(string routeId) => entries.Count(e => e.RouteId == routeId);

    /// <summary>Requests to API routes (token and metadata requests excluded).</summary>
    public IReadOnlyList<LoggedRequest> ApiRequests => entries.Where(e => e.RouteId is not null && !FakeRoutes.IsAuthRoute(e.RouteId)).ToArray();
}
