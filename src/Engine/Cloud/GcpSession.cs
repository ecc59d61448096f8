using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BqxAudit.Hosting;
using BqxAudit.Model;
using Polly.Timeout;

namespace BqxAudit.Cloud;

/// <summary>What a session needs: the profile's endpoint overrides, an optional key file, the environment, timing.</summary>
public sealed class GcpSessionOptions
{
    /// <summary><c>gcp.endpoints</c> of the profile.</summary>
    public IReadOnlyDictionary<string, string> Endpoints { get; init; } = new Dictionary<string, string>();

    /// <summary>Where the profile came from, for messages about its endpoints.</summary>
    public string ProfileSource { get; init; } = "profile";

    /// <summary><c>--credentials</c> / <c>-CredentialPath</c>.</summary>
    public string? CredentialPath { get; init; }

    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    public GcpHttpOptions Http { get; init; } = GcpHttpOptions.Default;

    public IAuditHost Host { get; init; } = NullHost.Instance;

    /// <summary>A key file read and its token asked for before the session (<see cref="GcpEarlyCredential"/>); used when it was started with this session's credential path, environment and HTTP options.</summary>
    public GcpEarlyCredential? Early { get; init; }
}

/// <summary>
/// The key file read, and its token asked for, on another thread while the run loads its profile: the token round trip
/// is the first link of a cloud run's longest chain (the tables.list pages follow it), and neither reading the key file
/// nor the token exchange needs the profile (the token goes to the key file's token_uri). A session created with the
/// same credential path, environment and HTTP options takes it over (<see cref="GcpSessionOptions.Early"/>); any other
/// session, or a second one, starts its own. A key file that cannot be used is reported when the session is created,
/// after the profile's errors, as without it.
/// </summary>
public sealed class GcpEarlyCredential
{
    private readonly string? credentialPath;
    private readonly Func<string, string?> environment;
    private readonly GcpHttpOptions http;
    private readonly Task<KeyFileRead> started;
    private int taken;

    private GcpEarlyCredential(string? credentialPath, Func<string, string?> environment, GcpHttpOptions http)
    {
        this.credentialPath = credentialPath;
        this.environment = environment;
        this.http = http;
        started = Task.Run(() =>
        {
            var read = KeyFileRead.Read(credentialPath, environment, http);
            read.KeyFile.Credential?.StartWarmUp(new Uri(GcpApi.BigQuery.DefaultRootUrl).AbsoluteUri, read.Deadline.Token);
            return read;
        });
        started.ObserveFaults();
    }

    /// <summary>Starts reading the key file (<paramref name="credentialPath"/> or GOOGLE_APPLICATION_CREDENTIALS) and, when there is one, its token request.</summary>
    public static GcpEarlyCredential Start(string? credentialPath, Func<string, string?> environment, GcpHttpOptions http) =>
        new(credentialPath, environment, http);

    /// <summary>What was read, for the first session created with the same inputs; null for any other (it reads its own).</summary>
    internal KeyFileRead? TakeFor(GcpSessionOptions options)
    {
        if (options.CredentialPath != credentialPath || !options.Environment.Equals(environment) || !ReferenceEquals(options.Http, http)
            || Interlocked.Exchange(ref taken, 1) != 0)
        {
            return null;
        }

        return started.GetAwaiter().GetResult(); // rethrows the key file's BqxException
    }
}

/// <summary>A session's credential resolver, its key file (if any) and its cloud deadline (<paramref name="Owned"/>: the session disposes it).</summary>
internal readonly record struct KeyFileRead(GcpCredentialResolver Resolver, CredentialLookup KeyFile, CloudDeadline Deadline, bool Owned)
{
    /// <summary>Reads the key file named by <paramref name="credentialPath"/> or the environment; an unusable <c>--credentials</c> file is a <see cref="BqxException"/>.</summary>
    public static KeyFileRead Read(string? credentialPath, Func<string, string?> environment, GcpHttpOptions http)
    {
        var deadline = http.DeadlineForSession(out var owned);
        try
        {
            var resolver = new GcpCredentialResolver(environment, http, deadline);
            StartupTrace.Mark("cloud: resolver");
            var keyFile = resolver.LoadKeyFile(credentialPath);
            StartupTrace.Mark("cloud: key file");
            return new KeyFileRead(resolver, keyFile, deadline, owned);
        }
        catch
        {
            if (owned)
            {
                deadline.Dispose();
            }

            throw;
        }
    }
}

/// <summary>One call as it happened, for evidence: verb, method id, final status, attempts, time.</summary>
public sealed record ApiCall(string HttpMethod, string MethodId, int? Status, int Attempts, long DurationMs, GcpErrorKind? Error)
{
    public string Location => $"{HttpMethod} {MethodId} {(Status is { } s ? s.ToString(CultureInfo.InvariantCulture) : Error?.ToString() ?? "")}".TrimEnd();
}

