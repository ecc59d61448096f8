using System.Text.Json;
using BqxAudit.Hosting;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Flows;
using Google.Apis.Auth.OAuth2.Responses;
using Google.Apis.Http;

namespace BqxAudit.Cloud;

/// <summary>
/// Credentials from Google.Apis.Auth with the cloud-platform scope, described without secrets:
/// where they came from and whose they are. Tokens are fetched and refreshed by the library.
/// </summary>
public sealed class GcpCredential
{
    public const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

    private readonly ITokenAccess access;

    internal GcpCredential(ITokenAccess access, string source, bool isKeyFile, string? principal, string? projectId, string? quotaProject)
    {
        this.access = access;
        Source = source;
        IsKeyFile = isKeyFile;
        Principal = principal;
        ProjectId = projectId;
        QuotaProject = quotaProject;
    }

    /// <summary>e.g. <c>key file /keys/sa.json</c>, <c>gcloud ADC file …</c>, <c>metadata server 169.254.169.254</c>.</summary>
    public string Source { get; }

    /// <summary>True for a key file named by <c>--credentials</c> or GOOGLE_APPLICATION_CREDENTIALS.</summary>
    public bool IsKeyFile { get; }

    /// <summary>The service account's email when the file names one.</summary>
    public string? Principal { get; }

    /// <summary>The key file's <c>private_key_id</c> (an identifier, not a secret), to tell which key is in use.</summary>
    public string? KeyId { get; init; }

    /// <summary>Asks the source who the principal is when the credentials do not say (the metadata server's email).</summary>
    internal Func<CancellationToken, Task<string?>>? PrincipalLookup { get; init; }

    /// <summary>
    /// The principal's email: the key file's <c>client_email</c>, or for the metadata server its
    /// <c>service-accounts/default/email</c>; null when the credentials cannot name it (user credentials).
    /// </summary>
    public async Task<string?> ResolvePrincipalAsync(CancellationToken cancellation) =>
        Principal ?? (PrincipalLookup is null ? null : await PrincipalLookup(cancellation).ConfigureAwait(false));

    public string? ProjectId { get; }

    /// <summary>Sent as <c>x-goog-user-project</c> (user credentials with a quota project).</summary>
    public string? QuotaProject { get; }

    /// <summary>An access token for a request, mapped to a typed exception when the token endpoint refuses.</summary>
    private Task<string>? warm;

    /// <summary>
    /// Starts obtaining an access token now, so the first call does not wait a token round trip behind the work
    /// done before it (planning, the inventory an API check needs). The first caller takes this request's outcome,
    /// an error included, so a failing token endpoint is asked once, as without it; callers meanwhile join the
    /// same refresh (Google.Apis.Auth shares one in flight).
    /// </summary>
    internal void StartWarmUp(string uri, CancellationToken cancellation)
    {
        if (warm is null)
        {
            StartupTrace.Mark("cloud: token warm-up");
            var started = access.GetAccessTokenForRequestAsync(uri, cancellation);
            if (StartupTrace.Enabled)
            {
                _ = started.ContinueWith(static _ => StartupTrace.Mark("cloud: token answered"), TaskScheduler.Default);
            }

            started.ObserveFaults();
            Interlocked.CompareExchange(ref warm, started, null);
        }
    }

    internal async Task<string> GetAccessTokenAsync(string uri, GcpMethod? method, CancellationToken cancellation)
    {
        try
        {
            if (Interlocked.Exchange(ref warm, null) is { } first)
            {
                return await first.WaitAsync(cancellation).ConfigureAwait(false);
            }

            return await access.GetAccessTokenForRequestAsync(uri, cancellation).ConfigureAwait(false);
        }
        catch (TokenResponseException e)
        {
            throw GcpErrorMapper.FromTokenError(e, method);
        }
        catch (Exception e) when (Innermost<ResponseTooLargeException>(e) is { } big)
        {
            throw new GcpResponseTooLargeException($"the token endpoint of {Source}: {big.Message}", method, big.Status) { LocationOverride = "POST oauth2.token" };
        }
        catch (Exception e) when (Innermost<TokenRedirectException>(e) is { } redirect)
        {
            throw new GcpRedirectException($"the token endpoint of {Source} redirected{(redirect.Location is null ? "" : " to " + redirect.Location)} (HTTP {redirect.Status}); redirects are not followed",
                method, redirect.Status) { LocationOverride = "POST oauth2.token" };
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or Polly.Timeout.TimeoutRejectedException)
        {
            throw new GcpTransientException($"could not reach the token endpoint of {Source} ({e.GetType().Name})", method, null, null, e) { LocationOverride = "POST oauth2.token" };
        }
        catch (Exception e) when (e is not GcpException)
        {
            throw new GcpUnauthenticatedException($"could not obtain an access token from {Source} ({e.GetType().Name})", method, null, null, e) { LocationOverride = "POST oauth2.token" };
        }
    }

