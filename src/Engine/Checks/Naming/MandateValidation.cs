using System.Globalization;
using BqxAudit.Configuration;
using YamlDotNet.RepresentationModel;

namespace BqxAudit.Checks.Naming;

/// <summary>
/// Checks what the profile binder cannot: that every naming mandate's patterns name components that have
/// values, that values are plain lower-case words, that ids are unique and references resolve.
/// </summary>
public static class MandateValidation
{
    /// <summary>A problem at a profile path such as <c>mandates[0].families[2].patterns[1]</c>.</summary>
    public sealed record Problem(string Path, string Message)
    {
        public override string ToString() => $"'{Path}': {Message}";
    }

    /// <summary>
    /// Every problem of every naming mandate, with file, line and column found by walking the YAML
    /// <paramref name="root"/> the profile was bound from (ProfileLoader's semantic checks call this).
    /// </summary>
    public static IEnumerable<ProfileIssue> Validate(AuditProfile profile, YamlNode root, string file)
    {
        foreach (var problem in Validate(profile))
        {
            var node = Locate(root, problem.Path);
            yield return new ProfileIssue(file, (int)node.Start.Line, (int)node.Start.Column, $"'{problem.Path}': {problem.Message}");
        }
    }

    /// <summary>Every problem of every naming mandate of the profile.</summary>
    public static IReadOnlyList<Problem> Validate(AuditProfile profile)
    {
        var problems = new List<Problem>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < profile.Mandates.Count; i++)
        {
            var mandate = profile.Mandates[i];
            if (mandate.Id.Length > 0 && !ids.Add(mandate.Id))
            {
                problems.Add(new Problem($"mandates[{i}].id", $"duplicate mandate id '{mandate.Id}'"));
            }

            if (mandate.Kind == NamingService.Kind)
            {
                problems.AddRange(Validate(mandate, $"mandates[{i}]"));
            }
        }

