using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using BqxAudit.Model;
using BqxAudit.Reporting;
using BqxAudit.Tests.PowerShell;
using BqxAudit.Tests.Support;
using static BqxAudit.Tests.Reporting.ReportTestKit;

namespace BqxAudit.Tests.Reporting;

public class SarifAndJUnitTests
{
    private static string SchemaPath(string name) => Path.Combine(RepoPaths.Shared!, "schemas", name);

    /// <summary>The SARIF 2.1.0 schema (JSON Schema draft-04), read once by NJsonSchema.</summary>
    private static readonly Lazy<NJsonSchema.JsonSchema> SarifSchema = new(() =>
        NJsonSchema.JsonSchema.FromFileAsync(SchemaPath("sarif-schema-2.1.0.json")).GetAwaiter().GetResult());

    /// <summary>Every violation, with its JSON path (the ones under an anyOf/oneOf branch included).</summary>
    private static IReadOnlyList<string> ValidateSarif(string sarif) =>
        Flatten(SarifSchema.Value.Validate(sarif)).Select(e => $"{e.Path}: {e.Kind}").ToList();

    private static IEnumerable<NJsonSchema.Validation.ValidationError> Flatten(IEnumerable<NJsonSchema.Validation.ValidationError> errors) =>
        errors.SelectMany(e => e switch
        {
            NJsonSchema.Validation.ChildSchemaValidationError child => new[] { e }.Concat(Flatten(child.Errors.SelectMany(kv => kv.Value))),
            NJsonSchema.Validation.MultiTypeValidationError types => new[] { e }.Concat(Flatten(types.Errors.SelectMany(kv => kv.Value))),
            _ => new[] { e },
        });

