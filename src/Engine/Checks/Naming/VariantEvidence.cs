using BqxAudit.Configuration;
using BqxAudit.Model;

namespace BqxAudit.Checks.Naming;

/// <summary>
/// What a family's variant-less names hold, when a generator in the repository says: the generator writes the family's
/// names without a variant marker under a branch that fixes the variant (<c>if source_variant == 'bqx': table_name =
/// f"cov_{ft}_{p1}_{p2}"</c>). <see cref="Variant"/> is null when generators disagree (<see cref="Detail"/> says how).
/// </summary>
public sealed record VariantClaim(string Family, string? Variant, string Location, string Detail);

/// <summary>
/// Finds, per family of a naming mandate, the variant its variant-less names hold from the name templates of the
/// scripts that write them (the template's variable among the tables the script writes, the template lacking exactly
/// the variant word, built under an if/elif/else on a variant value). No generator, no evidence: a variant is never assumed.
/// </summary>
public static class VariantEvidence
{
    public static IReadOnlyDictionary<string, VariantClaim> From(IEnumerable<ScriptRecord> scripts, MandateProfile mandate)
    {
        var variants = mandate.Values.TryGetValue(MandateValidation.VariantSet, out var v) ? v : new List<string>();
        var patterns = mandate.Families
            .SelectMany(f => f.Patterns.Select(p => (Family: f.Id, Words: MandateValidation.ParsePattern(p, mandate.Values, out _))))
            .Where(p => p.Words is not null && p.Words.Any(w => w.ValueSet == MandateValidation.VariantSet))
            .ToList();
        var claims = new Dictionary<string, List<(string Variant, string Location, string Detail)>>(StringComparer.Ordinal);
        foreach (var script in scripts.OrderBy(s => s.Path, StringComparer.Ordinal))
        {
            foreach (var template in script.NameTemplates)
            {
                if (template.Guard is not { } guard || !Written(script, template) || GuardVariant(guard, variants) is not { } variant)
                {
                    continue;
                }

                var words = Words(template.Template);
                if (words.Any(w => variants.Contains(w, StringComparer.Ordinal)))
                {
                    continue; // the name carries its variant
                }

                foreach (var (family, pattern) in patterns)
                {
                    if (!LacksOnlyTheVariant(words, pattern!, mandate.Values))
                    {
                        continue;
                    }

                    if (!claims.TryGetValue(family, out var list))
                    {
                        claims[family] = list = new();
                    }

                    list.Add((variant, $"{script.Path}:{template.Line}",
                        $"{script.Path}:{template.Line} writes {template.Template} without a variant marker when {guard} (line {guard.Line})"));
                    break;
                }
            }
        }

        var result = new Dictionary<string, VariantClaim>(StringComparer.Ordinal);
        foreach (var (family, list) in claims)
        {
            var distinct = list.Select(c => c.Variant).Distinct(StringComparer.Ordinal).ToList();
            result[family] = distinct.Count == 1
                ? new VariantClaim(family, distinct[0], list[0].Location, list[0].Detail)
                : new VariantClaim(family, null, list[0].Location,
                    $"generators disagree on the variant of variant-less {family} names: " + string.Join("; ", list.Select(c => $"{c.Variant} at {c.Location}").Distinct().Take(4)));
        }

        return result;
    }

    /// <summary>The template is among the tables the script writes: its variable (<c>{table_name}</c>) or the name itself is in TablesWritten.</summary>
    private static bool Written(ScriptRecord script, NameTemplate template)
    {
        var name = Last(template.Template);
        foreach (var written in script.TablesWritten)
        {
            var last = Last(written);
            if (last == name || (template.AssignedTo is { } variable && last == "{" + variable + "}"))
            {
                return true;
            }
        }

        return false;
    }

    private static string Last(string path)
    {
        var depth = 0;
        for (var i = path.Length - 1; i >= 0; i--)
        {
            switch (path[i])
            {
                case '}':
                    depth++;
                    break;
                case '{':
                    depth--;
                    break;
                case '.' when depth == 0:
                    return path[(i + 1)..];
            }
        }

        return path;
    }

    private static string? GuardVariant(TemplateGuard guard, List<string> variants)
    {
        if (guard.Values.Count == 0 || !guard.Values.All(g => variants.Contains(g, StringComparer.Ordinal)))
        {
            return null;
        }

        var held = guard.Negated ? variants.Except(guard.Values, StringComparer.Ordinal).ToList() : guard.Values.Distinct(StringComparer.Ordinal).ToList();
        return held.Count == 1 ? held[0] : null;
    }

    /// <summary>The template's words ('_'-separated, braces kept whole).</summary>
    private static List<string> Words(string template)
    {
        var name = Last(template);
        var words = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i <= name.Length; i++)
        {
            if (i == name.Length || (name[i] == '_' && depth == 0))
            {
                words.Add(name[start..i]);
                start = i + 1;
                continue;
            }

            depth += name[i] == '{' ? 1 : name[i] == '}' ? -1 : 0;
        }

        return words;
    }

    /// <summary>The words fit the pattern with its variant word left out: literals equal, values allowed, placeholders anywhere but first.</summary>
    private static bool LacksOnlyTheVariant(List<string> words, MandateValidation.PatternWord[] pattern, IReadOnlyDictionary<string, List<string>> values)
    {
        var variantAt = Array.FindIndex(pattern, w => w.ValueSet == MandateValidation.VariantSet);
        if (words.Count != pattern.Length - 1 || variantAt < 0)
        {
            return false;
        }

        var literalMatched = false;
        for (var si = 0; si < pattern.Length; si++)
        {
            if (si == variantAt)
            {
                continue;
            }

            var word = words[si > variantAt ? si - 1 : si];
            var segment = pattern[si];
            if (word.StartsWith('{') && word.EndsWith('}') && word.IndexOf('{', 1) < 0)
            {
                if (si == 0)
                {
                    return false; // a name that starts with a placeholder could be any family
                }

                continue;
            }

            if (word.Contains('{'))
            {
                return false;
            }

            if (segment.Literal is not null)
            {
                if (segment.Literal != word)
                {
                    return false;
                }

                literalMatched = true;
            }
            else if (!(values.TryGetValue(segment.ValueSet!, out var allowed) && (allowed.Contains(word, StringComparer.Ordinal) || (allowed.Count == 1 && allowed[0] == "*"))))
            {
                return false;
            }
            else
            {
                literalMatched = true;
            }
        }

        return literalMatched;
    }
}
