using System.Collections.ObjectModel;
using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Model;

namespace BqxAudit.Checks.Naming;

/// <summary>
/// A naming mandate compiled for fast classification: every known word gets an id, every component a
/// lookup table by id, every pattern a list of words; candidate patterns are indexed by the name's first
/// word. Classifying a compliant name allocates only its result. Thread-safe once built; it reflects the
/// mandate as it was when compiled.
/// </summary>
internal sealed class NamingStandard
{
    /// <summary>Names with more '_'-separated words than this are a Pattern violation of every family.</summary>
    public const int MaxWords = 32;

    private const int Fixable = (1 << (int)NamingViolation.Case) | (1 << (int)NamingViolation.AlphabeticalOrder) | (1 << (int)NamingViolation.MissingVariant);

    private static readonly IReadOnlyList<NamingViolation>[] ViolationLists = BuildViolationLists();

    /// <summary>Mask of unfixable violations → the Reason (built once, shared by every result).</summary>
    private static readonly string[] NoFixReasons = ViolationLists.Select(v => $"no deterministic fix for {string.Join(", ", v)}: see Details").ToArray();

    private readonly TokenTable tokens;
    private readonly CompiledPattern[] patterns;
    private readonly CompiledPattern[][] byAnchor;
    private readonly CompiledPattern[] anyAnchored;
    private readonly Explainer?[] explainers;
    private readonly (Wildcard Pattern, string Rule, string Reason)[] exemptions;
    private readonly HashSet<string>? datasets;

    private NamingStandard(MandateProfile mandate)
    {
        Profile = mandate;
        Id = mandate.Id;
        var words = new List<string>();
        foreach (var values in mandate.Values.Values)
        {
            words.AddRange(values.Where(v => v != ValueSet.AnyWordValue));
        }

        var parsed = new List<(NamingFamilyProfile Family, string Text, MandateValidation.PatternWord[] Words)>();
        foreach (var family in mandate.Families)
        {
            foreach (var text in family.Patterns)
            {
                var pw = MandateValidation.ParsePattern(text, mandate.Values, out _)!;
                parsed.Add((family, text, pw));
                words.AddRange(pw.Where(w => w.Literal is not null).Select(w => w.Literal!));
            }
        }

        tokens = new TokenTable(words);
        var sets = mandate.Values.ToDictionary(kv => kv.Key, kv => new ValueSet(kv.Key, kv.Value, tokens), StringComparer.Ordinal);
        var families = mandate.Families.ToDictionary(f => f, f => new CompiledFamily(f, mandate));
        patterns = parsed.Select((p, i) => new CompiledPattern(i, families[p.Family], p.Text, p.Words, sets, tokens, mandate.Id)).ToArray();

        var anchors = new List<CompiledPattern>?[tokens.Count];
        foreach (var pattern in patterns)
        {
            var first = pattern.Segments[0];
            if (first.Values is { AnyWord: true })
            {
                continue;
            }

            for (var id = 0; id < tokens.Count; id++)
            {
                if (first.Accepts(id))
                {
                    (anchors[id] ??= new()).Add(pattern);
                }
            }
        }

        byAnchor = anchors.Select(a => a?.ToArray() ?? Array.Empty<CompiledPattern>()).ToArray();
        anyAnchored = patterns.Where(p => p.Segments[0].Values is { AnyWord: true }).ToArray();
        explainers = new Explainer?[patterns.Length * 4 * ViolationLists.Length];
        exemptions = mandate.Exemptions.Select(e => (new Wildcard(e.Pattern), $"{mandate.Id}/exemption: {e.Pattern.Trim()}", e.Reason ?? "listed in the mandate's exemptions")).ToArray();
        datasets = mandate.Datasets.Count == 0 ? null : new HashSet<string>(mandate.Datasets, StringComparer.Ordinal);
    }

    public MandateProfile Profile { get; }

    public string Id { get; }

