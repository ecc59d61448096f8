using System.Globalization;
using System.Text.Json.Serialization;

// Cloud Run Admin v2, IAM v1, Service Usage v1beta1 (consumer quota metrics) and Cloud Billing Budgets v1
// bodies, named and shaped as in their discovery documents. Only the fields the checks read are declared.
// google-datetime values (RFC 3339 with up to nine fractional digits) are kept as text; GoogleTime parses them.
namespace BqxAudit.Cloud.CloudRun
{
    [DiscoverySchema("run.v2", "GoogleCloudRunV2Condition")]
    public sealed class GoogleCloudRunV2Condition
    {
        /// <summary>e.g. <c>Ready</c>, <c>Completed</c>.</summary>
        public string? Type { get; set; }

        /// <summary>CONDITION_PENDING, CONDITION_RECONCILING, CONDITION_FAILED or CONDITION_SUCCEEDED.</summary>
        public string? State { get; set; }
        public string? Message { get; set; }
        public string? LastTransitionTime { get; set; }
        public string? Severity { get; set; }
        public string? Reason { get; set; }
        public string? ExecutionReason { get; set; }
    }

    [DiscoverySchema("run.v2", "GoogleCloudRunV2Container")]
    public sealed class GoogleCloudRunV2Container
    {
        public string? Name { get; set; }
        public string? Image { get; set; }
    }

    [DiscoverySchema("run.v2", "GoogleCloudRunV2TaskTemplate")]
    public sealed class GoogleCloudRunV2TaskTemplate
    {
        public List<GoogleCloudRunV2Container> Containers { get; set; } = new();

        /// <summary>Absent means the project's default service account.</summary>
        public string? ServiceAccount { get; set; }

        /// <summary>google-duration, e.g. <c>600s</c>.</summary>
        public string? Timeout { get; set; }
        public int? MaxRetries { get; set; }
    }

    [DiscoverySchema("run.v2", "GoogleCloudRunV2ExecutionTemplate")]
    public sealed class GoogleCloudRunV2ExecutionTemplate
    {
        public int? TaskCount { get; set; }
        public int? Parallelism { get; set; }
        public GoogleCloudRunV2TaskTemplate? Template { get; set; }
    }

    [DiscoverySchema("run.v2", "GoogleCloudRunV2ExecutionReference")]
    public sealed class GoogleCloudRunV2ExecutionReference
    {
        public string? Name { get; set; }
        public string? CreateTime { get; set; }
        public string? CompletionTime { get; set; }
    }

    [DiscoverySchema("run.v2", "GoogleCloudRunV2Job")]
    public sealed class GoogleCloudRunV2Job
    {
        public string? Name { get; set; }
        public string? Uid { get; set; }
        public string? LaunchStage { get; set; }
        public string? CreateTime { get; set; }
        public string? UpdateTime { get; set; }
        public string? Creator { get; set; }
        public string? LastModifier { get; set; }
        public GoogleCloudRunV2ExecutionTemplate? Template { get; set; }
        public GoogleCloudRunV2Condition? TerminalCondition { get; set; }
        public List<GoogleCloudRunV2Condition> Conditions { get; set; } = new();
        public GoogleCloudRunV2ExecutionReference? LatestCreatedExecution { get; set; }
        public int? ExecutionCount { get; set; }
        public bool? Reconciling { get; set; }
        public string? Etag { get; set; }
    }

    [DiscoverySchema("run.v2", "GoogleCloudRunV2Execution")]
    public sealed class GoogleCloudRunV2Execution
    {
        public string? Name { get; set; }
        public string? Job { get; set; }
        public string? CreateTime { get; set; }
        public string? StartTime { get; set; }
        public string? CompletionTime { get; set; }
        public int? TaskCount { get; set; }
        public int? RunningCount { get; set; }
        public int? SucceededCount { get; set; }
        public int? FailedCount { get; set; }
        public int? CancelledCount { get; set; }
        public int? RetriedCount { get; set; }
        public List<GoogleCloudRunV2Condition> Conditions { get; set; } = new();
        public string? LogUri { get; set; }
        public bool? Reconciling { get; set; }
    }
}

namespace BqxAudit.Cloud.Iam
{
    [DiscoverySchema("iam.v1", "ServiceAccountKey")]
    public sealed class ServiceAccountKey
    {
        /// <summary><c>projects/{p}/serviceAccounts/{email}/keys/{keyId}</c>.</summary>
        public string? Name { get; set; }

        /// <summary>USER_MANAGED or SYSTEM_MANAGED.</summary>
        public string? KeyType { get; set; }
        public string? KeyOrigin { get; set; }
        public string? KeyAlgorithm { get; set; }
        public string? ValidAfterTime { get; set; }
        public string? ValidBeforeTime { get; set; }
        public bool? Disabled { get; set; }
        public string? DisableReason { get; set; }
    }

    [DiscoverySchema("iam.v1", "ListServiceAccountKeysResponse")]
    public sealed class ListServiceAccountKeysResponse
    {
        public List<ServiceAccountKey> Keys { get; set; } = new();
    }
}

