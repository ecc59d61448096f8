// Resource Manager v3, Service Usage v1 and Cloud Billing v1 bodies, named and shaped as in their
// discovery documents.
namespace BqxAudit.Cloud.ResourceManager
{
    [DiscoverySchema("cloudresourcemanager.v3", "Project")]
    public sealed class Project
    {
        /// <summary><c>projects/&lt;number&gt;</c>.</summary>
        public string? Name { get; set; }
        public string? Parent { get; set; }
        public string? ProjectId { get; set; }

        /// <summary>ACTIVE or DELETE_REQUESTED.</summary>
        public string? State { get; set; }
        public string? DisplayName { get; set; }

        /// <summary>google-datetime (up to nanoseconds), kept as text.</summary>
        public string? CreateTime { get; set; }
        public string? Etag { get; set; }
        public Dictionary<string, string> Labels { get; set; } = new();
    }

    [DiscoverySchema("cloudresourcemanager.v3", "TestIamPermissionsRequest")]
    public sealed class TestIamPermissionsRequest
    {
        public List<string> Permissions { get; set; } = new();
    }

    [DiscoverySchema("cloudresourcemanager.v3", "TestIamPermissionsResponse")]
    public sealed class TestIamPermissionsResponse
    {
        public List<string> Permissions { get; set; } = new();
    }
}

namespace BqxAudit.Cloud.ServiceUsage
{
    [DiscoverySchema("serviceusage.v1", "GoogleApiServiceusageV1ServiceConfig")]
    public sealed class GoogleApiServiceusageV1ServiceConfig
    {
        public string? Name { get; set; }
        public string? Title { get; set; }
    }

    [DiscoverySchema("serviceusage.v1", "GoogleApiServiceusageV1Service")]
    public sealed class GoogleApiServiceusageV1Service
    {
        /// <summary><c>projects/&lt;number&gt;/services/&lt;service&gt;</c>.</summary>
        public string? Name { get; set; }
        public string? Parent { get; set; }

        /// <summary>STATE_UNSPECIFIED, DISABLED or ENABLED.</summary>
        public string? State { get; set; }
        public GoogleApiServiceusageV1ServiceConfig? Config { get; set; }
    }

    [DiscoverySchema("serviceusage.v1", "BatchGetServicesResponse")]
    public sealed class BatchGetServicesResponse
    {
        public List<GoogleApiServiceusageV1Service> Services { get; set; } = new();
    }
}

namespace BqxAudit.Cloud.Billing
{
    [DiscoverySchema("cloudbilling.v1", "ProjectBillingInfo")]
    public sealed class ProjectBillingInfo
    {
        public string? Name { get; set; }
        public string? ProjectId { get; set; }
        public string? BillingAccountName { get; set; }
        public bool? BillingEnabled { get; set; }
    }
}
