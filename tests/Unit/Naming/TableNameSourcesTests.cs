using System.Text;
using BqxAudit.Checks.Naming;
using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Model;
using BqxAudit.Tests.Support;
using static BqxAudit.Tests.Naming.NamingFixtures;

namespace BqxAudit.Tests.Naming;

public class TableNameSourcesTests
{
    private static (List<TableNameEntry> Entries, TestHost Host) ReadFile(TempDir dir, string name, string content, string? dataset = null)
    {
        var path = dir.Write(name, content);
        var host = new TestHost();
        var entries = TableNameSources.FromFile(path, dataset, displayPath: name).Read(host).ToList();
        return (entries, host);
    }

    [Theory]
    [InlineData("agg_idx_eurusd", null, null, "agg_idx_eurusd")]
    [InlineData("ds.agg_idx_eurusd", null, "ds", "agg_idx_eurusd")]
    [InlineData("bqx-ml.ds.agg_idx_eurusd", "bqx-ml", "ds", "agg_idx_eurusd")]
    [InlineData("bqx-ml:ds.agg_idx_eurusd", "bqx-ml", "ds", "agg_idx_eurusd")]
    [InlineData("`bqx-ml.ds.agg_idx_eurusd`", "bqx-ml", "ds", "agg_idx_eurusd")]
    [InlineData("example.com:proj.ds.t1", "example.com:proj", "ds", "t1")]
    [InlineData("  ds.t1  ", null, "ds", "t1")]
    public void TryParse_WhenNameIsPlainOrQualified_ShouldSplitProjectDatasetAndTable(string text, string? project, string? dataset, string table)
    {
        var entry = TableNameEntry.TryParse(text, "test", out var problem);

        Assert.Null(problem);
        Assert.NotNull(entry);
        Assert.Equal(project, entry.Project);
        Assert.Equal(dataset, entry.Dataset);
        Assert.Equal(table, entry.TableName);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "whitespace")]
    [InlineData("a.b.c.d", "4 dot-separated parts")]
    [InlineData("proj:table", "no dataset")]
    [InlineData("ds.", "empty")]
    [InlineData("agg_idx_eurusd\u00e9", "non-ASCII character U+00E9")]
    [InlineData("agg idx", "no spaces")]
    [InlineData("agg\tidx", "control character")]
    public void TryParse_WhenTextIsNotAUsableName_ShouldSayWhy(string text, string expected)
    {
        var entry = TableNameEntry.TryParse(text, "test", out var problem);

        Assert.Null(entry);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void TryParse_WhenNameIsLongerThan1024Characters_ShouldRejectItWithTheLength()
    {
        var entry = TableNameEntry.TryParse(new string('a', 1025), "test", out var problem);

        Assert.Null(entry);
        Assert.Contains("1,025 characters", problem);
        Assert.Contains("1,024", problem);
        Assert.NotNull(TableNameEntry.TryParse(new string('a', 1024), "test", out _));
    }

    [Fact]
    public void FromFile_WhenPlainListHasBadLines_ShouldReportEachWithLineAndKeepTheValidNames()
    {
        using var dir = new TempDir();
        var content = string.Join("\n",
            "# features dataset",           // 1 comment
            "agg_idx_eurusd",               // 2
            "",                             // 3 empty
            "   ",                          // 4 whitespace
            "cov_agg_idx_gbpusd_eurusd",    // 5
            new string('x', 1100),          // 6 too long
            "agg_idx_eur\u00fcsd",          // 7 non-ASCII
            "agg_idx_eurusd",               // 8 duplicate of 2
            "agg_idx_eurusd",               // 9 duplicate of 2
            "mkt_agg_idx") + "\n";

        var (entries, host) = ReadFile(dir, "tables.txt", content, FeaturesDataset);

        Assert.Equal(new[] { "agg_idx_eurusd", "cov_agg_idx_gbpusd_eurusd", "mkt_agg_idx" }, entries.Select(e => e.TableName));
        Assert.Equal(new[] { 3, 1, 1 }, entries.Select(e => e.Count));
        Assert.Equal("tables.txt:2", entries[0].Source);
        Assert.All(entries, e => Assert.Equal(FeaturesDataset, e.Dataset));
        Assert.Equal(new[] { "tables.txt:3", "tables.txt:4", "tables.txt:6", "tables.txt:7", "tables.txt:8" }, host.Errors.Select(e => e.Target));
        Assert.All(host.Errors, e => Assert.Equal(ErrorIds.InputInvalid, e.ErrorId));
        Assert.Contains("line 3 is empty", host.Errors[0].Message);
        Assert.Contains("only whitespace", host.Errors[1].Message);
        Assert.Contains("1,100 characters", host.Errors[2].Message);
        Assert.Contains("non-ASCII", host.Errors[3].Message);
        Assert.Contains("listed 3 times (lines 2, 8, 9)", host.Errors[4].Message);
    }

    [Fact]
    public void FromFile_WhenCommentLineHasCommas_ShouldStillReadAPlainList()
    {
        using var dir = new TempDir();
        var (entries, host) = ReadFile(dir, "tables.txt", "# listing of ds, one name per line\nagg_idx_eurusd\nmkt_agg_idx\n", FeaturesDataset);

        Assert.Equal(new[] { "agg_idx_eurusd", "mkt_agg_idx" }, entries.Select(e => e.TableName));
        Assert.Empty(host.Errors);
    }

    [Fact]
    public void FromFile_WhenValidAndBadNamesAreMixed_ShouldStillClassifyTheValidOnes()
    {
        using var dir = new TempDir();
        var (entries, host) = ReadFile(dir, "tables.txt", "agg_idx_eurusd\n\n\u00e9\nAGG_IDX_GBPUSD\n", FeaturesDataset);

        var results = new NamingService().Classify(entries, M008).ToList();

        Assert.Equal(2, host.Errors.Count);
        Assert.Equal(new[] { NamingStatus.Compliant, NamingStatus.NonCompliant }, results.Select(r => r.Status));
    }

    [Fact]
    public void FromFile_WhenFileHasWindowsLineEndsAndBom_ShouldReadNamesCleanly()
    {
        using var dir = new TempDir();
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("agg_idx_eurusd\r\nmkt_agg_idx\r\n")).ToArray();
        var path = dir.WriteBytes("tables.txt", bytes);
        var host = new TestHost();

        var entries = TableNameSources.FromFile(path).Read(host).ToList();

        Assert.Empty(host.Errors);
        Assert.Equal(new[] { "agg_idx_eurusd", "mkt_agg_idx" }, entries.Select(e => e.TableName));
    }

    [Fact]
    public void FromFile_WhenFileIsUtf16_ShouldDecodeIt()
    {
        using var dir = new TempDir();
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("agg_idx_eurusd\r\n")).ToArray();
        var path = dir.WriteBytes("tables.txt", bytes);
        var host = new TestHost();

        var entries = TableNameSources.FromFile(path).Read(host).ToList();

        Assert.Empty(host.Errors);
        Assert.Equal("agg_idx_eurusd", Assert.Single(entries).TableName);
    }

    [Fact]
    public void FromFile_WhenCsvHasANameColumn_ShouldReadNamesWithDatasetAndType()
    {
        using var dir = new TempDir();
        var csv = "table_catalog,table_schema,table_name,table_type\r\n" +
                  "bqx-ml,bqx_ml_v3_features_v2,agg_idx_eurusd,BASE TABLE\r\n" +
                  "bqx-ml,bqx_ml_v3_features_v2,\"cov_agg_idx_gbpusd_eurusd\",VIEW\r\n" +
                  "\r\n" +
                  "bqx-ml,bqx_ml_v3_features_v2,\"mkt_agg\"\"idx\",BASE TABLE\r\n";

        var (entries, host) = ReadFile(dir, "tables.csv", csv);

        Assert.Equal(2, entries.Count);
        Assert.Equal(("bqx-ml", "bqx_ml_v3_features_v2", "agg_idx_eurusd", "TABLE"), (entries[0].Project, entries[0].Dataset, entries[0].TableName, entries[0].TableType));
        Assert.Equal("VIEW", entries[1].TableType);
        Assert.Equal("tables.csv:3", entries[1].Source);
        Assert.Equal(new[] { "tables.csv:4", "tables.csv:5" }, host.Errors.Select(e => e.Target));
        Assert.Contains("quote", host.Errors[1].Message);
    }

    [Fact]
    public void FromFile_WhenCsvHasNoNameColumn_ShouldSayWhichColumnsItHasAndReadNothing()
    {
        using var dir = new TempDir();
        var (entries, host) = ReadFile(dir, "tables.csv", "dataset,rows\nds,12\n");

        Assert.Empty(entries);
        var error = Assert.Single(host.Errors);
        Assert.Equal("tables.csv:1", error.Target);
        Assert.Contains("no table-name column", error.Message);
        Assert.Contains("dataset, rows", error.Message);
    }

    [Fact]
    public void FromFile_WhenCsvQuotesCommasAndLineBreaks_ShouldKeepLineNumbersRight()
    {
        using var dir = new TempDir();
        var csv = "name,comment\nagg_idx_eurusd,\"two\nlines, and a comma\"\n,missing name\nmkt_agg_idx,ok\n";

        var (entries, host) = ReadFile(dir, "t.csv", csv);

        Assert.Equal(new[] { "agg_idx_eurusd", "mkt_agg_idx" }, entries.Select(e => e.TableName));
        Assert.Equal("t.csv:5", entries[1].Source);
        Assert.Equal("t.csv:4", Assert.Single(host.Errors).Target);
    }

    [Fact]
    public void FromFile_WhenJsonIsWhatBqLsPrints_ShouldReadTableReferenceAndType()
    {
        using var dir = new TempDir();
        var json = """
            [
              {"creationTime":"1734048000000","id":"bqx-ml:bqx_ml_v3_features_v2.agg_idx_eurusd","kind":"bigquery#table",
               "tableReference":{"datasetId":"bqx_ml_v3_features_v2","projectId":"bqx-ml","tableId":"agg_idx_eurusd"},"type":"TABLE"},
              {"id":"bqx-ml:bqx_ml_v3_features_v2.cov_agg_idx_gbpusd_eurusd","kind":"bigquery#table","type":"VIEW"}
            ]
            """;

        var (entries, host) = ReadFile(dir, "tables.json", json);

        Assert.Empty(host.Errors);
        Assert.Equal(2, entries.Count);
        Assert.Equal(("bqx-ml", "bqx_ml_v3_features_v2", "agg_idx_eurusd", "TABLE"), (entries[0].Project, entries[0].Dataset, entries[0].TableName, entries[0].TableType));
        Assert.Equal(("bqx-ml", "bqx_ml_v3_features_v2", "cov_agg_idx_gbpusd_eurusd", "VIEW"), (entries[1].Project, entries[1].Dataset, entries[1].TableName, entries[1].TableType));
        Assert.Equal("tables.json:2", entries[0].Source);
        Assert.Equal("tables.json:4", entries[1].Source);
    }

    [Fact]
    public void FromFile_WhenJsonIsMalformed_ShouldReportLineAndKeepTheNamesBeforeIt()
    {
        using var dir = new TempDir();
        var json = "[\n{\"tableReference\":{\"tableId\":\"agg_idx_eurusd\"}},\n{\"tableReference\":{\"tableId\":\"mkt_agg_idx\"}\n{\"id\":\"p:d.t\"}\n]";

        var (entries, host) = ReadFile(dir, "tables.json", json);

        Assert.Equal("agg_idx_eurusd", Assert.Single(entries).TableName);
        var error = Assert.Single(host.Errors);
        Assert.Equal(ErrorIds.InputInvalid, error.ErrorId);
        Assert.Contains("malformed JSON at line 4", error.Message);
        Assert.Equal("tables.json:4", error.Target);
    }

    [Fact]
    public void FromFile_WhenJsonElementsAreNotTables_ShouldReportEachAndReadTheRest()
    {
        using var dir = new TempDir();
        var json = "[\n42,\n{\"kind\":\"bigquery#table\"},\n\"agg_idx_eurusd\",\n{\"id\":\"p:d.mkt_agg_idx\"}\n]";

        var (entries, host) = ReadFile(dir, "tables.json", json);

        Assert.Equal(new[] { "agg_idx_eurusd", "mkt_agg_idx" }, entries.Select(e => e.TableName));
        Assert.Equal(new[] { "tables.json:2", "tables.json:3" }, host.Errors.Select(e => e.Target));
        Assert.Contains("a number", host.Errors[0].Message);
        Assert.Contains("neither tableReference.tableId nor id", host.Errors[1].Message);
    }

    [Fact]
    public void FromFile_WhenJsonIsNotAnArray_ShouldSayWhatItExpected()
    {
        using var dir = new TempDir();
        var (entries, host) = ReadFile(dir, "tables.json", "{\"tables\": []}");

        Assert.Empty(entries);
        Assert.Contains("expected a JSON array", Assert.Single(host.Errors).Message);
    }

    [Fact]
    public void FromFile_WhenOutputIsBqLsTable_ShouldReadTheTableIdColumn()
    {
        using var dir = new TempDir();
        var text = "      tableId        Type    Labels   Time Partitioning\n" +
                   " ----------------- ------- -------- -------------------\n" +
                   "  agg_idx_eurusd    TABLE\n" +
                   "  mkt_agg_idx       VIEW\n";

        var (entries, host) = ReadFile(dir, "ls.txt", text);

        Assert.Empty(host.Errors);
        Assert.Equal(new[] { ("agg_idx_eurusd", "TABLE"), ("mkt_agg_idx", "VIEW") }, entries.Select(e => (e.TableName, e.TableType!)));
    }

    [Fact]
    public void FromFile_WhenFileIsMissing_ShouldWriteErrorAndYieldNothing()
    {
        var host = new TestHost();

        var entries = TableNameSources.FromFile("/nonexistent/tables.txt").Read(host).ToList();

        Assert.Empty(entries);
        Assert.Equal(ErrorIds.PathNotFound, Assert.Single(host.Errors).ErrorId);
    }

    [Fact]
    public void FromNames_WhenNamesRepeatOrAreBad_ShouldReportItemsAndCount()
    {
        var host = new TestHost();

        var entries = TableNameSources.FromNames(new[] { "agg_idx_eurusd", "", "agg_idx_eurusd", "ds.mkt_agg_idx" }).Read(host).ToList();

        Assert.Equal(new[] { "agg_idx_eurusd", "mkt_agg_idx" }, entries.Select(e => e.TableName));
        Assert.Equal(2, entries[0].Count);
        Assert.Equal("ds", entries[1].Dataset);
        Assert.Equal(new[] { "argument[2]", "argument[3]" }, host.Errors.Select(e => e.Target));
        Assert.Contains("empty", host.Errors[0].Message);
        Assert.Contains("listed 2 times (items 1, 3)", host.Errors[1].Message);
    }

    [Fact]
    public void FromProfile_WhenProfileIsAFile_ShouldResolveTableListFileAgainstItsFolder()
    {
        using var dir = new TempDir();
        dir.Write("config/tables.txt", "agg_idx_eurusd\n");
        var profilePath = dir.Write("config/bqxaudit.yaml", NamingFixtures.TestProfileYaml);
        var profile = ProfileLoader.LoadFile(profilePath);
        var host = new TestHost();

        var sources = TableNameSources.FromProfile(profile, root: "/somewhere/else");
        var entries = TableNameSources.ReadAll(sources, host).ToList();

        Assert.Empty(host.Errors);
        var entry = Assert.Single(entries);
        Assert.Equal(("test-project", "features", "tables.txt:1"), (entry.Project, entry.Dataset, entry.Source));
    }

    [Fact]
    public void FromProfile_WhenProfileIsEmbedded_ShouldResolveTableListFileAgainstTheAuditedRoot()
    {
        using var dir = new TempDir();
        dir.Write("tables.txt", "cov_agg_idx_gbpusd_eurusd\n");
        var host = new TestHost();

        var entries = TableNameSources.ReadAll(TableNameSources.FromProfile(EmbeddedProfile, dir.Path), host).ToList();

        Assert.Empty(host.Errors);
        var entry = Assert.Single(entries);
        Assert.Equal(("bqx-ml", FeaturesDataset), (entry.Project, entry.Dataset));
    }

    [Fact]
    public void FromProfile_WhenTableListFileIsMissing_ShouldNameTheDataset()
    {
        using var dir = new TempDir();
        var host = new TestHost();

        var entries = TableNameSources.ReadAll(TableNameSources.FromProfile(EmbeddedProfile, dir.Path), host).ToList();

        Assert.Empty(entries);
        var error = Assert.Single(host.Errors);
        Assert.Equal(ErrorIds.PathNotFound, error.ErrorId);
        Assert.Contains(FeaturesDataset, error.Message);
    }
}
