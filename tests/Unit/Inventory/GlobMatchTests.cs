using BqxAudit.Inventory;
using Microsoft.Extensions.FileSystemGlobbing;

namespace BqxAudit.Tests.Inventory;

/// <summary>GlobMatch matches a root-relative path as the library's own Match(path) does, without the current directory.</summary>
public class GlobMatchTests
{
    private static readonly string[] Paths =
    {
        "a.py", "scripts/a.py", "scripts/execute_m008_cov_renames.py", "archive/2024-11-27_cleanup/scripts/x.py", "archive/x.sh",
        "deep/er/still/b.sh", "scripts/sub/c.py", ".hidden/d.py", "rchive/e.py", "name with space.py", "scripts/ünï.py",
    };

    public static IEnumerable<object[]> Globs() => new[]
    {
        new object[] { new[] { "**/*" }, new[] { "archive/**" } },
        new object[] { new[] { "scripts/*cov*rename*" }, Array.Empty<string>() },
        new object[] { new[] { "**/*.py" }, new[] { "**/sub/**", ".hidden/**" } },
        new object[] { new[] { "scripts/**/*.py", "*.py" }, Array.Empty<string>() },
        new object[] { new[] { "archive/**" }, Array.Empty<string>() },
    };

    private static Matcher Matcher(string[] include, string[] exclude)
    {
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddIncludePatterns(include);
        matcher.AddExcludePatterns(exclude);
        return matcher;
    }

    [Theory]
    [MemberData(nameof(Globs))]
    public void Matches_ShouldAgreeWithTheLibrarysMatchOfTheSamePath(string[] include, string[] exclude)
    {
        var matcher = Matcher(include, exclude);

        foreach (var path in Paths)
        {
            Assert.True(matcher.Match(path).HasMatches == matcher.Matches(path), $"{path} against {string.Join(", ", include)} minus {string.Join(", ", exclude)}");
        }
    }

    [Fact]
    public void Matches_ShouldKeepEveryCharacterOfThePath()
    {
        // A root ending in a separator made the library cut one character too many: "archive/x" read as "rchive/x".
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude("archive/**");

        Assert.True(matcher.Matches("archive/x.sh"));
        Assert.False(matcher.Matches("rchive/e.py"));
    }

    private static readonly string[] OddPaths =
    {
        "a//b.py", "./c.py", "scripts/./d.py", "scripts/../e.py", "back\\slash.py", "", "trailing/", "archive//x.sh",
    };

    [Theory]
    [MemberData(nameof(Globs))]
    public void Matching_ShouldSelectWhatMatchesSelectsPathByPath(string[] include, string[] exclude)
    {
        var matcher = Matcher(include, exclude);
        var all = Paths.Concat(OddPaths).ToArray();

        var one = all.Where(matcher.Matches).Order(StringComparer.Ordinal).ToArray();
        var batch = matcher.Matching(all).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(one, batch);
        Assert.NotEmpty(batch);
    }

    [Fact]
    public void Matching_ShouldAnswerInTheFormItWasAsked()
    {
        // The library names "a//b.py" as "a/b.py"; the answer is the caller's own string, or a lookup by it would miss.
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude("**/*.py");

        var matched = matcher.Matching(new[] { "a//b.py", "c/d.py" });

        Assert.Contains("a//b.py", matched);
        Assert.Contains("c/d.py", matched);
        Assert.Equal(2, matched.Count);
    }

    [Fact]
    public void Matching_ShouldAnswerTheSameAcrossChunks()
    {
        // More paths than one walk takes: every chunk is answered, and a path's answer does not depend on its neighbours.
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude("**/*.py");
        matcher.AddExclude("archive/**");
        var paths = Enumerable.Range(0, 2500)
            .Select(i => (i % 3) switch { 0 => $"archive/d{i % 7}/f{i}.py", 1 => $"src/d{i % 11}/f{i}.py", _ => $"src/d{i % 5}/f{i}.sh" })
            .ToArray();

        var matched = matcher.Matching(paths);

        Assert.Equal(paths.Where(matcher.Matches).Order(StringComparer.Ordinal), matched.Order(StringComparer.Ordinal));
        Assert.Equal(paths.Count(p => p.StartsWith("src/", StringComparison.Ordinal) && p.EndsWith(".py", StringComparison.Ordinal)), matched.Count);
    }
}
