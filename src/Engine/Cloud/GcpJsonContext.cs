using System.Text.Json.Serialization;

namespace BqxAudit.Cloud;

/// <summary>
/// Compiled (source-generated) JSON metadata for every request and response body of Dtos/: without it, the first
/// response of each type built its serializer by reflection and emitted IL for every property at run time
/// (measured on the infrastructure check: ~330 emitted methods and ~250 generic instantiations JIT-compiled on the
/// path of every first call). <see cref="GcpJson.Options"/> falls back to reflection for any type not listed, so a
/// new body works before it is added here; DtoJsonContextTests checks that none is missing.
/// </summary>
[JsonSerializable(typeof(BigQuery.DatasetReference))]
[JsonSerializable(typeof(BigQuery.Dataset))]
[JsonSerializable(typeof(BigQuery.TableReference))]
[JsonSerializable(typeof(BigQuery.TableList))]
[JsonSerializable(typeof(BigQuery.TableList.TablesData))]
[JsonSerializable(typeof(BigQuery.Table))]
[JsonSerializable(typeof(BigQuery.QueryParameterType))]
[JsonSerializable(typeof(BigQuery.QueryParameterValue))]
[JsonSerializable(typeof(BigQuery.QueryParameter))]
[JsonSerializable(typeof(BigQuery.DataFormatOptions))]
[JsonSerializable(typeof(BigQuery.QueryRequest))]
[JsonSerializable(typeof(BigQuery.JobReference))]
[JsonSerializable(typeof(BigQuery.TableFieldSchema))]
[JsonSerializable(typeof(BigQuery.TableSchema))]
[JsonSerializable(typeof(BigQuery.TableCell))]
[JsonSerializable(typeof(BigQuery.TableRow))]
[JsonSerializable(typeof(BigQuery.ErrorProto))]
[JsonSerializable(typeof(BigQuery.QueryResponse))]
[JsonSerializable(typeof(BigQuery.GetQueryResultsResponse))]
[JsonSerializable(typeof(BigQuery.TestIamPermissionsRequest), TypeInfoPropertyName = "BigQueryTestIamPermissionsRequest")]
[JsonSerializable(typeof(BigQuery.TestIamPermissionsResponse), TypeInfoPropertyName = "BigQueryTestIamPermissionsResponse")]
[JsonSerializable(typeof(ResourceManager.Project))]
[JsonSerializable(typeof(ResourceManager.TestIamPermissionsRequest), TypeInfoPropertyName = "ResourceManagerTestIamPermissionsRequest")]
[JsonSerializable(typeof(ResourceManager.TestIamPermissionsResponse), TypeInfoPropertyName = "ResourceManagerTestIamPermissionsResponse")]
[JsonSerializable(typeof(ServiceUsage.GoogleApiServiceusageV1ServiceConfig))]
[JsonSerializable(typeof(ServiceUsage.GoogleApiServiceusageV1Service))]
[JsonSerializable(typeof(ServiceUsage.BatchGetServicesResponse))]
[JsonSerializable(typeof(Billing.ProjectBillingInfo))]
[JsonSerializable(typeof(CloudRun.GoogleCloudRunV2Condition))]
[JsonSerializable(typeof(CloudRun.GoogleCloudRunV2Container))]
[JsonSerializable(typeof(CloudRun.GoogleCloudRunV2TaskTemplate))]
[JsonSerializable(typeof(CloudRun.GoogleCloudRunV2ExecutionTemplate))]
[JsonSerializable(typeof(CloudRun.GoogleCloudRunV2ExecutionReference))]
[JsonSerializable(typeof(CloudRun.GoogleCloudRunV2Job))]
[JsonSerializable(typeof(CloudRun.GoogleCloudRunV2Execution))]
[JsonSerializable(typeof(Iam.ServiceAccountKey))]
[JsonSerializable(typeof(Iam.ListServiceAccountKeysResponse))]
[JsonSerializable(typeof(ServiceUsage.QuotaBucket))]
[JsonSerializable(typeof(ServiceUsage.ConsumerQuotaLimit))]
[JsonSerializable(typeof(ServiceUsage.ConsumerQuotaMetric))]
[JsonSerializable(typeof(ServiceUsage.ListConsumerQuotaMetricsResponse))]
[JsonSerializable(typeof(Billing.GoogleTypeMoney))]
[JsonSerializable(typeof(Billing.GoogleCloudBillingBudgetsV1BudgetAmount))]
[JsonSerializable(typeof(Billing.GoogleCloudBillingBudgetsV1LastPeriodAmount))]
[JsonSerializable(typeof(Billing.GoogleCloudBillingBudgetsV1Filter))]
[JsonSerializable(typeof(Billing.GoogleCloudBillingBudgetsV1ThresholdRule))]
[JsonSerializable(typeof(Billing.GoogleCloudBillingBudgetsV1NotificationsRule))]
[JsonSerializable(typeof(Billing.GoogleCloudBillingBudgetsV1Budget))]
[JsonSerializable(typeof(Billing.GoogleCloudBillingBudgetsV1ListBudgetsResponse))]
internal sealed partial class GcpJsonContext : JsonSerializerContext
{
}
