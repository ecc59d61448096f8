using System.Reflection;
using System.Text;
using BqxAudit.Hosting;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BqxAudit.Configuration;

/// <summary>What the caller asked for: the profile argument, the audited root, and parameter overrides.</summary>
public sealed class ProfileRequest
{
    /// <summary>A file (a value with a path separator or a .yaml/.yml ending) or an embedded name; null for the default.</summary>
    public string? Profile { get; init; }

    /// <summary>The audited root, where <c>bqxaudit.yaml</c> is looked for.</summary>
    public string Root { get; init; } = ".";

    public string? ProjectId { get; init; }

    /// <summary>Environment lookup (tests pass their own).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;
}

/// <summary>
/// Loads a profile: the file named, else <c>bqxaudit.yaml</c> at the root, else the embedded default;
/// then environment overrides, then parameters (each overrides the one before).
/// </summary>
public static class ProfileLoader
{
    public const string DefaultProfileName = "bqx-ml-v3";
    public const string ProfileFileName = "bqxaudit.yaml";
    public const string ProjectEnvironmentVariable = "BQXAUDIT_PROJECT";

    /// <summary>Names of the profiles built into the engine.</summary>
    public static IReadOnlyList<string> EmbeddedNames { get; } = typeof(ProfileLoader).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith("BqxAudit.Profiles.", StringComparison.Ordinal) && n.EndsWith(".yaml", StringComparison.Ordinal))
        .Select(n => n["BqxAudit.Profiles.".Length..^".yaml".Length])
        .OrderBy(n => n, StringComparer.Ordinal)
        .ToArray();

    public static AuditProfile Load(ProfileRequest request)
    {
        var profile = LoadBase(request);
        var envProject = request.Environment(ProjectEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(envProject))
        {
            profile.Gcp.Project = envProject.Trim();
        }

        if (!string.IsNullOrWhiteSpace(request.ProjectId))
        {
            profile.Gcp.Project = request.ProjectId.Trim();
        }

        return profile;
    }

    private static AuditProfile LoadBase(ProfileRequest request)
    {
        var p = request.Profile;
        if (string.IsNullOrWhiteSpace(p))
        {
            var atRoot = System.IO.Path.Combine(request.Root, ProfileFileName);
            // The root's own profile is repository content: it is read only if it stays inside the root.
            return File.Exists(atRoot) || SafeTypeExists(atRoot) ? LoadFile(atRoot, System.IO.Path.GetFullPath(request.Root)) : LoadEmbedded(DefaultProfileName);
        }

        if (IsFileReference(p))
        {
            return LoadFile(p);
        }

        return LoadEmbedded(p);
    }

    /// <summary>A value with a path separator or a .yaml/.yml ending names a file; anything else an embedded profile.</summary>
    public static bool IsFileReference(string value) =>
        value.Contains('/') || value.Contains('\\') ||
        value.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || value.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    public static AuditProfile LoadFile(string path) => LoadFile(path, confineTo: null);

    /// <summary>Loads a profile file; with <paramref name="confineTo"/>, only when its real path stays in that folder.</summary>
    public static AuditProfile LoadFile(string path, string? confineTo)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full) && !SafeTypeExists(full))
        {
            throw new BqxException(new BqxError(ErrorIds.ProfileNotFound, BqxErrorCategory.ObjectNotFound,
                $"profile file not found: {path}", path));
        }

        string text;
        try
        {
            text = ReadText(full, path, confineTo);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BqxException(new BqxError(ErrorIds.ProfileInvalid, BqxErrorCategory.ReadError,
                $"cannot read profile: {e.Message}", path));
        }

        var profile = Parse(text, path);
        profile.Source = full;
        profile.BaseDirectory = System.IO.Path.GetDirectoryName(full);
        return profile;
    }

    public static AuditProfile LoadEmbedded(string name)
    {
        using var stream = typeof(ProfileLoader).Assembly.GetManifestResourceStream($"BqxAudit.Profiles.{name}.yaml");
        if (stream is null)
        {
            throw new BqxException(new BqxError(ErrorIds.ProfileNotFound, BqxErrorCategory.ObjectNotFound,
                $"no embedded profile named '{name}' (embedded: {string.Join(", ", EmbeddedNames)}); a file needs a path separator or a .yaml ending",
                name));
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var profile = Parse(reader.ReadToEnd(), $"embedded:{name}");
        profile.Source = $"embedded:{name}";
        return profile;
    }

    /// <summary>Parses profile text; every problem found is reported at once, each with file, line and column.</summary>
    public static AuditProfile Parse(string text, string fileName)
    {
        YamlStream yaml;
        try
        {
            var (stream, bound) = YamlLimits.Load(text);
            if (bound is { } b)
            {
                throw Invalid(new[] { new ProfileIssue(fileName, (int)b.Start.Line, (int)b.Start.Column, b.Message) });
            }

            yaml = stream!;
        }
        catch (YamlException e)
        {
            var message = InnermostMessage(e);
            var (line, column) = ((int)e.Start.Line, (int)e.Start.Column);
            if (message.Contains("tab", StringComparison.OrdinalIgnoreCase) && TabInIndentation(text, line) is { } tab)
            {
                (line, column) = tab; // the parser blames the start of the mapping; the tab is what to fix
            }

            var issue = new ProfileIssue(fileName, line, column, $"not valid YAML: {message}");
            throw Invalid(new[] { issue });
        }

        if (yaml.Documents.Count == 0)
        {
            throw Invalid(new[] { new ProfileIssue(fileName, 1, 1, "the profile is empty") });
        }

        if (yaml.Documents.Count > 1)
        {
            var second = yaml.Documents[1].RootNode;
            throw Invalid(new[] { new ProfileIssue(fileName, (int)second.Start.Line, (int)second.Start.Column, "a profile is one YAML document; found more") });
        }

        var binder = new ProfileBinder(fileName);
        var profile = binder.Bind<AuditProfile>(yaml.Documents[0].RootNode);
        var issues = binder.Issues.ToList();
        if (profile is not null)
        {
            issues.AddRange(ValidateSemantics(profile, yaml.Documents[0].RootNode, fileName));
        }

        if (issues.Count > 0 || profile is null)
        {
            throw Invalid(issues);
        }

        return profile;
    }

    private static IEnumerable<ProfileIssue> ValidateSemantics(AuditProfile profile, YamlNode root, string file)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var phase in profile.Phases)
        {
            if (!ids.Add(phase.Id))
            {
                yield return new ProfileIssue(file, (int)root.Start.Line, (int)root.Start.Column, $"duplicate phase id '{phase.Id}'");
            }
        }

        foreach (var issue in BqxAudit.Checks.Naming.MandateValidation.Validate(profile, root, file))
        {
            yield return issue;
        }

        var known = BqxAudit.Readiness.DefaultBlockerRules.All.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var o in profile.BlockerRules.Where(o => !known.Contains(o.Rule)))
        {
            yield return new ProfileIssue(file, (int)root.Start.Line, (int)root.Start.Column,
                $"blockerRules: no rule '{o.Rule}' (rules: {string.Join(", ", known.OrderBy(k => k, StringComparer.Ordinal))})");
        }

        var datasets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dataset in profile.Datasets)
        {
            if (!datasets.Add(dataset.Name))
            {
                yield return new ProfileIssue(file, (int)root.Start.Line, (int)root.Start.Column, $"duplicate dataset '{dataset.Name}'");
            }
        }

        foreach (var issue in ValidateCloudKeys(profile, root, file))
        {
            yield return issue;
        }
    }

    /// <summary>Cloud Run jobs need a region and name real phases or tasks; planned usage is positive.</summary>
    private static IEnumerable<ProfileIssue> ValidateCloudKeys(AuditProfile profile, YamlNode root, string file)
    {
        ProfileIssue At(string path, string message)
        {
            var node = Locate(root, path);
            return new ProfileIssue(file, (int)node.Start.Line, (int)node.Start.Column, $"'{path}': {message}");
        }

        var known = new HashSet<string>(profile.Phases.Select(p => p.Id).Concat(profile.Phases.SelectMany(p => p.Tasks).Select(t => t.Name)), StringComparer.Ordinal);
        var jobs = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < profile.CloudRunJobs.Count; i++)
        {
            var job = profile.CloudRunJobs[i];
            var region = job.Region ?? profile.Gcp.Region;
            if (string.IsNullOrWhiteSpace(region))
            {
                yield return At($"cloudRunJobs[{i}]", "no region, and gcp.region is not set");
            }
            else if (!jobs.Add($"{region}/{job.Name}"))
            {
                yield return At($"cloudRunJobs[{i}].name", $"duplicate Cloud Run job '{job.Name}' in {region}");
            }

            for (var j = 0; j < job.RequiredBy.Count; j++)
            {
                if (!known.Contains(job.RequiredBy[j]))
                {
                    yield return At($"cloudRunJobs[{i}].requiredBy[{j}]", $"'{job.RequiredBy[j]}' is neither a phase id nor a task name");
                }
            }
        }

        if (profile.Quotas.QueryUsagePerDayTiB is { } tib && (tib <= 0 || double.IsNaN(tib) || double.IsInfinity(tib)))
        {
            yield return At("quotas.queryUsagePerDayTiB", "must be a number greater than 0");
        }

        for (var i = 0; i < profile.Phases.Count; i++)
        {
            var phase = profile.Phases[i];
            if (phase.PlannedStart is { } start && !DateTimeOffset.TryParse(start, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out _))
            {
                yield return At($"phases[{i}].plannedStart", $"'{start}' is not a date (YYYY-MM-DD) or an ISO 8601 time");
            }
        }
    }

    /// <summary>The deepest YAML node along a path like <c>cloudRunJobs[0].requiredBy[1]</c>.</summary>
    private static YamlNode Locate(YamlNode root, string path)
    {
        var node = root;
        foreach (var part in path.Split('.'))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            var key = bracket >= 0 ? part[..bracket] : part;
            if (node is not YamlMappingNode map || map.Children.FirstOrDefault(c => c.Key is YamlScalarNode s && s.Value == key).Value is not { } child)
            {
                return node;
            }

            node = child;
            if (bracket < 0)
            {
                continue;
            }

            foreach (var piece in part[bracket..].Split('[', StringSplitOptions.RemoveEmptyEntries))
            {
                var index = int.Parse(piece.TrimEnd(']'), System.Globalization.CultureInfo.InvariantCulture);
                if (node is not YamlSequenceNode list || index >= list.Children.Count)
                {
                    return node;
                }

                node = list.Children[index];
            }
        }

        return node;
    }

    private static BqxException Invalid(IReadOnlyList<ProfileIssue> issues)
    {
        var first = issues.Count > 0 ? issues[0] : null;
        var message = issues.Count == 1
            ? $"invalid profile: {first}"
            : $"invalid profile ({issues.Count} problems):{System.Environment.NewLine}  " + string.Join(System.Environment.NewLine + "  ", issues);
        return new BqxException(new BqxError(ErrorIds.ProfileInvalid, BqxErrorCategory.InvalidData, message,
            first is null ? null : $"{first.File}:{first.Line}:{first.Column}"));
    }

    /// <summary>The first tab in the indentation of a line at or after <paramref name="fromLine"/> (1-based line and column).</summary>
    private static (int Line, int Column)? TabInIndentation(string text, int fromLine)
    {
        var line = 0;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            line++;
            if (line < fromLine)
            {
                continue;
            }

            for (var i = 0; i < raw.Length && raw[i] is ' ' or '\t' or '-'; i++)
            {
                if (raw[i] == '\t')
                {
                    return (line, i + 1);
                }
            }
        }

        return null;
    }

    private static string InnermostMessage(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e.Message;
    }

    /// <summary>The profile's text: a regular file under the cap, UTF-8 (BOM optional) or BOM-marked UTF-16; bad bytes are an error at file:line:column.</summary>
    private static string ReadText(string full, string display, string? confineTo)
    {
        var bytes = Inventory.SafeFile.ReadAllBytes(full, confineTo, Inventory.SafeFile.ManifestMaxBytes);
        var text = Inventory.TextDecoding.Decode(bytes, out var problem);
        if (problem == Inventory.EncodingProblem.InvalidUtf8 && Inventory.TextDecoding.FirstInvalidUtf8(bytes) is { } bad)
        {
            throw Invalid(new[] { new ProfileIssue(display, bad.Line, bad.Column, $"not valid UTF-8: byte 0x{bad.Byte:X2} (save the profile as UTF-8)") });
        }

        return text;
    }

    /// <summary>True for an entry File.Exists does not see but that is there (a dangling or outside link): it is refused by name, not "not found".</summary>
    private static bool SafeTypeExists(string path) => Inventory.SafeFile.TypeOf(path, out _) == Inventory.EntryType.SymbolicLink;
}
