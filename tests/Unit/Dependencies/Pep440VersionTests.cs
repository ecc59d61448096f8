using BqxAudit.Checks.Dependencies;

namespace BqxAudit.Tests.Dependencies;

/// <summary>PEP 440 parsing, normalisation and ordering, from the PEP's own examples.</summary>
public class Pep440VersionTests
{
    /// <summary>The PEP's "Summary of permitted suffixes and relative ordering" example, in order.</summary>
    public static readonly string[] PepOrderingExample =
    {
        "1.dev0",
        "1.0.dev456",
        "1.0a1",
        "1.0a2.dev456",
        "1.0a12.dev456",
        "1.0a12",
        "1.0b1.dev456",
        "1.0b2",
        "1.0b2.post345.dev456",
        "1.0b2.post345",
        "1.0rc1.dev456",
        "1.0rc1",
        "1.0",
        "1.0+abc.5",
        "1.0+abc.7",
        "1.0+5",
        "1.0.post456.dev34",
        "1.0.post456",
        "1.0.15",
        "1.1.dev1",
    };

    public static TheoryData<string, string> PepOrderingPairs()
    {
        var data = new TheoryData<string, string>();
        for (var i = 0; i + 1 < PepOrderingExample.Length; i++)
        {
            data.Add(PepOrderingExample[i], PepOrderingExample[i + 1]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PepOrderingPairs))]
    public void CompareTo_WhenAdjacentInPepOrderingExample_ShouldSortStrictlyBefore(string lower, string higher)
    {
        var a = Pep440Version.Parse(lower);
        var b = Pep440Version.Parse(higher);
        Assert.True(a < b, $"{lower} < {higher}");
        Assert.True(b > a, $"{higher} > {lower}");
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Sort_WhenPepOrderingExampleShuffled_ShouldRestoreThePepOrder()
    {
        var shuffled = PepOrderingExample.Reverse().Concat(PepOrderingExample.Where((_, i) => i % 3 == 0)).ToList();
        var sorted = shuffled.Select(Pep440Version.Parse).Distinct().OrderBy(v => v).Select(v => v.ToString()).ToList();
        Assert.Equal(PepOrderingExample, sorted);
    }

    [Theory]
    // Case, whitespace and a leading v.
    [InlineData("1.0", "1.0")]
    [InlineData("1.1RC1", "1.1rc1")]
    [InlineData("v1.0", "1.0")]
    [InlineData("V1.0", "1.0")]
    [InlineData("  1.0\n", "1.0")]
    [InlineData("\t1.0.post1 ", "1.0.post1")]
    // Integer normalisation.
    [InlineData("00", "0")]
    [InlineData("09000", "9000")]
    [InlineData("1.0.0", "1.0.0")]
    [InlineData("2012.04.01", "2012.4.1")]
    // Epochs.
    [InlineData("1!1.0", "1!1.0")]
    [InlineData("0!1.0", "1.0")]
    [InlineData("2!1.0a1.post2.dev3+x.1", "2!1.0a1.post2.dev3+x.1")]
    // Pre-release separators and spellings.
    [InlineData("1.1.a1", "1.1a1")]
    [InlineData("1.1-a1", "1.1a1")]
    [InlineData("1.1_a1", "1.1a1")]
    [InlineData("1.1a.1", "1.1a1")]
    [InlineData("1.0alpha1", "1.0a1")]
    [InlineData("1.0beta2", "1.0b2")]
    [InlineData("1.0c1", "1.0rc1")]
    [InlineData("1.0pre1", "1.0rc1")]
    [InlineData("1.0preview1", "1.0rc1")]
    [InlineData("1.0-RC-1", "1.0rc1")]
    [InlineData("1.2a", "1.2a0")]
    // Post releases, including the implicit form and rev/r.
    [InlineData("1.0.post", "1.0.post0")]
    [InlineData("1.0post1", "1.0.post1")]
    [InlineData("1.0-post2", "1.0.post2")]
    [InlineData("1.0.post_3", "1.0.post3")]
    [InlineData("1.0-r4", "1.0.post4")]
    [InlineData("1.0rev4", "1.0.post4")]
    [InlineData("1.0-1", "1.0.post1")]
    [InlineData("1.0a1-1", "1.0a1.post1")]
    // Development releases.
    [InlineData("1.0.dev", "1.0.dev0")]
    [InlineData("1.0-dev2", "1.0.dev2")]
    [InlineData("1.0DEV3", "1.0.dev3")]
    [InlineData("1.0a1.post2.dev3", "1.0a1.post2.dev3")]
    // Local versions.
    [InlineData("1.0+ubuntu-1", "1.0+ubuntu.1")]
    [InlineData("1.0+Ubuntu_1.007", "1.0+ubuntu.1.7")]
    [InlineData("1.0+abc.5", "1.0+abc.5")]
    public void Parse_WhenSpellingIsPermitted_ShouldNormalize(string input, string normalized)
    {
        Assert.True(Pep440Version.TryParse(input, out var v));
        Assert.Equal(normalized, v.ToString());
        // The normal form parses back to itself.
        Assert.Equal(normalized, Pep440Version.Parse(normalized).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("foo")]
    [InlineData("1.0-")]
    [InlineData("1.0+")]
    [InlineData("1.0+_x")]
    [InlineData("1.0.x")]
    [InlineData("1 .0")]
    [InlineData("1.0 a1")]
    [InlineData("1..0")]
    [InlineData(".1")]
    [InlineData("1.0-1a1")]
    [InlineData("1!")]
    [InlineData("1.0+local version")]
    [InlineData("1.0a1a2")]
    [InlineData("vv1.0")]
    public void TryParse_WhenNotPep440_ShouldFail(string input)
    {
        Assert.False(Pep440Version.TryParse(input, out var v));
        Assert.Null(v);
        Assert.Throws<FormatException>(() => Pep440Version.Parse(input));
    }

    [Fact]
    public void TryParse_WhenNumberExceeds64Bits_ShouldFailInsteadOfThrowing()
    {
        Assert.False(Pep440Version.TryParse("1.99999999999999999999999", out _));
        Assert.True(Pep440Version.TryParse("1.9223372036854775807", out _));
    }

    [Theory]
    [InlineData("1.0", "1.0.0")]
    [InlineData("1.0", "1.0.0.0")]
    [InlineData("1", "1.0")]
    [InlineData("1.0a1", "1.0.0a1")]
    [InlineData("1.0+01", "1.0+1")]
    [InlineData("1.0.post0", "1.0-0")]
    [InlineData("0!1.0", "1.0")]
    [InlineData("1.0+ubuntu.1", "1.0+UBUNTU-1")]
    public void Equals_WhenOnlyTrailingZerosOrSpellingDiffer_ShouldBeEqualWithEqualHashes(string a, string b)
    {
        var x = Pep440Version.Parse(a);
        var y = Pep440Version.Parse(b);
        Assert.True(x == y);
        Assert.Equal(0, x.CompareTo(y));
        Assert.Equal(x.GetHashCode(), y.GetHashCode());
    }

    [Theory]
    [InlineData("1.0", "1.0+abc")]
    [InlineData("1.0", "1.0.post0")]
    [InlineData("1.0.dev0", "1.0a0")]
    [InlineData("1.0a0", "1.0")]
    [InlineData("2.0", "1!1.0")]
    [InlineData("1.0+abc", "1.0+abd")]
    [InlineData("1.0+abc", "1.0+1")]
    [InlineData("1.0+1", "1.0+1.0")]
    [InlineData("1.0+9", "1.0+10")]
    [InlineData("1.0+abc.9", "1.0+abc.10")]
    [InlineData("1.9", "1.10")]
    [InlineData("1.0a2", "1.0a10")]
    [InlineData("1.0a9", "1.0b1")]
    [InlineData("1.0b9", "1.0rc1")]
    [InlineData("1.0.post1.dev0", "1.0.post1")]
    [InlineData("1.0rc1.post1", "1.0")]
    public void CompareTo_WhenPepOrdersFirstLower_ShouldSortFirstBeforeSecond(string lower, string higher)
    {
        Assert.True(Pep440Version.Parse(lower) < Pep440Version.Parse(higher), $"{lower} < {higher}");
        Assert.True(Pep440Version.Parse(lower) != Pep440Version.Parse(higher));
    }

    [Theory]
    [InlineData("1.0", false, false, false)]
    [InlineData("1.0a1", true, false, false)]
    [InlineData("1.0.dev1", true, false, true)]
    [InlineData("1.0.post1", false, true, false)]
    [InlineData("1.0rc1.post1.dev2", true, true, true)]
    public void Flags_WhenVersionHasSuffixes_ShouldReportPreAndPostAndDev(string text, bool pre, bool post, bool dev)
    {
        var v = Pep440Version.Parse(text);
        Assert.Equal(pre, v.IsPrerelease);
        Assert.Equal(post, v.IsPostrelease);
        Assert.Equal(dev, v.IsDevrelease);
    }

    [Fact]
    public void Components_WhenFullVersionParsed_ShouldExposeEachPart()
    {
        var v = Pep440Version.Parse("3!1.2.3.4rc5.post6.dev7+abc.8");
        Assert.Equal(3, v.Epoch);
        Assert.Equal(new long[] { 1, 2, 3, 4 }, v.Release);
        Assert.Equal("rc", v.PreLabel);
        Assert.Equal(5, v.PreNumber);
        Assert.Equal(6, v.Post);
        Assert.Equal(7, v.Dev);
        Assert.Equal("abc.8", v.Local);
        Assert.Equal("3!1.2.3.4rc5.post6.dev7", v.Public.ToString());
        Assert.Equal("3!1.2.3.4", v.BaseVersion.ToString());
    }
}
