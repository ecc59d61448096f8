using System.Globalization;
using System.Text;
using BqxAudit.Configuration;
using BqxAudit.Model;

namespace BqxAudit.Checks.Naming;

/// <summary>
/// Checks the table names scripts generate against each naming mandate of the profile: literal names a
/// script writes (TablesWritten without placeholders) and name templates, expanded over the values the
/// analyzer resolved for every placeholder (cartesian product, at most <see cref="MaxExpansion"/> names;
/// beyond that a deterministic sample). A script whose names break a mandate gets a Warning finding
/// (<see cref="Rule"/>, which makes it Partial) and <c>Compliance[mandate]</c> = NonCompliant; otherwise
/// Compliant, or Unknown when a template could not be expanded. The inventory calls this before it decides statuses.
/// </summary>
public static class GeneratorCompliance
{
    public const string Rule = "naming.generator-noncompliant";

    /// <summary>Info finding: a template had more names than <see cref="MaxExpansion"/> and a sample was classified.</summary>
    public const string SampledRule = "naming.generator-sampled";

    public const int MaxExpansion = 100_000;

    public const string Compliant = "Compliant";
    public const string NonCompliant = "NonCompliant";
    public const string Unknown = "Unknown";

    private const int ShownNames = 5;

    public static void Apply(IReadOnlyList<ScriptRecord> records, AuditProfile profile)
    {
        var standards = NamingService.NamingMandates(profile).Select(NamingStandard.Compile).ToArray();
        foreach (var record in records)
        {
            record.Findings.RemoveAll(f => f.Rule is Rule or SampledRule);
            foreach (var standard in standards)
            {
                Check(record, standard);
            }
        }
    }

    private static void Check(ScriptRecord record, NamingStandard standard)
    {
        var covered = false;
        var broken = false;
        var unknown = false;

        var literals = record.TablesWritten.Where(t => t.IndexOfAny(PlaceholderMarks) < 0).Distinct(StringComparer.Ordinal).ToList();
        var offending = new Offenders();
        foreach (var literal in literals)
        {
            var entry = TableNameEntry.TryParse(literal, $"{record.Path}:1", out _);
            if (entry is not null)
            {
                Tally(standard.Classify(entry), offending, ref covered);
            }
        }

        if (offending.Count > 0)
        {
            broken = true;
            record.Findings.Add(new Finding(Rule, FindingSeverity.Warning,
                $"writes tables whose names break {standard.Id}: {offending.Describe()} ({offending.Count:N0} of {literals.Count:N0} literal table names)",
                $"{record.Path}:1"));
        }

        foreach (var template in record.NameTemplates)
        {
            var location = $"{record.Path}:{template.Line}";
            var parsed = TemplateName.Parse(template);
            if (parsed is null)
            {
                unknown = true;
                continue;
            }

            var found = new Offenders();
            var sampled = parsed.Total > MaxExpansion;
            var generated = 0;
            foreach (var name in parsed.Expand(MaxExpansion))
            {
                generated++;
                Tally(standard.Classify(new TableNameEntry(name, location, parsed.Dataset)), found, ref covered);
            }

            var scope = sampled
                ? $"{found.Count:N0} of a deterministic sample of {generated:N0} from {FormatTotal(parsed.Total)} generated names"
                : $"{found.Count:N0} of {generated:N0} generated names";
            if (sampled)
            {
                record.Findings.Add(new Finding(SampledRule, FindingSeverity.Info,
                    $"template '{template.Template}' expands to {FormatTotal(parsed.Total)} names, over the {MaxExpansion:N0} limit; " +
                    $"a deterministic sample of {generated:N0} was checked against {standard.Id}", location));
            }

            if (found.Count > 0)
            {
                broken = true;
                record.Findings.Add(new Finding(Rule, FindingSeverity.Warning,
                    $"template '{template.Template}' generates names that break {standard.Id}: {found.Describe()} ({scope}; placeholders expanded over every combination of their values)",
                    location));
            }
        }

        if (broken)
        {
            record.Compliance[standard.Id] = NonCompliant;
        }
        else if (unknown)
        {
            record.Compliance[standard.Id] = Unknown;
        }
        else if (covered)
        {
            record.Compliance[standard.Id] = Compliant;
        }
    }