    public override string ToString() => Source;

    private static T? Innermost<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }
}

/// <summary>The result of looking for ambient credentials: one, or why there is none and what to do.</summary>
public sealed record CredentialLookup(GcpCredential? Credential, string? Problem, string Remedy);

/// <summary>
/// Finds credentials in the order Google's libraries use (ENDPOINTS.md §11): a key file named by the
/// caller or GOOGLE_APPLICATION_CREDENTIALS, the gcloud ADC file, then the metadata server, detected by
/// our own probe (at most 300 ms, GCE_METADATA_HOST honoured) before Google.Apis.Auth is asked.
/// </summary>
public sealed partial class GcpCredentialResolver
{
    public const string CredentialsVariable = "GOOGLE_APPLICATION_CREDENTIALS";
    public const string DefaultTokenUri = "https://oauth2.googleapis.com/token";

    /// <summary>The remedy for "no credentials" (the issue's exact words).</summary>
    public const string LoginRemedy = "Run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file (or pass {option:CredentialPath}).";

    private readonly Func<string, string?> environment;
    private readonly GcpHttpOptions http;
    private readonly HttpClientFactory clientFactory;

    public GcpCredentialResolver(Func<string, string?> environment, GcpHttpOptions http, CloudDeadline? deadline = null)
    {
        this.environment = environment;
        this.http = http;
        clientFactory = new RetryingHttpClientFactory(http, deadline);
    }

