using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace BqxAudit.Cloud;

/// <summary>
/// Retries transient failures with a Polly 8 pipeline: 429, 500, 502, 503, 504 (and BigQuery's 403
/// rate limits), dropped connections and truncated bodies, and attempts that time out. Retry-After
/// is honoured up to a cap; otherwise the delay backs off exponentially with jitter. Each attempt
/// reads the whole body inside its timeout, so a body cut short is retried too. Cancellation by the
/// caller is never retried.
/// </summary>
public sealed class GcpRetryHandler : DelegatingHandler
{
    /// <summary>Set on the request: how many attempts the call took.</summary>
    public static readonly HttpRequestOptionsKey<int> Attempts = new("BqxAudit.Attempts");

    private readonly ResiliencePipeline<HttpResponseMessage> pipeline;

    public GcpRetryHandler(GcpHttpOptions options, HttpMessageHandler inner)
        : base(inner)
    {
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
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context.CancellationToken)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, options.MaxRetryAfter)),
            });
        }

        builder.AddTimeout(options.AttemptTimeout);
        pipeline = builder.Build();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var attempts = 0;
        try
        {
            return await pipeline.ExecuteAsync(async token =>
            {
                attempts++;
                var response = await base.SendAsync(request, token).ConfigureAwait(false);
                try
                {
                    await BufferAsync(response, token).ConfigureAwait(false);
                }
                catch
                {
                    response.Dispose();
                    throw;
                }

                return response;
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            request.Options.Set(Attempts, attempts);
        }
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, CancellationToken caller)
    {
        if (outcome.Exception is { } e)
        {
            if (caller.IsCancellationRequested)
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
        if (status is 429 or 500 or 502 or 503 or 504)
        {
            return true;
        }

        if (status == 403 && response.Content is ByteArrayContent)
        {
            // Buffered already: reading it again costs nothing.
            var body = response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
            return GcpErrorMapper.IsRetryable(status, body);
        }

        return false;
    }

    /// <summary>The server's Retry-After (seconds or an HTTP date), capped; null lets the backoff decide.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan cap)
    {
        var header = response?.Headers.RetryAfter;
        if (header is null)
        {
            return null;
        }

        TimeSpan? wait = header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        if (wait is null)
        {
            return null;
        }

        return wait.Value < TimeSpan.Zero ? TimeSpan.Zero : (wait.Value > cap ? cap : wait.Value);
    }

    private static async Task BufferAsync(HttpResponseMessage response, CancellationToken token)
    {
        var original = response.Content;
        var bytes = await original.ReadAsByteArrayAsync(token).ConfigureAwait(false);
        var buffered = new ByteArrayContent(bytes);
        foreach (var header in original.Headers)
        {
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        buffered.Headers.ContentLength = bytes.Length;
        response.Content = buffered;
        original.Dispose();
    }
}
