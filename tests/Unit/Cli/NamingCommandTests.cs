using System.Text.Json;
using BqxAudit.Cli;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Cli;

public class NamingCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void Naming_WhenNamesGiven_ShouldClassifyEachWithItsSuggestion()
    {
        using var dir = new TempDir();
        var (code, output, error) = Run("naming", dir.Path, "bqx_ml_v3_features_v2.cov_agg_idx_gbpusd_eurusd", "bqx_ml_v3_features_v2.agg_idx_eurusd", "--format", "json");

        Assert.Equal(0, code);
        Assert.Equal("", error);
        using var doc = JsonDocument.Parse(output);
        var results = doc.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("TableName").GetString()!);
        Assert.Equal("NonCompliant", results["cov_agg_idx_gbpusd_eurusd"].GetProperty("Status").GetString());
        Assert.Equal("cov_agg_idx_eurusd_gbpusd", results["cov_agg_idx_gbpusd_eurusd"].GetProperty("SuggestedName").GetString());
        Assert.Equal("AlphabeticalOrder", results["cov_agg_idx_gbpusd_eurusd"].GetProperty("Violations")[0].GetString());
        Assert.Equal("Compliant", results["agg_idx_eurusd"].GetProperty("Status").GetString());
    }

    [Fact]
    public void Naming_WhenRunOnTheExampleWithSummary_ShouldCountByFamilyStatusAndViolation()
    {
        var (code, output, error) = Run("naming", RepoPaths.Example, "--summary");

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("M008: 135 names", output);
        Assert.Matches(@"cov\s+NonCompliant\s+AlphabeticalOrder\s+\d+", output);
    }

    [Fact]
    public void Naming_WhenNoNamesAnywhere_ShouldExitThreeAndSaySo()
    {
        using var dir = new TempDir();
        dir.Write("bqxaudit.yaml", "name: t\nmandates:\n  - id: M\n    kind: naming\n    values: { x: [ a ] }\n    families: [ { id: f, patterns: [ \"t_{x}\" ] } ]\n");
        var (code, _, error) = Run("naming", dir.Path);
        Assert.Equal(3, code);
        Assert.Contains("no table names", error);
    }

    [Fact]
    public void NamingAndRenamePlan_WhenTheProfilesTableListingIsAbsent_ShouldExitThreeNamingTheFile()
    {
        using var dir = new TempDir();
        dir.Write("bqxaudit.yaml", "name: t\ndatasets: [ { name: ds, tableListFile: tables.txt } ]\nmandates:\n  - id: M\n    kind: naming\n    datasets: [ ds ]\n" +
                                   "    values: { x: [ a ] }\n    families: [ { id: f, patterns: [ \"t_{x}\" ] } ]\n");

        foreach (var command in new[] { "naming", "rename-plan" })
        {
            var (code, _, error) = Run(command, dir.Path, "--offline");
            Assert.Equal(3, code);
            Assert.Contains("tables.txt", error);
            Assert.Contains("not found", error);
        }
    }

    [Fact]
    public void Naming_WhenTableFileMissing_ShouldExitThreeNamingIt()
    {
        var (code, _, error) = Run("naming", RepoPaths.Example, "--tables", "/nonexistent/tables.txt");
        Assert.Equal(3, code);
        Assert.Contains("/nonexistent/tables.txt", error);
    }

    [Fact]
    public void RenamePlan_WhenSqlAndCsvAsked_ShouldWriteThemAndRefuseToOverwriteWithoutForce()
    {
        using var dir = new TempDir();
        var sql = Path.Combine(dir.Path, "plan.sql");
        var csv = Path.Combine(dir.Path, "plan.csv");

        var (code, output, _) = Run("rename-plan", RepoPaths.Example, "--sql", sql, "--csv", csv);
        Assert.Equal(0, code);
        Assert.Contains("Collision", output);
        Assert.Contains("ALTER TABLE `bqx-ml.bqx_ml_v3_features_v2.var_agg_usd` RENAME TO var_agg_idx_usd;", File.ReadAllText(sql));
        Assert.StartsWith("Project,Dataset,Source,Target,Action", File.ReadAllText(csv));

        File.WriteAllText(sql, "keep me");
        var (again, _, error) = Run("rename-plan", RepoPaths.Example, "--sql", sql);
        Assert.Equal(3, again);
        Assert.Contains("BqxAudit.OutputExists", error);
        Assert.Equal("keep me", File.ReadAllText(sql));

        var (forced, _, _) = Run("rename-plan", RepoPaths.Example, "--sql", sql, "--force");
        Assert.Equal(0, forced);
        Assert.Contains("RENAME TO", File.ReadAllText(sql));
    }

    [Fact]
    public void RenamePlan_WhenNamesCollide_ShouldRefuseTheRenameAndNameTheOtherTable()
    {
        var (code, output, _) = Run("rename-plan", RepoPaths.Example, "--format", "json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var item = doc.RootElement.EnumerateArray().Single(i => i.GetProperty("Source").GetString() == "cov_mom_idx_gbpusd_eurusd");
        Assert.Equal("Collision", item.GetProperty("Action").GetString());
        Assert.Contains("cov_mom_idx_eurusd_gbpusd", item.GetProperty("CollidesWith").GetString());
        Assert.False(item.TryGetProperty("Ddl", out _));
    }
}
