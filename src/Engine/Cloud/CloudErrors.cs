using BqxAudit.Hosting;

namespace BqxAudit.Cloud;

/// <summary>Stable error ids for cloud failures, and their mapping to the host's error records.</summary>
public static class CloudErrors
{
    public const string NotFound = "BqxAudit.GcpNotFound";
    public const string PermissionDenied = "BqxAudit.GcpPermissionDenied";
    public const string ApiDisabled = "BqxAudit.GcpApiDisabled";
    public const string BillingDisabled = "BqxAudit.GcpBillingDisabled";
    public const string QuotaExceeded = "BqxAudit.GcpQuotaExceeded";
    public const string Unauthenticated = "BqxAudit.GcpUnauthenticated";
    public const string Unavailable = "BqxAudit.GcpUnavailable";
    public const string CredentialsMissing = "BqxAudit.GcpCredentialsMissing";
    public const string MalformedResponse = "BqxAudit.GcpMalformedResponse";
    public const string RequestFailed = "BqxAudit.GcpRequestFailed";
    public const string DeadlineExceeded = "BqxAudit.GcpDeadlineExceeded";
    public const string ResponseTooLarge = "BqxAudit.GcpResponseTooLarge";

    public static BqxError ToBqxError(GcpException e, string target)
    {
        var (id, category) = e.Kind switch
        {
            GcpErrorKind.NotFound => (NotFound, BqxErrorCategory.ObjectNotFound),
            GcpErrorKind.PermissionDenied => (PermissionDenied, BqxErrorCategory.PermissionDenied),
            GcpErrorKind.ApiDisabled => (ApiDisabled, BqxErrorCategory.ResourceUnavailable),
            GcpErrorKind.BillingDisabled => (BillingDisabled, BqxErrorCategory.ResourceUnavailable),
            GcpErrorKind.QuotaExceeded => (QuotaExceeded, BqxErrorCategory.QuotaExceeded),
            GcpErrorKind.Unauthenticated => (Unauthenticated, BqxErrorCategory.AuthenticationError),
            GcpErrorKind.CredentialsMissing => (CredentialsMissing, BqxErrorCategory.AuthenticationError),
            GcpErrorKind.Transient => (Unavailable, BqxErrorCategory.ConnectionError),
            GcpErrorKind.MalformedResponse => (MalformedResponse, BqxErrorCategory.InvalidData),
            GcpErrorKind.DeadlineExceeded => (DeadlineExceeded, BqxErrorCategory.OperationStopped),
            GcpErrorKind.ResponseTooLarge => (ResponseTooLarge, BqxErrorCategory.InvalidData),
            _ => (RequestFailed, BqxErrorCategory.InvalidOperation),
        };
        return new BqxError(id, category, SecretRedactor.Redact(e.Message), target);
    }
}
