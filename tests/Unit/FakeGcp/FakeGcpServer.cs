using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BqxAudit.Tests.FakeGcp;

/// <summary>What a handler sees of a request: matched path values (decoded), query (repeatable), body.</summary>
public sealed class FakeRequest
{
    public required string Method { get; init; }
    public required string RawPath { get; init; }
    public required IReadOnlyDictionary<string, string> PathValues { get; init; }
    public required IQueryCollection QueryValues { get; init; }
    public required IHeaderDictionary Headers { get; init; }
    public string? Body { get; init; }
    public JsonNode? Json { get; init; }

    public string? Query(string name) => QueryValues.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : null;

    public IReadOnlyList<string> QueryAll(string name) => QueryValues.TryGetValue(name, out var v) ? v.Where(s => s is not null).Select(s => s!).ToArray() : Array.Empty<string>();

    public string Path(string name) => PathValues[name];
}

/// <summary>What a handler answers: a status and a JSON body (null for an empty body), and headers.</summary>
public sealed record FakeResponse(int Status, JsonNode? Body)
{
    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Send this text instead of JSON (HTML error pages, metadata text).</summary>
    public string? Text { get; init; }

    public string ContentType { get; init; } = "application/json; charset=UTF-8";

    public static FakeResponse Ok(JsonNode body) => new(200, body);
}

