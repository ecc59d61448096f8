using System.Net;
using System.Text.Json;
using Google.Apis.Auth.OAuth2.Responses;

namespace BqxAudit.Cloud;

/// <summary>What went wrong with a call, decided from the error's reasons and status codes, never from message text.</summary>
public enum GcpErrorKind
{
    NotFound,
    PermissionDenied,
    ApiDisabled,
    BillingDisabled,
    QuotaExceeded,
    Unauthenticated,
    Transient,
    CredentialsMissing,
    MalformedResponse,
    InvalidRequest,

    /// <summary>The cloud phase's deadline passed, or a Retry-After wait would have ended after it.</summary>
    DeadlineExceeded,

    /// <summary>The response was larger than the cap once decompressed.</summary>
    ResponseTooLarge,

    /// <summary>The server answered with a redirect, which is never followed.</summary>
    Redirected,
    Other,
}

/// <summary>
/// A failed Google API call. <see cref="Kind"/> is mapped from <c>error.details[]</c> ErrorInfo reasons,
/// <c>error.errors[].reason</c>, <c>error.status</c> and the HTTP status, in that order. The message
/// holds the server's message for people, redacted; nothing keys on it.
/// </summary>
public class GcpException : Exception
{
    public GcpException(GcpErrorKind kind, string message, GcpMethod? method = null, int? httpStatus = null,
        string? reason = null, string? service = null, Exception? inner = null)
        : base(SecretRedactor.Redact(message), inner)
    {
        Kind = kind;
        Method = method;
        HttpStatus = httpStatus;
        Reason = reason;
        Service = service;
    }

    public GcpErrorKind Kind { get; }

    public GcpMethod? Method { get; }

    public int? HttpStatus { get; }

    /// <summary>The reason the kind was decided from (<c>SERVICE_DISABLED</c>, <c>accessDenied</c>, <c>NOT_FOUND</c> …).</summary>
    public string? Reason { get; }

    /// <summary>For ApiDisabled: the service to enable (from ErrorInfo <c>metadata.service</c>, else the API called).</summary>
    public string? Service { get; }

    /// <summary>Where it happened, as evidence shows calls: <c>GET bigquery.tables.list 403</c>, <c>POST oauth2.token 400</c>.</summary>
    public string Location => LocationOverride
        ?? (Method is null ? "call" : $"{Method.HttpMethod} {Method.Id}{(HttpStatus is { } s ? " " + s.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")}");

    /// <summary>Set when the failure was not the method's own answer (the token endpoint's, for one).</summary>
    public string? LocationOverride { get; init; }
}

public sealed class GcpNotFoundException : GcpException
{
    public GcpNotFoundException(string message, GcpMethod? method, int? status, string? reason)
        : base(GcpErrorKind.NotFound, message, method, status, reason) { }
}

public sealed class GcpPermissionDeniedException : GcpException
{
    public GcpPermissionDeniedException(string message, GcpMethod? method, int? status, string? reason)
        : base(GcpErrorKind.PermissionDenied, message, method, status, reason) { }
}

public sealed class GcpApiDisabledException : GcpException
{
    public GcpApiDisabledException(string message, GcpMethod? method, int? status, string? reason, string service)
        : base(GcpErrorKind.ApiDisabled, message, method, status, reason, service) { }
}

public sealed class GcpBillingDisabledException : GcpException
{
    public GcpBillingDisabledException(string message, GcpMethod? method, int? status, string? reason)
        : base(GcpErrorKind.BillingDisabled, message, method, status, reason) { }
}

public sealed class GcpQuotaExceededException : GcpException
{
    public GcpQuotaExceededException(string message, GcpMethod? method, int? status, string? reason)
        : base(GcpErrorKind.QuotaExceeded, message, method, status, reason) { }
}

public sealed class GcpUnauthenticatedException : GcpException
{
    public GcpUnauthenticatedException(string message, GcpMethod? method, int? status, string? reason, Exception? inner = null)
        : base(GcpErrorKind.Unauthenticated, message, method, status, reason, inner: inner) { }
}

/// <summary>Still failing after every retry: 5xx, 429, timeouts, dropped connections.</summary>
public sealed class GcpTransientException : GcpException
{
    public GcpTransientException(string message, GcpMethod? method, int? status, string? reason, Exception? inner = null)
        : base(GcpErrorKind.Transient, message, method, status, reason, inner: inner) { }
}

