using System.Text.RegularExpressions;
using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Model;
using BqxAudit.Readiness;
using BqxAudit.Reporting;
using BqxAudit.Tests.Support;
using static BqxAudit.Tests.Reporting.ReportTestKit;

namespace BqxAudit.Tests.Reporting;

/// <summary>
/// The six Markdown reports as a set: short enough to read (they grow with the records, not with their products), yet
/// every blocker, script and dependency named at least once, every capped list pointing at the JSON, no table row
/// twice in one report, and no path of the audit machine for a file under the audited root.
/// </summary>
public sealed class ReportCompletenessTests
{
    public static TheoryData<string> Shapes => new() { "example", "real-shape", "large" };

    private static AuditResult Shape(string name) => name switch
    {
        "example" => ExampleResult,
        "real-shape" => RealShape(),
        _ => RealShape(scripts: 1_200, blockers: 400, dependencies: 600),
    };

    /// <summary>
    /// A result in the shape of a real pipeline repository audited offline (measured on one: 296 files, 88% Ready, 135
    /// findings of which two thirds Info, 124 dependencies mostly not verified, 66 blockers of which 9 the phase's, 25
    /// checks), built from <see cref="SyntheticAudit"/>: nothing of that repository, only its proportions.
    /// </summary>
    internal static AuditResult RealShape(int scripts = 300, int blockers = 60, int dependencies = 120)
    {
        var result = SyntheticAudit.Create(blockers: blockers, findings: scripts * 4, checks: 25, names: 0);
        result.Run.Offline = true;
        for (var i = 0; i < result.Scripts.Count; i++)
        {
            var s = result.Scripts[i];
            s.Status = i % 10 == 1 ? ScriptStatus.Partial : i % 97 == 5 ? ScriptStatus.Blocked : ScriptStatus.Ready;
            // About one finding in two scripts: Info on Ready files, warnings and errors on the others.
            var keep = s.Status == ScriptStatus.Ready
                ? s.Findings.Where(f => f.Severity == FindingSeverity.Info).Take(i % 3 == 0 ? 1 : 0).ToList()
                : s.Findings.Take(3).ToList();
            s.Findings.Clear();
            s.Findings.AddRange(keep);
        }

        var inv = System.Globalization.CultureInfo.InvariantCulture;
        for (var i = result.Dependencies.Count; i < dependencies; i++)
        {
            var user = result.Scripts[(i * 7) % result.Scripts.Count];
            result.Dependencies.Add(new DependencyRecord
            {
                Name = $"distribution-{i:D4}",
                Type = i % 6 == 0 ? DependencyType.Data : i % 9 == 0 ? DependencyType.Api : DependencyType.PythonPackage,
                VersionRequired = i % 2 == 0 ? ">=2.0" : null,
                DeclaredIn = { "requirements.txt:" + (i + 1).ToString(inv) },
                Location = user.Path + ":4",
                Purpose = "imported by " + user.Name,
                UsedBy = { user.Path },
                Status = i % 10 == 3 ? DependencyStatus.Undeclared : i % 10 == 7 ? DependencyStatus.Unused : i % 5 == 0 ? DependencyStatus.Ready : DependencyStatus.NotVerified,
                Evidence = { new Evidence("file", user.Path + ":4", "import"), new Evidence("file", "requirements.txt:" + (i + 1).ToString(inv), "declared") },
            });
        }

        // What makes real reports long: a finding seen in many files (an undeclared import in 25 scripts, one unmeasured
        // cause over every area) has an evidence line per place, and a dependency is used by and declared in many files.
        for (var i = 0; i < result.Blockers.Count; i++)
        {
            if (i % 4 == 0)
            {
                result.Blockers[i].Evidence.AddRange(Enumerable.Range(0, 25).Select(k =>
                    new Evidence("file", $"{result.Scripts[(i + (k * 11)) % result.Scripts.Count].Path}:{1 + ((i + k) % 90)}", $"import of the same module, place {k}")));
            }
        }

        for (var i = 0; i < result.Dependencies.Count; i += 5)
        {
            var d = result.Dependencies[i];
            d.UsedBy.AddRange(Enumerable.Range(1, 20).Select(k => result.Scripts[(i + (k * 13)) % result.Scripts.Count].Path).Except(d.UsedBy));
            d.DeclaredIn.AddRange(Enumerable.Range(1, 8).Select(k => $"containers/image-{k}/requirements.txt:{k}"));
            d.Evidence.AddRange(d.UsedBy.Select(u => new Evidence("file", u + ":3", "import")));
        }

        result.Readiness.Blockers = result.Blockers.Where(b => b.AffectedPhase is not null).OrderBy(b => b.Priority).Take(blockers * 3 / 20).ToList();
        return result;
    }

