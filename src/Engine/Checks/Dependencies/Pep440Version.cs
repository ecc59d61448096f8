using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace BqxAudit.Checks.Dependencies;

/// <summary>
/// A PEP 440 version: <c>[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]</c>. Parsing accepts
/// everything PEP 440 permits and normalises it (case, a leading <c>v</c>, surrounding
/// whitespace, <c>alpha/beta/c/pre/preview</c> spellings, <c>-_.</c> separators or none,
/// implicit numbers, implicit post releases <c>1.0-1</c>, <c>rev</c>/<c>r</c>, local
/// separators). Ordering and equality follow the PEP: trailing zeros of the release do not
/// matter, <c>1.0.dev0 &lt; 1.0a0 &lt; 1.0 &lt; 1.0.post0</c>, and local versions sort after
/// the public version with alphanumeric segments before numeric ones. Numbers are limited to
/// 64 bits (a longer number does not parse).
/// </summary>
public sealed partial class Pep440Version : IComparable<Pep440Version>, IEquatable<Pep440Version>
{
    private readonly string normalized;
    private readonly string key;

    private Pep440Version(long epoch, long[] release, string? preLabel, long? preNumber, long? post, long? dev, string[]? local)
    {
        Epoch = epoch;
        Release = release;
        PreLabel = preLabel;
        PreNumber = preNumber;
        Post = post;
        Dev = dev;
        LocalSegments = local ?? Array.Empty<string>();
        normalized = BuildString();
        key = BuildKey();
    }

    /// <summary>The epoch (0 unless written <c>N!</c>).</summary>
    public long Epoch { get; }

    /// <summary>The release segment as written (<c>1.0</c> stays two numbers).</summary>
    public IReadOnlyList<long> Release { get; }

    /// <summary><c>a</c>, <c>b</c> or <c>rc</c>; null when no pre-release.</summary>
    public string? PreLabel { get; }

    public long? PreNumber { get; }

    public long? Post { get; }

    public long? Dev { get; }

    /// <summary>The normalised local label after <c>+</c>, or null.</summary>
    public string? Local => LocalSegments.Count == 0 ? null : string.Join('.', LocalSegments);

    public IReadOnlyList<string> LocalSegments { get; }

    /// <summary>A pre-release or development release (what PEP 440 excludes by default).</summary>
    public bool IsPrerelease => PreLabel is not null || Dev is not null;

    public bool IsPostrelease => Post is not null;

    public bool IsDevrelease => Dev is not null;

    /// <summary>The version without its local label.</summary>
    public Pep440Version Public => LocalSegments.Count == 0 ? this : new(Epoch, (long[])Release, PreLabel, PreNumber, Post, Dev, null);

    /// <summary>Epoch and release only (<c>1!2.0rc1.post3+x</c> → <c>1!2.0</c>).</summary>
    public Pep440Version BaseVersion => new(Epoch, (long[])Release, null, null, null, null, null);