namespace BqxAudit.Cloud.ServiceUsage
{
    [DiscoverySchema("serviceusage.v1beta1", "QuotaBucket")]
    public sealed class QuotaBucket
    {
        /// <summary>The limit in force; -1 means unlimited.</summary>
        [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
        public long? EffectiveLimit { get; set; }

        [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
        public long? DefaultLimit { get; set; }

        /// <summary>Empty for the global bucket; else e.g. <c>{ "region": "us-central1" }</c>.</summary>
        public Dictionary<string, string> Dimensions { get; set; } = new();
    }

    [DiscoverySchema("serviceusage.v1beta1", "ConsumerQuotaLimit")]
    public sealed class ConsumerQuotaLimit
    {
        public string? Name { get; set; }
        public string? Metric { get; set; }

        /// <summary>The limit's unit, e.g. <c>1/d/{project}</c> (per day and project) or <c>1/d/{project}/{user}</c>.</summary>
        public string? Unit { get; set; }
        public bool? IsPrecise { get; set; }
        public List<QuotaBucket> QuotaBuckets { get; set; } = new();
    }

    [DiscoverySchema("serviceusage.v1beta1", "ConsumerQuotaMetric")]
    public sealed class ConsumerQuotaMetric
    {
        public string? Name { get; set; }
        public string? Metric { get; set; }
        public string? DisplayName { get; set; }

        /// <summary>The unit of the metric's values (e.g. <c>MiBy</c>).</summary>
        public string? Unit { get; set; }
        public List<ConsumerQuotaLimit> ConsumerQuotaLimits { get; set; } = new();
    }

    [DiscoverySchema("serviceusage.v1beta1", "ListConsumerQuotaMetricsResponse")]
    public sealed class ListConsumerQuotaMetricsResponse
    {
        public List<ConsumerQuotaMetric> Metrics { get; set; } = new();
        public string? NextPageToken { get; set; }
    }
}

namespace BqxAudit.Cloud.Billing
{
    [DiscoverySchema("billingbudgets.v1", "GoogleTypeMoney")]
    public sealed class GoogleTypeMoney
    {
        public string? CurrencyCode { get; set; }

        [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
        public long? Units { get; set; }
        public int? Nanos { get; set; }

        public override string ToString()
        {
            var amount = (Units ?? 0) + (Nanos ?? 0) / 1e9;
            return $"{amount.ToString("0.##", CultureInfo.InvariantCulture)} {CurrencyCode ?? ""}".TrimEnd();
        }
    }

    [DiscoverySchema("billingbudgets.v1", "GoogleCloudBillingBudgetsV1BudgetAmount")]
    public sealed class GoogleCloudBillingBudgetsV1BudgetAmount
    {
        public GoogleTypeMoney? SpecifiedAmount { get; set; }

        /// <summary>Present (an empty object) when the budget follows last period's spend.</summary>
        public GoogleCloudBillingBudgetsV1LastPeriodAmount? LastPeriodAmount { get; set; }
    }

    /// <summary>An empty object: the budget amount is last period's spend.</summary>
    [DiscoverySchema("billingbudgets.v1", "GoogleCloudBillingBudgetsV1LastPeriodAmount")]
    public sealed class GoogleCloudBillingBudgetsV1LastPeriodAmount
    {
    }

    [DiscoverySchema("billingbudgets.v1", "GoogleCloudBillingBudgetsV1Filter")]
    public sealed class GoogleCloudBillingBudgetsV1Filter
    {
        /// <summary><c>projects/{number}</c>; empty means every project of the billing account.</summary>
        public List<string> Projects { get; set; } = new();
        public List<string> Services { get; set; } = new();
        public string? CalendarPeriod { get; set; }
        public string? CreditTypesTreatment { get; set; }
    }

    [DiscoverySchema("billingbudgets.v1", "GoogleCloudBillingBudgetsV1ThresholdRule")]
    public sealed class GoogleCloudBillingBudgetsV1ThresholdRule
    {
        /// <summary>1.0-based: 0.5 is 50 %.</summary>
        public double? ThresholdPercent { get; set; }

        /// <summary>CURRENT_SPEND (default) or FORECASTED_SPEND.</summary>
        public string? SpendBasis { get; set; }
    }

    [DiscoverySchema("billingbudgets.v1", "GoogleCloudBillingBudgetsV1NotificationsRule")]
    public sealed class GoogleCloudBillingBudgetsV1NotificationsRule
    {
        public string? PubsubTopic { get; set; }
        public List<string> MonitoringNotificationChannels { get; set; } = new();
        public bool? DisableDefaultIamRecipients { get; set; }
    }

    [DiscoverySchema("billingbudgets.v1", "GoogleCloudBillingBudgetsV1Budget")]
    public sealed class GoogleCloudBillingBudgetsV1Budget
    {
        public string? Name { get; set; }
        public string? DisplayName { get; set; }
        public GoogleCloudBillingBudgetsV1Filter? BudgetFilter { get; set; }
        public GoogleCloudBillingBudgetsV1BudgetAmount? Amount { get; set; }
        public List<GoogleCloudBillingBudgetsV1ThresholdRule> ThresholdRules { get; set; } = new();
        public GoogleCloudBillingBudgetsV1NotificationsRule? NotificationsRule { get; set; }
        public string? Etag { get; set; }
    }

    [DiscoverySchema("billingbudgets.v1", "GoogleCloudBillingBudgetsV1ListBudgetsResponse")]
    public sealed class GoogleCloudBillingBudgetsV1ListBudgetsResponse
    {
        public List<GoogleCloudBillingBudgetsV1Budget> Budgets { get; set; } = new();
        public string? NextPageToken { get; set; }
    }
}

namespace BqxAudit.Cloud
{
    /// <summary>Parses google-datetime (RFC 3339, UTC "Z" or an offset, up to nine fractional digits).</summary>
    public static class GoogleTime
    {
        public static DateTimeOffset? Parse(string? text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            // .NET reads at most seven fractional digits: cut nanoseconds to ticks.
            var s = text.Trim();
            var dot = s.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0)
            {
                var end = dot + 1;
                while (end < s.Length && char.IsAsciiDigit(s[end]))
                {
                    end++;
                }

                if (end - dot - 1 > 7)
                {
                    s = s[..(dot + 8)] + s[end..];
                }
            }

            return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;
        }
    }
}