    [SharedFact("validating SARIF against schemas/sarif-schema-2.1.0.json")]
    public void SarifSchema_WhenAResultBreaksIt_ShouldNameTheViolation()
    {
        var sarif = SarifReportWriter.Write(ExampleResult);
        var broken = System.Text.Json.Nodes.JsonNode.Parse(sarif)!;
        broken["runs"]![0]!["results"]![0]!["level"] = "fatal";   // not in the level enum
        broken["runs"]![0]!["tool"]!["driver"]!.AsObject().Remove("name"); // required

        var errors = ValidateSarif(broken.ToJsonString());

        Assert.Contains(errors, e => e.Contains("level", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("PropertyRequired", StringComparison.Ordinal));
    }

    private static List<string> ValidateJUnit(string xml)
    {
        var schemas = new XmlSchemaSet();
        using (var reader = XmlReader.Create(SchemaPath("junit.xsd")))
        {
            schemas.Add(null, reader);
        }

        var errors = new List<string>();
        XDocument.Parse(xml).Validate(schemas, (_, e) => errors.Add($"{e.Severity}: {e.Message}"));
        return errors;
    }

    [SharedFact("validating SARIF against schemas/sarif-schema-2.1.0.json")]
    public void Sarif_WhenExampleAudited_ShouldValidateAgainstTheSarif210Schema()
    {
        var sarif = SarifReportWriter.Write(ExampleResult);

        Assert.Empty(ValidateSarif(sarif));
        using var doc = JsonDocument.Parse(sarif);
        var run = Assert.Single(doc.RootElement.GetProperty("runs").EnumerateArray());
        Assert.Equal("BqxAudit", run.GetProperty("tool").GetProperty("driver").GetProperty("name").GetString());
        var results = run.GetProperty("results").EnumerateArray().ToList();
        var findings = ExampleResult.Scripts.Sum(s => s.Findings.Count);
        Assert.Equal(findings, results.Count(r => r.GetProperty("partialFingerprints").TryGetProperty("bqxFinding/v1", out _)));
        var syntax = results.Single(r => r.GetProperty("ruleId").GetString() == "python.syntax");
        Assert.Equal("error", syntax.GetProperty("level").GetString());
        var location = syntax.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.Equal("scripts/generate_corr_tables.py", location.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal("%SRCROOT%", location.GetProperty("artifactLocation").GetProperty("uriBaseId").GetString());
        Assert.Equal(10, location.GetProperty("region").GetProperty("startLine").GetInt32());

        // Blockers with a file in their evidence are results; those without (unmeasured cloud, renames) are not.
        var blockerIds = results.Where(r => r.TryGetProperty("properties", out _)).Select(r => r.GetProperty("properties").GetProperty("blockerId").GetString()).ToList();
        Assert.Contains(ExampleResult.Blockers.Single(b => b.Rule == "script.blocked-phase-task").Id, blockerIds);
        Assert.DoesNotContain(ExampleResult.Blockers.First(b => b.Rule == "infra.not-verified").Id, blockerIds);
        Assert.DoesNotContain(ExampleResult.Blockers.First(b => b.Rule == "rename.collision").Id, blockerIds);
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Equal(rules.Distinct().Count(), rules.Count);
        Assert.All(results, r => Assert.Equal(r.GetProperty("ruleId").GetString(), rules[r.GetProperty("ruleIndex").GetInt32()]));
    }

    [SharedFact("validating SARIF against schemas/sarif-schema-2.1.0.json")]
    public void Sarif_WhenTenThousandFindings_ShouldStayValidAndMapLevels()
    {
        var result = SyntheticAudit.Create(blockers: 4_000, findings: 4_000, checks: 2_000);
        result.Scripts[0].Findings[0].Location = "scripts/with space/x.py:7";

        var sarif = SarifReportWriter.Write(result);

        Assert.Empty(ValidateSarif(sarif));
        using var doc = JsonDocument.Parse(sarif);
        var results = doc.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(4_000 + 4_000, results.Count);
        Assert.Contains(results, r => r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString() == "scripts/with%20space/x.py");
        var levels = results.Where(r => r.TryGetProperty("properties", out _))
            .GroupBy(r => r.GetProperty("properties").GetProperty("priority").GetString())
            .ToDictionary(g => g.Key!, g => g.Select(r => r.GetProperty("level").GetString()).Distinct().Single());
        Assert.Equal(new Dictionary<string, string?> { ["P0"] = "error", ["P1"] = "error", ["P2"] = "warning", ["P3"] = "note" }, levels);
    }

    [Theory]
    [InlineData("scripts/x.py:42", "scripts/x.py", 42)]
    [InlineData("requirements.txt", "requirements.txt", null)]
    [InlineData("Dockerfile:3", "Dockerfile", 3)]
    [InlineData("bqx_ml_v3_features_v2", null, null)]
    [InlineData("GET bigquery.tables.list 200", null, null)]
    [InlineData("/abs/path/x.py:2", null, null)]
    [InlineData("https://example.com/a.py", null, null)]
    public void SarifLocation_WhenEvidenceLocationGiven_ShouldKeepOnlyRootRelativeFiles(string location, string? path, int? line)
    {
        var parsed = SarifReportWriter.Location(location);

        Assert.Equal(path, parsed?.Path);
        Assert.Equal(line, parsed?.Line);
    }

    [SharedFact("validating JUnit XML against schemas/junit.xsd")]
    public void JUnit_WhenExampleAudited_ShouldValidateAndFailWhereBlockersAre()
    {
        var xml = JUnitReportWriter.Write(ExampleResult);

        Assert.Empty(ValidateJUnit(xml));
        var doc = XDocument.Parse(xml);
        var suites = doc.Root!.Elements("testsuite").ToList();
        Assert.Equal(new[] { "bqxaudit.scripts", "bqxaudit.infrastructure", "bqxaudit.dependencies", "bqxaudit.naming", "bqxaudit.phase" }, suites.Select(s => (string?)s.Attribute("name")));
        Assert.All(suites, s =>
        {
            Assert.Equal(s.Elements("testcase").Count(), (int)s.Attribute("tests")!);
            Assert.Equal(s.Elements("testcase").Count(t => t.Element("failure") is not null), (int)s.Attribute("failures")!);
            Assert.Equal(s.Elements("testcase").Count(t => t.Element("skipped") is not null), (int)s.Attribute("skipped")!);
            Assert.Equal("2025-12-13T00:00:00", (string?)s.Attribute("timestamp"));
        });

        // One test case per record; every blocker fails at least one test case, named by Id and title.
        Assert.Equal(ExampleResult.Scripts.Count, suites[0].Elements("testcase").Count(t => ((string)t.Attribute("classname")!).StartsWith("bqxaudit.scripts.", StringComparison.Ordinal)));
        Assert.Equal(ExampleResult.Infrastructure.Count, suites[1].Elements("testcase").Count(t => ((string)t.Attribute("classname")!).StartsWith("bqxaudit.infrastructure.", StringComparison.Ordinal)));
        Assert.Equal(ExampleResult.Naming.Count, suites[3].Elements("testcase").Count());
        var failures = doc.Descendants("failure").Select(f => (string)f.Attribute("message")!).ToList();
        Assert.All(ExampleResult.Blockers, b => Assert.Contains(failures, m => m.Contains($"{b.Id} {b.Title}", StringComparison.Ordinal)));

        // Unmeasured checks are skipped with the reason; the unmeasured area fails as a blocker.
        var skipped = suites[1].Elements("testcase").Where(t => t.Element("skipped") is not null).ToList();
        Assert.Equal(ExampleResult.Infrastructure.Count(c => c.Status == InfraCheckStatus.NotVerified), skipped.Count);
        Assert.All(skipped, t => Assert.StartsWith("not verified: not measured: offline", (string)t.Element("skipped")!.Attribute("message")!));
        var decision = suites[4].Elements("testcase").Last();
        Assert.Equal("M008-4C: decision", (string?)decision.Attribute("name"));
        Assert.StartsWith($"NO-GO ❌: {ExampleResult.Blockers.Count(b => b.Priority == Priority.P0)} P0 blockers", (string)decision.Element("failure")!.Attribute("message")!);
    }

    [SharedFact("validating JUnit XML against schemas/junit.xsd")]
    public void JUnit_WhenTextHasControlCharactersAndRunIsNotReproducible_ShouldStayValid()
    {
        var result = SyntheticAudit.Create(blockers: 50, findings: 20, checks: 30);
        result.Blockers[0].Title = "bad \u0001 char \uD800 and <xml> & \"quotes\"";
        result.Run.Reproducible = false;
        result.Run.Start = new DateTimeOffset(2025, 12, 13, 20, 30, 15, TimeSpan.FromHours(1));

        var xml = JUnitReportWriter.Write(result);

        Assert.Empty(ValidateJUnit(xml));
        var doc = XDocument.Parse(xml);
        Assert.All(doc.Root!.Elements("testsuite"), s => Assert.Equal("2025-12-13T19:30:15", (string?)s.Attribute("timestamp")));
        Assert.Contains(doc.Descendants("failure"), f => ((string)f.Attribute("message")!).Contains("bad \uFFFD char \uFFFD and <xml> & \"quotes\"", StringComparison.Ordinal));
        var infraTime = doc.Root!.Elements("testsuite").Single(s => (string?)s.Attribute("name") == "bqxaudit.infrastructure").Attribute("time")!.Value;
        Assert.NotEqual("0", infraTime);
    }
}
