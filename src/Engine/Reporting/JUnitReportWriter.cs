using System.Globalization;
using System.Text;
using System.Xml;
using BqxAudit.Model;

namespace BqxAudit.Reporting;

/// <summary>
/// The audit as JUnit XML (the Apache Ant schema CI servers read): one <c>testsuite</c> per area (scripts,
/// infrastructure, dependencies, naming, phase), one <c>testcase</c> per record, failed where a blocker exists for
/// it (message: the blocker's Id and title) and skipped where it was not verified (with the reason). A blocker
/// that belongs to no record (an unmeasured area, the cost) gets a test case of its own, so every blocker fails
/// something; the phase suite ends with the decision, which fails unless GO. With <c>--date</c>, timestamps are
/// the report date at midnight and times are zero: reruns give the same bytes.
/// </summary>
public static class JUnitReportWriter
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Write(AuditResult result)
    {
        using var stream = new MemoryStream();
        Write(stream, result);
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    public static void Write(Stream stream, AuditResult result)
    {
        var c = ReportContext.For(result);
        var suites = Suites(c);
        var settings = new XmlWriterSettings
        {
            Encoding = SafeFileWriter.Utf8,
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
            NewLineHandling = NewLineHandling.Entitize,
        };
        var timestamp = result.Run.Reproducible || result.Run.Start is null
            ? result.Run.ReportDate + "T00:00:00"
            : result.Run.Start.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", Inv);
        using (var w = XmlWriter.Create(stream, settings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("testsuites");
            for (var i = 0; i < suites.Count; i++)
            {
                var (name, cases) = suites[i];
                w.WriteStartElement("testsuite");
                w.WriteAttributeString("name", $"bqxaudit.{name}");
                w.WriteAttributeString("package", "bqxaudit");
                w.WriteAttributeString("id", i.ToString(Inv));
                w.WriteAttributeString("timestamp", timestamp);
                w.WriteAttributeString("hostname", "localhost");
                w.WriteAttributeString("tests", cases.Count.ToString(Inv));
                w.WriteAttributeString("failures", cases.Count(t => t.Failure is not null).ToString(Inv));
                w.WriteAttributeString("errors", "0");
                w.WriteAttributeString("skipped", cases.Count(t => t.Failure is null && t.Skipped is not null).ToString(Inv));
                w.WriteAttributeString("time", Seconds(cases.Sum(t => t.Seconds)));

                w.WriteStartElement("properties");
                Property(w, "tool", $"BqxAudit {result.Run.ToolVersion}");
                Property(w, "profile", result.Run.ProfileName);
                Property(w, "root", result.Run.Root);
                Property(w, "phase", result.Readiness.Phase);
                Property(w, "decision", result.Readiness.Decision.ToString());
                Property(w, "reportDate", result.Run.ReportDate);
                Property(w, "offline", result.Run.Offline ? "true" : "false");
                w.WriteEndElement();

                foreach (var t in cases)
                {
                    w.WriteStartElement("testcase");
                    w.WriteAttributeString("name", Clean(t.Name));
                    w.WriteAttributeString("classname", Clean(t.ClassName));
                    w.WriteAttributeString("time", Seconds(t.Seconds));
                    if (t.Failure is { } f)
                    {
                        w.WriteStartElement("failure");
                        w.WriteAttributeString("message", Clean(f.Message));
                        w.WriteAttributeString("type", Clean(f.Type));
                        w.WriteString(Clean(f.Body));
                        w.WriteEndElement();
                    }
                    else if (t.Skipped is { } reason)
                    {
                        w.WriteStartElement("skipped");
                        w.WriteAttributeString("message", Clean(reason));
                        w.WriteEndElement();
                    }

                    w.WriteEndElement();
                }

                w.WriteElementString("system-out", "");
                w.WriteElementString("system-err", "");
                w.WriteEndElement();
            }

            w.WriteEndElement();
            w.WriteEndDocument();
        }

        stream.WriteByte((byte)'\n');
    }

    private sealed record Failure(string Message, string Type, string Body);

    private sealed record TestCase(string Name, string ClassName, double Seconds = 0, Failure? Failure = null, string? Skipped = null);

    private static List<(string Name, List<TestCase> Cases)> Suites(ReportContext c)
    {
        var failed = new HashSet<Blocker>();
        Failure? Fail(IReadOnlyList<Blocker> blockers)
        {
            if (blockers.Count == 0)
            {
                return null;
            }

            var sorted = blockers.OrderBy(b => b.Priority).ToList();
            failed.UnionWith(sorted);
            return new Failure(
                string.Join("; ", sorted.Select(b => $"{b.Id} {b.Title}")),
                $"{sorted[0].Priority} {sorted[0].Rule}",
                string.Join("\n", sorted.Select(b => $"{b.Id} {b.Priority} {b.Title}: {b.Impact} — recommended action: {b.RecommendedAction}")));
        }

        var reproducible = c.Run.Reproducible;
        var scripts = c.Scripts.Select(s => new TestCase(
            s.Status == ScriptStatus.Missing ? $"{s.Name} ({s.Path})" : s.Path,
            $"bqxaudit.scripts.{s.Kind.ToString().ToLowerInvariant()}",
            Failure: Fail(c.BlockersOf(s)))).ToList();

        var infrastructure = c.Infrastructure.Select(x =>
        {
            var name = $"{x.Kind} {x.Target}: {x.Check}";
            var cls = $"bqxaudit.infrastructure.{x.Kind.ToString().ToLowerInvariant()}";
            var seconds = reproducible ? 0 : x.DurationMs / 1000.0;
            if (x.Status is InfraCheckStatus.NotVerified)
            {
                var area = c.BlockersOf(x).Select(b => b.Id).ToList();
                return new TestCase(name, cls, seconds, Skipped: $"not verified: {x.Actual}{(area.Count == 0 ? "" : $" (the unmeasured area is blocker {string.Join(", ", area)})")}");
            }

            return new TestCase(name, cls, seconds, Failure: Fail(c.BlockersOf(x)));
        }).ToList();

        var dependencies = c.Dependencies.Select(d =>
        {
            var name = $"{d.Type} {d.Name}";
            var cls = $"bqxaudit.dependencies.{d.Type.ToString().ToLowerInvariant()}";
            var failure = Fail(c.BlockersOf(d));
            return failure is null && d.Status == DependencyStatus.NotVerified
                ? new TestCase(name, cls, Skipped: $"not verified: {d.Evidence.LastOrDefault()?.Detail ?? "not measured"}")
                : new TestCase(name, cls, Failure: failure);
        }).ToList();

        var naming = c.Result.Naming
            .OrderBy(n => n.Dataset, StringComparer.Ordinal).ThenBy(n => n.TableName, StringComparer.Ordinal)
            .Select(n =>
            {
                var qualified = n.Dataset is null ? n.TableName : $"{n.Dataset}.{n.TableName}";
                return new TestCase(qualified, $"bqxaudit.naming.{n.Family ?? "none"}",
                    Failure: Fail(c.OtherBlockers(qualified).Where(b => b.Source.Type == nameof(RenamePlanItem)).ToList()));
            }).ToList();

        var r = c.Readiness;
        var phase = r.Tasks.Select(t => new TestCase($"{r.Phase}: {t.Name}", $"bqxaudit.phase.{r.Phase}", Failure: Fail(c.BlockersOf(t)))).ToList();

        // Every blocker fails a test case: those that belong to no record get one each, in their area's suite.
        var areas = new Dictionary<string, List<TestCase>>
        {
            [nameof(ScriptRecord)] = scripts,
            [nameof(InfraCheck)] = infrastructure,
            [nameof(DependencyRecord)] = dependencies,
            [nameof(RenamePlanItem)] = naming,
        };
        foreach (var b in c.Blockers.Where(b => !failed.Contains(b)).ToList())
        {
            var suite = areas.TryGetValue(b.Source.Type, out var s) ? s : phase;
            suite.Add(new TestCase(b.Title, $"bqxaudit.blockers.{b.Category.ToLowerInvariant()}", Failure: Fail(new[] { b })));
        }

        phase.Add(new TestCase($"{r.Phase}: decision", $"bqxaudit.phase.{r.Phase}",
            Failure: r.Decision == Decision.Go ? null : new Failure($"{ReportText.Decision(r.Decision)}: {r.DecisionReason}", r.Decision.ToString(), string.Join("\n", ReadinessQuestions.Ordered(r.Answers).Select(kv => $"{kv.Key} {kv.Value}")))));

        return new List<(string, List<TestCase>)>
        {
            ("scripts", scripts),
            ("infrastructure", infrastructure),
            ("dependencies", dependencies),
            ("naming", naming),
            ("phase", phase),
        };
    }

    private static void Property(XmlWriter w, string name, string value)
    {
        w.WriteStartElement("property");
        w.WriteAttributeString("name", name);
        w.WriteAttributeString("value", Clean(value));
        w.WriteEndElement();
    }

    private static string Seconds(double seconds) => seconds.ToString("0.###", Inv);

    /// <summary>Text XML 1.0 can carry: characters it forbids (control characters, lone surrogates) become U+FFFD.</summary>
    private static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        StringBuilder? sb = null;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            var ok = XmlConvert.IsXmlChar(ch) || (char.IsHighSurrogate(ch) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]));
            if (char.IsLowSurrogate(ch) && i > 0 && char.IsHighSurrogate(text[i - 1]))
            {
                ok = true;
            }

            if (ok)
            {
                sb?.Append(ch);
                continue;
            }

            sb ??= new StringBuilder(text.Length).Append(text, 0, i);
            sb.Append('\uFFFD');
        }

        return sb?.ToString() ?? text;
    }
}
