using System.CommandLine;
using BqxAudit.Readiness;
using BqxAudit.Reporting;

namespace BqxAudit.Cli;

/// <summary>
/// <c>bqx-audit audit [PATH] --out DIR [--report md,json,html,sarif,junit] [--phase ID] [--date YYYY-MM-DD] [--force]</c>:
/// the whole audit, its reports written to DIR (listed on standard output), exit 0 GO / 1 CONDITIONAL GO / 2 NO-GO.
/// </summary>
internal sealed class AuditCommand
{
    private readonly CliApp app;
    private readonly AuditCommandOptions options = new();
    private readonly Option<string> output = new("--out", "-o") { Description = "Folder to write the reports to (created when missing).", Required = true };
    private readonly Option<string[]> report = new("--report")
    {
        Description = "Report formats, comma-separated or repeated: md, json, html, sarif, junit (default: md,json).",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<bool> force = new("--force") { Description = "Replace existing report files (without it, any existing report stops the run before anything is written)." };

    public AuditCommand(CliApp app) => this.app = app;

    public Command Build(CancellationToken cancellation)
    {
        var command = new Command("audit", "Run the whole audit and write the reports (the six deliverables, JSON, SARIF, JUnit); exit 0 GO, 1 CONDITIONAL GO, 2 NO-GO.");
        options.AddTo(command);
        command.Options.Add(output);
        command.Options.Add(report);
        command.Options.Add(force);
        report.Validators.Add(r =>
        {
            foreach (var token in r.Tokens)
            {
                foreach (var value in Split(token.Value))
                {
                    if (Format(value) is null)
                    {
                        r.AddError($"unknown report format '{value}' (use md, json, html, sarif, junit)");
                    }
                }
            }
        });

        command.SetAction(parse => app.Guard(() =>
        {
            var host = new CliHost(app.Error, parse.GetValue(options.Common.Verbose), cancellation);
            var formats = (parse.GetValue(report) ?? Array.Empty<string>()).SelectMany(Split).Select(v => Format(v)!.Value).ToList();
            var audit = options.Build(parse, app);
            // The output folder is checked before the audit, not after the cloud checks.
            ReportExporter.Preflight(parse.GetValue(output), ReportExporter.PlannedNames(audit.Profile, audit.Phase, audit.Date ?? DateOnly.FromDateTime(DateTime.UtcNow), formats),
                parse.GetValue(force), host);
            var result = new AuditService(host).Run(audit);
            var files = ReportExporter.Export(result, new ExportOptions
            {
                OutputPath = parse.GetValue(output)!,
                Formats = formats,
                Force = parse.GetValue(force),
            }, host);

            if (parse.GetValue(options.Common.Format) == OutputFormat.Json)
            {
                Serialization.JsonOutput.Write(app.Output, new AuditSummaryOutput(result.Readiness.Phase, result.Readiness.Decision, files.Select(f => f.FullName).ToList()));
            }
            else
            {
                foreach (var f in files)
                {
                    app.Output.WriteLine(f.FullName);
                }

                var r = result.Readiness;
                app.Error.WriteLine($"{r.PhaseName}: {Words.Decision(r.Decision)} — {r.DecisionReason}");
            }

            return AuditCommandOptions.ExitCode(result.Readiness.Decision);
        }));
        return command;
    }

    private static IEnumerable<string> Split(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    internal static ReportFormat? Format(string value) => value.ToLowerInvariant() switch
    {
        "md" or "markdown" => ReportFormat.Markdown,
        "json" => ReportFormat.Json,
        "html" => ReportFormat.Html,
        "sarif" => ReportFormat.Sarif,
        "junit" or "xml" => ReportFormat.JUnit,
        _ => null,
    };

    /// <summary>What <c>--format json</c> prints: the decision and the files written.</summary>
    private sealed record AuditSummaryOutput(string Phase, Model.Decision Decision, IReadOnlyList<string> Files);
}
