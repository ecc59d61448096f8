using BqxAudit.Hosting;

namespace BqxAudit.Cloud;

/// <summary>Where one API's requests go, and who said so.</summary>
public sealed record GcpEndpoint(GcpApi Api, Uri Root, bool Replaced, string Source)
{
    /// <summary>Root + servicePath + the expanded method path.</summary>
    public Uri Resolve(string expandedPath) => new(Root, expandedPath);
}

/// <summary>
/// Resolves each API's root URL (DESIGN.md "Cloud access"): the discovery rootUrl, replaced by
/// <c>gcp.endpoints.&lt;api&gt;</c> in the profile, by <c>BQXAUDIT_GCP_ENDPOINT</c> for every API, or for
/// storage by <c>STORAGE_EMULATOR_HOST</c> (scheme optional, http assumed). Environment wins over the
/// profile; the storage variable wins over the all-APIs one.
/// </summary>
public sealed class GcpEndpoints
{
    public const string AllEndpointsVariable = "BQXAUDIT_GCP_ENDPOINT";
    public const string StorageEmulatorVariable = "STORAGE_EMULATOR_HOST";

    private readonly Dictionary<string, GcpEndpoint> endpoints;

    private GcpEndpoints(Dictionary<string, GcpEndpoint> endpoints) => this.endpoints = endpoints;

    public GcpEndpoint this[GcpApi api] => endpoints[api.Name];

    public IEnumerable<GcpEndpoint> All => GcpApi.All.Select(a => endpoints[a.Name]);

    /// <summary>Resolves every API; an unknown API name or a URL that is not absolute http(s) is a profile error.</summary>
    public static GcpEndpoints Resolve(IReadOnlyDictionary<string, string> profileEndpoints, Func<string, string?> environment, string profileSource = "profile")
    {
        foreach (var (name, _) in profileEndpoints)
        {
            if (GcpApi.Find(name) is null)
            {
                throw new BqxException(new BqxError(ErrorIds.ProfileInvalid, BqxErrorCategory.InvalidData,
                    $"gcp.endpoints.{name}: unknown API (known: {string.Join(", ", GcpApi.All.Select(a => a.Name))})", profileSource));
            }
        }

        var all = environment(AllEndpointsVariable);
        var storage = environment(StorageEmulatorVariable);
        var result = new Dictionary<string, GcpEndpoint>(StringComparer.Ordinal);
        foreach (var api in GcpApi.All)
        {
            GcpEndpoint endpoint;
            if (api == GcpApi.Storage && !string.IsNullOrWhiteSpace(storage))
            {
                endpoint = new GcpEndpoint(api, ParseRoot(storage, StorageEmulatorVariable, schemeOptional: true), true, StorageEmulatorVariable);
            }
            else if (!string.IsNullOrWhiteSpace(all))
            {
                endpoint = new GcpEndpoint(api, ParseRoot(all, AllEndpointsVariable, schemeOptional: true), true, AllEndpointsVariable);
            }
            else if (profileEndpoints.TryGetValue(api.Name, out var fromProfile) && !string.IsNullOrWhiteSpace(fromProfile))
            {
                endpoint = new GcpEndpoint(api, ParseRoot(fromProfile, $"gcp.endpoints.{api.Name} ({profileSource})", schemeOptional: false), true, $"gcp.endpoints.{api.Name}");
            }
            else
            {
                endpoint = new GcpEndpoint(api, new Uri(api.DefaultRootUrl), false, "discovery rootUrl");
            }

            result[api.Name] = endpoint;
        }

        return new GcpEndpoints(result);
    }

    private static Uri ParseRoot(string value, string source, bool schemeOptional)
    {
        var text = value.Trim();
        if (schemeOptional && !text.Contains("://", StringComparison.Ordinal))
        {
            text = "http://" + text;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new BqxException(new BqxError(ErrorIds.ProfileInvalid, BqxErrorCategory.InvalidArgument,
                $"{source}: '{value}' is not an http(s) root URL such as http://127.0.0.1:9050/", source));
        }

        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }
}
