using System.Text.RegularExpressions;
using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Model;

namespace BqxAudit.Checks.Naming;

/// <summary>Options of a rename plan.</summary>
public sealed class RenamePlanOptions
{
    /// <summary>Project of names given without one (usually the profile's <c>gcp.project</c>).</summary>
    public string? Project { get; init; }

    /// <summary>Dataset of names given without one; default: the mandate's dataset when it names exactly one.</summary>
    public string? Dataset { get; init; }

    /// <summary>Days the grace view lives; default: the mandate's <c>graceDays</c>.</summary>
    public int? GraceDays { get; init; }

    /// <summary>More names known to exist (e.g. a full listing when only some results are planned); they are never renamed.</summary>
    public IEnumerable<TableNameEntry>? ExistingNames { get; init; }

    /// <summary>Per family, the variant its variant-less names hold as a generator shows it (<see cref="Naming.VariantEvidence"/>); none: never assumed.</summary>
    public IReadOnlyDictionary<string, VariantClaim>? VariantEvidence { get; init; }
}

/// <summary>
/// The naming-mandate engine: classifies table names against a naming mandate, plans renames with
/// collision detection, and summarises. One instance per invocation; it caches compiled mandates.
/// </summary>
public sealed class NamingService
{
    /// <summary>The mandate kind this service handles.</summary>
    public const string Kind = "naming";

