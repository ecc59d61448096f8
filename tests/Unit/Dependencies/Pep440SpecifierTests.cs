using BqxAudit.Checks.Dependencies;

namespace BqxAudit.Tests.Dependencies;

/// <summary>PEP 440 version specifiers, from the PEP's examples: compatible release, version matching, exclusive ordered comparisons.</summary>
public class Pep440SpecifierTests
{
    [Theory]
    // Compatible release: the PEP's equivalences ~=2.2 → >=2.2,==2.*; ~=1.4.5 → >=1.4.5,==1.4.*;
    // ~=2.2.post3 → >=2.2.post3,==2.*; ~=1.4.5a4 → >=1.4.5a4,==1.4.*; ~=2.2.0 → >=2.2.0,==2.2.*;
    // ~=1.4.5.0 → >=1.4.5.0,==1.4.5.*
    [InlineData("~=2.2", "2.2", null, true)]
    [InlineData("~=2.2", "2.3", null, true)]
    [InlineData("~=2.2", "2.10", null, true)]
    [InlineData("~=2.2", "2.1", null, false)]
    [InlineData("~=2.2", "3.0", null, false)]
    [InlineData("~=1.4.5", "1.4.5", null, true)]
    [InlineData("~=1.4.5", "1.4.9", null, true)]
    [InlineData("~=1.4.5", "1.4.4", null, false)]
    [InlineData("~=1.4.5", "1.5.0", null, false)]
    [InlineData("~=2.2.post3", "2.2.post3", null, true)]
    [InlineData("~=2.2.post3", "2.2", null, false)]
    [InlineData("~=2.2.post3", "2.9", null, true)]
    [InlineData("~=2.2.post3", "3.0", null, false)]
    [InlineData("~=1.4.5a4", "1.4.5a4", null, true)]
    [InlineData("~=1.4.5a4", "1.4.5a3", null, false)]
    [InlineData("~=1.4.5a4", "1.4.5", null, true)]
    [InlineData("~=1.4.5a4", "1.4.6", null, true)]
    [InlineData("~=1.4.5a4", "1.5.0", null, false)]
    [InlineData("~=2.2.0", "2.2.9", null, true)]
    [InlineData("~=2.2.0", "2.3.0", null, false)]
    [InlineData("~=1.4.5.0", "1.4.5.9", null, true)]
    [InlineData("~=1.4.5.0", "1.4.6.0", null, false)]
    [InlineData("~=1!2.2", "1!2.5", null, true)]
    [InlineData("~=1!2.2", "2.5", null, false)]
    // Version matching, the PEP's 1.1.post1 example.
    [InlineData("==1.1", "1.1.post1", null, false)]
    [InlineData("==1.1.post1", "1.1.post1", null, true)]
    [InlineData("==1.1.*", "1.1.post1", null, true)]
    // ... its 1.1a1 example: the prefix matches only when pre-releases are requested.
    [InlineData("==1.1", "1.1a1", null, false)]
    [InlineData("==1.1a1", "1.1a1", null, true)]
    [InlineData("==1.1.*", "1.1a1", null, false)]
    [InlineData("==1.1.*", "1.1a1", true, true)]
    // ... and its 1.1 example (zero padding; an exact match is a prefix match).
    [InlineData("==1.1", "1.1", null, true)]
    [InlineData("==1.1.0", "1.1", null, true)]
    [InlineData("==1.1.dev1", "1.1", null, false)]
    [InlineData("==1.1a1", "1.1", null, false)]
    [InlineData("==1.1.post1", "1.1", null, false)]
    [InlineData("==1.1.*", "1.1", null, true)]
    [InlineData("==1.1.*", "1.1.5", null, true)]
    [InlineData("==1.1.*", "1.10", null, false)]
    [InlineData("==1.1.*", "1", null, false)]
    [InlineData("==1.0.*", "1", null, true)]
    [InlineData("==1.0.0.*", "1.0", null, true)]
    [InlineData("==1!1.0.*", "1!1.0.5", null, true)]
    [InlineData("==1.0.*", "1!1.0.5", null, false)]
    [InlineData("== 1.1", "1.1.0", null, true)]
    // Prefix matching with a pre or post release in the prefix (the PEP forbids only dev and local).
    [InlineData("==1.1a1.*", "1.1a1", null, true)]
    [InlineData("==1.1a1.*", "1.1a1.post1", null, true)]
    [InlineData("==1.1a1.*", "1.1a10", null, false)]
    [InlineData("==1.1a1.*", "1.1", null, false)]
    [InlineData("==1.1.post1.*", "1.1.post1", null, true)]
    [InlineData("==1.1.post1.*", "1.1.0.post1", null, false)] // as pip: the release is padded, never shortened
    [InlineData("==1.1.post1.*", "1.1.post10", null, false)]
    // Version exclusion, the PEP's 1.1.post1 example.
    [InlineData("!=1.1", "1.1.post1", null, true)]
    [InlineData("!=1.1.post1", "1.1.post1", null, false)]
    [InlineData("!=1.1.*", "1.1.post1", null, false)]
    [InlineData("!=1.1.*", "1.2", null, true)]
    // Local versions: ignored by a public specifier, compared when the specifier has one.
    [InlineData("==1.0", "1.0+ubuntu.1", null, true)]
    [InlineData("!=1.0", "1.0+ubuntu.1", null, false)]
    [InlineData("==1.0+ubuntu.1", "1.0+ubuntu.1", null, true)]
    [InlineData("==1.0+ubuntu.1", "1.0+ubuntu-1", null, true)]
    [InlineData("==1.0+ubuntu.1", "1.0", null, false)]
    [InlineData("==1.0+ubuntu.1", "1.0+ubuntu.2", null, false)]
    [InlineData("==1.0.*", "1.0+ubuntu.1", null, true)]
    [InlineData("<=2.0", "2.0+local", null, true)]
    [InlineData(">=2.0", "2.0+local", null, true)]
    // Exclusive ordered comparison: >V excludes post-releases and local versions of V.
    [InlineData(">1.7", "1.7.1", null, true)]
    [InlineData(">1.7", "1.7.0.post1", null, false)]
    [InlineData(">1.7", "1.7", null, false)]
    [InlineData(">1.7.post2", "1.7.1", null, true)]
    [InlineData(">1.7.post2", "1.7.0.post3", null, true)]
    [InlineData(">1.7.post2", "1.7.0", null, false)]
    [InlineData(">1.7", "1.7+local", null, false)]
    [InlineData(">1.7", "1.8+local", null, true)]
    // ... <V excludes pre-releases of V unless V is one, even when pre-releases are allowed.
    [InlineData("<3.1", "3.0", null, true)]
    [InlineData("<3.1", "3.1", null, false)]
    [InlineData("<3.1", "3.1.dev0", true, false)]
    [InlineData("<3.1", "3.1a1", true, false)]
    [InlineData("<3.1", "3.0a1", null, false)]
    [InlineData("<3.1", "3.0a1", true, true)]
    [InlineData("<3.1rc1", "3.1a1", null, false)]
    [InlineData("<3.1rc1", "3.1a1", true, true)]
    // Inclusive ordered comparison.
    [InlineData("<=2.0", "2.0", null, true)]
    [InlineData("<=2.0", "2.0.post1", null, false)]
    [InlineData(">=2.0", "2.0", null, true)]
    [InlineData(">=2.0", "1.9.9", null, false)]
    // Pre-releases: excluded unless the specifier names one with an inclusive operator, or allowed.
    [InlineData(">=2.0", "2.0rc1", null, false)]
    [InlineData(">=1.0", "2.0a1", null, false)]
    [InlineData(">=1.0", "2.0a1", true, true)]
    [InlineData(">=2.0rc1", "2.0rc1", null, true)]
    [InlineData(">=2.0rc1", "2.1a1", null, true)]
    [InlineData(">=2.0rc1", "2.1a1", false, false)]
    [InlineData("<=2.0.dev1", "1.0.dev1", null, true)]
    [InlineData("!=1.0a1", "1.0a2", null, false)]
    // Arbitrary equality: string comparison of the normal form.
    [InlineData("===1.0", "1.0", null, true)]
    [InlineData("===1.0", "1.0.0", null, false)]
    [InlineData("===1.0", "1.0+local", null, false)]
    public void Contains_WhenPepExample_ShouldMatchAsThePepSays(string specifier, string version, bool? prereleases, bool expected)
    {
        var spec = Pep440Specifier.Parse(specifier);
        Assert.Equal(expected, spec.Contains(Pep440Version.Parse(version), prereleases));
        Assert.Equal(expected, spec.Contains(version, prereleases));
    }