    private static readonly char[] PlaceholderMarks = { '{', '}', '%', '$' };

    private static void Tally(NamingResult result, Offenders offending, ref bool covered)
    {
        if (result.Status is NamingStatus.Compliant or NamingStatus.NonCompliant)
        {
            covered = true;
        }

        if (result.Status == NamingStatus.NonCompliant)
        {
            offending.Add(result);
        }
    }

    private static string FormatTotal(double total) =>
        total < 1e15 ? total.ToString("N0", CultureInfo.InvariantCulture) : total.ToString("0.##E+0", CultureInfo.InvariantCulture);

    /// <summary>Distinct offending names, the first few kept for the message.</summary>
    private sealed class Offenders
    {
        private readonly HashSet<string> names = new(StringComparer.Ordinal);
        private readonly List<NamingResult> shown = new();

        public int Count => names.Count;

        public void Add(NamingResult result)
        {
            if (names.Add(result.TableName) && shown.Count < ShownNames)
            {
                shown.Add(result);
            }
        }

        public string Describe() =>
            string.Join(", ", shown.Select(r => $"{r.TableName} ({string.Join(", ", r.Violations)})")) + (Count > shown.Count ? ", …" : "");
    }

    /// <summary>
    /// The table part of a name template (after the last '.' outside placeholders) as literal pieces and
    /// placeholders, each placeholder with its values; null when a placeholder of the table part has none.
    /// </summary>
    internal sealed class TemplateName
    {
        private readonly List<(string? Literal, int Placeholder)> pieces;
        private readonly List<string>[] values;

        private TemplateName(List<(string?, int)> pieces, List<string>[] values, string? dataset)
        {
            this.pieces = pieces;
            this.values = values;
            Dataset = dataset;
            Total = values.Aggregate(1d, (t, v) => t * v.Count);
        }

        /// <summary>The dataset when the template names a literal one (<c>bqx_ml_v3_features_v2.cov_{…}</c>).</summary>
        public string? Dataset { get; }

        /// <summary>How many names the template generates (a double: products overflow).</summary>
        public double Total { get; }

        public static TemplateName? Parse(NameTemplate template)
        {
            var text = template.Template.Trim().Trim('`');
            var parts = SplitOutsideBraces(text);
            if (parts is null)
            {
                return null;
            }

            // Positional '{}' placeholders count across the whole template, as str.format numbers them.
            var positional = 0;
            var tableIndex = parts.Count - 1;
            string? dataset = null;
            var pieces = new List<(string?, int)>();
            var placeholderIndex = new Dictionary<string, int>(StringComparer.Ordinal);
            var values = new List<List<string>>();
            for (var p = 0; p < parts.Count; p++)
            {
                var segments = Tokenize(parts[p]);
                if (segments is null)
                {
                    return null;
                }

                if (p == tableIndex - 1 && segments.All(s => s.Literal is not null))
                {
                    dataset = string.Concat(segments.Select(s => s.Literal));
                    dataset = dataset[(dataset.LastIndexOf(':') + 1)..];
                }

                foreach (var (literal, expression) in segments)
                {
                    if (literal is not null)
                    {
                        if (p == tableIndex)
                        {
                            pieces.Add((literal, -1));
                        }

                        continue;
                    }

                    var key = expression!.Length == 0 ? (positional++).ToString(CultureInfo.InvariantCulture) : expression;
                    if (p != tableIndex)
                    {
                        continue;
                    }

                    if (!placeholderIndex.TryGetValue(key, out var index))
                    {
                        var list = Lookup(template.Values, key);
                        if (list is null || list.Count == 0)
                        {
                            return null;
                        }

                        placeholderIndex[key] = index = values.Count;
                        values.Add(list);
                    }

                    pieces.Add((null, index));
                }
            }

            return new TemplateName(pieces, values.ToArray(), string.IsNullOrEmpty(dataset) ? null : dataset);
        }