/// <summary>
/// A local stand-in for Google's REST APIs (tests only): ASP.NET Core on Kestrel at 127.0.0.1, port 0.
/// It serves every route in <see cref="FakeRoutes"/> from <see cref="State"/> in discovery-shaped JSON,
/// enforces service enablement and IAM grants like the real APIs, issues tokens for JWT assertions it
/// verifies, injects <see cref="Faults"/> per route, and records every request in <see cref="Log"/>.
/// Point the tool at it with BQXAUDIT_GCP_ENDPOINT (or gcp.endpoints) = <see cref="BaseUri"/>.
/// </summary>
public sealed class FakeGcpServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private FakeGcpServer(WebApplication app, FakeGcpState state)
    {
        this.app = app;
        State = state;
    }

    public FakeGcpState State { get; }

    public FakeFaults Faults { get; } = new();

    public FakeRequestLog Log { get; } = new();

    public FakeAuth Auth { get; } = new();

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int[]> inFlight = new(StringComparer.Ordinal);

    /// <summary>The <see cref="MaxInFlight"/> key counting API requests of every route together.</summary>
    public const string AnyRoute = "*";

    /// <summary>The most requests of a route (or of all API routes: <see cref="AnyRoute"/>) that were being served at the same time.</summary>
    public int MaxInFlight(string routeId) => inFlight.TryGetValue(routeId, out var c) ? Volatile.Read(ref c[1]) : 0;

    /// <summary>Every API request waits this long first (so concurrency can be observed).</summary>
    public TimeSpan SlowDown { get; set; }

    /// <summary>Every response, token and metadata answers included, waits this long (network latency for the benchmark).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary><c>http://127.0.0.1:PORT/</c>: every API's root URL.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The token endpoint key files name in <c>token_uri</c>.</summary>
    public string TokenUrl => BaseUri + "token";

    /// <summary>host:port, for GCE_METADATA_HOST and STORAGE_EMULATOR_HOST.</summary>
    public string HostAndPort => BaseUri.Authority;

    public static async Task<FakeGcpServer> StartAsync(FakeGcpState? state = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.AddServerHeader = false;
        });
        var web = builder.Build();
        var server = new FakeGcpServer(web, state ?? new FakeGcpState());
        web.Run(server.HandleAsync);
        await web.StartAsync().ConfigureAwait(false);
        var address = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    /// <summary>Writes a key file for <paramref name="account"/> (token_uri = this server) and returns its path.</summary>
    public string WriteKeyFile(string folder, FakeServiceAccount account, string name = "key.json")
    {
        var path = System.IO.Path.Combine(folder, name);
        File.WriteAllText(path, account.KeyFileJson(TokenUrl, State.ProjectId));
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency, context.RequestAborted).ConfigureAwait(false);
        }

        var raw = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var q = raw.IndexOf('?');
        var path = (q < 0 ? raw : raw[..q]).TrimStart('/');
        var queryText = q < 0 ? "" : raw[(q + 1)..];
        string? body = null;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            body = await reader.ReadToEndAsync().ConfigureAwait(false);
        }

        var (route, values, ambiguous) = FakeRoutes.Match(context.Request.Method, path);
        var hadAuth = context.Request.Headers.Authorization.Count > 0;
        if (route is null)
        {
            var status = ambiguous ? 500 : 404;
            await WriteAsync(context, new FakeResponse(status, FakeErrors.Aip(status, ambiguous ? "ambiguous fake route" : $"no fake route for {context.Request.Method} /{path}", ambiguous ? "INTERNAL" : "NOT_FOUND"))).ConfigureAwait(false);
            Log.Add(new LoggedRequest(DateTimeOffset.UtcNow, context.Request.Method, path, queryText, null, status, hadAuth, null, body));
            return;
        }

        JsonNode? json = null;
        if (!string.IsNullOrEmpty(body) && context.Request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                json = JsonNode.Parse(body);
            }
            catch (System.Text.Json.JsonException)
            {
                await WriteAsync(context, new FakeResponse(400, FakeErrors.Error(route, 400, "parseError", "Invalid JSON payload received.", "INVALID_ARGUMENT"))).ConfigureAwait(false);
                Log.Add(new LoggedRequest(DateTimeOffset.UtcNow, context.Request.Method, path, queryText, route.Id, 400, hadAuth, null, body));
                return;
            }
        }

        var request = new FakeRequest
        {
            Method = context.Request.Method,
            RawPath = path,
            PathValues = values!,
            QueryValues = context.Request.Query,
            Headers = context.Request.Headers,
            Body = body,
            Json = json,
        };

        var gauges = FakeRoutes.IsAuthRoute(route.Id)
            ? new[] { inFlight.GetOrAdd(route.Id, _ => new int[2]) }
            : new[] { inFlight.GetOrAdd(route.Id, _ => new int[2]), inFlight.GetOrAdd(AnyRoute, _ => new int[2]) };
        foreach (var gauge in gauges)
        {
            var now = Interlocked.Increment(ref gauge[0]);
            int seen;
            while (now > (seen = Volatile.Read(ref gauge[1])) && Interlocked.CompareExchange(ref gauge[1], now, seen) != seen)
            {
            }
        }

        try
        {
            await ServeAsync(context, route, request, path, queryText, hadAuth, body).ConfigureAwait(false);
        }
        finally
        {
            foreach (var gauge in gauges)
            {
                Interlocked.Decrement(ref gauge[0]);
            }
        }
    }

    private async Task ServeAsync(HttpContext context, FakeRoute route, FakeRequest request, string path, string queryText, bool hadAuth, string? body)
    {
        if (SlowDown > TimeSpan.Zero && !FakeRoutes.IsAuthRoute(route.Id))
        {
            await Task.Delay(SlowDown).ConfigureAwait(false);
        }

        var fault = Faults.Take(route.Id, FakeRoutes.IsAuthRoute(route.Id), request);
        if (fault is not null)
        {
            await ApplyFaultAsync(context, route, request, fault, path, queryText, hadAuth, body).ConfigureAwait(false);
            return;
        }

        await Finish(Respond(route, request, context), null).ConfigureAwait(false);

        async Task Finish(FakeResponse response, string? faultName)
        {
            var text = await WriteAsync(context, response).ConfigureAwait(false);
            Log.Add(new LoggedRequest(DateTimeOffset.UtcNow, context.Request.Method, path, queryText, route.Id, response.Status, hadAuth, faultName, body)
            {
                ResponseBody = Log.CaptureBodies ? text : null,
            });
        }
    }

    /// <summary>The normal answer: auth, service enablement, IAM, then the handler.</summary>
    private FakeResponse Respond(FakeRoute route, FakeRequest request, HttpContext context)
    {
        if (route.Id == FakeRoutes.TokenRoute)
        {
            // The body was read already: parse the form from it.
            var form = context.Request.HasFormContentType && request.Body is { } text
                ? Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(text).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal)
                : new Dictionary<string, string>();
            var (status, body) = Auth.Token(form, TokenUrl);
            return new FakeResponse(status, body);
        }

        if (route.Id is FakeRoutes.MetadataPingRoute or FakeRoutes.MetadataTokenRoute or FakeRoutes.MetadataEmailRoute)
        {
            if (!Auth.MetadataEnabled || request.Headers["Metadata-Flavor"].ToString() != "Google")
            {
                return new FakeResponse(404, null) { Text = "not a metadata server", ContentType = "text/plain" };
            }

            var answer = route.Id switch
            {
                FakeRoutes.MetadataPingRoute => new FakeResponse(200, null) { Text = "computeMetadata/", ContentType = "application/text" },
                FakeRoutes.MetadataEmailRoute => new FakeResponse(200, null) { Text = Auth.MetadataEmail, ContentType = "application/text" },
                _ => new FakeResponse(200, FakeAuth.TokenBody(Auth.Issue("serviceAccount:default"))),
            };
            answer.Headers["Metadata-Flavor"] = "Google";
            return answer;
        }

        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length > 0 || Auth.RequireToken)
        {
            var token = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : "";
            if (!Auth.IsValid(token))
            {
                return new FakeResponse(401, FakeErrors.Error(route, 401, "authError", "Request had invalid authentication credentials.", "UNAUTHENTICATED"));
            }
        }

        lock (State.Gate)
        {
            if (route.Service is { } service && State.Services.GetValueOrDefault(service) != "ENABLED")
            {
                return new FakeResponse(403, FakeErrors.ServiceDisabled(route, service, State.ProjectNumber));
            }

            if (route.Permission is { } permission && !State.Iam.Allows(permission, route.Resources(request, State)))
            {
                return new FakeResponse(403, FakeErrors.Error(route, 403, "accessDenied",
                    $"Permission {permission} denied on resource (or it may not exist).", "PERMISSION_DENIED", infoReason: "IAM_PERMISSION_DENIED"));
            }

            return route.Handler(request, State);
        }
    }

    private async Task ApplyFaultAsync(HttpContext context, FakeRoute route, FakeRequest request, Fault fault, string path, string query, bool hadAuth, string? body)
    {
        var name = fault.ToString();
        void Log(int status) => this.Log.Add(new LoggedRequest(DateTimeOffset.UtcNow, request.Method, path, query, route.Id, status, hadAuth, name, body));
        switch (fault.Kind)
        {
            case FaultKind.Timeout:
                try
                {
                    await Task.Delay(fault.Delay, context.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }

                Log(0);
                context.Abort();
                return;

            case FaultKind.Truncated:
            {
                var real = Respond(route, request, context);
                var bytes = Encoding.UTF8.GetBytes(real.Text ?? real.Body?.ToJsonString() ?? "{}");
                context.Response.StatusCode = real.Status;
                context.Response.ContentType = real.ContentType;
                context.Response.ContentLength = bytes.Length;
                await context.Response.Body.WriteAsync(bytes.AsMemory(0, Math.Max(1, bytes.Length / 2))).ConfigureAwait(false);
                await context.Response.Body.FlushAsync().ConfigureAwait(false);
                Log(real.Status);
                context.Abort();
                return;
            }

            case FaultKind.GzipBomb:
            {
                var bomb = GzipBombs.Get(fault.ExpandedBytes);
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json; charset=UTF-8";
                context.Response.Headers.ContentEncoding = "gzip";
                context.Response.ContentLength = bomb.Length;
                try
                {
                    await context.Response.Body.WriteAsync(bomb, context.RequestAborted).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or IOException)
                {
                }

                Log(200);
                return;
            }

            case FaultKind.RedirectLoop:
                context.Response.StatusCode = 302;
                context.Response.Headers.Location = "/" + path + (query.Length > 0 ? "?" + query : "");
                Log(302);
                return;

            case FaultKind.Lacking:
            {
                var real = Respond(route, request, context);
                if (real.Body is System.Text.Json.Nodes.JsonObject json)
                {
                    foreach (var field in fault.Without)
                    {
                        var parts = field.Split('.');
                        var holder = json;
                        foreach (var part in parts[..^1])
                        {
                            holder = holder?[part] as System.Text.Json.Nodes.JsonObject;
                        }

                        holder?.Remove(parts[^1]);
                    }
                }

                await WriteAsync(context, real).ConfigureAwait(false);
                Log(real.Status);
                return;
            }

            case FaultKind.Malformed:
                await WriteAsync(context, new FakeResponse(200, null) { Text = "<!DOCTYPE html><html><body><h1>Service temporarily unavailable</h1>", ContentType = "text/html" }).ConfigureAwait(false);
                Log(200);
                return;

            default:
            {
                var response = FakeErrors.ForFault(route, fault, State.ProjectNumber);
                await WriteAsync(context, response).ConfigureAwait(false);
                Log(response.Status);
                return;
            }
        }
    }

    private static async Task<string> WriteAsync(HttpContext context, FakeResponse response)
    {
        context.Response.StatusCode = response.Status;
        foreach (var (key, value) in response.Headers)
        {
            context.Response.Headers[key] = value;
        }

        var text = response.Text ?? response.Body?.ToJsonString() ?? "";
        if (text.Length == 0)
        {
            return text;
        }

        context.Response.ContentType = response.Text is null ? "application/json; charset=UTF-8" : response.ContentType;
        await context.Response.WriteAsync(text).ConfigureAwait(false);
        return text;
    }
}

/// <summary>Gzip bombs, made once per size: zeros compress about 1000:1, so 1 GB of JSON-ish zeros is about 1 MB on the wire.</summary>
internal static class GzipBombs
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<long, Lazy<byte[]>> Made = new();

    public static byte[] Get(long expanded) => Made.GetOrAdd(expanded, n => new Lazy<byte[]>(() => Make(n))).Value;

    private static byte[] Make(long expanded)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            // A JSON object whose one string never ends: no reader can stop early on a syntax error.
            gzip.Write("{\"kind\":\""u8);
            var zeros = new byte[1 << 20];
            Array.Fill(zeros, (byte)'0');
            for (long written = 0; written < expanded; written += zeros.Length)
            {
                gzip.Write(zeros, 0, (int)Math.Min(zeros.Length, expanded - written));
            }
        }

        return output.ToArray();
    }
}
