using BqxAudit.Cloud;
using BqxAudit.Model;

namespace BqxAudit.Checks.Infrastructure;

/// <summary>
/// ServiceAccount, first row: is the principal the audit runs as (from its credentials: a key file's
/// <c>client_email</c>, the metadata server's default account) the service account the profile expects the
/// pipeline to run as? Permission rows describe the caller, so a different caller makes them describe someone else.
/// </summary>
internal sealed class ActivePrincipalCheck : CheckUnit
{
    private readonly string expected;

    public ActivePrincipalCheck(string expected)
        : base(new PlannedCheck(InfraCheckKind.ServiceAccount, $"serviceAccount:{expected}", "active principal is the expected service account", expected))
    {
        this.expected = expected;
    }

    public override bool AuditOnly => true;

    public override async Task<IReadOnlyList<InfraCheck>> RunAsync(CheckContext context, CallRecorder calls)
    {
        var plan = Plan[0];
        var credential = await context.Session.CredentialForAsync(GcpApi.Iam).ConfigureAwait(false);
        if (credential is null)
        {
            var none = plan.Row(InfraCheckStatus.NotVerified, "not measured: requests carry no credentials, so there is no principal",
                $"Pass the service account's key file ({{option:CredentialPath}}) to audit as {expected}.");
            none.Evidence.Add(new Evidence("credential", context.Session.DescribeCredentials(GcpApi.Iam), "no principal: requests are sent without credentials"));
            return new[] { none };
        }

        var principal = await credential.ResolvePrincipalAsync(context.Cancellation).ConfigureAwait(false);
        InfraCheck row;
        if (principal is null)
        {
            row = plan.Row(InfraCheckStatus.NotVerified, $"not measured: the credentials ({credential.Source}) do not name their account",
                $"`gcloud auth list` shows the active account; to audit as {expected}, pass its key file ({{option:CredentialPath}}).");
            row.Evidence.Add(new Evidence("credential", credential.Source, "user credentials carry no email without the email scope; the audit asks only for cloud-platform"));
            return new[] { row };
        }

        row = string.Equals(principal, expected, StringComparison.OrdinalIgnoreCase)
            ? plan.Row(InfraCheckStatus.Ready, principal)
            : plan.Row(InfraCheckStatus.Partial, $"{principal}, not {expected}: the permission rows describe {principal}",
                $"Run the audit as {expected} ({{option:CredentialPath}} with its key file) so permissions are tested for the principal that runs the pipeline, or correct gcp.serviceAccount.");
        row.Details["Principal"] = principal;
        row.Details["Expected"] = expected;
        row.Evidence.Add(new Evidence("credential", credential.Source, $"principal {principal}"));
        return new[] { row };
    }
}

/// <summary>
/// ServiceAccount, second row: the expected service account's user-managed keys (IAM keys.list with
/// <c>keyTypes=USER_MANAGED</c>) and their age; an enabled key older than 90 days is a finding.
/// </summary>
internal sealed class ServiceAccountKeysCheck : CheckUnit
{
    public const int MaxKeyAgeDays = 90;

    private readonly string email;
    private readonly TimeProvider clock;

    public ServiceAccountKeysCheck(string email, TimeProvider clock)
        : base(new PlannedCheck(InfraCheckKind.ServiceAccount, $"serviceAccount:{email}", $"user-managed keys are at most {MaxKeyAgeDays} days old",
            $"no enabled user-managed key older than {MaxKeyAgeDays} days")
        {
            MissingRemedy = $"The service account does not exist: gcloud iam service-accounts create {email.Split('@')[0]}  (or correct gcp.serviceAccount).",
        })
    {
        this.email = email;
        this.clock = clock;
    }

    public override bool AuditOnly => true;