    private static string All(AuditResult result) => string.Join("\n", MarkdownReportWriter.BuildAll(result).Select(d => d.Markdown));

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MarkdownReports_WhenWritten_ShouldNameEveryBlockerScriptAndDependencyAtLeastOnce(string shape)
    {
        var result = Shape(shape);

        var all = All(result);

        Assert.NotEmpty(result.Blockers);
        Assert.All(result.Blockers, b => Assert.Contains(MarkdownBuilder.Code(b.Id), all, StringComparison.Ordinal));
        Assert.All(result.Scripts, s => Assert.Contains(MarkdownBuilder.Code(s.Path), all, StringComparison.Ordinal));
        Assert.All(result.Dependencies, d => Assert.Contains(MarkdownBuilder.Code(d.Name), all, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MarkdownReports_WhenAListIsCapped_ShouldCountTheRestAndSayWhereInTheJsonTheyAre(string shape)
    {
        var result = Shape(shape);
        var json = $"in `{ReportNames.JsonFileName(result)}` (`";

        foreach (var document in MarkdownReportWriter.BuildAll(result).Where(d => d.Deliverable != Deliverable.Summary))
        {
            // The readiness answers are the engine's sentences, in the JSON as they are; every list a report caps says where the rest is.
            var lines = WithoutSection(document.Markdown, "## Critical questions").Split('\n');
            var capped = lines.Where(l => Regex.IsMatch(l, @"\band [0-9,]+ more\b")).ToList();
            Assert.All(capped, l => Assert.Contains(json, l, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void MarkdownReports_WhenTheLargeShapeIsWritten_ShouldCapSomeListAndPointAtTheJson()
    {
        // The pointer test above cannot pass vacuously: at this size lists are capped.
        var all = All(Shape("large"));

        Assert.Matches(@"and [0-9,]+ more in `AUDIT_RESULT_20251213\.json` \(`[A-Za-z.\[\]]+`\)", all);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MarkdownReports_WhenWritten_ShouldRepeatNoTableRowInOneReport(string shape)
    {
        foreach (var document in MarkdownReportWriter.BuildAll(Shape(shape)))
        {
            // Body rows: a header row (the line before a |---| separator) may repeat, one table per group.
            var lines = document.Markdown.Split('\n');
            var rows = lines.Where((l, i) => l.StartsWith("| ", StringComparison.Ordinal) && !(i + 1 < lines.Length && lines[i + 1].StartsWith("|-", StringComparison.Ordinal))).ToList();
            var twice = rows.GroupBy(r => r, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(twice.Count == 0, $"{document.Deliverable}: {string.Join(" / ", twice.Take(3))}");
        }
    }

    [Fact]
    public void MarkdownReports_WhenTheRepositoryHasTheRealShape_ShouldStayWithinTheirSizeBound()
    {
        var result = RealShape();

        var sizes = MarkdownReportWriter.BuildAll(result).ToDictionary(d => d.Deliverable, d => System.Text.Encoding.UTF8.GetByteCount(d.Markdown));

        // The issue's bound for the real repository (≤ 150 KB together) holds for its shape with room to spare (about
        // 129 KB here; before the lists were capped, 166 KB, the blocker evidence alone 52 KB), and no report takes most
        // of it. Generous bounds: they catch a report that grows with a product of its records again.
        var total = sizes.Values.Sum();
        var detail = string.Join(", ", sizes.Select(kv => $"{kv.Key} {kv.Value:N0}"));
        Assert.True(total <= 150_000, $"{total:N0} bytes: {detail}");
        Assert.All(sizes, kv => Assert.True(kv.Value <= 60_000, $"{kv.Key}: {kv.Value:N0} bytes ({detail})"));
        Assert.True(sizes[Deliverable.Summary] <= SummaryReport.MaxChars * 2, detail);
    }

    [Fact]
    public void MarkdownReports_WhenTheRepositoryIsFourTimesLarger_ShouldGrowAboutLinearly()
    {
        var small = All(RealShape()).Length;
        var large = All(RealShape(scripts: 1_200, blockers: 240, dependencies: 480)).Length;

        // Four times the records: at most about four times the text (a cap that fails would make it grow faster).
        Assert.True(large <= small * 4.5, $"{small:N0} → {large:N0} characters");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Reports_WhenAuditedUnderAnAbsoluteRoot_ShouldNameNoPathOfTheAuditMachine(bool withProfile)
    {
        using var copy = new TempDir();
        BqxAudit.Tests.Readiness.ExampleVerdictTests.CopyExample(copy.Path);
        File.Delete(Path.Combine(copy.Path, "tables.txt")); // the "looked for" message names where it was looked for
        if (!withProfile)
        {
            File.Delete(Path.Combine(copy.Path, "bqxaudit.yaml"));
        }

        var root = Path.GetFullPath(copy.Path);
        var result = new AuditService(NullHost.Instance).Run(new AuditOptions
        {
            Root = root,
            Profile = withProfile
                ? ProfileLoader.LoadFile(Path.Combine(root, "bqxaudit.yaml"))
                : ProfileLoader.Load(new ProfileRequest { Root = root, Environment = _ => null }),
            Offline = true,
            Date = Date,
        });

        Assert.Equal(root, result.Run.Root); // the JSON keeps where it ran
        Assert.Contains(result.Run.NotMeasured, n => n.Contains("tables.txt is absent (looked for it under the audited root)", StringComparison.Ordinal));
        foreach (var document in MarkdownReportWriter.BuildAll(result))
        {
            Assert.DoesNotContain(root, document.Markdown, StringComparison.Ordinal);
            Assert.DoesNotContain(copy.Path, HtmlReportWriter.Render(document), StringComparison.Ordinal);
        }

        var inventory = MarkdownReportWriter.Write(result, Deliverable.ScriptInventory);
        Assert.Contains($"**Audited root**: `{Path.GetFileName(root)}` (every path in this report is relative to it)", inventory);
        if (withProfile)
        {
            Assert.Contains("**Profile**: bqx-ml-v3 (`bqxaudit.yaml`)", inventory);
        }
    }

    [Fact]
    public void Reports_WhenTheProfileLivesOutsideTheRoot_ShouldNameWhereItsListingWasLookedForInFull()
    {
        using var copy = new TempDir();
        using var profiles = new TempDir();
        BqxAudit.Tests.Readiness.ExampleVerdictTests.CopyExample(copy.Path);
        File.Move(Path.Combine(copy.Path, "bqxaudit.yaml"), Path.Combine(profiles.Path, "bqxaudit.yaml"));
        var profile = Path.GetFullPath(Path.Combine(profiles.Path, "bqxaudit.yaml"));

        var result = new AuditService(NullHost.Instance).Run(new AuditOptions
        {
            Root = Path.GetFullPath(copy.Path),
            Profile = ProfileLoader.LoadFile(profile),
            Offline = true,
            Date = Date,
        });

        // Outside the root the machine's path is the only name the file has: it stays, in the JSON and the reports.
        var looked = $"tables.txt is absent (looked for {Path.Combine(Path.GetFullPath(profiles.Path), "tables.txt")})";
        Assert.Contains(result.Run.NotMeasured, n => n.Contains(looked, StringComparison.Ordinal));
        var inventory = MarkdownReportWriter.Write(result, Deliverable.ScriptInventory);
        Assert.Contains(MarkdownBuilder.Text(looked), inventory, StringComparison.Ordinal);
        Assert.Contains($"**Profile**: bqx-ml-v3 (`{profile}`)", inventory, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetFullPath(copy.Path), inventory, StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_WhenAnEngineMessageNamesAFileByItsFullPath_ShouldNameItRelativeToTheRoot()
    {
        var result = RealShape();
        result.Run.Root = "/srv/audits/checkout_7";
        var script = result.Scripts.First(s => s.Status == ScriptStatus.Partial);
        script.Findings.Add(new Finding("file.unreadable", FindingSeverity.Error, $"cannot read /srv/audits/checkout_7/{script.Path}: Access to the path '/srv/audits/checkout_7/{script.Path}' is denied.", script.Path));
        result.Run.NotMeasured.Add("Inventory: 1 file not read (/srv/audits/checkout_7/data/big.bin: too large)");

        var all = All(result);

        Assert.DoesNotContain("/srv/audits/checkout_7", all, StringComparison.Ordinal);
        Assert.Contains($"cannot read {script.Path}: Access to the path '{script.Path}' is denied.", all, StringComparison.Ordinal);
        Assert.Contains("Inventory: 1 file not read (data/big.bin: too large)", all, StringComparison.Ordinal);
        Assert.Contains("**Audited root**: `checkout_7`", all, StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_WhenTheRootIsTheFileSystemRoot_ShouldLeaveAbsolutePathsAlone()
    {
        var result = RealShape();
        result.Run.Root = "/";
        result.Run.NotMeasured.Add("Inventory: 1 file not read (/data/big.bin: too large)");

        // Stripping "/" would rewrite every path; nothing is under a narrower root, so nothing is rewritten.
        Assert.Contains("(/data/big.bin: too large)", All(result), StringComparison.Ordinal);
    }

    /// <summary>The Markdown without one <c>## </c> section (its heading up to the next one).</summary>
    private static string WithoutSection(string markdown, string heading)
    {
        var start = markdown.IndexOf(heading + "\n", StringComparison.Ordinal);
        if (start < 0)
        {
            return markdown;
        }

        var end = markdown.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
        return markdown[..start] + (end < 0 ? "" : markdown[(end + 1)..]);
    }
}
