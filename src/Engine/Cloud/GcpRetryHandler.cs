using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace BqxAudit.Cloud;

/// <summary>
/// The one retry policy of every call, Cloud Storage's included (a Polly 8 pipeline): 429, 500, 502, 503,
/// 504 (and BigQuery's 403 rate limits), dropped connections and truncated bodies, and attempts that time
/// out, at most <see cref="GcpHttpOptions.MaxAttempts"/> attempts. Retry-After is honoured up to
/// <see cref="GcpHttpOptions.MaxRetryAfter"/>; a Retry-After that would end after the cloud deadline is not
/// waited for at all (the call ends with the server's answer, marked <see cref="RetryRefused"/>); otherwise
/// the delay backs off exponentially with jitter. Each attempt reads the whole body inside its timeout, up
/// to <see cref="GcpHttpOptions.MaxResponseBytes"/> once decompressed, so a body cut short is retried and a
/// body too large is an error, read no further. Cancellation by the caller is never retried.
/// </summary>
public sealed class GcpRetryHandler : DelegatingHandler
{
    /// <summary>Set on the request: how many attempts the call took.</summary>
    public static readonly HttpRequestOptionsKey<int> Attempts = new("BqxAudit.Attempts");

    /// <summary>Set on the request when the server's Retry-After would have ended after the cloud deadline: the wait asked for.</summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> RetryRefused = new("BqxAudit.RetryRefused");

    private static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("BqxAudit.Request");

    private readonly ResiliencePipeline<HttpResponseMessage> pipeline;
    private readonly long maxResponseBytes;

    public GcpRetryHandler(GcpHttpOptions options, HttpMessageHandler inner, CloudDeadline? deadline = null)
        : base(inner)
    {
        maxResponseBytes = options.MaxResponseBytes;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = options.UseJitter,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context, deadline)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result) is { } wait ? (wait > options.MaxRetryAfter ? options.MaxRetryAfter : wait) : (TimeSpan?)null),
            });
        }

        builder.AddTimeout(options.AttemptTimeout);
        pipeline = builder.Build();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var attempts = 0;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        try
        {
            return await pipeline.ExecuteAsync(async ctx =>
            {
                attempts++;
                var response = await base.SendAsync(request, ctx.CancellationToken).ConfigureAwait(false);
                try
                {
                    await BufferAsync(response, maxResponseBytes, ctx.CancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    response.Dispose();
                    throw;
                }

                return response;
            }, context).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
            request.Options.Set(Attempts, attempts);
        }
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, CloudDeadline? deadline)
    {
        var caller = context.CancellationToken;
        if (outcome.Exception is { } e)
        {
            if (caller.IsCancellationRequested || deadline?.Passed == true)
            {
                return false;
            }

            return e is HttpRequestException or TimeoutRejectedException or IOException
                || (e is OperationCanceledException && !caller.IsCancellationRequested);
        }

        if (outcome.Result is not { } response)
        {
            return false;
        }

        var status = (int)response.StatusCode;
        var retryable = status is 429 or 500 or 502 or 503 or 504;
        if (!retryable && status == 403 && response.Content is ByteArrayContent)
        {
            // Buffered already: reading it again costs nothing.
            var body = response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
            retryable = GcpErrorMapper.IsRetryable(status, body);
        }

        if (!retryable)
        {
            return false;
        }

        // A wait the server asks for that would end after the deadline is not taken: the call ends now, saying why.
        if (deadline is not null && RetryAfter(response) is { } wait && wait > deadline.Remaining
            && context.Properties.TryGetValue(RequestKey, out var request))
        {
            request.Options.Set(RetryRefused, wait);
            return false;
        }

        return true;
    }

    /// <summary>The server's Retry-After (seconds or an HTTP date); null lets the backoff decide.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        if (header is null)
        {
            return null;
        }

        TimeSpan? wait = header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return wait is null ? null : wait.Value < TimeSpan.Zero ? TimeSpan.Zero : wait.Value;
    }

    /// <summary>Reads the whole body (decompressed) into memory, failing as soon as it passes <paramref name="limit"/>.</summary>
    private static async Task BufferAsync(HttpResponseMessage response, long limit, CancellationToken token)
    {
        var original = response.Content;
        if (original.Headers.ContentLength is { } declared && declared > limit && original.Headers.ContentEncoding.Count == 0)
        {
            throw new ResponseTooLargeException(limit, (int)response.StatusCode);
        }

        using var buffer = new MemoryStream();
        await using (var stream = await original.ReadAsStreamAsync(token).ConfigureAwait(false))
        {
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, token).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw new ResponseTooLargeException(limit, (int)response.StatusCode);
                }

                buffer.Write(chunk, 0, read);
            }
        }

        var bytes = buffer.ToArray();
        var buffered = new ByteArrayContent(bytes);
        foreach (var header in original.Headers)
        {
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase)
                && !string.Equals(header.Key, "Content-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        buffered.Headers.ContentLength = bytes.Length;
        response.Content = buffered;
        original.Dispose();
    }

    /// <summary>
    /// The HTTP handler under every session: no redirects (a 3xx is the call's answer), short connects, and
    /// responses decompressed here so the cap above counts decompressed bytes.
    /// </summary>
    public static SocketsHttpHandler CreateTransport(GcpHttpOptions options) => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        MaxConnectionsPerServer = 32,
        AutomaticDecompression = System.Net.DecompressionMethods.All,
        AllowAutoRedirect = false,
        ConnectTimeout = options.ConnectTimeout,
    };
}

/// <summary>Thrown by <see cref="GcpRetryHandler"/> when a body passes the cap; the session names the call. Never retried.</summary>
public sealed class ResponseTooLargeException : Exception
{
    public ResponseTooLargeException(long limit, int status)
        : base($"the response is larger than the {limit / (1024 * 1024)} MB cap once decompressed; it was not read further")
    {
        Limit = limit;
        Status = status;
    }

    public long Limit { get; }

    public int Status { get; }
}
