using BqxAudit.Configuration;
using BqxAudit.Model;
using Microsoft.Extensions.FileSystemGlobbing;

namespace BqxAudit.Readiness;

/// <summary>
/// Whether the profile was the embedded one (the root had no bqxaudit.yaml), and what of the profile does not fit the
/// audited root: task globs that match no file, table list files that are absent. Every report says both.
/// </summary>
internal static class ProfileFit
{
    public static void Apply(AuditOptions options, AuditResult result)
    {
        var profile = options.Profile;
        result.Run.EmbeddedProfileApplied = profile.Source.StartsWith("embedded:", StringComparison.Ordinal);
        var paths = result.Scripts.Where(s => s.Status != ScriptStatus.Missing).Select(s => s.Path).ToList();
        foreach (var dataset in profile.Datasets.Where(d => !string.IsNullOrWhiteSpace(d.TableListFile)))
        {
            var full = Path.GetFullPath(Path.Combine(profile.BaseDirectory ?? options.Root, dataset.TableListFile!));
            if (!File.Exists(full))
            {
                result.Run.ProfileMismatches.Add($"dataset {dataset.Name}: its table list file {dataset.TableListFile} is absent");
            }
        }

        var partly = new List<string>();
        foreach (var phase in profile.Phases)
        {
            foreach (var task in phase.Tasks)
            {
                var unmatched = task.ScriptGlobs.Where(g => !Matches(g, paths)).ToList();
                if (unmatched.Count == task.ScriptGlobs.Count && unmatched.Count > 0)
                {
                    result.Run.ProfileMismatches.Add($"task '{task.Name}' of {phase.Id}: no file matches its globs ({string.Join(", ", unmatched)})");
                }
                else if (unmatched.Count > 0)
                {
                    partly.Add($"task '{task.Name}' of {phase.Id}: {string.Join(", ", unmatched)} match{(unmatched.Count == 1 ? "es" : "")} no file");
                }
            }
        }

        // Whole tasks and listings first: a task glob that matches nothing beside one that matches is the lesser misfit.
        result.Run.ProfileMismatches.AddRange(partly);
    }

    private static bool Matches(string glob, IReadOnlyList<string> paths)
    {
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(glob);
        return BqxAudit.Inventory.GlobMatch.Matching(matcher, paths).Count > 0;
    }
}