        return problems;
    }

    /// <summary>Every problem of one naming mandate; <paramref name="path"/> prefixes the paths.</summary>
    public static IReadOnlyList<Problem> Validate(MandateProfile mandate, string path = "mandate")
    {
        var problems = new List<Problem>();
        void Add(string at, string message) => problems.Add(new Problem($"{path}.{at}", message));

        if (mandate.GraceDays is < 1 or > 3650)
        {
            Add("graceDays", $"must be between 1 and 3650 days, not {mandate.GraceDays}");
        }

        for (var i = 0; i < mandate.Datasets.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(mandate.Datasets[i]))
            {
                Add($"datasets[{i}]", "empty dataset name");
            }
        }

        foreach (var (set, values) in mandate.Values)
        {
            if (!IsWord(set, allowUnderscore: true))
            {
                Add($"values.{set}", "a component name is lower-case letters, digits and '_'");
            }

            if (values.Count == 0)
            {
                Add($"values.{set}", "no values");
            }

            if (values.Contains(ValueSet.AnyWordValue) && values.Count > 1)
            {
                Add($"values.{set}", "'*' (any word) stands alone: it cannot be mixed with listed values");
                continue;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var j = 0; j < values.Count; j++)
            {
                if (values[j] == ValueSet.AnyWordValue)
                {
                    continue;
                }

                if (!IsWord(values[j], allowUnderscore: false))
                {
                    Add($"values.{set}[{j}]", $"'{values[j]}' is not a plain word: values are lower-case letters and digits, without '_'");
                }
                else if (!seen.Add(values[j]))
                {
                    Add($"values.{set}[{j}]", $"'{values[j]}' is listed twice");
                }
            }
        }

        if (mandate.Families.Count == 0)
        {
            Add("families", "a naming mandate needs at least one family");
        }

        var familyIds = new HashSet<string>(StringComparer.Ordinal);
        var patternOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var f = 0; f < mandate.Families.Count; f++)
        {
            var family = mandate.Families[f];
            var at = $"families[{f}]";
            if (family.Id.Length > 0 && !familyIds.Add(family.Id))
            {
                Add($"{at}.id", $"duplicate family id '{family.Id}'");
            }

            if (family.Patterns.Count == 0)
            {
                Add($"{at}.patterns", "a family needs at least one pattern");
            }

            var components = new HashSet<string>(StringComparer.Ordinal);
            var parsedAll = true;
            for (var p = 0; p < family.Patterns.Count; p++)
            {
                var pattern = family.Patterns[p];
                var segments = ParsePattern(pattern, mandate.Values, out var problem);
                if (problem is not null)
                {
                    Add($"{at}.patterns[{p}]", problem);
                    parsedAll = false;
                    continue;
                }

                var shape = string.Join("_", segments!.Select(s => s.Literal ?? "{" + s.ValueSet + "}"));
                if (patternOwners.TryGetValue(shape, out var owner))
                {
                    Add($"{at}.patterns[{p}]", $"'{pattern}' has the same shape as a pattern of family '{owner}'");
                }
                else
                {
                    patternOwners[shape] = family.Id;
                }

                foreach (var segment in segments!.Where(s => s.Literal is null))
                {
                    components.Add(segment.Component!);
                }
            }

            if (!parsedAll)
            {
                continue; // references to components are judged once every pattern parses
            }

            if (family.Alphabetical.Count == 1)
            {
                Add($"{at}.alphabetical", "ordering needs at least two components");
            }

            for (var a = 0; a < family.Alphabetical.Count; a++)
            {
                if (!components.Contains(family.Alphabetical[a]))
                {
                    Add($"{at}.alphabetical[{a}]", $"'{family.Alphabetical[a]}' is not a component of the family's patterns");
                }
            }
        }

        for (var e = 0; e < mandate.Exemptions.Count; e++)
        {
            if (string.IsNullOrWhiteSpace(mandate.Exemptions[e].Pattern))
            {
                Add($"exemptions[{e}].pattern", "empty pattern");
            }
        }

        return problems;
    }

    internal const string VariantSet = "variant";
    internal const string WindowSet = "window";

    /// <summary>One word of a pattern: a literal, or a component with the value set it draws from.</summary>
    internal sealed record PatternWord(string? Literal, string? Component, string? ValueSet);

    /// <summary>Splits a pattern into words; null and a problem when it is malformed or names a component without values.</summary>
    internal static PatternWord[]? ParsePattern(string pattern, IReadOnlyDictionary<string, List<string>> values, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(pattern))
        {
            problem = "empty pattern";
            return null;
        }

        var words = pattern.Split('_');
        // '{feature_type}' holds a '_': re-join the pieces of a word that opened a brace.
        var joined = new List<string>();
        for (var i = 0; i < words.Length; i++)
        {
            var w = words[i];
            while (w.StartsWith('{') && !w.Contains('}') && i + 1 < words.Length)
            {
                w = w + "_" + words[++i];
            }

            joined.Add(w);
        }

        var result = new PatternWord[joined.Count];
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < joined.Count; i++)
        {
            var w = joined[i];
            if (w.Length > 2 && w[0] == '{' && w[^1] == '}')
            {
                var inner = w[1..^1];
                var colon = inner.IndexOf(':');
                var component = colon < 0 ? inner : inner[..colon];
                var explicitSet = colon < 0 ? null : inner[(colon + 1)..];
                if (!IsWord(component, allowUnderscore: true) || (explicitSet is not null && !IsWord(explicitSet, allowUnderscore: true)))
                {
                    problem = $"'{w}' in '{pattern}' is not a component: write {{name}} or {{name:valueset}}";
                    return null;
                }

                if (!names.Add(component))
                {
                    problem = $"component '{component}' appears twice in '{pattern}'";
                    return null;
                }

                var set = explicitSet ?? (values.ContainsKey(component) ? component : component.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'));
                if (!values.ContainsKey(set))
                {
                    problem = explicitSet is not null
                        ? $"'{w}' in '{pattern}' draws from values.{set}, which is not defined"
                        : $"'{w}' in '{pattern}' has no values: define values.{component}" + (set != component ? $" or values.{set}" : "") + $", or write {{{component}:valueset}}";
                    return null;
                }

                result[i] = new PatternWord(null, component, set);
            }
            else if (IsWord(w, allowUnderscore: false))
            {
                result[i] = new PatternWord(w, null, null);
            }
            else
            {
                problem = $"'{w}' in '{pattern}' is neither a lower-case literal nor a {{component}}";
                return null;
            }
        }

        var variants = result.Count(r => r.ValueSet == VariantSet);
        var windows = result.Count(r => r.ValueSet == WindowSet);
        if (variants > 1 || windows > 1)
        {
            problem = $"'{pattern}' has more than one {(variants > 1 ? "variant" : "window")} component";
            return null;
        }

        return result;
    }

    private static bool IsWord(string s, bool allowUnderscore)
    {
        if (s.Length == 0)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' || (allowUnderscore && c == '_')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The deepest YAML node along a path like <c>mandates[0].families[2].patterns[1]</c>.</summary>
    private static YamlNode Locate(YamlNode root, string path)
    {
        var node = root;
        foreach (var part in path.Split('.'))
        {
            var key = part;
            var indexes = new List<int>();
            var bracket = key.IndexOf('[');
            if (bracket >= 0)
            {
                foreach (var piece in key[bracket..].Split('[', StringSplitOptions.RemoveEmptyEntries))
                {
                    indexes.Add(int.Parse(piece.TrimEnd(']'), CultureInfo.InvariantCulture));
                }

                key = key[..bracket];
            }

            if (node is not YamlMappingNode map)
            {
                return node;
            }

            var child = map.Children.FirstOrDefault(c => c.Key is YamlScalarNode s && s.Value == key);
            if (child.Value is null)
            {
                return node;
            }

            node = child.Value;
            foreach (var index in indexes)
            {
                if (node is not YamlSequenceNode seq || index >= seq.Children.Count)
                {
                    return node;
                }

                node = seq.Children[index];
            }
        }

        return node;
    }
}
