using BqxAudit.Cloud;
using BqxAudit.Model;

namespace BqxAudit.Checks.Infrastructure;

/// <summary>Project: reachable and ACTIVE (Resource Manager projects.get).</summary>
internal sealed class ProjectCheck : CheckUnit
{
    public ProjectCheck(string project)
        : base(new PlannedCheck(InfraCheckKind.Project, $"project:{project}", "project is reachable and active", "ACTIVE")
        {
            MissingRemedy = $"Check gcp.project in the profile (or {{option:ProjectId}}); `gcloud projects describe {project}` shows whether the caller can see it.",
        })
    {
    }

    public override async Task<IReadOnlyList<InfraCheck>> RunAsync(CheckContext context, CallRecorder calls)
    {
        var project = await new ProjectApi(context.Session, calls).GetProjectAsync(context.Project, context.Cancellation).ConfigureAwait(false);
        var plan = Plan[0];
        var state = GcpMalformedResponseException.Require(project.State, GcpMethods.ProjectsGet, "state");
        var number = project.Name is { } n && n.StartsWith("projects/", StringComparison.Ordinal) ? n["projects/".Length..] : null;
        var row = state == "ACTIVE"
            ? plan.Row(InfraCheckStatus.Ready, $"ACTIVE (project number {number})")
            : plan.Row(InfraCheckStatus.Blocked, $"{state} (project number {number})",
                state == "DELETE_REQUESTED" ? $"gcloud projects undelete {context.Project}" : "The project is not active; see the console's project settings.");
        row.Details["ProjectId"] = project.ProjectId ?? context.Project;
        row.Details["State"] = state;
        if (number is not null)
        {
            row.Details["ProjectNumber"] = number;
        }

        if (project.DisplayName is { } display)
        {
            row.Details["DisplayName"] = display;
        }

        if (project.Parent is { } parent)
        {
            row.Details["Parent"] = parent;
        }

        row.Evidence.Add(new Evidence("api", "GET cloudresourcemanager.projects.get 200", $"{project.Name}: state {state}{(project.Parent is null ? "" : $", parent {project.Parent}")}"));
        return new[] { row };
    }
}

/// <summary>Billing: a billing account is linked and enabled (Cloud Billing projects.getBillingInfo).</summary>
internal sealed class BillingCheck : CheckUnit
{
    public BillingCheck(string project)
        : base(new PlannedCheck(InfraCheckKind.Billing, $"project:{project}", "billing is enabled", "billingEnabled: true"))
    {
    }

    public override async Task<IReadOnlyList<InfraCheck>> RunAsync(CheckContext context, CallRecorder calls)
    {
        var info = await new ProjectApi(context.Session, calls).GetBillingInfoAsync(context.Project, context.Cancellation).ConfigureAwait(false);
        // An absent billingEnabled means false (proto3 JSON leaves false out), but only in an answer that is a billing info at all.
        GcpMalformedResponseException.Require(info.Name, GcpMethods.GetBillingInfo, "name");
        var plan = Plan[0];
        var enabled = info.BillingEnabled == true;
        var row = enabled
            ? plan.Row(InfraCheckStatus.Ready, $"enabled ({info.BillingAccountName})")
            : plan.Row(InfraCheckStatus.Blocked, string.IsNullOrEmpty(info.BillingAccountName) ? "disabled: no billing account linked" : $"disabled ({info.BillingAccountName})",
                $"gcloud billing projects link {context.Project} --billing-account=BILLING_ACCOUNT_ID");
        row.Details["BillingEnabled"] = enabled;
        if (!string.IsNullOrEmpty(info.BillingAccountName))
        {
            row.Details["BillingAccountName"] = info.BillingAccountName;
        }

        row.Evidence.Add(new Evidence("api", "GET cloudbilling.projects.getBillingInfo 200", $"billingEnabled {(enabled ? "true" : "false")}, account {info.BillingAccountName ?? "(none)"}"));
        return new[] { row };
    }
}

/// <summary>Api: each required service is ENABLED (Service Usage services.batchGet, 30 per call).</summary>
internal sealed class ApiCheck : CheckUnit
{
    private readonly IReadOnlyList<ApiRequirement> requirements;

