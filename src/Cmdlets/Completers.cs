using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using BqxAudit.Configuration;

namespace BqxAudit.Cmdlets;

/// <summary>
/// What the completers share: the profile the command line names (its -Profile, and the root from -Path or
/// -LiteralPath, else the current location), loaded quietly — a profile that does not load completes nothing.
/// </summary>
internal static class CompletionProfile
{
    public static AuditProfile? Load(IDictionary fakeBoundParameters)
    {
        try
        {
            var location = CurrentLocation();
            var root = First(fakeBoundParameters, "LiteralPath") ?? First(fakeBoundParameters, "Path") ?? ".";
            root = Path.GetFullPath(root, location);
            var profile = First(fakeBoundParameters, "Profile");
            if (profile is not null && ProfileLoader.IsFileReference(profile))
            {
                profile = Path.GetFullPath(profile, location);
            }

            return ProfileLoader.Load(new ProfileRequest { Profile = profile, Root = root });
        }
        catch (Exception e) when (e is BqxAudit.Hosting.BqxException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The session's file-system location: asked of the running session (its proxy is busy while Tab completes).</summary>
    public static string CurrentLocation()
    {
        try
        {
            using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
            shell.AddCommand(@"Microsoft.PowerShell.Management\Get-Location").AddParameter("PSProvider", "FileSystem");
            if (shell.Invoke<PathInfo>().FirstOrDefault() is { } location)
            {
                return location.ProviderPath;
            }
        }
        catch (Exception e) when (e is RuntimeException or InvalidOperationException)
        {
            // no session to ask (a completer called from outside one): the process's folder
        }

        return Environment.CurrentDirectory;
    }

    public static IEnumerable<CompletionResult> Matching(string word, IEnumerable<(string Value, string Tip)> candidates)
    {
        var prefix = word.Trim('\'', '"');
        return candidates
            .Where(c => c.Value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(c => new CompletionResult(Quote(c.Value), c.Value, CompletionResultType.ParameterValue, string.IsNullOrEmpty(c.Tip) ? c.Value : c.Tip));
    }

    public static string Quote(string value) =>
        value.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', '(', ')', '{', '}', ';', ',', '&', '|', '@', '#' }) >= 0 ? "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'" : value;

    private static string? First(IDictionary parameters, string name)
    {
        if (!parameters.Contains(name))
        {
            return null;
        }

        return parameters[name] switch
        {
            string s => s,
            IEnumerable e => e.Cast<object?>().FirstOrDefault()?.ToString(),
            var other => other?.ToString(),
        };
    }
}

/// <summary>Completes -Phase with the phase ids of the profile the command line names (tooltip: the phase's name).</summary>
public sealed class PhaseCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionProfile.Load(fakeBoundParameters) is { } profile
            ? CompletionProfile.Matching(wordToComplete, profile.Phases.Select(p => (p.Id, $"{p.Id}: {p.Name}")))
            : Array.Empty<CompletionResult>();
}

/// <summary>Completes -Mandate with the naming mandates of the profile the command line names.</summary>
public sealed class MandateCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionProfile.Load(fakeBoundParameters) is { } profile
            ? CompletionProfile.Matching(wordToComplete, profile.Mandates.Select(m => (m.Id, $"{m.Id} ({m.Kind})")))
            : Array.Empty<CompletionResult>();
}

/// <summary>Completes -Profile with the embedded profiles' names, then the .yaml / .yml files and folders under what has been typed.</summary>
public sealed class ProfileCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = wordToComplete.Trim('\'', '"');
        var results = CompletionProfile.Matching(word, ProfileLoader.EmbeddedNames.Select(n => (n, $"embedded profile {n}"))).ToList();
        try
        {
            var location = CompletionProfile.CurrentLocation();
            var separator = word.LastIndexOfAny(new[] { '/', '\\' });
            var typedFolder = separator < 0 ? "" : word[..(separator + 1)];
            var folder = Path.GetFullPath(typedFolder.Length == 0 ? "." : typedFolder, location);
            var prefix = word[(separator + 1)..];
            if (Directory.Exists(folder))
            {
                foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos(prefix + "*").OrderBy(e => e.Name, StringComparer.Ordinal))
                {
                    var isFolder = entry is DirectoryInfo;
                    if (!isFolder && entry.Extension is not (".yaml" or ".yml"))
                    {
                        continue;
                    }

                    var text = typedFolder + entry.Name + (isFolder ? Path.DirectorySeparatorChar.ToString() : "");
                    results.Add(new CompletionResult(CompletionProfile.Quote(text), entry.Name, isFolder ? CompletionResultType.ProviderContainer : CompletionResultType.ProviderItem, entry.FullName));
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or System.Security.SecurityException)
        {
            // an unreadable folder completes nothing more
        }

        return results;
    }
}
