using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace BqxAudit.Checks.Dependencies;

/// <summary>
/// One PEP 440 version specifier: <c>==</c>, <c>!=</c>, <c>&lt;=</c>, <c>&gt;=</c>, <c>&lt;</c>,
/// <c>&gt;</c>, <c>~=</c>, <c>===</c>, and the prefix forms <c>==V.*</c>/<c>!=V.*</c>. What the
/// operators accept follows the PEP (and pip's <c>packaging</c>): no local label except with
/// <c>==</c>/<c>!=</c>/<c>===</c>, a wildcard neither after a dev release nor a local label,
/// <c>~=</c> needs two release numbers. Pre-releases are excluded from matching unless the specifier itself names a
/// pre-release with an inclusive operator (<c>==</c>, <c>&gt;=</c>, <c>&lt;=</c>, <c>~=</c>,
/// <c>===</c>) or the caller allows them.
/// </summary>
public sealed partial class Pep440Specifier
{
    private Pep440Specifier(string op, string versionText, Pep440Version? version, bool wildcard)
    {
        Operator = op;
        VersionText = versionText;
        Version = version;
        IsWildcard = wildcard;
    }

    /// <summary>The operator as written: <c>==</c>, <c>!=</c>, <c>&lt;=</c>, <c>&gt;=</c>, <c>&lt;</c>, <c>&gt;</c>, <c>~=</c>, <c>===</c>.</summary>
    public string Operator { get; }

    /// <summary>The version text after the operator, without the wildcard (<c>==1.2.*</c> → <c>1.2</c>).</summary>
    public string VersionText { get; }

    /// <summary>The parsed version; null only for <c>===</c> with a text that is not PEP 440.</summary>
    public Pep440Version? Version { get; }

    /// <summary>True for <c>==V.*</c> and <c>!=V.*</c>.</summary>
    public bool IsWildcard { get; }

    /// <summary>True when this specifier itself lets pre-releases match (it names one with an inclusive operator).</summary>
    public bool ImpliesPrereleases =>
        Operator is "==" or ">=" or "<=" or "~=" or "===" && Version is { IsPrerelease: true };

    /// <summary>An exact pin: <c>==V</c> without wildcard, or <c>===V</c>.</summary>
    public bool IsExact => Operator is "==" or "===" && !IsWildcard;

    public static Pep440Specifier Parse(string text) =>
        TryParse(text, out var s, out var error) ? s : throw new FormatException(error);

    public static bool TryParse(string? text, [NotNullWhen(true)] out Pep440Specifier? specifier, [NotNullWhen(false)] out string? error)
    {
        specifier = null;
        var m = Shape().Match(text ?? string.Empty);
        if (!m.Success)
        {
            error = $"'{text?.Trim()}' is not a version specifier (expected an operator ==, !=, <=, >=, <, >, ~= or === and a version)";
            return false;
        }

        var op = m.Groups["op"].Value;
        var rest = m.Groups["version"].Value;
        if (op == "===")
        {
            if (rest.Length == 0 || rest.Any(char.IsWhiteSpace))
            {
                error = $"'{text!.Trim()}': === needs a version without spaces";
                return false;
            }

            Pep440Version.TryParse(rest, out var arbitrary);
            specifier = new Pep440Specifier(op, rest, arbitrary, wildcard: false);
            error = null;
            return true;
        }

        var wildcard = rest.EndsWith(".*", StringComparison.Ordinal);
        var versionText = wildcard ? rest[..^2] : rest;
        if (!Pep440Version.TryParse(versionText, out var version) || versionText.Any(char.IsWhiteSpace))
        {
            error = $"'{text!.Trim()}': '{rest}' is not a PEP 440 version";
            return false;
        }

        error = (op, wildcard) switch
        {
            ("==" or "!=", true) when version.Dev is not null || version.Local is not null =>
                $"'{text!.Trim()}': a .* wildcard cannot follow a development release or a local label",
            (not ("==" or "!="), true) => $"'{text!.Trim()}': a .* wildcard is only allowed with == and !=",
            (not ("==" or "!="), _) when version.Local is not null => $"'{text!.Trim()}': a local version label is only allowed with == and !=",
            ("~=", _) when version.Release.Count < 2 => $"'{text!.Trim()}': ~= needs at least two release numbers (like ~=1.4)",
            _ => null,
        };
        if (error is not null)
        {
            return false;
        }

        specifier = new Pep440Specifier(op, versionText.Trim(), version, wildcard);
        return true;
    }

    /// <summary>
    /// True when <paramref name="candidate"/> satisfies this specifier. Pre-releases match only
    /// when <paramref name="prereleases"/> is true, or it is null and <see cref="ImpliesPrereleases"/>.
    /// </summary>
    public bool Contains(Pep440Version candidate, bool? prereleases = null)
    {
        if (candidate.IsPrerelease && !(prereleases ?? ImpliesPrereleases))
        {
            return false;
        }

        return Matches(candidate);
    }