    /// <summary>
    /// The key file named by <paramref name="explicitPath"/> (an unusable one is an input error) or by
    /// GOOGLE_APPLICATION_CREDENTIALS (an unusable one is reported as the lookup's problem).
    /// </summary>
    public CredentialLookup LoadKeyFile(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            try
            {
                return new CredentialLookup(FromFile(explicitPath, $"key file {explicitPath}", isKeyFile: true), null, LoginRemedy);
            }
            catch (CredentialFileException e)
            {
                throw new BqxException(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidArgument, $"credentials file: {e.Message}", explicitPath));
            }
        }

        var fromEnvironment = environment(CredentialsVariable);
        if (string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return new CredentialLookup(null, null, LoginRemedy);
        }

        try
        {
            return new CredentialLookup(FromFile(fromEnvironment, $"{CredentialsVariable}={fromEnvironment}", isKeyFile: true), null, LoginRemedy);
        }
        catch (CredentialFileException e)
        {
            return new CredentialLookup(null, $"{CredentialsVariable} names an unusable file: {e.Message}",
                $"Point {CredentialsVariable} at a valid key file, or unset it and run `gcloud auth application-default login`.");
        }
    }

    /// <summary>The gcloud ADC file, else the metadata server; never waits longer than the probe timeout.</summary>
    public async Task<CredentialLookup> FindAmbientAsync(CancellationToken cancellation)
    {
        var adc = AdcFilePath();
        if (adc is not null && File.Exists(adc))
        {
            try
            {
                return new CredentialLookup(FromFile(adc, $"gcloud ADC file {adc}", isKeyFile: false), null, LoginRemedy);
            }
            catch (CredentialFileException e)
            {
                return new CredentialLookup(null, $"the gcloud ADC file is unusable: {e.Message}", LoginRemedy);
            }
        }

        var host = MetadataHost();
        if (host is not null && await MetadataProbe.IsPresentAsync(host, http.MetadataProbeTimeout, cancellation).ConfigureAwait(false))
        {
            var root = $"http://{host}";
            var compute = new ComputeCredential(new ComputeCredential.Initializer(
                $"{root}/computeMetadata/v1/instance/service-accounts/default/token",
                $"{root}/computeMetadata/v1/instance/service-accounts/default/identity")
            {
                HttpClientFactory = clientFactory,
                DefaultExponentialBackOffPolicy = ExponentialBackOffPolicy.None,
            });
            var timeout = http.AttemptTimeout;
            return new CredentialLookup(new GcpCredential(compute, $"metadata server {host}", false, null, null, null)
            {
                PrincipalLookup = token => MetadataProbe.EmailAsync(host, timeout, token),
            }, null, LoginRemedy);
        }

        return new CredentialLookup(null, "no credentials found (no GOOGLE_APPLICATION_CREDENTIALS, no gcloud ADC file, no metadata server)", LoginRemedy);
    }

    /// <summary>CLOUDSDK_CONFIG, else %APPDATA%\gcloud on Windows, else ~/.config/gcloud.</summary>
    public string? AdcFilePath()
    {
        const string name = "application_default_credentials.json";
        if (environment("CLOUDSDK_CONFIG") is { Length: > 0 } config)
        {
            return Path.Combine(config, name);
        }

        if (OperatingSystem.IsWindows() && environment("APPDATA") is { Length: > 0 } appData)
        {
            return Path.Combine(appData, "gcloud", name);
        }

        return environment("HOME") is { Length: > 0 } home ? Path.Combine(home, ".config", "gcloud", name) : null;
    }

    /// <summary>The host to probe, or null when NO_GCE_CHECK says not to.</summary>
    private string? MetadataHost()
    {
        if (string.Equals(environment("NO_GCE_CHECK"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return environment("GCE_METADATA_HOST") is { Length: > 0 } host ? host
            : environment("GCE_METADATA_ROOT") is { Length: > 0 } root ? root
            : environment("GCE_METADATA_IP") is { Length: > 0 } ip ? ip
            : "169.254.169.254";
    }

    private GcpCredential FromFile(string path, string source, bool isKeyFile)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CredentialFileException(e is FileNotFoundException or DirectoryNotFoundException ? "not found" : $"cannot be read ({e.GetType().Name})");
        }

        KeyFile key;
        try
        {
            key = JsonSerializer.Deserialize(json, KeyFileJson.Default.KeyFile) ?? throw new CredentialFileException("empty");
        }
        catch (JsonException)
        {
            throw new CredentialFileException("not a JSON credentials file");
        }

        switch (key.Type)
        {
            case "service_account":
                return ServiceAccount(key, source, isKeyFile);
            case "authorized_user":
                return AuthorizedUser(key, source, isKeyFile);
            case null or "":
                throw new CredentialFileException("no \"type\" (expected service_account or authorized_user)");
            default:
                try
                {
                    var other = CredentialFactory.FromJson(json, key.Type)
                        .CreateWithHttpClientFactory(clientFactory)
                        .CreateScoped(GcpCredential.CloudPlatformScope);
                    return new GcpCredential(other, $"{source} ({key.Type})", isKeyFile, null, key.ProjectId, key.QuotaProjectId);
                }
                catch (Exception e) when (e is InvalidOperationException or ArgumentException or NotSupportedException or JsonException)
                {
                    throw new CredentialFileException($"credentials of type '{key.Type}' are not supported here ({e.GetType().Name})");
                }
        }
    }

    private GcpCredential ServiceAccount(KeyFile key, string source, bool isKeyFile)
    {
        if (string.IsNullOrEmpty(key.ClientEmail) || string.IsNullOrEmpty(key.PrivateKey))
        {
            throw new CredentialFileException("a service_account file needs client_email and private_key");
        }

        var tokenUri = string.IsNullOrWhiteSpace(key.TokenUri) ? DefaultTokenUri : key.TokenUri;
        if (!Uri.TryCreate(tokenUri, UriKind.Absolute, out _))
        {
            throw new CredentialFileException("token_uri is not an absolute URL");
        }

        ServiceAccountCredential.Initializer initializer;
        try
        {
            initializer = new ServiceAccountCredential.Initializer(key.ClientEmail, tokenUri)
            {
                Scopes = new[] { GcpCredential.CloudPlatformScope },
                KeyId = key.PrivateKeyId,
                ProjectId = key.ProjectId,
                HttpClientFactory = clientFactory,
                DefaultExponentialBackOffPolicy = ExponentialBackOffPolicy.None,
            }.FromPrivateKey(key.PrivateKey);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or System.Security.Cryptography.CryptographicException or InvalidOperationException)
        {
            // Never echo the key: only the kind of problem.
            throw new CredentialFileException($"private_key is not a usable PEM private key ({e.GetType().Name})");
        }

        var credential = new ServiceAccountCredential(initializer);
        return new GcpCredential(credential, $"{source} (service account {key.ClientEmail})", isKeyFile, key.ClientEmail, key.ProjectId, null) { KeyId = key.PrivateKeyId };
    }

    private GcpCredential AuthorizedUser(KeyFile key, string source, bool isKeyFile)
    {
        if (string.IsNullOrEmpty(key.ClientId) || string.IsNullOrEmpty(key.ClientSecret) || string.IsNullOrEmpty(key.RefreshToken))
        {
            throw new CredentialFileException("an authorized_user file needs client_id, client_secret and refresh_token");
        }

        var initializer = string.IsNullOrWhiteSpace(key.TokenUri)
            ? new GoogleAuthorizationCodeFlow.Initializer()
            : new TokenUriFlowInitializer(key.TokenUri);
        initializer.ClientSecrets = new ClientSecrets { ClientId = key.ClientId, ClientSecret = key.ClientSecret };
        initializer.Scopes = new[] { GcpCredential.CloudPlatformScope };
        initializer.HttpClientFactory = clientFactory;
        initializer.DefaultExponentialBackOffPolicy = ExponentialBackOffPolicy.None;

        var flow = new GoogleAuthorizationCodeFlow(initializer);
        var credential = new UserCredential(flow, "user", new TokenResponse { RefreshToken = key.RefreshToken });
        return new GcpCredential(credential, $"{source} (user credentials)", isKeyFile, null, null, key.QuotaProjectId);
    }

    /// <summary>The fields of a credentials JSON file the tool reads.</summary>
    private sealed class KeyFile
    {
        [System.Text.Json.Serialization.JsonPropertyName("type")] public string? Type { get; set; }
        [System.Text.Json.Serialization.JsonPropertyName("project_id")] public string? ProjectId { get; set; }
        [System.Text.Json.Serialization.JsonPropertyName("private_key_id")] public string? PrivateKeyId { get; set; }
        [System.Text.Json.Serialization.JsonPropertyName("private_key")] public string? PrivateKey { get; set; }
        [System.Text.Json.Serialization.JsonPropertyName("client_email")] public string? ClientEmail { get; set; }
        [System.Text.Json.Serialization.JsonPropertyName("client_id")] public string? ClientId { get; set; }
        [System.Text.Json.Serialization.JsonPropertyName("client_secret")] public string? ClientSecret { get; set; }
        [System.Text.Json.Serialization.JsonPropertyName("refresh_token")] public string? RefreshToken { get; set; }
        [System.Text.Json.Serialization.JsonPropertyName("token_uri")] public string? TokenUri { get; set; }
        [System.Text.Json.Serialization.JsonPropertyName("quota_project_id")] public string? QuotaProjectId { get; set; }
    }

    /// <summary>Compiled JSON metadata for <see cref="KeyFile"/> (reflection cost the session's start ~20 ms).</summary>
    [System.Text.Json.Serialization.JsonSerializable(typeof(KeyFile))]
    private sealed partial class KeyFileJson : System.Text.Json.Serialization.JsonSerializerContext
    {
    }

    /// <summary>The user-credential flow with the file's token_uri (the base constructor that takes it is protected).</summary>
    private sealed class TokenUriFlowInitializer : GoogleAuthorizationCodeFlow.Initializer
    {
        public TokenUriFlowInitializer(string tokenUri)
            : base(GoogleAuthConsts.OidcAuthorizationUrl, tokenUri, GoogleAuthConsts.RevokeTokenUrl) { }
    }

    private sealed class CredentialFileException : Exception
    {
        public CredentialFileException(string message) : base(message) { }
    }
}