    private static readonly Regex PlainIdentifier = new("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);

    private readonly IAuditHost host;
    private readonly Dictionary<MandateProfile, NamingStandard> compiled = new(ReferenceEqualityComparer.Instance);

    public NamingService(IAuditHost? host = null) => this.host = host ?? NullHost.Instance;

    /// <summary>The profile's mandates of kind <c>naming</c>, in profile order.</summary>
    public static IReadOnlyList<MandateProfile> NamingMandates(AuditProfile profile) =>
        profile.Mandates.Where(m => m.Kind == Kind).ToArray();

    /// <summary>The naming mandate with <paramref name="id"/>, or the profile's first when null; a terminating error when there is none.</summary>
    public static MandateProfile SelectMandate(AuditProfile profile, string? id = null)
    {
        var mandates = NamingMandates(profile);
        var mandate = id is null ? mandates.FirstOrDefault() : mandates.FirstOrDefault(m => m.Id == id);
        if (mandate is not null)
        {
            return mandate;
        }

        var known = mandates.Count == 0 ? "it has none" : "it has " + string.Join(", ", mandates.Select(m => m.Id));
        throw new BqxException(new BqxError(ErrorIds.ProfileInvalid, BqxErrorCategory.ObjectNotFound,
            id is null ? $"profile '{profile.Name}' defines no naming mandate (mandates: - kind: naming)" : $"profile '{profile.Name}' has no naming mandate '{id}'; {known}",
            profile.Source));
    }

    /// <summary>
    /// Classifies names as they arrive: one result per distinct name (same project, dataset and table name,
    /// compared exactly). A repeat is not returned again: it adds its count to the first result, so Count is
    /// final once the enumeration completes.
    /// </summary>
    public IEnumerable<NamingResult> Classify(IEnumerable<TableNameEntry> names, MandateProfile mandate)
    {
        var standard = Compile(mandate);
        return ClassifyIterator(names, standard);
    }

    private IEnumerable<NamingResult> ClassifyIterator(IEnumerable<TableNameEntry> names, NamingStandard standard)
    {
        var seen = names.TryGetNonEnumeratedCount(out var expected)
            ? new Dictionary<(string?, string?, string), NamingResult>(expected)
            : new Dictionary<(string?, string?, string), NamingResult>();
        var cancel = host.Cancellation;
        var n = 0;
        foreach (var entry in names)
        {
            if ((++n & 0xFFF) == 0)
            {
                cancel.ThrowIfCancellationRequested();
            }

            var key = (entry.Project, entry.Dataset, entry.TableName);
            if (seen.TryGetValue(key, out var first))
            {
                first.Count += entry.Count;
                continue;
            }

            var result = standard.Classify(entry);
            seen.Add(key, result);
            yield return result;
        }
    }

    /// <summary>Classifies one name (no duplicate folding).</summary>
    public NamingResult Classify(TableNameEntry name, MandateProfile mandate) => Compile(mandate).Classify(name);

    /// <summary>
    /// The rename plan of classified names: Rename with DDL where the suggestion is safe; Collision when the
    /// target already exists (compared ignoring case, to be safe) or several names map to one target;
    /// Manual when no deterministic target exists or BigQuery cannot rename the table; AlreadyCompliant for
    /// compliant and exempt names. Sorted by project, dataset and name. Executes nothing.
    /// </summary>
    public IReadOnlyList<RenamePlanItem> Plan(IEnumerable<NamingResult> results, MandateProfile mandate, RenamePlanOptions? options = null)
    {
        options ??= new RenamePlanOptions();
        var graceDays = options.GraceDays ?? mandate.GraceDays;
        var defaultDataset = options.Dataset ?? (mandate.Datasets.Count == 1 ? mandate.Datasets[0] : null);
        var list = results as IReadOnlyList<NamingResult> ?? results.ToList();
        var cancel = host.Cancellation;

        var comparer = new TableKeyComparer();
        var existing = new Dictionary<(string, string, string), List<string>>(list.Count, comparer);
        void AddExisting(string? project, string? dataset, string name)
        {
            var key = (project ?? options.Project ?? "", dataset ?? defaultDataset ?? "", name);
            if (!existing.TryGetValue(key, out var names))
            {
                existing[key] = names = new List<string>(1);
            }

            if (!names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
        }

        foreach (var r in list)
        {
            AddExisting(r.Project, r.Dataset, r.TableName);
        }

        foreach (var e in options.ExistingNames ?? Array.Empty<TableNameEntry>())
        {
            AddExisting(e.Project, e.Dataset, e.TableName);
        }

        // A variant-less name gets a target only from evidence (a generator), and is a Duplicate when its twin exists.
        var standard = Compile(mandate);
        var variantless = new Dictionary<NamingResult, Variantless>(ReferenceEqualityComparer.Instance);
        foreach (var r in list)
        {
            if (r.Status == NamingStatus.NonCompliant && r.SuggestedName is null && r.Violations.Contains(NamingViolation.MissingVariant)
                && standard.VariantFormsOf(r.TableName) is { } forms)
            {
                var project = r.Project ?? options.Project ?? "";
                var dataset = r.Dataset ?? defaultDataset ?? "";
                var twins = forms.Forms.SelectMany(f => new[] { f.AsWritten, f.Fixed }).OfType<string>()
                    .Where(n => !string.Equals(n, r.TableName, StringComparison.OrdinalIgnoreCase) && existing.TryGetValue((project, dataset, n), out _))
                    .Select(n => existing[(project, dataset, n)][0]).Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToList();
                VariantClaim? claim = null;
                options.VariantEvidence?.TryGetValue(forms.Family, out claim);
                var held = claim?.Variant is { } v ? forms.Forms.FirstOrDefault(f => f.Variant == v) : null;
                variantless[r] = new Variantless(forms, twins, claim, held?.Fixed, held is null ? null : held.Fixed ?? held.AsWritten);
            }
        }

        string? TargetOf(NamingResult r) => r.SuggestedName ?? (variantless.TryGetValue(r, out var vl) ? vl.Target : null);

        var targets = new Dictionary<(string, string, string), List<NamingResult>>(comparer);
        foreach (var r in list)
        {
            if (r.Status == NamingStatus.NonCompliant && TargetOf(r) is { } target && !(variantless.TryGetValue(r, out var vl) && vl.IsDuplicate))
            {
                var key = (r.Project ?? options.Project ?? "", r.Dataset ?? defaultDataset ?? "", target);
                if (!targets.TryGetValue(key, out var sources))
                {
                    targets[key] = sources = new List<NamingResult>(1);
                }

                sources.Add(r);
            }
        }

        var items = new RenamePlanItem[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            if ((i & 0xFFF) == 0)
            {
                cancel.ThrowIfCancellationRequested();
            }

            var r = list[i];
            var project = r.Project ?? options.Project;
            var dataset = r.Dataset ?? defaultDataset;
            var item = new RenamePlanItem { Project = project, Dataset = dataset, Source = r.TableName, Family = r.Family };
            items[i] = item;
            switch (r.Status)
            {
                case NamingStatus.Compliant:
                    item.Action = RenameAction.AlreadyCompliant;
                    continue;
                case NamingStatus.Exempt:
                    item.Action = RenameAction.AlreadyCompliant;
                    item.Reason = $"exempt: {r.Reason}";
                    continue;
                case NamingStatus.NoRule:
                    item.Action = RenameAction.Manual;
                    item.Reason = r.Reason;
                    continue;
            }

            variantless.TryGetValue(r, out var missing);
            item.VariantEvidence = missing?.Claim?.Detail;
            if (missing is { IsDuplicate: true })
            {
                item.Action = RenameAction.Duplicate;
                var twins = missing.Claim?.Variant is not null ? missing.Twins.Where(t => string.Equals(t, missing.Twin, StringComparison.OrdinalIgnoreCase)).ToList() : missing.Twins.ToList();
                item.CollidesWith = string.Join(", ", twins);
                var one = twins.Count == 1;
                item.Reason = missing.Claim?.Variant is { } held
                    ? $"variant-less: by {missing.Claim.Location} it holds the {held} variant, and its {held} twin '{twins[0]}' already exists, so it is never renamed onto it: " +
                      "verify row parity with the twin (row counts and a sample), then drop it or keep it as a grace view; if they differ, a person names it"
                    : $"variant-less: which variant it holds is {(missing.Claim is { } conflict ? $"not settled ({conflict.Detail})" : "not evidenced by any generator in the repository")}; " +
                      $"its twin{(one ? "" : "s")} {string.Join(", ", twins.Select(t => $"'{t}'"))} already exist{(one ? "s" : "")}, so it is never renamed onto {(one ? "it" : "them")}: " +
                      "verify row parity with the twin (row counts and a sample), then drop it or keep it as a grace view; if they differ, it holds the other variant and a person names it";
                item.Ddl = string.Join(" ", twins.Select(t =>
                    $"SELECT (SELECT COUNT(*) FROM {Path(project, dataset ?? "", r.TableName)}) AS source_rows, (SELECT COUNT(*) FROM {Path(project, dataset ?? "", t)}) AS twin_rows;"));
                continue;
            }

            if (TargetOf(r) is not { } suggested)
            {
                item.Action = RenameAction.Manual;
                item.Reason = missing?.Claim is { Variant: null } disagree
                    ? $"the variant is missing and {disagree.Detail}"
                    : missing?.Claim is { Variant: { } claimed }
                        ? $"{r.Reason ?? "no deterministic compliant name"} (the variant would be {claimed} by {missing.Claim.Location})"
                        : r.Reason ?? "no deterministic compliant name";
                continue;
            }

            item.Target = suggested;
            var key = (project ?? "", dataset ?? "", suggested);
            var holders = existing.TryGetValue(key, out var h) ? h.Where(n => !string.Equals(n, r.TableName, StringComparison.Ordinal)).ToList() : new List<string>();
            var rivals = targets[key].Where(t => !ReferenceEquals(t, r)).Select(t => t.TableName).ToList();
            if (holders.Count > 0 || rivals.Count > 0)
            {
                item.Action = RenameAction.Collision;
                item.CollidesWith = string.Join(", ", holders.Concat(rivals).Distinct(StringComparer.Ordinal).OrderBy(o => o, StringComparer.Ordinal));
                var reasons = new List<string>(2);
                if (holders.Contains(suggested, StringComparer.Ordinal))
                {
                    reasons.Add($"a table named '{suggested}' already exists");
                }
                else if (holders.Count > 0)
                {
                    reasons.Add($"a table whose name differs from '{suggested}' only in case already exists");
                }

                if (rivals.Count > 0)
                {
                    reasons.Add($"{rivals.Count + 1} tables map to '{suggested}'");
                }

                item.Reason = string.Join("; ", reasons);
                continue;
            }

            if (r.TableType is { } type && !string.Equals(type, "TABLE", StringComparison.OrdinalIgnoreCase))
            {
                item.Action = RenameAction.Manual;
                item.Reason = $"it is a {type}: ALTER TABLE RENAME TO renames tables only; recreate it as '{suggested}'";
                continue;
            }

            if (dataset is null)
            {
                item.Action = RenameAction.Manual;
                item.Reason = "no dataset is known for the name: give qualified names (dataset.table) or a default dataset";
                continue;
            }

            var old = Path(project, dataset, r.TableName);
            item.Action = RenameAction.Rename;
            item.Ddl = $"ALTER TABLE {old} RENAME TO {Identifier(suggested)};";
            item.GraceViewDdl = $"CREATE VIEW {old} OPTIONS(expiration_timestamp=TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL {graceDays} DAY)) " +
                                $"AS SELECT * FROM {Path(project, dataset, suggested)};";
        }

        Array.Sort(items, (a, b) =>
        {
            var c = string.CompareOrdinal(a.Project, b.Project);
            c = c != 0 ? c : string.CompareOrdinal(a.Dataset, b.Dataset);
            return c != 0 ? c : string.CompareOrdinal(a.Source, b.Source);
        });
        return items;
    }

    /// <summary>Counts by family × status × violation.</summary>
    public NamingSummary Summarize(IEnumerable<NamingResult> results, MandateProfile? mandate = null) => NamingSummary.From(results, mandate?.Id);

    internal NamingStandard Compile(MandateProfile mandate)
    {
        if (!compiled.TryGetValue(mandate, out var standard))
        {
            compiled[mandate] = standard = NamingStandard.Compile(mandate);
        }

        return standard;
    }

    private static string Path(string? project, string dataset, string table) =>
        project is null ? $"`{dataset}.{table}`" : $"`{project}.{dataset}.{table}`";

    private static string Identifier(string name) => PlainIdentifier.IsMatch(name) ? name : $"`{name}`";

    /// <summary>A variant-less name: its forms with each variant, the twins that exist, the evidence and the target it gives.</summary>
    /// <param name="Target">The compliant name under the evidenced variant (null without evidence or when other violations have no fix).</param>
    /// <param name="Twin">The name its twin under the evidenced variant would have (fixed, else as written).</param>
    private sealed record Variantless(VariantForms Forms, IReadOnlyList<string> Twins, VariantClaim? Claim, string? Target, string? Twin)
    {
        /// <summary>A twin exists under the evidenced variant, or under any variant when none is evidenced.</summary>
        public bool IsDuplicate => Twins.Count > 0 && (Claim?.Variant is null || (Twin is not null && Twins.Contains(Twin, StringComparer.OrdinalIgnoreCase)));
    }

    /// <summary>Project and dataset compared exactly, the table name ignoring case (collisions err on the safe side).</summary>
    private sealed class TableKeyComparer : IEqualityComparer<(string, string, string)>
    {
        public bool Equals((string, string, string) x, (string, string, string) y) =>
            string.Equals(x.Item1, y.Item1, StringComparison.Ordinal) && string.Equals(x.Item2, y.Item2, StringComparison.Ordinal) &&
            string.Equals(x.Item3, y.Item3, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string, string, string) obj) =>
            HashCode.Combine(StringComparer.Ordinal.GetHashCode(obj.Item1), StringComparer.Ordinal.GetHashCode(obj.Item2), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Item3));
    }
}
