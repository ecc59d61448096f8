using System.Text.RegularExpressions;
using BqxAudit.Inventory.Analyzers.Python;

namespace BqxAudit.Checks.Dependencies;

/// <summary>
/// The tools a container image provides: those its base image ships and those its RUN instructions install
/// (<c>apt-get install</c>, <c>apt install</c>, <c>apk add</c>, <c>yum</c>/<c>dnf</c>/<c>microdnf install</c>,
/// <c>pip install</c>, and the Google Cloud SDK installer), by the table <c>image-tools.txt</c>; a package not
/// listed there provides the tool of its own name.
/// </summary>
internal static partial class ImageTools
{
    private static readonly Lazy<(List<(string Image, string[] Tools)> Images, Dictionary<string, string[]> Packages)> Table = new(Load);

    public static HashSet<string> Provided(string dockerfileText, IEnumerable<string> baseImages)
    {
        var tools = new HashSet<string>(StringComparer.Ordinal) { "sh" };
        var table = Table.Value;
        foreach (var image in baseImages)
        {
            var repo = image.Split('@')[0];
            var colon = repo.LastIndexOf(':');
            if (colon > repo.LastIndexOf('/'))
            {
                repo = repo[..colon];
            }

            foreach (var (name, provided) in table.Images)
            {
                if (repo == name || repo.EndsWith("/" + name, StringComparison.Ordinal))
                {
                    tools.UnionWith(provided);
                }
            }
        }

        var text = Continuation().Replace(dockerfileText, " ");
        foreach (Match m in Install().Matches(text))
        {
            foreach (var word in m.Groups["packages"].Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                if (word.StartsWith('-') || word.Contains('$') || word.Contains('/'))
                {
                    continue;
                }

                var package = word.Split('=', '<', '>', '[', '~')[0].Trim('"', '\'').ToLowerInvariant();
                if (package.Length == 0)
                {
                    continue;
                }

                tools.UnionWith(table.Packages.TryGetValue(package, out var provided) ? provided : new[] { package });
            }
        }

        if (SdkInstaller().IsMatch(text))
        {
            tools.UnionWith(new[] { "gcloud", "gsutil", "bq" });
        }

        return tools;
    }

    private static (List<(string, string[])>, Dictionary<string, string[]>) Load()
    {
        var images = new List<(string, string[])>();
        var packages = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var line in PythonModuleData.ReadLines("BqxAudit.Data.image-tools.txt"))
        {
            var eq = line.IndexOf('=');
            var key = line[..eq].Trim();
            var tools = line[(eq + 1)..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (key.StartsWith("image:", StringComparison.Ordinal))
            {
                images.Add((key[6..], tools));
            }
            else if (key.StartsWith("package:", StringComparison.Ordinal))
            {
                packages[key[8..]] = tools;
            }
        }

        return (images, packages);
    }

    [GeneratedRegex(@"\\\r?\n")]
    private static partial Regex Continuation();

    [GeneratedRegex(@"\b(?:apt-get\s+(?:-\S+\s+)*install|apt\s+(?:-\S+\s+)*install|apk\s+(?:-\S+\s+)*add|(?:yum|dnf|microdnf)\s+(?:-\S+\s+)*install|pip3?\s+(?:-\S+\s+)*install)\s+(?<packages>[^&;|\n]*)", RegexOptions.CultureInvariant)]
    private static partial Regex Install();

    [GeneratedRegex(@"sdk\.cloud\.google\.com|install_google_cloud_sdk|google-cloud-sdk\.tar|google-cloud-cli-[\w.-]*\.tar", RegexOptions.CultureInvariant)]
    private static partial Regex SdkInstaller();
}
