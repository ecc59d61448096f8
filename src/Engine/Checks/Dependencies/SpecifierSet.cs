using System.Diagnostics.CodeAnalysis;

namespace BqxAudit.Checks.Dependencies;

/// <summary>
/// A comma-separated set of PEP 440 specifiers (<c>&gt;=1.2,!=1.3.*,&lt;2</c>): a version must
/// satisfy all of them. Pre-releases follow the PEP: excluded unless <see cref="Prereleases"/>
/// says otherwise, which by default is true when any member names a pre-release with an
/// inclusive operator. An empty set matches every final release.
/// </summary>
public sealed class SpecifierSet
{
    public SpecifierSet(IEnumerable<Pep440Specifier> specifiers, bool? prereleases = null)
    {
        Specifiers = specifiers.ToArray();
        ExplicitPrereleases = prereleases;
    }

    /// <summary>The set that matches every final release.</summary>
    public static SpecifierSet Empty { get; } = new(Array.Empty<Pep440Specifier>());

    public IReadOnlyList<Pep440Specifier> Specifiers { get; }

    public bool IsEmpty => Specifiers.Count == 0;

    /// <summary>What the caller decided about pre-releases (pip's <c>--pre</c>), or null to let the specifiers decide.</summary>
    public bool? ExplicitPrereleases { get; }

    /// <summary>Whether pre-releases may match: the explicit choice, else true when any specifier names a pre-release.</summary>
    public bool Prereleases => ExplicitPrereleases ?? Specifiers.Any(s => s.ImpliesPrereleases);

    /// <summary>The single exact pin (<c>==1.2.3</c> or <c>===x</c>) when the set is just that, else null.</summary>
    public Pep440Specifier? ExactPin => Specifiers.Count == 1 && Specifiers[0].IsExact ? Specifiers[0] : null;

    public static SpecifierSet Parse(string text) =>
        TryParse(text, out var s, out var error) ? s : throw new FormatException(error);

    /// <summary>Parses <c>a,b,c</c>; blank text is the empty set and empty entries are ignored (as pip does).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out SpecifierSet? set, [NotNullWhen(false)] out string? error)
    {
        set = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            set = Empty;
            error = null;
            return true;
        }

        var list = new List<Pep440Specifier>();
        foreach (var part in text.Split(','))
        {
            if (string.IsNullOrWhiteSpace(part))
            {
                continue; // as pip's packaging does: empty entries are ignored
            }

            if (!Pep440Specifier.TryParse(part, out var spec, out error))
            {
                return false;
            }

            list.Add(spec);
        }

        set = new SpecifierSet(list);
        error = null;
        return true;
    }

    /// <summary>
    /// True when <paramref name="version"/> satisfies every specifier. A pre-release matches only
    /// when <paramref name="prereleases"/> (or, when null, <see cref="Prereleases"/>) allows it.
    /// </summary>
    public bool Contains(Pep440Version version, bool? prereleases = null)
    {
        var allow = prereleases ?? Prereleases;
        if (version.IsPrerelease && !allow)
        {
            return false;
        }

        return Specifiers.All(s => s.Contains(version, allow));
    }

    /// <summary>
    /// The PEP's rule for an already installed version: pre-releases are accepted for every
    /// specifier (an installed <c>2.0rc1</c> satisfies <c>&gt;=1.0</c>).
    /// </summary>
    public bool IsSatisfiedByInstalled(Pep440Version installed) => Contains(installed, prereleases: true);

    /// <summary>
    /// The versions that match, in input order, as a resolver picks among available versions:
    /// pre-releases are kept only when allowed, or when no final release matches at all.
    /// </summary>
    public IReadOnlyList<Pep440Version> Filter(IEnumerable<Pep440Version> versions, bool? prereleases = null)
    {
        // null: undecided, pre-releases are the fallback when no final release matches.
        var allow = prereleases ?? ExplicitPrereleases ?? (Specifiers.Any(s => s.ImpliesPrereleases) ? true : null);
        var finals = new List<Pep440Version>();
        var pre = new List<Pep440Version>();
        foreach (var v in versions)
        {
            if (!Specifiers.All(s => s.Contains(v, prereleases: true)))
            {
                continue;
            }

            if (!v.IsPrerelease || allow == true)
            {
                finals.Add(v);
            }
            else if (allow is null)
            {
                pre.Add(v);
            }
        }

        return finals.Count == 0 ? pre : finals;
    }

    /// <summary>The specifiers joined with commas, in the order written.</summary>
    public override string ToString() => string.Join(',', Specifiers.Select(s => s.ToString()));
}