/// <summary>No credentials for an API that needs them; <see cref="Remedy"/> says how to provide them.</summary>
public sealed class GcpCredentialsMissingException : GcpException
{
    public GcpCredentialsMissingException(string message, string remedy, GcpMethod? method = null)
        : base(GcpErrorKind.CredentialsMissing, message, method) => Remedy = remedy;

    public string Remedy { get; }
}

/// <summary>A success status with a body that is not the JSON the method returns.</summary>
public sealed class GcpMalformedResponseException : GcpException
{
    public GcpMalformedResponseException(string message, GcpMethod? method, int? status, Exception? inner = null)
        : base(GcpErrorKind.MalformedResponse, message, method, status, inner: inner) { }

    /// <summary>What the answer lacked (<c>state</c>, <c>location</c> …), when that is the problem.</summary>
    public string? Lacking { get; private init; }

    /// <summary>
    /// A 200 answer without a field a verdict needs: an error, never a default turned into a verdict
    /// (an absent <c>state</c> is not STATE_UNSPECIFIED, an absent <c>location</c> is not US).
    /// </summary>
    public static GcpMalformedResponseException Lacks(GcpMethod method, string field, string? what = null) =>
        new($"{method.Id}: response lacks {field}{(what is null ? "" : $" ({what})")}", method, 200) { Lacking = field };

    /// <summary>The value, or a <see cref="Lacks"/> error naming the field.</summary>
    public static T Require<T>(T? value, GcpMethod method, string field, string? what = null) where T : class =>
        value is string { Length: 0 } || value is null ? throw Lacks(method, field, what) : value;

    public static T Require<T>(T? value, GcpMethod method, string field, string? what = null) where T : struct =>
        value ?? throw Lacks(method, field, what);
}

/// <summary>Maps error responses (and BigQuery job errors, and token endpoint errors) to typed exceptions.</summary>
public static class GcpErrorMapper
{
    private static readonly Dictionary<string, GcpErrorKind> ErrorInfoReasons = new(StringComparer.Ordinal)
    {
        ["SERVICE_DISABLED"] = GcpErrorKind.ApiDisabled,
        ["API_DISABLED"] = GcpErrorKind.ApiDisabled,
        ["BILLING_DISABLED"] = GcpErrorKind.BillingDisabled,
        ["RATE_LIMIT_EXCEEDED"] = GcpErrorKind.QuotaExceeded,
        ["RESOURCE_EXHAUSTED"] = GcpErrorKind.QuotaExceeded,
        ["IAM_PERMISSION_DENIED"] = GcpErrorKind.PermissionDenied,
        ["USER_PROJECT_DENIED"] = GcpErrorKind.PermissionDenied,
        ["ACCESS_TOKEN_SCOPE_INSUFFICIENT"] = GcpErrorKind.PermissionDenied,
        ["ACCESS_TOKEN_EXPIRED"] = GcpErrorKind.Unauthenticated,
        ["ACCESS_TOKEN_TYPE_UNSUPPORTED"] = GcpErrorKind.Unauthenticated,
        ["CREDENTIALS_MISSING"] = GcpErrorKind.Unauthenticated,
    };

    /// <summary>The legacy <c>errors[].reason</c> values (BigQuery and Storage error tables).</summary>
    private static readonly Dictionary<string, GcpErrorKind> LegacyReasons = new(StringComparer.Ordinal)
    {
        ["accessNotConfigured"] = GcpErrorKind.ApiDisabled,
        ["billingNotEnabled"] = GcpErrorKind.BillingDisabled,
        ["notFound"] = GcpErrorKind.NotFound,
        ["accessDenied"] = GcpErrorKind.PermissionDenied,
        ["forbidden"] = GcpErrorKind.PermissionDenied,
        ["insufficientPermissions"] = GcpErrorKind.PermissionDenied,
        ["quotaExceeded"] = GcpErrorKind.QuotaExceeded,
        ["rateLimitExceeded"] = GcpErrorKind.QuotaExceeded,
        ["userRateLimitExceeded"] = GcpErrorKind.QuotaExceeded,
        ["dailyLimitExceeded"] = GcpErrorKind.QuotaExceeded,
        ["authError"] = GcpErrorKind.Unauthenticated,
        ["unauthorized"] = GcpErrorKind.Unauthenticated,
        ["invalidCredentials"] = GcpErrorKind.Unauthenticated,
        ["backendError"] = GcpErrorKind.Transient,
        ["internalError"] = GcpErrorKind.Transient,
        ["serviceUnavailable"] = GcpErrorKind.Transient,
        ["invalid"] = GcpErrorKind.InvalidRequest,
        ["invalidQuery"] = GcpErrorKind.InvalidRequest,
        ["invalidParameter"] = GcpErrorKind.InvalidRequest,
        ["badRequest"] = GcpErrorKind.InvalidRequest,
    };

