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
}

/// <summary>
/// The naming commands' one engine entry: picks the names (given names, else a file, else the
/// profile's table listings), classifies them against the mandate, and plans the renames.
/// </summary>
public sealed class NamingAudit
{
    private readonly IAuditHost host;
    private readonly NamingService service;

    public NamingAudit(IAuditHost host)
    {
        this.host = host;
        service = new NamingService(host);
    }

    public MandateProfile Mandate(NamingRequest request) => NamingService.SelectMandate(request.Profile, request.MandateId);

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

        foreach (var result in service.Classify(TableNameSources.ReadAll(Sources(request), host), mandate))
        {
            yield return result;
        }
    }

    /// <summary>The rename plan of every name the request gives, with collisions checked against all of them.</summary>
    public IReadOnlyList<RenamePlanItem> Plan(NamingRequest request) => Plan(Classify(request).ToList(), request);

    /// <summary>The rename plan of results already classified (e.g. piped in).</summary>
    public IReadOnlyList<RenamePlanItem> Plan(IReadOnlyList<NamingResult> results, NamingRequest request) =>
        service.Plan(results, Mandate(request), new RenamePlanOptions { Project = request.Profile.Gcp.Project });

    public NamingSummary Summarize(IEnumerable<NamingResult> results, NamingRequest request) => service.Summarize(results, Mandate(request));
}