    [Theory]
    [InlineData("~=2.2", ">=2.2,==2.*")]
    [InlineData("~=1.4.5", ">=1.4.5,==1.4.*")]
    [InlineData("~=2.2.post3", ">=2.2.post3,==2.*")]
    [InlineData("~=1.4.5a4", ">=1.4.5a4,==1.4.*")]
    [InlineData("~=2.2.0", ">=2.2.0,==2.2.*")]
    [InlineData("~=1.4.5.0", ">=1.4.5.0,==1.4.5.*")]
    public void Contains_WhenCompatibleReleaseComparedWithItsPepEquivalent_ShouldAgreeOnEveryProbe(string compatible, string equivalent)
    {
        var probes = new[]
        {
            "1.0", "1.4", "1.4.4", "1.4.5a3", "1.4.5a4", "1.4.5", "1.4.5.0", "1.4.5.9", "1.4.6", "1.5", "1.5.0",
            "2.1", "2.2", "2.2.0", "2.2.post2", "2.2.post3", "2.2.1", "2.2.9", "2.3", "2.3.0", "2.10", "2.99", "3.0", "3.0.post1",
        };
        var a = SpecifierSet.Parse(compatible);
        var b = SpecifierSet.Parse(equivalent);
        foreach (var p in probes)
        {
            var v = Pep440Version.Parse(p);
            Assert.True(a.Contains(v, prereleases: true) == b.Contains(v, prereleases: true), $"{compatible} vs {equivalent} on {p}");
        }
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData(">=")]
    [InlineData("=>1.0")]
    [InlineData("=1.0")]
    [InlineData("==foo")]
    [InlineData(">=1.0.*")]
    [InlineData("~=1.0.*")]
    [InlineData("~=1")]
    [InlineData("<1.0+local")]
    [InlineData(">=1.0+local")]
    [InlineData("==1.0.dev1.*")]
    [InlineData("==1.0+abc.*")]
    [InlineData("===")]
    [InlineData("== 1. 0")]
    public void TryParse_WhenSpecifierBreaksPepRules_ShouldFailWithMessage(string text)
    {
        Assert.False(Pep440Specifier.TryParse(text, out var spec, out var error));
        Assert.Null(spec);
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.Throws<FormatException>(() => Pep440Specifier.Parse(text));
    }