    public static Pep440Version Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not a PEP 440 version");

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out Pep440Version? version)
    {
        version = null;
        if (text is null)
        {
            return false;
        }

        var m = VersionPattern().Match(text);
        if (!m.Success)
        {
            return false;
        }

        try
        {
            var epoch = m.Groups["epoch"].Success ? Number(m.Groups["epoch"].Value) : 0;
            var release = m.Groups["release"].Value.Split('.').Select(Number).ToArray();
            string? preLabel = null;
            long? preNumber = null;
            if (m.Groups["pre_l"].Success)
            {
                preLabel = m.Groups["pre_l"].Value.ToLowerInvariant() switch
                {
                    "alpha" or "a" => "a",
                    "beta" or "b" => "b",
                    _ => "rc", // c, rc, pre, preview
                };
                preNumber = m.Groups["pre_n"].Success ? Number(m.Groups["pre_n"].Value) : 0;
            }

            long? post = null;
            if (m.Groups["post_n1"].Success)
            {
                post = Number(m.Groups["post_n1"].Value);
            }
            else if (m.Groups["post_l"].Success)
            {
                post = m.Groups["post_n2"].Success ? Number(m.Groups["post_n2"].Value) : 0;
            }

            long? dev = null;
            if (m.Groups["dev_l"].Success)
            {
                dev = m.Groups["dev_n"].Success ? Number(m.Groups["dev_n"].Value) : 0;
            }

            string[]? local = null;
            if (m.Groups["local"].Success)
            {
                local = LocalSeparators().Split(m.Groups["local"].Value.ToLowerInvariant())
                    .Select(s => s.All(char.IsAsciiDigit) ? Number(s).ToString(CultureInfo.InvariantCulture) : s)
                    .ToArray();
            }

            version = new Pep440Version(epoch, release, preLabel, preNumber, post, dev, local);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>The normalised form (<c>1.0-Alpha_1</c> → <c>1.0a1</c>).</summary>
    public override string ToString() => normalized;

    public int CompareTo(Pep440Version? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = Epoch.CompareTo(other.Epoch);
        if (c != 0)
        {
            return c;
        }

        c = CompareRelease(Release, other.Release);
        if (c != 0)
        {
            return c;
        }

        c = PreRank().CompareTo(other.PreRank());
        if (c != 0)
        {
            return c;
        }

        // Post: none sorts before any post release.
        c = (Post ?? -1).CompareTo(other.Post ?? -1);
        if (c != 0)
        {
            return c;
        }

        // Dev: none sorts after any dev release.
        c = (Dev.HasValue ? 0 : 1).CompareTo(other.Dev.HasValue ? 0 : 1);
        if (c != 0)
        {
            return c;
        }

        c = (Dev ?? 0).CompareTo(other.Dev ?? 0);
        return c != 0 ? c : CompareLocal(LocalSegments, other.LocalSegments);
    }

    public bool Equals(Pep440Version? other) => other is not null && key == other.key;

    public override bool Equals(object? obj) => obj is Pep440Version v && Equals(v);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(key);

    public static bool operator ==(Pep440Version? a, Pep440Version? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(Pep440Version? a, Pep440Version? b) => !(a == b);

    public static bool operator <(Pep440Version a, Pep440Version b) => a.CompareTo(b) < 0;

    public static bool operator >(Pep440Version a, Pep440Version b) => a.CompareTo(b) > 0;

    public static bool operator <=(Pep440Version a, Pep440Version b) => a.CompareTo(b) <= 0;

    public static bool operator >=(Pep440Version a, Pep440Version b) => a.CompareTo(b) >= 0;

    /// <summary>A version from its parts (used to build candidate versions).</summary>
    internal static Pep440Version Create(long epoch, IEnumerable<long> release, string? preLabel = null, long? preNumber = null, long? post = null, long? dev = null) =>
        new(epoch, release.ToArray(), preLabel, preLabel is null ? null : preNumber ?? 0, post, dev, null);

    private (int Phase, int Label, long Number) PreRank()
    {
        if (PreLabel is null)
        {
            // A bare dev release (1.0.dev0) sorts before every pre-release of its release.
            return Post is null && Dev is not null ? (-1, 0, 0) : (1, 0, 0);
        }

        var label = PreLabel switch { "a" => 0, "b" => 1, _ => 2 };
        return (0, label, PreNumber ?? 0);
    }

    private static int CompareRelease(IReadOnlyList<long> a, IReadOnlyList<long> b)
    {
        var n = Math.Max(a.Count, b.Count);
        for (var i = 0; i < n; i++)
        {
            var c = (i < a.Count ? a[i] : 0).CompareTo(i < b.Count ? b[i] : 0);
            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }

    private static int CompareLocal(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        // No local label sorts before any local label; segment by segment, alphanumeric segments
        // sort before numeric ones, numbers compare as numbers, and a shorter label whose
        // segments all match sorts first.
        for (var i = 0; i < Math.Min(a.Count, b.Count); i++)
        {
            var an = long.TryParse(a[i], NumberStyles.None, CultureInfo.InvariantCulture, out var av);
            var bn = long.TryParse(b[i], NumberStyles.None, CultureInfo.InvariantCulture, out var bv);
            var c = (an, bn) switch
            {
                (true, true) => av.CompareTo(bv),
                (true, false) => 1,
                (false, true) => -1,
                _ => string.CompareOrdinal(a[i], b[i]),
            };
            if (c != 0)
            {
                return Math.Sign(c);
            }
        }

        return a.Count.CompareTo(b.Count);
    }

    private string BuildString()
    {
        var sb = new StringBuilder();
        if (Epoch != 0)
        {
            sb.Append(Epoch.ToString(CultureInfo.InvariantCulture)).Append('!');
        }

        sb.AppendJoin('.', Release.Select(r => r.ToString(CultureInfo.InvariantCulture)));
        if (PreLabel is not null)
        {
            sb.Append(PreLabel).Append((PreNumber ?? 0).ToString(CultureInfo.InvariantCulture));
        }

        if (Post is not null)
        {
            sb.Append(".post").Append(Post.Value.ToString(CultureInfo.InvariantCulture));
        }

        if (Dev is not null)
        {
            sb.Append(".dev").Append(Dev.Value.ToString(CultureInfo.InvariantCulture));
        }

        if (LocalSegments.Count > 0)
        {
            sb.Append('+').AppendJoin('.', LocalSegments);
        }

        return sb.ToString();
    }

    private string BuildKey()
    {
        var release = Release.ToList();
        while (release.Count > 1 && release[^1] == 0)
        {
            release.RemoveAt(release.Count - 1);
        }

        return $"{Epoch}!{string.Join('.', release)}|{PreLabel}{PreNumber}|{Post}|{Dev}|{string.Join('.', LocalSegments)}";
    }

    private static long Number(string digits) => long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);

    // The PEP's own regular expression (Appendix B), anchored, with surrounding whitespace.
    [GeneratedRegex(@"^\s*v?(?:(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\.[0-9]+)*)(?<pre>[-_\.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_\.]?(?<pre_n>[0-9]+)?)?(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_\.]?(?<post_l>post|rev|r)[-_\.]?(?<post_n2>[0-9]+)?))?(?<dev>[-_\.]?(?<dev_l>dev)[-_\.]?(?<dev_n>[0-9]+)?)?)(?:\+(?<local>[a-z0-9]+(?:[-_\.][a-z0-9]+)*))?\s*$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex VersionPattern();

    [GeneratedRegex("[-_.]")]
    private static partial Regex LocalSeparators();
}
