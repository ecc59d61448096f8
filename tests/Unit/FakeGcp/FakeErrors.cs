using System.Text.Json.Nodes;

namespace BqxAudit.Tests.FakeGcp;

/// <summary>
/// Error bodies as each family of API sends them (ENDPOINTS.md §9): BigQuery and Storage use the legacy
/// <c>errors[]{reason}</c> array (BigQuery adds <c>status</c>); the AIP-style APIs send <c>status</c> and
/// <c>details[]</c> with a google.rpc.ErrorInfo.
/// </summary>
public static class FakeErrors
{
    public static JsonObject Aip(int code, string message, string status, string? infoReason = null, JsonObject? metadata = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message, ["status"] = status };
        if (infoReason is not null)
        {
            error["details"] = new JsonArray(new JsonObject
            {
                ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo",
                ["reason"] = infoReason,
                ["domain"] = "googleapis.com",
                ["metadata"] = metadata ?? new JsonObject(),
            });
        }

        return new JsonObject { ["error"] = error };
    }

    /// <summary>An error in the route's own style: legacy <paramref name="legacyReason"/> for BigQuery/Storage, else status (+ ErrorInfo).</summary>
    public static JsonObject Error(FakeRoute route, int code, string legacyReason, string message, string status, string? infoReason = null, JsonObject? metadata = null)
    {
        if (route.Style == ErrorStyle.Aip)
        {
            return Aip(code, message, status, infoReason, metadata);
        }

        var error = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["errors"] = new JsonArray(new JsonObject { ["message"] = message, ["domain"] = "global", ["reason"] = legacyReason }),
        };
        if (route.Style == ErrorStyle.BigQuery)
        {
            error["status"] = status;
        }

        if (infoReason is not null && route.Style == ErrorStyle.BigQuery)
        {
            error["details"] = new JsonArray(new JsonObject
            {
                ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo",
                ["reason"] = infoReason,
                ["domain"] = "googleapis.com",
                ["metadata"] = metadata ?? new JsonObject(),
            });
        }

        return new JsonObject { ["error"] = error };
    }

    public static JsonObject ServiceDisabled(FakeRoute route, string service, long projectNumber) =>
        Error(route, 403, "accessNotConfigured",
            $"{service} API has not been used in project {projectNumber} before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/{service}/overview?project={projectNumber} then retry.",
            "PERMISSION_DENIED", "SERVICE_DISABLED",
            new JsonObject { ["service"] = service, ["consumer"] = $"projects/{projectNumber}" });

    public static JsonObject NotFound(FakeRoute route, string what) => Error(route, 404, "notFound", $"Not found: {what}", "NOT_FOUND");

    public static JsonObject Invalid(FakeRoute route, string message, string legacyReason = "invalid") => Error(route, 400, legacyReason, message, "INVALID_ARGUMENT");

    /// <summary>The response an injected fault produces (timeouts, truncation and malformed bodies are handled by the server).</summary>
    public static FakeResponse ForFault(FakeRoute route, Fault fault, long projectNumber)
    {
        switch (fault.Kind)
        {
            case FaultKind.TooManyRequests:
                return new FakeResponse(429, Aip(429, "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute'.", "RESOURCE_EXHAUSTED", "RATE_LIMIT_EXCEEDED"))
                {
                    Headers = { ["Retry-After"] = fault.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                };
            case FaultKind.ServerError when fault.Status is 502 or 504:
                return new FakeResponse(fault.Status, null)
                {
                    Text = $"<!DOCTYPE html><html><body>Error {fault.Status} ({(fault.Status == 502 ? "Bad Gateway" : "Gateway Timeout")})</body></html>",
                    ContentType = "text/html; charset=UTF-8",
                };
            case FaultKind.ServerError:
                return new FakeResponse(fault.Status, Error(route, fault.Status, "backendError", "Backend error", fault.Status == 503 ? "UNAVAILABLE" : "INTERNAL"));
            case FaultKind.Unauthorized:
                return new FakeResponse(401, Error(route, 401, "authError", "Request had invalid authentication credentials.", "UNAUTHENTICATED"));
            case FaultKind.NotFound:
                return new FakeResponse(404, NotFound(route, "the resource"));
            case FaultKind.Forbidden:
                return new FakeResponse(403, fault.Reason switch
                {
                    "SERVICE_DISABLED" => ServiceDisabled(route, route.Service ?? "unknown.googleapis.com", projectNumber),
                    "accessDenied" => Error(route, 403, "accessDenied", "Access Denied: the caller does not have permission", "PERMISSION_DENIED", "IAM_PERMISSION_DENIED"),
                    "IAM_PERMISSION_DENIED" => Aip(403, "Permission denied on resource (or it may not exist).", "PERMISSION_DENIED", "IAM_PERMISSION_DENIED"),
                    "quotaExceeded" => Error(route, 403, "quotaExceeded", "Quota exceeded: Your project exceeded quota for free query bytes scanned.", "RESOURCE_EXHAUSTED"),
                    "rateLimitExceeded" => Error(route, 403, "rateLimitExceeded", "Exceeded rate limits: too many api requests per user per method for this user_method.", "PERMISSION_DENIED", "RATE_LIMIT_EXCEEDED"),
                    "billingNotEnabled" => Error(route, 403, "billingNotEnabled", "Billing has not been enabled for this project.", "PERMISSION_DENIED", "BILLING_DISABLED"),
                    var other => Error(route, 403, other ?? "forbidden", "Forbidden", "PERMISSION_DENIED"),
                });
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, "handled by the server");
        }
    }
}

/// <summary>How a route's API writes errors.</summary>
public enum ErrorStyle
{
    /// <summary>errors[] + status (+ ErrorInfo for service and IAM errors).</summary>
    BigQuery,

    /// <summary>errors[] only.</summary>
    Storage,

    /// <summary>status + details[ErrorInfo].</summary>
    Aip,
}