    [Theory]
    [InlineData("== 1.0", "==1.0")]
    [InlineData("==v1.0", "==v1.0")]
    [InlineData("===foobar", "===foobar")]
    [InlineData("!=1.0+local", "!=1.0+local")]
    [InlineData("==1.2.*", "==1.2.*")]
    [InlineData("  ~=1.4.5  ", "~=1.4.5")]
    public void Parse_WhenSpecifierIsValid_ShouldKeepOperatorAndVersion(string text, string shown)
    {
        Assert.Equal(shown, Pep440Specifier.Parse(text).ToString());
    }

    [Fact]
    public void Contains_WhenArbitraryEqualityNamesNonPep440Text_ShouldCompareTextCaseInsensitively()
    {
        var spec = Pep440Specifier.Parse("===foobar");
        Assert.Null(spec.Version);
        Assert.True(spec.Contains("FooBar"));
        Assert.False(spec.Contains("foobar2"));
        Assert.False(spec.Contains("1.0"));
    }

    [Theory]
    [InlineData(">=1.0,<2.0", "1.5", null, true)]
    [InlineData(">=1.0,<2.0", "2.0", null, false)]
    [InlineData(">=1.0, !=1.5.*, <2", "1.5.1", null, false)]
    [InlineData(">=1.0, !=1.5.*, <2", "1.6", null, true)]
    [InlineData(">=1.0,<2", "1.9a1", null, false)]
    [InlineData(">=1.0a1,<2", "1.9a1", null, true)]
    [InlineData(">=1.0,<2", "1.9a1", true, true)]
    [InlineData("", "1.0", null, true)]
    [InlineData("", "1.0a1", null, false)]
    [InlineData("", "1.0a1", true, true)]
    public void SetContains_WhenAllSpecifiersApply_ShouldRequireEveryOne(string set, string version, bool? prereleases, bool expected)
    {
        Assert.Equal(expected, SpecifierSet.Parse(set).Contains(Pep440Version.Parse(version), prereleases));
    }