    /// <summary>Compiles a naming mandate; a mandate with problems is a terminating ProfileInvalid error listing them all.</summary>
    public static NamingStandard Compile(MandateProfile mandate)
    {
        if (mandate.Kind != NamingService.Kind)
        {
            throw new BqxException(new BqxError(ErrorIds.ProfileInvalid, BqxErrorCategory.InvalidArgument,
                $"mandate '{mandate.Id}' is of kind '{mandate.Kind}', not '{NamingService.Kind}'", mandate.Id));
        }

        var problems = MandateValidation.Validate(mandate, $"mandate {mandate.Id}");
        if (problems.Count > 0)
        {
            throw new BqxException(new BqxError(ErrorIds.ProfileInvalid, BqxErrorCategory.InvalidData,
                $"naming mandate '{mandate.Id}' is invalid: {string.Join("; ", problems)}", mandate.Id));
        }

        return new NamingStandard(mandate);
    }

    /// <summary>Classifies one name. The entry's Count is carried over.</summary>
    public NamingResult Classify(TableNameEntry entry)
    {
        var name = entry.TableName;
        var result = new NamingResult
        {
            TableName = name,
            Dataset = entry.Dataset,
            Project = entry.Project,
            Source = entry.Source,
            Count = entry.Count,
            TableType = entry.TableType,
        };

        if (datasets is not null && entry.Dataset is not null && !datasets.Contains(entry.Dataset))
        {
            result.Status = NamingStatus.NoRule;
            result.Rule = Id;
            result.Reason = $"dataset '{entry.Dataset}' is outside {Id} (it covers {string.Join(", ", Profile.Datasets)})";
            return result;
        }

        foreach (var (pattern, rule, reason) in exemptions)
        {
            if (pattern.IsMatch(name))
            {
                result.Status = NamingStatus.Exempt;
                result.Rule = rule;
                result.Reason = reason;
                return result;
            }
        }

        Span<int> start = stackalloc int[MaxWords];
        Span<int> length = stackalloc int[MaxWords];
        Span<int> ids = stackalloc int[MaxWords];
        var words = new Words(name, start, length, ids, tokens);
        var best = Best(ref words);
        if (best.Pattern is null)
        {
            result.Status = NamingStatus.NoRule;
            result.Rule = Id;
            result.Reason = $"no family of {Id} explains the name";
            return result;
        }

        var family = best.Pattern.Family;
        var mask = best.Mask;
        if (words.HasUpper && family.LowerCase)
        {
            mask |= 1 << (int)NamingViolation.Case;
        }

        result.Family = family.Id;
        result.Rule = best.Pattern.Rule;
        if (mask == 0)
        {
            result.Status = NamingStatus.Compliant;
            return result;
        }

        result.Status = NamingStatus.NonCompliant;
        result.Violations = ViolationLists[mask];
        result.DeferredDetails = Explanation(best, mask);
        if (Fix(result.TableName, best, mask, ref words, null, out var noFix) is { } fixedName)
        {
            result.SuggestedName = fixedName;
        }
        else
        {
            result.Reason = noFix;
        }

        return result;
    }

    /// <summary>
    /// For a name whose best alignment lacks its variant: the family, and per allowed variant the name with that variant
    /// inserted where it belongs (as written, lower-cased) and, when the other violations are mechanical, the fully fixed
    /// name. Null when the name does not lack a variant. The rename plan looks for twins and evidence with these.
    /// </summary>
    public VariantForms? VariantFormsOf(string name)
    {
        Span<int> start = stackalloc int[MaxWords];
        Span<int> length = stackalloc int[MaxWords];
        Span<int> ids = stackalloc int[MaxWords];
        var words = new Words(name, start, length, ids, tokens);
        var best = Best(ref words);
        if (best.Pattern is not { } pattern || best.CountMismatch || best.Skip < 0 || best.Skip != pattern.VariantIndex)
        {
            return null;
        }

        var mask = best.Mask;
        if (words.HasUpper && pattern.Family.LowerCase)
        {
            mask |= 1 << (int)NamingViolation.Case;
        }

        var forms = new List<VariantForm>();
        foreach (var variant in Profile.Values.TryGetValue(MandateValidation.VariantSet, out var variants) ? variants : new List<string>())
        {
            var raw = new System.Text.StringBuilder(name.Length + variant.Length + 1);
            for (var si = 0; si < pattern.Segments.Length; si++)
            {
                if (si > 0)
                {
                    raw.Append('_');
                }

                if (si == best.Skip)
                {
                    raw.Append(variant);
                    continue;
                }

                var ti = si > best.Skip ? si - 1 : si;
                raw.Append(name.AsSpan(words.Start(ti), words.Length(ti)));
            }

            var fixedName = Fix(name, best, mask, ref words, variant, out _);
            forms.Add(new VariantForm(variant, raw.ToString().ToLowerInvariant(), fixedName));
        }

        return new VariantForms(pattern.Family.Id, pattern.Text, forms);
    }