/// <summary>Google.Apis.Auth's HTTP (token requests) through our retry handler, so token calls retry and time out like the rest.</summary>
internal sealed class RetryingHttpClientFactory : HttpClientFactory
{
    private readonly GcpHttpOptions options;
    private readonly CloudDeadline? deadline;

    public RetryingHttpClientFactory(GcpHttpOptions options, CloudDeadline? deadline)
    {
        this.options = options;
        this.deadline = deadline;
    }

    protected override HttpMessageHandler CreateHandler(CreateHttpClientArgs args)
    {
        // Google.Apis' own handler above ours would follow a 3xx of the token endpoint itself: not here.
        args.Initializers.Add(NoRedirects.Instance);
        return new RedirectIsAnswer(new GcpRetryHandler(options, GcpRetryHandler.CreateTransport(options), deadline));
    }

    /// <summary>
    /// A 3xx of the token endpoint ends the token request with <see cref="TokenRedirectException"/>: Google.Apis.Auth,
    /// not following it, would parse its empty body as a token response (a NullReferenceException, told as
    /// "Unauthenticated").
    /// </summary>
    private sealed class RedirectIsAnswer : DelegatingHandler
    {
        public RedirectIsAnswer(HttpMessageHandler inner)
            : base(inner)
        {
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400)
            {
                var location = response.Headers.Location?.ToString();
                response.Dispose();
                throw new TokenRedirectException(status, location);
            }

