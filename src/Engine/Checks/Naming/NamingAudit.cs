using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Model;

namespace BqxAudit.Checks.Naming;

/// <summary>What a naming command asks: where the names come from and which mandate judges them.</summary>
public sealed class NamingRequest
{
    /// <summary>The audited root (for the profile's tableListFile entries).</summary>
    public string Root { get; init; } = ".";

    public required AuditProfile Profile { get; init; }

    /// <summary>Names given directly (arguments, pipeline); qualified forms allowed.</summary>
    public IReadOnlyList<string>? TableNames { get; init; }

    /// <summary>A file of names: one per line, a CSV with a name column, or <c>bq ls --format=json</c>.</summary>
    public string? TableFile { get; init; }

    /// <summary>The mandate id; null for the profile's first naming mandate.</summary>
    public string? MandateId { get; init; }

    /// <summary>Extra sources (the live BigQuery listing plugs in here).</summary>
    public IReadOnlyList<ITableNameSource>? Sources { get; init; }

    /// <summary>When set (online), the mandate's datasets are listed live from BigQuery instead of the profile's table listings.</summary>
    public LiveListingOptions? Live { get; init; }

    /// <summary>
    /// The root's inventory, for the variants generators write without a marker (<see cref="VariantEvidence"/>); when
    /// null, the plan inventories <see cref="Root"/> itself, and only if some name lacks its variant.
    /// </summary>
    public IReadOnlyList<ScriptRecord>? Scripts { get; init; }

    /// <summary>
    /// Set by the whole audit: a profile listing that cannot be read is a finding of the audit (not measured, a
    /// blocker of a phase that renames) and a warning, not an error; the naming commands leave it an error (exit 3).
    /// </summary>
    public bool ListingGapsAreFindings { get; init; }
}

/// <summary>A dataset whose table names could not be read, so its names (and rename collisions) were not checked.</summary>
public sealed record ListingGap(string Dataset, string? File, string Reason)
{
    public override string ToString() => $"{Dataset}: {Reason}";
}

/// <summary>
/// The naming commands' one engine entry: picks the names (given names, else a file, else the
/// profile's table listings), classifies them against the mandate, and plans the renames.
/// </summary>
public sealed class NamingAudit
{
    private readonly IAuditHost host;
    private readonly NamingService service;
    private readonly List<ListingGap> gaps = new();

    public NamingAudit(IAuditHost host)
    {
        this.host = host;
        service = new NamingService(host);
    }

    public MandateProfile Mandate(NamingRequest request) => NamingService.SelectMandate(request.Profile, request.MandateId);

    /// <summary>
    /// The datasets of the mandate whose listing the last <see cref="Classify(NamingRequest)"/> could not read (absent,
    /// unreadable or empty table list files, no listing at all): NotVerified ground. Complete once the results are enumerated.
    /// </summary>
    public IReadOnlyList<ListingGap> Gaps => gaps;

    /// <summary>The sources a request names, in order: names, then a file, else the profile's listings (and any extra sources).</summary>
    public static IReadOnlyList<ITableNameSource> Sources(NamingRequest request)
    {
        var sources = new List<ITableNameSource>();
        if (request.TableNames is { Count: > 0 } names)
        {
            sources.Add(TableNameSources.FromNames(names));
        }

        if (!string.IsNullOrWhiteSpace(request.TableFile))
        {
            if (!File.Exists(request.TableFile))
            {
                throw new BqxException(new BqxError(ErrorIds.PathNotFound, BqxErrorCategory.ObjectNotFound,
                    $"table file not found: {request.TableFile}", request.TableFile));
            }

            sources.Add(TableNameSources.FromFile(request.TableFile, project: request.Profile.Gcp.Project));
        }

        if (sources.Count == 0)
        {
            sources.AddRange(TableNameSources.FromProfile(request.Profile, request.Root));
        }

        sources.AddRange(request.Sources ?? Array.Empty<ITableNameSource>());
        if (sources.Count == 0)
        {
            throw new BqxException(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidArgument,
                "no table names: give names or a table file, or set datasets[].tableListFile in the profile"));
        }