    /// <summary>The shared explainer of names aligned like <paramref name="best"/> with violations <paramref name="mask"/>.</summary>
    private Explainer Explanation(Alignment best, int mask)
    {
        var skipKind = best.CountMismatch ? 3 : best.Skip < 0 ? 0 : best.Skip == best.Pattern!.VariantIndex ? 1 : 2;
        var index = ((best.Pattern!.Order * 4) + skipKind) * ViolationLists.Length + mask;
        var explainer = Volatile.Read(ref explainers[index]);
        if (explainer is null)
        {
            explainer = new Explainer(this, best, mask);
            Interlocked.CompareExchange(ref explainers[index], explainer, null);
        }

        return explainer;
    }

    /// <summary>Turns a name classified with a given alignment into Details; stateless per name.</summary>
    private sealed class Explainer : IDetailsSource
    {
        private readonly NamingStandard standard;
        private readonly Alignment alignment;
        private readonly int mask;

        public Explainer(NamingStandard standard, Alignment alignment, int mask)
        {
            this.standard = standard;
            this.alignment = alignment;
            this.mask = mask;
        }

        public IReadOnlyList<string> Explain(string tableName) => standard.Explain(tableName, alignment, mask);
    }

    /// <summary>The Details of a non-compliant name: the alignment evaluated again, this time in words.</summary>
    private IReadOnlyList<string> Explain(string name, Alignment best, int mask)
    {
        Span<int> start = stackalloc int[MaxWords];
        Span<int> length = stackalloc int[MaxWords];
        Span<int> ids = stackalloc int[MaxWords];
        var words = new Words(name, start, length, ids, tokens);
        var details = new List<string>();
        if (words.TooMany)
        {
            details.Add($"more than {MaxWords} words");
        }
        else if (words.HasEmpty)
        {
            details.Add("an empty word (a doubled, leading or trailing '_')");
        }

        Evaluate(best.Pattern!, ref words, best.Skip, best.CountMismatch, details);
        if ((mask & (1 << (int)NamingViolation.Case)) != 0)
        {
            details.Add($"upper-case letters; family '{best.Pattern!.Family.Id}' is lower case");
        }

        return details.AsReadOnly();
    }

    /// <summary>True when <paramref name="name"/> is compliant with a pattern of <paramref name="family"/>.</summary>
    public bool IsCompliant(ReadOnlySpan<char> name, string? family = null)
    {
        Span<int> start = stackalloc int[MaxWords];
        Span<int> length = stackalloc int[MaxWords];
        Span<int> ids = stackalloc int[MaxWords];
        var words = new Words(name, start, length, ids, tokens);
        var best = Best(ref words);
        return best.Pattern is not null && best.Mask == 0 && !(words.HasUpper && best.Pattern.Family.LowerCase)
               && (family is null || best.Pattern.Family.Id == family);
    }