    public ApiCheck(IReadOnlyList<ApiRequirement> requirements)
        : base(requirements.Select(r => new PlannedCheck(InfraCheckKind.Api, $"api:{r.Service}", "service is enabled", "ENABLED")).ToArray()) =>
        this.requirements = requirements;

    public override async Task<IReadOnlyList<InfraCheck>> RunAsync(CheckContext context, CallRecorder calls)
    {
        IReadOnlyList<Cloud.ServiceUsage.GoogleApiServiceusageV1Service> services;
        try
        {
            services = await new ProjectApi(context.Session, calls)
                .GetServicesAsync(context.Project, requirements.Select(r => r.Service).ToArray(), context.Cancellation).ConfigureAwait(false);
        }
        catch (GcpApiDisabledException e)
        {
            return ServiceUsageDisabled(e, context.Project);
        }

        var byName = new Dictionary<string, Cloud.ServiceUsage.GoogleApiServiceusageV1Service>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            var name = service.Config?.Name ?? (service.Name is { } n ? n[(n.LastIndexOf('/') + 1)..] : null);
            if (name is not null)
            {
                byName[name] = service;
            }
        }

        var rows = new List<InfraCheck>();
        for (var i = 0; i < requirements.Count; i++)
        {
            var requirement = requirements[i];
            var plan = Plan[i];
            InfraCheck row;
            if (!byName.TryGetValue(requirement.Service, out var found))
            {
                row = plan.Row(InfraCheckStatus.NotVerified, "not returned by services.batchGet",
                    $"Check the service name; `gcloud services list --available --filter=name:{requirement.Service}` lists it if it exists.");
            }
            else if (found.State == "ENABLED")
            {
                row = plan.Row(InfraCheckStatus.Ready, "ENABLED");
            }
            else if (found.State == "DISABLED")
            {
                row = plan.Row(InfraCheckStatus.Blocked, $"DISABLED: {requirement.Service} is not enabled in project {context.Project}",
                    CheckErrors.EnableRemedy(requirement.Service, context.Project));
            }
            else if (found.State is not { Length: > 0 })
            {
                throw GcpMalformedResponseException.Lacks(GcpMethods.ServicesBatchGet, "services[].state", requirement.Service);
            }
            else
            {
                row = plan.Row(InfraCheckStatus.NotVerified, found.State, CheckErrors.EnableRemedy(requirement.Service, context.Project));
            }

            if (found is not null)
            {
                row.Details["State"] = found.State ?? "STATE_UNSPECIFIED";
                row.Details["Name"] = found.Name ?? "";
                if (found.Config?.Title is { } title)
                {
                    row.Details["Title"] = title;
                }

                row.Evidence.Add(new Evidence("api", "GET serviceusage.services.batchGet 200", $"{found.Name}: {found.State}"));
            }

            row.Details["RequiredBy"] = requirement.Reasons.Select(r => r.Location).Distinct(StringComparer.Ordinal).ToList();
            row.Evidence.AddRange(requirement.Reasons);
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Service Usage itself is off: it is Blocked (named, with its remedy); the others cannot be read, so they are NotVerified.</summary>
    private IReadOnlyList<InfraCheck> ServiceUsageDisabled(GcpApiDisabledException e, string project)
    {
        var service = e.Service ?? GcpApi.ServiceUsage.ServiceName;
        var rows = new List<InfraCheck>();
        var named = false;
        for (var i = 0; i < requirements.Count; i++)
        {
            var plan = Plan[i];
            InfraCheck row;
            if (requirements[i].Service == service)
            {
                row = CheckErrors.Row(plan, e, project);
                named = true;
            }
            else
            {
                row = plan.Row(InfraCheckStatus.NotVerified, $"not measured: {service} is disabled, so service states cannot be read",
                    CheckErrors.EnableRemedy(service, project));
                row.Evidence.Add(new Evidence("api", e.Location, CheckErrors.Describe(e)));
            }

            row.Evidence.AddRange(requirements[i].Reasons);
            rows.Add(row);
        }

        if (!named)
        {
            rows.Add(CheckErrors.Row(new PlannedCheck(InfraCheckKind.Api, $"api:{service}", "service is enabled", "ENABLED"), e, project));
        }

        return rows;
    }
}