/// <summary>Collects the calls made for one check (thread-safe), and summarizes them as evidence.</summary>
public sealed class CallRecorder
{
    private readonly ConcurrentQueue<ApiCall> calls = new();

    public IReadOnlyCollection<ApiCall> Calls => calls;

    public void Add(ApiCall call) => calls.Enqueue(call);

    /// <summary>One evidence line per (verb, method, status): how many calls, how many retries.</summary>
    public IEnumerable<Evidence> Summarize() =>
        calls.GroupBy(c => c.Location)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var n = g.Count();
                var retries = g.Sum(c => Math.Max(0, c.Attempts - 1));
                var detail = $"{n} call{(n == 1 ? "" : "s")}, {g.Sum(c => c.DurationMs)} ms" + (retries > 0 ? $", {retries} retr{(retries == 1 ? "y" : "ies")}" : "");
                return new Evidence("api", g.Key, detail);
            });
}

/// <summary>A request to one <see cref="GcpMethod"/>: path values, query parameters (repeatable), body.</summary>
public sealed class GcpRequest
{
    private readonly Dictionary<string, string> path = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, string>> query = new();

    public GcpRequest(GcpMethod method) => Method = method;

    public GcpMethod Method { get; }

    public object? Content { get; private set; }

    public IReadOnlyDictionary<string, string> PathValues => path;

    public IReadOnlyList<KeyValuePair<string, string>> QueryValues => query;

    public GcpRequest WithPath(string name, string value)
    {
        path[name] = value;
        return this;
    }

    /// <summary>Adds a query parameter (null values are skipped); only parameters the method declares are allowed.</summary>
    public GcpRequest WithQuery(string name, string? value)
    {
        if (!Method.QueryParameters.Contains(name) && !GcpMethod.StandardParameters.Contains(name))
        {
            throw new InvalidOperationException($"{Method.Id} does not declare query parameter '{name}'");
        }

        if (value is not null)
        {
            query.Add(new(name, value));
        }

        return this;
    }

    public GcpRequest WithBody(object body)
    {
        if (Method.Request is null || !Method.Request.IsInstanceOfType(body))
        {
            throw new InvalidOperationException($"{Method.Id} takes {Method.Request?.Name ?? "no body"}, not {body.GetType().Name}");
        }

        Content = body;
        return this;
    }
}

/// <summary>
/// A session with Google's APIs: resolved endpoints, credentials, and one HTTP client whose handler
/// retries (Polly). Calls to replaced endpoints carry no credentials unless a key file was given.
/// Disposing it closes the connections.
/// </summary>
public sealed class GcpSession : IDisposable
{
    private readonly HttpClient http;
    private readonly IAuditHost host;
    private readonly GcpCredentialResolver resolver;
    private readonly CredentialLookup keyFile;
    private readonly Lazy<Task<CredentialLookup>> ambient;
    private readonly Lazy<GcpStorage> storage;
    private bool ownsDeadline = true;

    private GcpSession(GcpEndpoints endpoints, GcpCredentialResolver resolver, CredentialLookup keyFile, GcpHttpOptions options, IAuditHost host, CloudDeadline deadline)
    {
        Endpoints = endpoints;
        this.resolver = resolver;
        this.keyFile = keyFile;
        this.host = host;
        Options = options;
        Deadline = deadline;
        http = new HttpClient(new GcpRetryHandler(options, GcpRetryHandler.CreateTransport(options), deadline)) { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("bqx-audit", UserAgentVersion));
        ambient = new(() => resolver.FindAmbientAsync(deadline.Token));
        storage = new(() => new GcpStorage(this));
    }

    internal static string UserAgentVersion => typeof(GcpSession).Assembly.GetName().Version?.ToString(3) ?? "0";

    /// <summary>The cloud phase's deadline: started by this session, or by the first session of the run (<see cref="GcpHttpOptions.OneDeadlinePerRun"/>).</summary>
    public CloudDeadline Deadline { get; }

    /// <summary>Cloud Storage through Google.Cloud.Storage.V1's StorageClient, on this session's credentials, endpoint and retry policy.</summary>
    internal GcpStorage Storage => storage.Value;

    public GcpEndpoints Endpoints { get; }

    public GcpHttpOptions Options { get; }

    /// <summary>The key file in use (<c>--credentials</c> or GOOGLE_APPLICATION_CREDENTIALS), if any.</summary>
    public GcpCredential? KeyFile => keyFile.Credential;