    /// <summary>
    /// The mechanical fix of a name: lower-cased, ordered components sorted and, when the variant is missing, the given
    /// <paramref name="variant"/> inserted; null (and the reason) when a violation has no deterministic fix or the
    /// variant is missing and none is given (a variant is never assumed).
    /// </summary>
    private string? Fix(string tableName, Alignment best, int mask, ref Words words, string? variant, out string? reason)
    {
        reason = null;
        var family = best.Pattern!.Family;
        var unfixable = mask & ~Fixable;
        if (unfixable != 0 || best.CountMismatch)
        {
            reason = NoFixReasons[unfixable == 0 ? 1 << (int)NamingViolation.Pattern : unfixable];
            return null;
        }

        if (best.Skip >= 0 && variant is null)
        {
            reason = family.MissingVariantReason;
            return null;
        }

        // The fix in one buffer: the words lower-cased, the default variant inserted, ordered words sorted.
        var segments = best.Pattern.Segments;
        Span<int> from = stackalloc int[segments.Length];
        Span<int> size = stackalloc int[segments.Length];
        var name = tableName.AsSpan();
        var inserted = (variant ?? "").AsSpan();
        var total = segments.Length - 1;
        for (var si = 0; si < segments.Length; si++)
        {
            if (si == best.Skip)
            {
                from[si] = -1;
                size[si] = inserted.Length;
            }
            else
            {
                var ti = best.Skip >= 0 && si > best.Skip ? si - 1 : si;
                from[si] = words.Start(ti);
                size[si] = words.Length(ti);
            }

            total += size[si];
        }

        if ((mask & (1 << (int)NamingViolation.AlphabeticalOrder)) != 0)
        {
            // Insertion sort of the ordered words (two or three of them) by their text.
            var ordered = best.Pattern.Ordered;
            for (var k = 1; k < ordered.Length; k++)
            {
                for (var j = k; j > 0 && TokenTable.CompareFolded(name.Slice(from[ordered[j - 1]], size[ordered[j - 1]]), name.Slice(from[ordered[j]], size[ordered[j]])) > 0; j--)
                {
                    (from[ordered[j - 1]], from[ordered[j]]) = (from[ordered[j]], from[ordered[j - 1]]);
                    (size[ordered[j - 1]], size[ordered[j]]) = (size[ordered[j]], size[ordered[j - 1]]);
                }
            }
        }

        Span<char> buffer = total <= 512 ? stackalloc char[total] : new char[total];
        var at = 0;
        for (var si = 0; si < segments.Length; si++)
        {
            if (si > 0)
            {
                buffer[at++] = '_';
            }

            var word = from[si] < 0 ? inserted : name.Slice(from[si], size[si]);
            for (var c = 0; c < word.Length; c++)
            {
                buffer[at++] = TokenTable.Fold(word[c]);
            }
        }

        if (!IsCompliant(buffer, family.Id))
        {
            reason = $"the mechanical fix '{buffer.ToString()}' still breaks {family.Id} (e.g. a repeated value cannot be ordered)";
            return null;
        }

        return buffer.ToString();
    }

    private Alignment Best(ref Words words)
    {
        var best = default(Alignment);
        var first = words.Count > 0 ? words.Id[0] : -1;
        if (first >= 0)
        {
            foreach (var pattern in byAnchor[first])
            {
                Consider(pattern, ref words, weak: false, ref best);
            }
        }

        if (words.Count > 0 && ValueSet.IsPlainWord(words.Word(0)))
        {
            foreach (var pattern in anyAnchored)
            {
                Consider(pattern, ref words, weak: false, ref best);
            }
        }

        if (best.Pattern is null)
        {
            foreach (var pattern in patterns)
            {
                Consider(pattern, ref words, weak: true, ref best);
            }
        }

        return best;
    }

    private static void Consider(CompiledPattern pattern, ref Words words, bool weak, ref Alignment best)
    {
        if (weak && !SharesLiteral(pattern, ref words))
        {
            return; // a prefix the standard does not cover (csi_, targets_ …) is never forced into the nearest family
        }

        var n = pattern.Segments.Length;
        var m = words.TooMany ? int.MaxValue : words.Count;
        if (m == n)
        {
            Take(Evaluate(pattern, ref words, -1, countMismatch: false, null), weak, ref best);
        }
        else if (m == n - 1 && (CanBeMissing(pattern, pattern.VariantIndex, ref words) || CanBeMissing(pattern, pattern.WindowIndex, ref words)))
        {
            if (CanBeMissing(pattern, pattern.VariantIndex, ref words))
            {
                Take(Evaluate(pattern, ref words, pattern.VariantIndex, countMismatch: false, null), weak, ref best);
            }

            if (CanBeMissing(pattern, pattern.WindowIndex, ref words))
            {
                Take(Evaluate(pattern, ref words, pattern.WindowIndex, countMismatch: false, null), weak, ref best);
            }
        }
        else if (!weak)
        {
            Take(Evaluate(pattern, ref words, -1, countMismatch: true, null), weak, ref best);
        }
    }

    /// <summary>A pattern without literal words, or one of whose literals (cov, base …) is a word of the name.</summary>
    private static bool SharesLiteral(CompiledPattern pattern, ref Words words)
    {
        var literals = false;
        foreach (var segment in pattern.Segments)
        {
            if (segment.Literal is null)
            {
                continue;
            }

            literals = true;
            for (var i = 0; i < words.Count; i++)
            {
                if (segment.Accepts(words.Id[i]))
                {
                    return true;
                }
            }
        }

        return !literals;
    }

