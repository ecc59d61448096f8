using BqxAudit.Checks.Naming;
using BqxAudit.Configuration;
using BqxAudit.Model;
using static BqxAudit.Tests.Naming.NamingFixtures;

namespace BqxAudit.Tests.Naming;

/// <summary>Seeded random names from the embedded M008 standard: the same names every run.</summary>
public class NamingRandomizedTests
{
    private const int Iterations = 2_000;

    private static readonly MandateProfile Mandate = M008;
    private static readonly List<string> FeatureTypes = Mandate.Values["feature_type"];
    private static readonly List<string> CovTypes = Mandate.Values["cov_feature_type"];
    private static readonly List<string> TriTypes = Mandate.Values["tri_feature_type"];
    private static readonly List<string> VarTypes = Mandate.Values["var_feature_type"];
    private static readonly List<string> MktTypes = Mandate.Values["mkt_feature_type"];
    private static readonly List<string> Variants = Mandate.Values["variant"];
    private static readonly List<string> Pairs = Mandate.Values["pair"];
    private static readonly List<string> Currencies = Mandate.Values["currency"];
    private static readonly List<string> Windows = Mandate.Values["window"];

    private static string Pick(Random r, List<string> values) => values[r.Next(values.Count)];

    private static string[] Distinct(Random r, List<string> values, int count) =>
        values.OrderBy(_ => r.Next()).Take(count).ToArray();

