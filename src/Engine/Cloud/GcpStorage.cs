using System.Diagnostics;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Google.Apis.Http;
using Google.Apis.Services;
using Google.Apis.Storage.v1;
using Google.Cloud.Storage.V1;
using StorageData = Google.Apis.Storage.v1.Data;

namespace BqxAudit.Cloud;

/// <summary>
/// Cloud Storage through Google.Cloud.Storage.V1's <see cref="StorageClient"/>, held to the session's rules:
/// the session's endpoint (profile <c>gcp.endpoints.storage</c>, BQXAUDIT_GCP_ENDPOINT, STORAGE_EMULATOR_HOST)
/// and credentials (none for a replaced endpoint unless a key file is given), and the session's one retry
/// policy: the client's own retries are off (<see cref="RetryOptions.Never"/>, no back-off handler, no
/// redirects, one try per request in Google.Apis), so every HTTP request goes once through
/// <see cref="GcpRetryHandler"/>. Error answers become the same typed <see cref="GcpException"/>s as every
/// other API's, from the response's reasons; each request is recorded as evidence like the REST calls.
/// </summary>
internal sealed class GcpStorage : IDisposable
{
    /// <summary>The fields of objects.list the checks read (count, bytes, newest update) and the page token.</summary>
    public const string ObjectFields = "items(name,size,updated,timeCreated),nextPageToken";

    private static readonly AsyncLocal<CallContext?> Current = new();

    private readonly GcpSession session;
    private readonly StorageService service;
    private readonly StorageClient client;

    public GcpStorage(GcpSession session)
    {
        this.session = session;
        var endpoint = session.Endpoints[GcpApi.Storage];
        var root = new Uri(endpoint.Root, GcpApi.Storage.ServicePath).AbsoluteUri;
        service = new StorageService(new BaseClientService.Initializer
        {
            BaseUri = root,
            HttpClientFactory = new HandlerFactory(session),
            HttpClientInitializer = RetryingHttpClientFactory.NoRedirects.Instance,
            DefaultExponentialBackOffPolicy = Google.Apis.Http.ExponentialBackOffPolicy.None,
            ApplicationName = "bqx-audit/" + GcpSession.UserAgentVersion,
            GZipEnabled = true,
        });
        client = new StorageClientImpl(service);
    }

    public Task<StorageData.Bucket> GetBucketAsync(string bucket, CallRecorder? recorder, CancellationToken cancellation) =>
        CallAsync(GcpMethods.BucketsGet, recorder, cancellation,
            () => client.GetBucketAsync(bucket, new GetBucketOptions { Projection = Projection.NoAcl, RetryOptions = RetryOptions.Never }, cancellation));

    public async Task<IReadOnlyList<string>> TestBucketPermissionsAsync(string bucket, IReadOnlyList<string> permissions, CallRecorder? recorder, CancellationToken cancellation)
    {
        var granted = await CallAsync(GcpMethods.BucketsTestIamPermissions, recorder, cancellation,
            () => client.TestBucketIamPermissionsAsync(bucket, permissions, new TestBucketIamPermissionsOptions { RetryOptions = RetryOptions.Never }, cancellation)).ConfigureAwait(false);
        return granted?.ToList() ?? new List<string>();
    }