    private static readonly Dictionary<string, GcpErrorKind> Statuses = new(StringComparer.Ordinal)
    {
        ["NOT_FOUND"] = GcpErrorKind.NotFound,
        ["PERMISSION_DENIED"] = GcpErrorKind.PermissionDenied,
        ["RESOURCE_EXHAUSTED"] = GcpErrorKind.QuotaExceeded,
        ["UNAUTHENTICATED"] = GcpErrorKind.Unauthenticated,
        ["UNAVAILABLE"] = GcpErrorKind.Transient,
        ["INTERNAL"] = GcpErrorKind.Transient,
        ["DEADLINE_EXCEEDED"] = GcpErrorKind.Transient,
        ["INVALID_ARGUMENT"] = GcpErrorKind.InvalidRequest,
        ["FAILED_PRECONDITION"] = GcpErrorKind.InvalidRequest,
        ["OUT_OF_RANGE"] = GcpErrorKind.InvalidRequest,
    };

    /// <summary>The parts of an error body that decide its kind.</summary>
    public sealed record ErrorBody(string? Message, string? Status, IReadOnlyList<string> Reasons, IReadOnlyList<(string Reason, string? Service)> ErrorInfos);

    /// <summary>Reads <c>{"error": {code, message, status, errors[], details[]}}</c>; null when the body is not that shape.</summary>
    public static ErrorBody? Parse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var doc = JsonDocument.ParseValue(ref reader);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("error", out var error))
            {
                return null;
            }

            if (error.ValueKind == JsonValueKind.String)
            {
                // The OAuth token endpoint's shape: {"error": "invalid_grant", "error_description": "…"}.
                var description = doc.RootElement.TryGetProperty("error_description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                return new ErrorBody(description ?? error.GetString(), null, new[] { error.GetString()! }, Array.Empty<(string, string?)>());
            }

            if (error.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var message = String(error, "message");
            var status = String(error, "status");
            var reasons = new List<string>();
            if (error.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                foreach (var e in errors.EnumerateArray())
                {
                    if (e.ValueKind == JsonValueKind.Object && String(e, "reason") is { Length: > 0 } r)
                    {
                        reasons.Add(r);
                    }
                }
            }

            var infos = new List<(string, string?)>();
            if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
            {
                foreach (var detail in details.EnumerateArray())
                {
                    if (detail.ValueKind == JsonValueKind.Object && String(detail, "@type") is { } type
                        && type.EndsWith("google.rpc.ErrorInfo", StringComparison.Ordinal) && String(detail, "reason") is { Length: > 0 } reason)
                    {
                        string? service = null;
                        if (detail.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
                        {
                            service = String(metadata, "service");
                        }

                        infos.Add((reason, service));
                    }
                }
            }

            return new ErrorBody(message, status, reasons, infos);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>True for responses worth retrying: 429, 500, 502, 503, 504, and 403 rate limits (BigQuery's rateLimitExceeded).</summary>
    public static bool IsRetryable(int status, ReadOnlySpan<byte> body)
    {
        if (status is 429 or 500 or 502 or 503 or 504)
        {
            return true;
        }

        if (status != 403)
        {
            return false;
        }

        var parsed = Parse(body);
        return parsed is not null && (parsed.Reasons.Any(r => r is "rateLimitExceeded" or "userRateLimitExceeded")
            || parsed.ErrorInfos.Any(i => i.Reason == "RATE_LIMIT_EXCEEDED"));
    }

    /// <summary>The typed exception for an error response.</summary>
    public static GcpException FromResponse(GcpMethod method, int status, ReadOnlySpan<byte> body)
    {
        var parsed = Parse(body);
        var (kind, reason, service) = Decide(status, parsed);
        var text = parsed?.Message is { Length: > 0 } m ? m : $"HTTP {status} ({(HttpStatusCode)status})";
        return Create(kind, $"{method.Id}: {text}", method, status, reason, service ?? method.Api.ServiceName);
    }

    /// <summary>The typed exception for a BigQuery job's errors (<c>QueryResponse.errors[]</c>), which arrive with HTTP 200.</summary>
    public static GcpException FromJobErrors(GcpMethod method, IReadOnlyList<BigQuery.ErrorProto> errors)
    {
        var reasons = errors.Select(e => e.Reason).OfType<string>().ToArray();
        var (kind, reason, _) = Decide(200, new ErrorBody(null, null, reasons, Array.Empty<(string, string?)>()));
        if (kind == GcpErrorKind.Other && reasons.Length > 0)
        {
            reason = reasons[0];
        }

        var message = errors.FirstOrDefault(e => e.Message is not null)?.Message ?? "the query job failed";
        return Create(kind, $"{method.Id} job: {message}", method, 200, reason, method.Api.ServiceName);
    }

    /// <summary>Maps a token endpoint failure (Google.Apis.Auth's typed exception) by its error code and status.</summary>
    public static GcpException FromTokenError(TokenResponseException e, GcpMethod? method)
    {
        var status = (int?)e.StatusCode;
        var code = e.Error?.Error;
        var kind = status is 429 or >= 500 ? GcpErrorKind.Transient : GcpErrorKind.Unauthenticated;
        var text = $"the token endpoint refused the credentials ({code ?? "no error code"}{(status is { } s ? $", HTTP {s}" : "")})";
        var location = $"POST oauth2.token{(status is { } st ? " " + st.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")}";
        return kind == GcpErrorKind.Transient
            ? new GcpTransientException(text, method, status, code, e) { LocationOverride = location }
            : new GcpUnauthenticatedException(text, method, status, code, e) { LocationOverride = location };
    }

    private static (GcpErrorKind Kind, string? Reason, string? Service) Decide(int status, ErrorBody? body)
    {
        if (body is not null)
        {
            foreach (var (reason, service) in body.ErrorInfos)
            {
                if (ErrorInfoReasons.TryGetValue(reason, out var kind))
                {
                    return (kind, reason, service);
                }
            }

            foreach (var reason in body.Reasons)
            {
                if (reason == "required" && status == 401)
                {
                    return (GcpErrorKind.Unauthenticated, reason, null);
                }

                if (LegacyReasons.TryGetValue(reason, out var kind))
                {
                    return (kind, reason, null);
                }
            }

            if (body.Status is { } s && Statuses.TryGetValue(s, out var byStatus))
            {
                return (byStatus, s, null);
            }
        }

        var byCode = status switch
        {
            400 => GcpErrorKind.InvalidRequest,
            401 => GcpErrorKind.Unauthenticated,
            403 => GcpErrorKind.PermissionDenied,
            404 => GcpErrorKind.NotFound,
            429 => GcpErrorKind.QuotaExceeded,
            >= 500 => GcpErrorKind.Transient,
            _ => GcpErrorKind.Other,
        };
        return (byCode, status == 200 ? null : $"HTTP {status}", null);
    }

    private static GcpException Create(GcpErrorKind kind, string message, GcpMethod method, int status, string? reason, string service) => kind switch
    {
        GcpErrorKind.NotFound => new GcpNotFoundException(message, method, status, reason),
        GcpErrorKind.PermissionDenied => new GcpPermissionDeniedException(message, method, status, reason),
        GcpErrorKind.ApiDisabled => new GcpApiDisabledException(message, method, status, reason, service),
        GcpErrorKind.BillingDisabled => new GcpBillingDisabledException(message, method, status, reason),
        GcpErrorKind.QuotaExceeded => new GcpQuotaExceededException(message, method, status, reason),
        GcpErrorKind.Unauthenticated => new GcpUnauthenticatedException(message, method, status, reason),
        GcpErrorKind.Transient => new GcpTransientException(message, method, status, reason),
        _ => new GcpException(kind, message, method, status, reason),
    };

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