    [Theory]
    [InlineData(">=1.0,foo")]
    [InlineData(">=1.0,<")]
    [InlineData("1.0,2.0")]
    public void SetTryParse_WhenAnEntryIsNotASpecifier_ShouldFail(string text)
    {
        Assert.False(SpecifierSet.TryParse(text, out _, out var error));
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData(">=1.0,", 1)]
    [InlineData(",>=1.0", 1)]
    [InlineData(">=1.0,,<2", 2)]
    [InlineData("  ", 0)]
    public void SetTryParse_WhenEntriesAreEmpty_ShouldIgnoreThemAsPipDoes(string text, int count)
    {
        Assert.True(SpecifierSet.TryParse(text, out var set, out _));
        Assert.Equal(count, set.Specifiers.Count);
    }

    [Fact]
    public void SetContains_WhenPrereleasesExplicitlyAllowed_ShouldMatchThem()
    {
        var set = new SpecifierSet(SpecifierSet.Parse(">=1.0").Specifiers, prereleases: true);
        Assert.True(set.Prereleases);
        Assert.True(set.Contains(Pep440Version.Parse("2.0a1")));
        var refused = new SpecifierSet(SpecifierSet.Parse(">=1.0a1").Specifiers, prereleases: false);
        Assert.False(refused.Contains(Pep440Version.Parse("2.0a1")));
    }

    [Fact]
    public void Filter_WhenFinalReleaseMatches_ShouldDropPrereleases()
    {
        var got = SpecifierSet.Parse(">=1.0").Filter(new[] { "1.0", "2.0a1", "1.5" }.Select(Pep440Version.Parse));
        Assert.Equal(new[] { "1.0", "1.5" }, got.Select(v => v.ToString()));
    }

    [Fact]
    public void Filter_WhenOnlyPrereleasesMatch_ShouldFallBackToThemUnlessRefused()
    {
        var versions = new[] { "0.9", "2.0a1", "2.0b1" }.Select(Pep440Version.Parse).ToList();
        var set = SpecifierSet.Parse(">=1.0");
        Assert.Equal(new[] { "2.0a1", "2.0b1" }, set.Filter(versions).Select(v => v.ToString()));
        Assert.Empty(set.Filter(versions, prereleases: false));
    }

    [Theory]
    [InlineData(">=1.0", "2.0rc1", true)]
    [InlineData("==2.*", "2.0rc1", true)]
    [InlineData("<2.0", "2.0rc1", false)]
    [InlineData(">=1.0,<2.0", "1.5.dev3", true)]
    public void IsSatisfiedByInstalled_WhenInstalledIsPrerelease_ShouldAcceptItForEverySpecifier(string set, string installed, bool expected)
    {
        Assert.Equal(expected, SpecifierSet.Parse(set).IsSatisfiedByInstalled(Pep440Version.Parse(installed)));
    }

    [Theory]
    [InlineData("==1.2.3", "==1.2.3")]
    [InlineData("===1.2.3", "===1.2.3")]
    [InlineData("==1.2.*", null)]
    [InlineData(">=1.2", null)]
    [InlineData("==1.2,!=1.3", null)]
    public void ExactPin_WhenSetIsOneExactSpecifier_ShouldReturnIt(string set, string? expected)
    {
        Assert.Equal(expected, SpecifierSet.Parse(set).ExactPin?.ToString());
    }
}