    /// <summary>
    /// The variant (or window) segment may be the missing word only when the pattern has one and no word of
    /// the name is such a value: a name that has its variant elsewhere lacks some other word.
    /// </summary>
    private static bool CanBeMissing(CompiledPattern pattern, int segment, ref Words words)
    {
        if (segment < 0)
        {
            return false;
        }

        var values = pattern.Segments[segment].Values;
        for (var i = 0; i < words.Count; i++)
        {
            if (values.Contains(words.Id[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static void Take(in Alignment candidate, bool weak, ref Alignment best)
    {
        var n = candidate.Pattern!.Segments.Length;
        if (weak && (candidate.Known < 2 || candidate.Known * 2 < n))
        {
            return;
        }

        if (best.Pattern is null
            || candidate.Matched > best.Matched
            || (candidate.Matched == best.Matched && (candidate.Known > best.Known
                || (candidate.Known == best.Known && (candidate.Problems < best.Problems
                || (candidate.Problems == best.Problems && candidate.Pattern.Order < best.Pattern.Order))))))
        {
            best = candidate;
        }
    }

    /// <summary>
    /// Aligns the words with the pattern (skipping segment <paramref name="skip"/> when it is the missing
    /// variant or window) and counts what matches and what is wrong; with <paramref name="details"/>, says so in words.
    /// </summary>
    private static Alignment Evaluate(CompiledPattern pattern, ref Words words, int skip, bool countMismatch, List<string>? details)
    {
        var a = new Alignment { Pattern = pattern, Skip = skip, CountMismatch = countMismatch };
        var segments = pattern.Segments;
        if (countMismatch)
        {
            a.Matched = words.Count > 0 && segments[0].Accepts(words.Id[0], words.Word(0)) ? 1 : 0;
            a.Known = a.Matched;
            a.Problems = 1;
            a.Mask = 1 << (int)NamingViolation.Pattern;
            details?.Add($"{(words.TooMany ? $"over {MaxWords}" : words.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))} words where {pattern.Text} has {segments.Length}");
            return a;
        }

        for (var si = 0; si < segments.Length; si++)
        {
            if (si == skip)
            {
                continue;
            }

            var ti = skip >= 0 && si > skip ? si - 1 : si;
            var id = words.Id[ti];
            var segment = segments[si];
            if (segment.Accepts(id, words.Word(ti)))
            {
                a.Matched++;
                a.Known++;
                continue;
            }

            a.Problems++;
            var known = id >= 0 && pattern.Known[id];
            if (known)
            {
                a.Known++;
            }

            if (segment.Literal is not null)
            {
                a.Mask |= 1 << (int)NamingViolation.Pattern;
                details?.Add($"word {ti + 1} '{words.Word(ti).ToString()}': {pattern.Family.Id} has '{segment.Literal}' here");
            }
            else if (segment.Role == SegmentRole.Window)
            {
                a.Mask |= 1 << (int)NamingViolation.WindowSuffix;
                details?.Add($"word {ti + 1} '{words.Word(ti).ToString()}': not an allowed window ({segment.Values.Describe})");
            }
            else if (known)
            {
                a.Mask |= 1 << (int)NamingViolation.Pattern;
                details?.Add($"word {ti + 1} '{words.Word(ti).ToString()}' is out of place: {pattern.Text} has {{{segment.Component}}} here");
            }
            else
            {
                a.Mask |= 1 << (int)NamingViolation.UnknownComponent;
                details?.Add($"word {ti + 1} '{words.Word(ti).ToString()}': not an allowed {segment.Component} ({segment.Values.Describe})");
            }
        }

        if (skip >= 0)
        {
            a.Problems++;
            var missing = segments[skip];
            if (missing.Role == SegmentRole.Variant)
            {
                a.Mask |= 1 << (int)NamingViolation.MissingVariant;
                details?.Add($"the variant ({missing.Values.Describe}) is missing at word {skip + 1} of {pattern.Text}");
            }
            else
            {
                a.Mask |= 1 << (int)NamingViolation.WindowSuffix;
                details?.Add($"the window suffix ({missing.Values.Describe}) is missing");
            }
        }

        // Order is judged only among allowed values: an unknown or misplaced word is reported as such already.
        var ordered = pattern.Ordered;
        for (var k = 0; k < ordered.Length; k++)
        {
            var ti = skip >= 0 && ordered[k] > skip ? ordered[k] - 1 : ordered[k];
            if (!segments[ordered[k]].Accepts(words.Id[ti], words.Word(ti)))
            {
                return a;
            }
        }

        for (var k = 1; k < ordered.Length; k++)
        {
            var left = ordered[k - 1];
            var right = ordered[k];
            var lw = words.Word(skip >= 0 && left > skip ? left - 1 : left);
            var rw = words.Word(skip >= 0 && right > skip ? right - 1 : right);
            if (TokenTable.CompareFolded(lw, rw) >= 0)
            {
                a.Problems++;
                a.Mask |= 1 << (int)NamingViolation.AlphabeticalOrder;
                details?.Add($"{string.Join(", ", ordered.Select(i => segments[i].Component))} must be in alphabetical order: " +
                             $"'{lw.ToString()}' {(TokenTable.CompareFolded(lw, rw) == 0 ? "repeats" : "comes after")} '{rw.ToString()}'");
                break;
            }
        }

        return a;
    }

    private static IReadOnlyList<NamingViolation>[] BuildViolationLists()
    {
        var kinds = Enum.GetValues<NamingViolation>();
        var lists = new IReadOnlyList<NamingViolation>[1 << kinds.Length];
        for (var mask = 0; mask < lists.Length; mask++)
        {
            lists[mask] = new ReadOnlyCollection<NamingViolation>(kinds.Where(k => (mask & (1 << (int)k)) != 0).ToArray());
        }

        return lists;
    }

    private struct Alignment
    {
        public CompiledPattern? Pattern;
        public int Skip;
        public bool CountMismatch;
        public int Matched;
        public int Known;
        public int Problems;
        public int Mask;
    }

    /// <summary>A name split at '_', each word with its id in the token table (-1 when unknown).</summary>
    private ref struct Words
    {
        private readonly ReadOnlySpan<char> name;
        private readonly Span<int> start;
        private readonly Span<int> length;

        public Words(ReadOnlySpan<char> name, Span<int> start, Span<int> length, Span<int> ids, TokenTable tokens)
        {
            this.name = name;
            this.start = start;
            this.length = length;
            Id = ids;
            var count = 0;
            var from = 0;
            for (var i = 0; i <= name.Length; i++)
            {
                if (i < name.Length)
                {
                    var c = name[i];
                    if (c is >= 'A' and <= 'Z')
                    {
                        HasUpper = true;
                    }

                    if (c != '_')
                    {
                        continue;
                    }
                }

                if (count == MaxWords)
                {
                    TooMany = true;
                    break;
                }

                start[count] = from;
                length[count] = i - from;
                HasEmpty |= i == from;
                ids[count] = tokens.Find(name.Slice(from, i - from));
                count++;
                from = i + 1;
            }

            if (TooMany)
            {
                for (var i = 0; i < name.Length; i++)
                {
                    HasUpper |= name[i] is >= 'A' and <= 'Z';
                }
            }

            Count = count;
        }

        public Span<int> Id { get; }

        public int Count { get; }

        public bool HasUpper { get; }

        public bool HasEmpty { get; }

        public bool TooMany { get; }

        public ReadOnlySpan<char> Word(int i) => name.Slice(start[i], length[i]);

        public int Start(int i) => start[i];

        public int Length(int i) => length[i];
    }
}

/// <summary>A variant-less name with each allowed variant put in (see <see cref="NamingStandard.VariantFormsOf"/>).</summary>
internal sealed record VariantForms(string Family, string Pattern, IReadOnlyList<VariantForm> Forms);

/// <summary>One variant put into a variant-less name: as written, and fully fixed when the other violations are mechanical.</summary>
internal sealed record VariantForm(string Variant, string AsWritten, string? Fixed);

internal enum SegmentRole
{
    Plain,
    Variant,
    Window,
}

/// <summary>The allowed values of one component, as a lookup by token id.</summary>
internal sealed class ValueSet
{
    public const string AnyWordValue = "*";

    private readonly bool[] allowed;

    public ValueSet(string name, IReadOnlyList<string> values, TokenTable tokens)
    {
        Name = name;
        allowed = new bool[tokens.Count];
        AnyWord = values.Count == 1 && values[0] == AnyWordValue;
        foreach (var v in values.Where(v => v != AnyWordValue))
        {
            allowed[tokens.Find(v)] = true;
        }

        Describe = AnyWord ? "any word of letters and digits" : values.Count <= 8 ? string.Join(", ", values) : $"one of the {values.Count} values of {name}";
    }

    public string Name { get; }

    public string Describe { get; }

    /// <summary>The set is <c>["*"]</c>: any plain word (letters and digits) is allowed.</summary>
    public bool AnyWord { get; }

    public bool Contains(int id) => id >= 0 && allowed[id];

    public bool Accepts(int id, ReadOnlySpan<char> word) => AnyWord ? IsPlainWord(word) : id >= 0 && allowed[id];

    /// <summary>Letters and digits only (either case: case is a rule of its own).</summary>
    public static bool IsPlainWord(ReadOnlySpan<char> word)
    {
        if (word.IsEmpty)
        {
            return false;
        }

        foreach (var c in word)
        {
            if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'))
            {
                return false;
            }
        }

        return true;
    }
}

internal sealed class CompiledFamily
{
    public CompiledFamily(NamingFamilyProfile family, MandateProfile mandate)
    {
        Id = family.Id;
        LowerCase = (family.Case ?? mandate.Case) == "lower";
        Alphabetical = family.Alphabetical.ToArray();
        MissingVariantReason = $"the variant is missing and a variant is never assumed: which variant the {Id} table holds comes from a generator that writes {Id} names without a marker, or from its data";
    }

    public string MissingVariantReason { get; }

    public string Id { get; }

    public bool LowerCase { get; }

    public string[] Alphabetical { get; }
}

internal sealed class CompiledSegment
{
    private readonly int literalId;

    public CompiledSegment(string literal, TokenTable tokens)
    {
        Literal = literal;
        literalId = tokens.Find(literal);
        Values = null!;
    }

    public CompiledSegment(string component, ValueSet values)
    {
        Component = component;
        Values = values;
        literalId = -1;
        Role = values.Name switch
        {
            MandateValidation.VariantSet => SegmentRole.Variant,
            MandateValidation.WindowSet => SegmentRole.Window,
            _ => SegmentRole.Plain,
        };
    }

    public string? Literal { get; }

    public string? Component { get; }

    public ValueSet Values { get; }

    public SegmentRole Role { get; }

    /// <summary>The word with this id is allowed here (a wildcard set accepts no particular id).</summary>
    public bool Accepts(int id) => Literal is not null ? id >= 0 && id == literalId : Values.Contains(id);

    public bool Accepts(int id, ReadOnlySpan<char> word) => Literal is not null ? id >= 0 && id == literalId : Values.Accepts(id, word);
}

internal sealed class CompiledPattern
{
    public CompiledPattern(int order, CompiledFamily family, string text, MandateValidation.PatternWord[] words,
        IReadOnlyDictionary<string, ValueSet> sets, TokenTable tokens, string mandateId)
    {
        Order = order;
        Family = family;
        Text = text;
        Rule = $"{mandateId}/{family.Id}: {text}";
        Segments = words.Select(w => w.Literal is not null ? new CompiledSegment(w.Literal, tokens) : new CompiledSegment(w.Component!, sets[w.ValueSet!])).ToArray();
        VariantIndex = Array.FindIndex(Segments, s => s.Role == SegmentRole.Variant);
        WindowIndex = Array.FindIndex(Segments, s => s.Role == SegmentRole.Window);
        var ordered = family.Alphabetical.Select(c => Array.FindIndex(Segments, s => s.Component == c)).Where(i => i >= 0).ToArray();
        Ordered = ordered.Length >= 2 ? ordered : Array.Empty<int>();
        Known = new bool[tokens.Count];
        for (var id = 0; id < tokens.Count; id++)
        {
            Known[id] = Segments.Any(s => s.Accepts(id));
        }
    }

    public int Order { get; }

    public CompiledFamily Family { get; }

    public string Text { get; }

    public string Rule { get; }

    public CompiledSegment[] Segments { get; }

    public int VariantIndex { get; }

    public int WindowIndex { get; }

    /// <summary>Segment indexes whose values must ascend, in the family's order.</summary>
    public int[] Ordered { get; }

    /// <summary>Token id → the word is a literal or a value of some component of this pattern.</summary>
    public bool[] Known { get; }
}