    private static (string Name, string Family) RandomValidName(Random r)
    {
        switch (r.Next(8))
        {
            case 0:
                return ($"{Pick(r, FeatureTypes)}_{Pick(r, Variants)}_{Pick(r, Pairs)}", "primary");
            case 1:
                var pairs = Distinct(r, Pairs, 2).OrderBy(p => p, StringComparer.Ordinal).ToArray();
                return ($"cov_{Pick(r, CovTypes)}_{Pick(r, Variants)}_{pairs[0]}_{pairs[1]}", "cov");
            case 2:
                var cs = Distinct(r, Currencies, 3).OrderBy(c => c, StringComparer.Ordinal).ToArray();
                return ($"tri_{Pick(r, TriTypes)}_{Pick(r, Variants)}_{cs[0]}_{cs[1]}_{cs[2]}", "tri");
            case 3:
                return ($"var_{Pick(r, VarTypes)}_{Pick(r, Variants)}_{Pick(r, Currencies)}", "var");
            case 4:
                var matrix = Distinct(r, Pairs, 2);
                return r.Next(3) switch
                {
                    0 => ($"corr_etf_{Pick(r, Variants)}_{Pick(r, Pairs)}_spy", "corr"),
                    1 => ($"corr_bqx_{matrix[0]}_{matrix[1]}", "corr"),
                    _ => ($"corr_ibkr_{matrix[0]}_{matrix[1]}", "corr"),
                };
            case 5:
                return ($"base_{Pick(r, Variants)}_{Pick(r, Pairs)}", "base");
            case 6:
                return ($"mkt_{Pick(r, MktTypes)}_{Pick(r, Variants)}", "mkt");
            default:
                return ($"lag_{Pick(r, Variants)}_{Pick(r, Pairs)}_{Pick(r, Windows)}", "lag");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(20251213)]
    [InlineData(8008)]
    public void Classify_WhenNameIsBuiltFromAllowedValues_ShouldStayCompliant(int seed)
    {
        var r = new Random(seed);
        var service = new NamingService();
        for (var i = 0; i < Iterations; i++)
        {
            var (name, family) = RandomValidName(r);
            var result = service.Classify(Entry(name), Mandate);

            Assert.True(result.Status == NamingStatus.Compliant, $"seed {seed}, iteration {i}: {name} is {result.Status} ({string.Join("; ", result.Details)})");
            Assert.Equal(family, result.Family);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4242)]
    public void Classify_WhenCovPairsAreShuffledOutOfOrder_ShouldFlagAndSuggestCompliantName(int seed)
    {
        var r = new Random(seed);
        var service = new NamingService();
        for (var i = 0; i < Iterations; i++)
        {
            var pairs = Distinct(r, Pairs, 2).OrderByDescending(p => p, StringComparer.Ordinal).ToArray();
            var ft = Pick(r, CovTypes);
            var variant = Pick(r, Variants);
            var name = $"cov_{ft}_{variant}_{pairs[0]}_{pairs[1]}";

            var result = service.Classify(Entry(name), Mandate);

            Assert.Equal(NamingStatus.NonCompliant, result.Status);
            Assert.Equal(new[] { NamingViolation.AlphabeticalOrder }, result.Violations);
            Assert.Equal($"cov_{ft}_{variant}_{pairs[1]}_{pairs[0]}", result.SuggestedName);
            Assert.Equal(NamingStatus.Compliant, service.Classify(Entry(result.SuggestedName!), Mandate).Status);
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(777)]
    public void Classify_WhenTriCurrenciesArePermutedOutOfOrder_ShouldFlagAndSuggestCompliantName(int seed)
    {
        var r = new Random(seed);
        var service = new NamingService();
        for (var i = 0; i < Iterations; i++)
        {
            var cs = Distinct(r, Currencies, 3);
            var sorted = cs.OrderBy(c => c, StringComparer.Ordinal).ToArray();
            if (cs.SequenceEqual(sorted))
            {
                (cs[0], cs[2]) = (cs[2], cs[0]);
            }

            var name = $"tri_{Pick(r, TriTypes)}_{Pick(r, Variants)}_{cs[0]}_{cs[1]}_{cs[2]}";

            var result = service.Classify(Entry(name), Mandate);

            Assert.Equal(new[] { NamingViolation.AlphabeticalOrder }, result.Violations);
            Assert.NotNull(result.SuggestedName);
            Assert.EndsWith($"_{sorted[0]}_{sorted[1]}_{sorted[2]}", result.SuggestedName);
            Assert.Equal(NamingStatus.Compliant, service.Classify(Entry(result.SuggestedName!), Mandate).Status);
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(99)]
    public void Classify_WhenValidNameHasUpperCaseLetters_ShouldFlagCaseAndSuggestLowerCase(int seed)
    {
        var r = new Random(seed);
        var service = new NamingService();
        for (var i = 0; i < Iterations; i++)
        {
            var (name, family) = RandomValidName(r);
            var chars = name.ToCharArray();
            var flipped = false;
            for (var k = 0; k < chars.Length; k++)
            {
                if (char.IsLetter(chars[k]) && r.Next(3) == 0)
                {
                    chars[k] = char.ToUpperInvariant(chars[k]);
                    flipped = true;
                }
            }

            if (!flipped)
            {
                chars[0] = char.ToUpperInvariant(chars[0]);
            }

            var result = service.Classify(Entry(new string(chars)), Mandate);

            Assert.Equal(family, result.Family);
            Assert.Equal(new[] { NamingViolation.Case }, result.Violations);
            Assert.Equal(name, result.SuggestedName);
        }
    }

    [Theory]
    [InlineData(6)]
    public void Classify_WhenAnyWordOfValidNameIsReplacedByUnknownWord_ShouldNeverBeCompliant(int seed)
    {
        var r = new Random(seed);
        var service = new NamingService();
        for (var i = 0; i < Iterations; i++)
        {
            var (name, _) = RandomValidName(r);
            var words = name.Split('_');
            var k = r.Next(words.Length);
            if (name.StartsWith("corr_etf_", StringComparison.Ordinal) && (k == 1 || k == 4))
            {
                continue; // asset type and asset take any word in the embedded standard
            }

            words[k] = "zz" + r.Next(1000);
            var broken = string.Join('_', words);

            var result = service.Classify(Entry(broken), Mandate);

            Assert.True(result.Status != NamingStatus.Compliant, $"seed {seed}, iteration {i}: {broken} was classified Compliant ({result.Rule})");
            Assert.Null(result.SuggestedName);
        }
    }
}