    public override async Task<IReadOnlyList<InfraCheck>> RunAsync(CheckContext context, CallRecorder calls)
    {
        var keys = await new IamApi(context.Session, calls).ListUserManagedKeysAsync(context.Project, email, context.Cancellation).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var inUse = context.Session.KeyFile is { } file && string.Equals(file.Principal, email, StringComparison.OrdinalIgnoreCase) ? file.KeyId : null;
        var facts = new List<Dictionary<string, object>>();
        var old = new List<(string Id, int Age)>();
        var oldDisabled = 0;
        var oldest = -1;
        foreach (var key in keys.OrderBy(k => k.ValidAfterTime, StringComparer.Ordinal))
        {
            var id = key.Name is { } n ? n[(n.LastIndexOf('/') + 1)..] : "(unnamed)";
            var validAfter = GoogleTime.Parse(key.ValidAfterTime)
                ?? throw new GcpMalformedResponseException($"{GcpMethods.ServiceAccountKeysList.Id}: key {id} has no readable validAfterTime ('{key.ValidAfterTime}')", GcpMethods.ServiceAccountKeysList, 200);
            var age = (int)Math.Floor((now - validAfter).TotalDays);
            var disabled = key.Disabled == true;
            var fact = new Dictionary<string, object>
            {
                ["KeyId"] = id,
                ["ValidAfter"] = validAfter,
                ["AgeDays"] = age,
                ["Disabled"] = disabled,
            };
            if (id == inUse)
            {
                fact["InUse"] = true;
            }

            facts.Add(fact);
            if (age > MaxKeyAgeDays)
            {
                if (disabled)
                {
                    oldDisabled++;
                }
                else
                {
                    old.Add((id, age));
                }
            }

            if (!disabled)
            {
                oldest = Math.Max(oldest, age);
            }
        }

        var plan = Plan[0];
        var enabled = facts.Count(f => !(bool)f["Disabled"]);
        string Describe() => string.Join(", ", facts.Select(f => $"{f["KeyId"]} {f["AgeDays"]} days{((bool)f["Disabled"] ? " (disabled)" : "")}{(f.ContainsKey("InUse") ? " (in use)" : "")}"));
        InfraCheck row;
        if (facts.Count == 0)
        {
            row = plan.Row(InfraCheckStatus.Ready, "no user-managed keys");
        }
        else if (old.Count == 0)
        {
            row = plan.Row(InfraCheckStatus.Ready, $"{facts.Count} user-managed key(s), {enabled} enabled{(oldest >= 0 ? $", oldest enabled {oldest} days" : "")}: {Describe()}");
        }
        else
        {
            row = plan.Row(InfraCheckStatus.Partial,
                $"{old.Count} enabled user-managed key(s) older than {MaxKeyAgeDays} days ({string.Join(", ", old.Select(o => $"{o.Id}: {o.Age} days"))}); all keys: {Describe()}",
                $"Rotate: gcloud iam service-accounts keys create NEW_KEY.json --iam-account {email}, move the pipeline to the new key, then "
                + string.Join("; ", old.Select(o => $"gcloud iam service-accounts keys delete {o.Id} --iam-account {email}"))
                + ". Better still, drop keys for keyless authentication (the metadata server, workload identity federation).");
        }

        row.Details["Keys"] = facts;
        row.Details["UserManagedKeys"] = facts.Count;
        row.Details["EnabledKeys"] = enabled;
        row.Details["KeysOlderThanMaxAge"] = old.Count;
        row.Details["DisabledKeysOlderThanMaxAge"] = oldDisabled;
        row.Details["MaxKeyAgeDays"] = MaxKeyAgeDays;
        if (oldest >= 0)
        {
            row.Details["OldestKeyAgeDays"] = oldest;
        }

        row.Evidence.Add(new Evidence("api", "GET iam.projects.serviceAccounts.keys.list 200",
            $"keyTypes=USER_MANAGED: {facts.Count} key(s){(facts.Count > 0 ? ": " + Describe() : "")}; ages as of {Format.Time(now)}"));
        return new[] { row };
    }
}