            return response;
        }
    }

    /// <summary>Google.Apis' handler: one try, no redirects (retries and timeouts are <see cref="GcpRetryHandler"/>'s).</summary>
    internal sealed class NoRedirects : IConfigurableHttpClientInitializer
    {
        public static readonly NoRedirects Instance = new();

        public void Initialize(ConfigurableHttpClient httpClient)
        {
            httpClient.MessageHandler.NumTries = 1;
            httpClient.MessageHandler.FollowRedirect = false;
            httpClient.Timeout = Timeout.InfiniteTimeSpan;
        }
    }
}

/// <summary>
/// Is a metadata server there? One GET of <c>http://HOST/</c> with <c>Metadata-Flavor: Google</c>; a genuine
/// server answers with the same header. Gives up after the timeout (300 ms by default), so a machine
/// off Google Cloud never waits the seconds Google.Apis.Auth's own detection takes.
/// </summary>
public static class MetadataProbe
{
    /// <summary>The default service account's email (<c>GET /computeMetadata/v1/instance/service-accounts/default/email</c>), or null.</summary>
    public static async Task<string?> EmailAsync(string host, TimeSpan timeout, CancellationToken cancellation)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        cts.CancelAfter(timeout);
        using var handler = new SocketsHttpHandler { ConnectTimeout = timeout, UseProxy = false, AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{host}/computeMetadata/v1/instance/service-accounts/default/email");
            request.Headers.Add("Metadata-Flavor", "Google");
            using var response = await client.SendAsync(request, cts.Token).ConfigureAwait(false);
            var text = (await response.Content.ReadAsStringAsync(cts.Token).ConfigureAwait(false)).Trim();
            return response.IsSuccessStatusCode && text.Contains('@', StringComparison.Ordinal) && !text.Contains(' ', StringComparison.Ordinal) ? text : null;
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e) when (e is HttpRequestException or UriFormatException or IOException or InvalidOperationException)
        {
            return null;
        }
    }

    public static async Task<bool> IsPresentAsync(string host, TimeSpan timeout, CancellationToken cancellation)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        cts.CancelAfter(timeout);
        using var handler = new SocketsHttpHandler { ConnectTimeout = timeout, UseProxy = false, AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{host}/");
            request.Headers.Add("Metadata-Flavor", "Google");
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            return response.Headers.TryGetValues("Metadata-Flavor", out var values) && values.Contains("Google", StringComparer.Ordinal);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e) when (e is HttpRequestException or UriFormatException or IOException or InvalidOperationException)
        {
            return false;
        }
    }
}

/// <summary>The token endpoint answered with a redirect, which is never followed.</summary>
internal sealed class TokenRedirectException : Exception
{
    public TokenRedirectException(int status, string? location)
        : base($"HTTP {status} redirect{(location is null ? "" : " to " + location)}, not followed")
    {
        Status = status;
        Location = location;
    }

    public int Status { get; }

    public string? Location { get; }
}