    /// <summary>As <see cref="Contains(Pep440Version, bool?)"/> for a version text; <c>===</c> compares the text itself.</summary>
    public bool Contains(string candidate, bool? prereleases = null)
    {
        if (Pep440Version.TryParse(candidate, out var v))
        {
            return Contains(v, prereleases);
        }

        return Operator == "===" && string.Equals(candidate.Trim(), VersionText, StringComparison.OrdinalIgnoreCase);
    }

    public override string ToString() => Operator + VersionText + (IsWildcard ? ".*" : string.Empty);

    private bool Matches(Pep440Version candidate)
    {
        if (Operator == "===")
        {
            return string.Equals(candidate.ToString(), VersionText, StringComparison.OrdinalIgnoreCase);
        }

        var spec = Version!;
        switch (Operator)
        {
            case "==":
                return IsWildcard ? PrefixMatches(candidate, spec) : EqualMatches(candidate, spec);
            case "!=":
                return !(IsWildcard ? PrefixMatches(candidate, spec) : EqualMatches(candidate, spec));
            case "<=":
                return candidate.Public <= spec;
            case ">=":
                return candidate.Public >= spec;
            case "<":
                // <V never matches a pre-release of V unless V itself is one.
                return candidate < spec
                    && !(!spec.IsPrerelease && candidate.IsPrerelease && candidate.BaseVersion == spec.BaseVersion);
            case ">":
                // >V never matches a post-release of V unless V itself is one, nor a local version of V.
                return candidate > spec
                    && !(!spec.IsPostrelease && candidate.IsPostrelease && candidate.BaseVersion == spec.BaseVersion)
                    && !(candidate.Local is not null && candidate.BaseVersion == spec.BaseVersion);
            case "~=":
                // ~=V.N is >=V.N, ==V.*  (the last release number dropped, suffixes ignored).
                return candidate.Public >= spec && PrefixMatches(candidate, spec.Epoch, spec.Release.Take(spec.Release.Count - 1).ToArray());
            default:
                return false;
        }
    }

    private static bool EqualMatches(Pep440Version candidate, Pep440Version spec) =>
        // A specifier without a local label ignores the candidate's local label.
        (spec.Local is null ? candidate.Public : candidate) == spec;

    private static bool PrefixMatches(Pep440Version candidate, long epoch, IReadOnlyList<long> prefix)
    {
        if (candidate.Epoch != epoch)
        {
            return false;
        }

        // The candidate's release is padded with zeros to the prefix length, then compared
        // number by number; whatever follows (pre, post, dev, local) does not matter.
        for (var i = 0; i < prefix.Count; i++)
        {
            var n = i < candidate.Release.Count ? candidate.Release[i] : 0;
            if (n != prefix[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <c>==V.*</c> where V may carry a pre or post release (<c>==1.1a1.*</c>): both versions are
    /// split into segments (<c>1.1a1.post2</c> → 1, 1, a1, post2), the candidate's release is
    /// padded with zeros to the length of V's, and V's segments must start the candidate's.
    /// </summary>
    private static bool PrefixMatches(Pep440Version candidate, Pep440Version prefix)
    {
        if (prefix.PreLabel is null && prefix.Post is null)
        {
            return PrefixMatches(candidate, prefix.Epoch, prefix.Release);
        }

        var spec = Segments(prefix);
        var cand = Segments(candidate.Public);
        if (candidate.Epoch != prefix.Epoch)
        {
            return false;
        }

        var release = candidate.Release.ToList();
        while (release.Count < prefix.Release.Count)
        {
            release.Add(0);
        }

        var padded = release.Select(r => r.ToString(System.Globalization.CultureInfo.InvariantCulture)).Concat(cand.Skip(candidate.Release.Count)).ToList();
        return padded.Count >= spec.Count && padded.Take(spec.Count).SequenceEqual(spec, StringComparer.Ordinal);
    }

    private static List<string> Segments(Pep440Version v)
    {
        var list = v.Release.Select(r => r.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        if (v.PreLabel is not null)
        {
            list.Add(v.PreLabel + (v.PreNumber ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (v.Post is not null)
        {
            list.Add("post" + v.Post.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (v.Dev is not null)
        {
            list.Add("dev" + v.Dev.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return list;
    }

    [GeneratedRegex(@"^\s*(?<op>===|==|!=|<=|>=|~=|<|>)\s*(?<version>.*?)\s*$", RegexOptions.Singleline | RegexOptions.ExplicitCapture)]
    private static partial Regex Shape();
}