        /// <summary>Every name when there are at most <paramref name="limit"/>, else a deterministic pseudo-random sample of that many.</summary>
        public IEnumerable<string> Expand(int limit)
        {
            var digits = new int[values.Length];
            var sb = new StringBuilder();
            if (Total <= limit)
            {
                var count = (int)Total;
                for (var n = 0; n < count; n++)
                {
                    yield return Build(digits, sb);
                    for (var d = digits.Length - 1; d >= 0; d--)
                    {
                        if (++digits[d] < values[d].Count)
                        {
                            break;
                        }

                        digits[d] = 0;
                    }
                }

                yield break;
            }

            var state = 0x4D30_3038_5F4E_414DUL; // fixed seed: the same sample every run
            for (var n = 0; n < limit; n++)
            {
                for (var d = 0; d < digits.Length; d++)
                {
                    digits[d] = (int)(SplitMix64(ref state) % (ulong)values[d].Count);
                }

                yield return Build(digits, sb);
            }
        }

        private string Build(int[] digits, StringBuilder sb)
        {
            sb.Clear();
            foreach (var (literal, placeholder) in pieces)
            {
                sb.Append(literal ?? values[placeholder][digits[placeholder]]);
            }

            return sb.ToString();
        }

        private static ulong SplitMix64(ref ulong state)
        {
            var z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        private static List<string>? Lookup(Dictionary<string, List<string>> values, string key)
        {
            if (values.TryGetValue(key, out var list))
            {
                return list;
            }

            // '{x!s}' renders like '{x}'; any other conversion or format spec may not.
            foreach (var suffix in new[] { "!s", ":", ":s" })
            {
                if (key.EndsWith(suffix, StringComparison.Ordinal) && values.TryGetValue(key[..^suffix.Length], out list))
                {
                    return list;
                }
            }

            return null;
        }

        /// <summary>Splits at '.' outside placeholders; null when braces do not balance.</summary>
        private static List<string>? SplitOutsideBraces(string text)
        {
            var parts = new List<string>();
            var depth = 0;
            var from = 0;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (depth == 0 && (c == '{' || c == '}') && i + 1 < text.Length && text[i + 1] == c)
                {
                    i++;
                    continue;
                }

                if (c == '{')
                {
                    depth++;
                }
                else if (c == '}')
                {
                    if (--depth < 0)
                    {
                        return null;
                    }
                }
                else if (c == '.' && depth == 0)
                {
                    parts.Add(text[from..i]);
                    from = i + 1;
                }
            }

            if (depth != 0)
            {
                return null;
            }

            parts.Add(text[from..]);
            return parts;
        }

        /// <summary>Literal runs and placeholder expressions of one dot-free part; '{{' and '}}' are literal braces.</summary>
        private static List<(string? Literal, string? Expression)>? Tokenize(string part)
        {
            var result = new List<(string?, string?)>();
            var literal = new StringBuilder();
            for (var i = 0; i < part.Length; i++)
            {
                var c = part[i];
                if ((c == '{' || c == '}') && i + 1 < part.Length && part[i + 1] == c)
                {
                    literal.Append(c);
                    i++;
                    continue;
                }

                if (c != '{')
                {
                    literal.Append(c);
                    continue;
                }

                var depth = 1;
                var start = i + 1;
                while (++i < part.Length && depth > 0)
                {
                    depth += part[i] == '{' ? 1 : part[i] == '}' ? -1 : 0;
                }

                if (depth != 0)
                {
                    return null;
                }

                i--; // on the closing brace
                if (literal.Length > 0)
                {
                    result.Add((literal.ToString(), null));
                    literal.Clear();
                }

                result.Add((null, part[start..i].Trim()));
            }

            if (literal.Length > 0)
            {
                result.Add((literal.ToString(), null));
            }

            return result;
        }
    }
}