        return sources;
    }

    /// <summary>Classifies every name once (repeats fold into Count), streaming results.</summary>
    public IEnumerable<NamingResult> Classify(NamingRequest request)
    {
        var mandate = Mandate(request);
        if (request.Live is { } live && request.TableNames is not { Count: > 0 } && string.IsNullOrWhiteSpace(request.TableFile))
        {
            var (sources, session, reason) = LiveTableNames.Open(request.Profile, mandate, live, host);
            if (sources is not null)
            {
                host.WriteVerbose($"naming: listing {string.Join(", ", sources.Select(s => s.Name))} live");
                using (session)
                {
                    foreach (var result in service.Classify(TableNameSources.ReadAll(sources, host), mandate))
                    {
                        yield return result;
                    }
                }

                yield break;
            }

            host.WriteVerbose($"naming: not listing live ({reason}); using the profile's table listings");
        }

        gaps.Clear();
        var fromProfile = request.TableNames is not { Count: > 0 } && string.IsNullOrWhiteSpace(request.TableFile);
        var recorder = new UnreadListings(host, request.ListingGapsAreFindings);
        IReadOnlyList<ITableNameSource> named;
        try
        {
            named = Sources(request);
        }
        catch (BqxException e) when (fromProfile && e.Error.ErrorId == ErrorIds.InputInvalid)
        {
            foreach (var dataset in Datasets(request.Profile, mandate))
            {
                gaps.Add(new ListingGap(dataset, null, $"no table listing: the profile gives no tableListFile for {dataset}{(request.Live is null ? " and the run is offline" : "")}"));
            }

            throw;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var result in service.Classify(TableNameSources.ReadAll(named, fromProfile ? recorder : host), mandate))
        {
            seen.Add(result.Source.Split(':')[0]);
            yield return result;
        }

        if (fromProfile)
        {
            FindGaps(request, mandate, recorder, seen);
        }
    }

    /// <summary>Which of the mandate's datasets the profile's listings left unread, and why.</summary>
    private void FindGaps(NamingRequest request, MandateProfile mandate, UnreadListings recorder, HashSet<string> seen)
    {
        var listed = request.Profile.Datasets.Where(d => !string.IsNullOrWhiteSpace(d.TableListFile)).ToList();
        foreach (var d in listed)
        {
            var file = d.TableListFile!;
            if (recorder.Unread.TryGetValue(file, out var error))
            {
                gaps.Add(new ListingGap(d.Name, file, error.ErrorId == ErrorIds.PathNotFound
                    ? $"its table listing {file} is absent ({LookedFor(request, file)})"
                    : $"its table listing {file} cannot be read: {error.Message}"));
            }
            else if (!seen.Contains(file))
            {
                gaps.Add(new ListingGap(d.Name, file, $"its table listing {file} holds no table name"));
            }
        }

        foreach (var dataset in Datasets(request.Profile, mandate).Where(n => listed.All(d => d.Name != n)))
        {
            gaps.Add(new ListingGap(dataset, null, $"no table listing: the profile gives no tableListFile for {dataset}{(request.Live is null ? " and the run is offline" : "")}"));
        }
    }

    /// <summary>
    /// Where an absent listing was looked for, portable: relative to the audited root when it lies under it (reports are
    /// read on other machines), the full path only for a listing outside the root (a profile kept elsewhere).
    /// </summary>
    private static string LookedFor(NamingRequest request, string file)
    {
        var root = Path.GetFullPath(request.Root);
        var full = Path.GetFullPath(Path.Combine(request.Profile.BaseDirectory ?? root, file));
        if (!Inventory.SafeFile.IsUnder(full, root))
        {
            return $"looked for {full}";
        }

        var relative = Dependencies.ManifestFiles.Relative(root, full);
        return relative == file ? "looked for it under the audited root" : $"looked for {relative} under the audited root";
    }

    private static IEnumerable<string> Datasets(AuditProfile profile, MandateProfile mandate) =>
        mandate.Datasets.Count > 0 ? mandate.Datasets : profile.Datasets.Select(d => d.Name);

    /// <summary>A host that reports errors as verbose messages (for work done on the side).</summary>
    private sealed class ErrorsAsVerbose : DelegatingHost
    {
        public ErrorsAsVerbose(IAuditHost inner)
            : base(inner)
        {
        }

        public override void WriteWarning(string message) => Inner.WriteVerbose(message);

        public override void WriteError(BqxError error) => Inner.WriteVerbose($"while looking for generators: {error.Target}: {error.Message}");
    }

    /// <summary>Passes everything on to the host and remembers the listings that could not be read (by their display name).</summary>
    private sealed class UnreadListings : DelegatingHost
    {
        private readonly bool asWarnings;

        /// <param name="inner">The host everything else goes to.</param>
        /// <param name="asWarnings">A whole audit reports an unread listing as not measured (and, for a phase that
        /// renames, a blocker), so it tells the user once as a warning; the naming commands, whose input it is, as an error.</param>
        public UnreadListings(IAuditHost inner, bool asWarnings)
            : base(inner) => this.asWarnings = asWarnings;

        public Dictionary<string, BqxError> Unread { get; } = new(StringComparer.Ordinal);

        public override void WriteError(BqxError error)
        {
            if (error.ErrorId is ErrorIds.PathNotFound or ErrorIds.FileUnreadable && error.Target is { } target)
            {
                Unread.TryAdd(target, error);
                if (asWarnings)
                {
                    Inner.WriteWarning($"{target}: {error.Message}; its table names and rename collisions are reported as not measured");
                    return;
                }
            }

            Inner.WriteError(error);
        }
    }

    /// <summary>The rename plan of every name the request gives, with collisions checked against all of them.</summary>
    public IReadOnlyList<RenamePlanItem> Plan(NamingRequest request) => Plan(Classify(request).ToList(), request);

    /// <summary>The rename plan of results already classified (e.g. piped in), with the variants the root's generators show.</summary>
    public IReadOnlyList<RenamePlanItem> Plan(IReadOnlyList<NamingResult> results, NamingRequest request)
    {
        var mandate = Mandate(request);
        IReadOnlyDictionary<string, VariantClaim>? evidence = null;
        if (results.Any(r => r.Violations.Contains(NamingViolation.MissingVariant)))
        {
            // The inventory only looks for generators here: its problems with other files are not this command's input errors.
            var scripts = request.Scripts ?? new Inventory.InventoryService(new ErrorsAsVerbose(host)).Run(new Inventory.InventoryOptions { Root = request.Root, Profile = request.Profile }).Records;
            evidence = VariantEvidence.From(scripts, mandate);
        }

        return service.Plan(results, mandate, new RenamePlanOptions { Project = request.Profile.Gcp.Project, VariantEvidence = evidence });
    }

    public NamingSummary Summarize(IEnumerable<NamingResult> results, NamingRequest request) => service.Summarize(results, Mandate(request));
}