    /// <summary>Resolves endpoints and the key file; a bad profile endpoint or an unusable <c>--credentials</c> file is a <see cref="BqxException"/>.</summary>
    public static GcpSession Create(GcpSessionOptions options)
    {
        var endpoints = GcpEndpoints.Resolve(options.Endpoints, options.Environment, options.ProfileSource);
        var read = options.Early?.TakeFor(options) ?? KeyFileRead.Read(options.CredentialPath, options.Environment, options.Http);
        try
        {
            return new GcpSession(endpoints, read.Resolver, read.KeyFile, options.Http, options.Host, read.Deadline) { ownsDeadline = read.Owned };
        }
        catch
        {
            if (read.Owned)
            {
                read.Deadline.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// The credentials a call to <paramref name="api"/> uses: the key file if any; none for a replaced
    /// endpoint; else the ambient ones (gcloud ADC file, metadata server). Throws
    /// <see cref="GcpCredentialsMissingException"/> when an API needs credentials and there are none.
    /// </summary>
    public async Task<GcpCredential?> CredentialForAsync(GcpApi api, GcpMethod? method = null)
    {
        if (keyFile.Credential is { } key)
        {
            return key;
        }

        if (keyFile.Problem is { } problem && !Endpoints[api].Replaced)
        {
            throw new GcpCredentialsMissingException(problem, keyFile.Remedy, method);
        }

        if (Endpoints[api].Replaced)
        {
            return null;
        }

        var found = await ambient.Value.ConfigureAwait(false);
        return found.Credential ?? throw new GcpCredentialsMissingException(found.Problem ?? "no credentials found", found.Remedy, method);
    }

    /// <summary>Starts the key file's token request (when a key file is in use), ahead of the first call; see <see cref="GcpCredential.StartWarmUp"/>.</summary>
    public void WarmUp(GcpApi api)
    {
        if (keyFile.Credential is { } key)
        {
            key.StartWarmUp(Endpoints[api].Root.AbsoluteUri, Deadline.Token);
        }
    }

    /// <summary>Where a call would look for credentials, for messages (<c>gcloud ADC file</c>, <c>none (replaced endpoint)</c> …).</summary>
    public string DescribeCredentials(GcpApi api) =>
        keyFile.Credential?.Source ?? (Endpoints[api].Replaced ? $"none (endpoint replaced by {Endpoints[api].Source})" : "Application Default Credentials");

    public string? AdcFilePath => resolver.AdcFilePath();

    /// <summary>Sends one request and returns its typed response, or throws a <see cref="GcpException"/>.</summary>
    public async Task<T> SendAsync<T>(GcpRequest request, CallRecorder? recorder, CancellationToken cancellation) where T : class
    {
        var method = request.Method;
        if (!typeof(T).IsAssignableFrom(method.Response))
        {
            throw new InvalidOperationException($"{method.Id} returns {method.Response.Name}, not {typeof(T).Name}");
        }

        var endpoint = Endpoints[method.Api];
        var url = BuildUrl(endpoint, request);
        var watch = Stopwatch.StartNew();
        int? status = null;
        var attempts = 0;
        var sent = false;
        GcpErrorKind? error = null;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, Deadline.Token);
        var token = linked.Token;
        try
        {
            using var message = new HttpRequestMessage(new HttpMethod(method.HttpMethod), url);
            try
            {
                var credential = await CredentialForAsync(method.Api, method).ConfigureAwait(false);
                if (credential is not null)
                {
                    var access = await credential.GetAccessTokenAsync(url.AbsoluteUri, method, token).ConfigureAwait(false);
                    message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access);
                    if (credential.QuotaProject is { Length: > 0 } quota)
                    {
                        message.Headers.TryAddWithoutValidation("x-goog-user-project", quota);
                    }
                }

                if (request.Content is { } body)
                {
                    message.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, method.Request!, GcpJson.Options));
                    message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                }

                HttpResponseMessage response;
                sent = true;
                try
                {
                    response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                }
                catch (Exception e) when (Translate(e, method, message, cancellation) is { } translated)
                {
                    message.Options.TryGetValue(GcpRetryHandler.Attempts, out attempts);
                    throw translated;
                }

                using (response)
                {
                    message.Options.TryGetValue(GcpRetryHandler.Attempts, out attempts);
                    status = (int)response.StatusCode;
                    if (StartupTrace.Enabled)
                    {
                        StartupTrace.Mark($"cloud: {method.Id} {status} headers");
                    }

                    var bytes = await response.Content.ReadAsByteArrayAsync(token).ConfigureAwait(false);
                    if (!response.IsSuccessStatusCode)
                    {
                        throw FromResponse(method, response, message, bytes);
                    }

                    return Deserialize<T>(method, status.Value, bytes);
                }
            }
            catch (OperationCanceledException e) when (!cancellation.IsCancellationRequested && Deadline.Token.IsCancellationRequested)
            {
                throw DeadlineExceeded(method, e);
            }
        }
        catch (GcpException e)
        {
            error = e.Kind;
            throw;
        }
        finally
        {
            watch.Stop();
            if (sent)
            {
                Record(recorder, method, status, attempts, watch.ElapsedMilliseconds, error, url);
            }
        }
    }

    /// <summary>One call as evidence (the recorder) and as a verbose line (redacted).</summary>
    internal void Record(CallRecorder? recorder, GcpMethod method, int? status, int attempts, long ms, GcpErrorKind? error, Uri? url)
    {
        recorder?.Add(new ApiCall(method.HttpMethod, method.Id, status, Math.Max(attempts, 1), ms, error));
        host.WriteVerbose(SecretRedactor.Redact(
            $"{method.HttpMethod} {method.Id} {(status?.ToString(CultureInfo.InvariantCulture) ?? error?.ToString() ?? "cancelled")} {url} ({ms} ms, {Math.Max(attempts, 1)} attempt(s))"));
    }

    /// <summary>The typed exception for an error answer: a redirect (never followed), a refused Retry-After, else by reason and status.</summary>
    internal GcpException FromResponse(GcpMethod method, HttpResponseMessage response, HttpRequestMessage message, byte[] bytes)
    {
        var status = (int)response.StatusCode;
        if (status is >= 300 and < 400)
        {
            var to = response.Headers.Location is { } location ? $" to {location}" : "";
            return new GcpRedirectException($"{method.Id}: the server redirected{to} (HTTP {status}); redirects are not followed", method, status);
        }

        if (message.Options.TryGetValue(GcpRetryHandler.RetryRefused, out var wait))
        {
            return new GcpRetryRefusedException(
                $"{method.Id}: HTTP {status} asks to retry after {wait.TotalSeconds:0} s (Retry-After), beyond the cloud deadline of {Deadline.Describe()} ({Deadline.Remaining.TotalSeconds:0} s left); not retried",
                method, status, wait);
        }

        return GcpErrorMapper.FromResponse(method, status, bytes);
    }

    /// <summary>What a failed send becomes: deadline, too large, no answer; null for the caller's own cancellation (rethrown as is).</summary>
    internal GcpException? Translate(Exception e, GcpMethod method, HttpRequestMessage? message, CancellationToken caller)
    {
        if (caller.IsCancellationRequested && e is OperationCanceledException)
        {
            return null;
        }

        var attempts = 0;
        message?.Options.TryGetValue(GcpRetryHandler.Attempts, out attempts);
        return e switch
        {
            ResponseTooLargeException big => new GcpResponseTooLargeException($"{method.Id}: {big.Message}", method, big.Status),
            OperationCanceledException or TimeoutRejectedException when Deadline.Token.IsCancellationRequested => DeadlineExceeded(method, e),
            HttpRequestException or IOException or OperationCanceledException or TimeoutRejectedException =>
                new GcpTransientException($"{method.Id}: no answer after {attempts} attempt(s) ({Describe(e)})", method, null, null, e),
            _ => null,
        };
    }

    internal GcpDeadlineExceededException DeadlineExceeded(GcpMethod? method, Exception? inner) =>
        new($"{method?.Id ?? "the call"}: the cloud deadline of {Deadline.Describe()} passed before it finished", method, inner);

    public void Dispose()
    {
        if (storage.IsValueCreated)
        {
            storage.Value.Dispose();
        }

        http.Dispose();
        if (ownsDeadline)
        {
            Deadline.Dispose();
        }
    }

    internal static Uri BuildUrl(GcpEndpoint endpoint, GcpRequest request)
    {
        var path = request.Method.ExpandPath(request.PathValues);
        if (request.QueryValues.Count == 0)
        {
            return endpoint.Resolve(path);
        }

        var sb = new StringBuilder(path).Append('?');
        for (var i = 0; i < request.QueryValues.Count; i++)
        {
            if (i > 0)
            {
                sb.Append('&');
            }

            sb.Append(Uri.EscapeDataString(request.QueryValues[i].Key)).Append('=').Append(Uri.EscapeDataString(request.QueryValues[i].Value));
        }

        return endpoint.Resolve(sb.ToString());
    }

    private static T Deserialize<T>(GcpMethod method, int status, byte[] bytes) where T : class
    {
        if (bytes.Length == 0)
        {
            throw new GcpMalformedResponseException($"{method.Id}: empty response body", method, status);
        }

        try
        {
            return (T?)JsonSerializer.Deserialize(bytes, method.Response, GcpJson.Options)
                ?? throw new GcpMalformedResponseException($"{method.Id}: response body is null", method, status);
        }
        catch (JsonException e)
        {
            throw new GcpMalformedResponseException($"{method.Id}: response is not a {method.Response.Name} ({e.Message})", method, status, e);
        }
    }

    private static string Describe(Exception e) => e switch
    {
        TimeoutRejectedException => "timed out",
        HttpRequestException h when h.HttpRequestError != HttpRequestError.Unknown => h.HttpRequestError.ToString(),
        _ => e.GetType().Name,
    };
}