    /// <summary>
    /// Every page of objects under a prefix (<c>maxResults=1000</c>, <c>fields</c> limited to <see cref="ObjectFields"/>), one
    /// <c>ReadPageAsync</c> per page token, so a repeated token ends the listing as an error instead of a loop.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<StorageData.Object>> ListObjectPagesAsync(string bucket, string? prefix, CallRecorder? recorder, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var method = GcpMethods.ObjectsList;
        string? token = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            cancellation.ThrowIfCancellationRequested();
            var options = new ListObjectsOptions
            {
                PageSize = StorageApi.ObjectsPageSize,
                Projection = Projection.NoAcl,
                Fields = ObjectFields,
                PageToken = token,
                RetryOptions = RetryOptions.Never,
            };
            var page = await CallAsync(method, recorder, cancellation,
                () => client.ListObjectsAsync(bucket, string.IsNullOrEmpty(prefix) ? null : prefix, options).ReadPageAsync(StorageApi.ObjectsPageSize, cancellation)).ConfigureAwait(false);
            yield return page.ToList();
            token = string.IsNullOrEmpty(page.NextPageToken) ? null : page.NextPageToken;
            if (token is not null && !seen.Add(token))
            {
                throw new GcpMalformedResponseException($"{method.Id}: the server repeated page token '{token}'", method, 200);
            }
        }
        while (token is not null);
    }

    public void Dispose() => service.Dispose();

    /// <summary>Runs one client call with the method, recorder and credentials the handler below needs; maps what the client throws.</summary>
    private async Task<T> CallAsync<T>(GcpMethod method, CallRecorder? recorder, CancellationToken cancellation, Func<Task<T>> call)
    {
        var previous = Current.Value;
        try
        {
            var credential = await session.CredentialForAsync(GcpApi.Storage, method).ConfigureAwait(false);
            Current.Value = new CallContext(method, recorder, credential);
            return await call().ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellation.IsCancellationRequested && session.Deadline.Token.IsCancellationRequested)
        {
            throw session.DeadlineExceeded(method, e);
        }
        catch (Newtonsoft.Json.JsonException e)
        {
            throw new GcpMalformedResponseException($"{method.Id}: the response is not the JSON the method returns ({e.GetType().Name})", method, 200, e);
        }
        catch (ArgumentException e)
        {
            // The client checks bucket names before sending anything.
            throw new GcpException(GcpErrorKind.InvalidRequest, $"{method.Id}: {e.Message}", method, reason: "invalid argument");
        }
        finally
        {
            Current.Value = previous;
        }
    }

    private sealed record CallContext(GcpMethod Method, CallRecorder? Recorder, GcpCredential? Credential);

    /// <summary>The HTTP stack under the client: <see cref="CallHandler"/> over the session's retry policy and transport.</summary>
    private sealed class HandlerFactory : HttpClientFactory
    {
        private readonly GcpSession session;

        public HandlerFactory(GcpSession session) => this.session = session;

        protected override HttpMessageHandler CreateHandler(CreateHttpClientArgs args) =>
            new CallHandler(session, new GcpRetryHandler(session.Options, GcpRetryHandler.CreateTransport(session.Options), session.Deadline));
    }

    /// <summary>Per HTTP request: the bearer token, the deadline, the typed error of an error answer, and the call's evidence.</summary>
    private sealed class CallHandler : DelegatingHandler
    {
        private readonly GcpSession session;

        public CallHandler(GcpSession session, HttpMessageHandler inner)
            : base(inner) => this.session = session;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var context = Current.Value ?? throw new InvalidOperationException("a Cloud Storage request outside a GcpStorage call");
            var method = context.Method;
            var watch = Stopwatch.StartNew();
            int? status = null;
            var attempts = 0;
            GcpErrorKind? error = null;
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.Deadline.Token);
            try
            {
                if (context.Credential is { } credential)
                {
                    var token = await credential.GetAccessTokenAsync(request.RequestUri!.AbsoluteUri, method, linked.Token).ConfigureAwait(false);
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                    if (credential.QuotaProject is { Length: > 0 } quota)
                    {
                        request.Headers.TryAddWithoutValidation("x-goog-user-project", quota);
                    }
                }

                HttpResponseMessage response;
                try
                {
                    response = await base.SendAsync(request, linked.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (session.Translate(e, method, request, cancellationToken) is { } translated)
                {
                    throw translated;
                }
                finally
                {
                    request.Options.TryGetValue(GcpRetryHandler.Attempts, out attempts);
                }

                status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    return response;
                }

                using (response)
                {
                    var bytes = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
                    throw session.FromResponse(method, response, request, bytes);
                }
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && session.Deadline.Token.IsCancellationRequested)
            {
                error = GcpErrorKind.DeadlineExceeded;
                throw session.DeadlineExceeded(method, e);
            }
            catch (GcpException e)
            {
                error = e.Kind;
                throw;
            }
            finally
            {
                watch.Stop();
                session.Record(context.Recorder, method, status, attempts, watch.ElapsedMilliseconds, error, request.RequestUri);
            }
        }
    }
}
