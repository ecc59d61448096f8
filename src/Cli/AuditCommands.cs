using System.CommandLine;
using System.Globalization;
using BqxAudit.Model;
using BqxAudit.Readiness;
using BqxAudit.Serialization;

namespace BqxAudit.Cli;

/// <summary>Options the audit-based commands share (blockers, readiness, audit).</summary>
internal sealed class AuditCommandOptions
{
    public CommonOptions Common { get; } = new();
    public Option<string?> Phase { get; } = new("--phase") { Description = "Phase id (default: the profile's first phase)." };
    public Option<string?> Start { get; } = new("--start") { Description = "Planned start, YYYY-MM-DD or ISO 8601 (default: the next working morning)." };
    public Option<string?> Date { get; } = new("--date") { Description = "Report date YYYY-MM-DD; fixes every date so reruns are byte-identical." };
    public Option<string?> Python { get; } = new("--python") { Description = "Interpreter to list installed distributions with." };
    public Option<string?> SitePackages { get; } = new("--site-packages") { Description = "site-packages folder to read installed distributions from." };

    public void AddTo(Command command)
    {
        Common.AddTo(command);
        foreach (var o in new Option[] { Phase, Start, Date, Python, SitePackages })
        {
            command.Options.Add(o);
        }
    }

    public AuditOptions Build(ParseResult parse, CliApp app) => new()
    {
        Environment = app.Environment,
        Tools = app.Tools,
        Root = parse.GetValue(Common.Path) ?? ".",
        Profile = Common.LoadProfile(parse),
        Phase = parse.GetValue(Phase),
        StartDate = ParseStart(parse.GetValue(Start)),
        Date = ParseDate(parse.GetValue(Date)),
        Offline = parse.GetValue(Common.Offline),
        CredentialPath = parse.GetValue(Common.Credentials),
        Http = Common.Http(parse),
        PythonPath = parse.GetValue(Python),
        SitePackages = parse.GetValue(SitePackages),
    };

    internal static DateOnly? ParseDate(string? value)
    {
        if (value is null)
        {
            return null;
        }

        return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new BqxAudit.Hosting.BqxException(new BqxAudit.Hosting.BqxError(BqxAudit.Hosting.ErrorIds.InputInvalid,
                BqxAudit.Hosting.BqxErrorCategory.InvalidArgument, $"--date must be YYYY-MM-DD, not '{value}'", value));
    }

    internal static DateTimeOffset? ParseStart(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return new DateTimeOffset(d.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : throw new BqxAudit.Hosting.BqxException(new BqxAudit.Hosting.BqxError(BqxAudit.Hosting.ErrorIds.InputInvalid,
                BqxAudit.Hosting.BqxErrorCategory.InvalidArgument, $"--start must be YYYY-MM-DD or ISO 8601, not '{value}'", value));
    }

    /// <summary>0 Go, 1 ConditionalGo, 2 NoGo.</summary>
    public static int ExitCode(Decision decision) => decision switch
    {
        Decision.Go => ExitCodes.Success,
        Decision.ConditionalGo => ExitCodes.ConditionalGo,
        _ => ExitCodes.NoGo,
    };
}

/// <summary><c>bqx-audit blockers [PATH]</c>: every blocker, prioritised.</summary>
internal sealed class BlockersCommand
{
    private readonly CliApp app;
    private readonly AuditCommandOptions options = new();

    public BlockersCommand(CliApp app) => this.app = app;

    public Command Build(CancellationToken cancellation)
    {
        var command = new Command("blockers", "List every blocker the audit finds, P0 first, with impact, delay and the recommended action.");
        options.AddTo(command);
        command.SetAction(parse => app.Guard(() =>
        {
            var host = new CliHost(app.Error, parse.GetValue(options.Common.Verbose), cancellation);
            var result = new AuditService(host).Run(options.Build(parse, app));
            if (parse.GetValue(options.Common.Format) == OutputFormat.Json)
            {
                JsonOutput.WriteArray(app.Output, result.Blockers);
                return ExitCodes.Success;
            }

            TableWriter.Write(app.Output, result.Blockers,
                ("Id", b => b.Id),
                ("Priority", b => b.Priority.ToString()),
                ("Category", b => b.Category),
                ("Delay", b => b.EstimatedDelay?.ToString()),
                ("Title", b => b.Title));
            app.Output.WriteLine();
            app.Output.WriteLine($"{result.Blockers.Count} blockers: " + string.Join(", ", result.Blockers.GroupBy(b => b.Priority).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}")));
            return ExitCodes.Success;
        }));
        return command;
    }
}

/// <summary><c>bqx-audit readiness [PATH] [--phase ID] [--start DATE]</c>: GO / CONDITIONAL GO / NO-GO, exit 0/1/2.</summary>
internal sealed class ReadinessCommand
{
    private readonly CliApp app;
    private readonly AuditCommandOptions options = new();

    public ReadinessCommand(CliApp app) => this.app = app;

    public Command Build(CancellationToken cancellation)
    {
        var command = new Command("readiness", "Decide GO / CONDITIONAL GO / NO-GO for a phase (exit 0 / 1 / 2), with tasks, critical path and the six answers.");
        options.AddTo(command);
        command.SetAction(parse => app.Guard(() =>
        {
            var host = new CliHost(app.Error, parse.GetValue(options.Common.Verbose), cancellation);
            var r = new AuditService(host).Run(options.Build(parse, app)).Readiness;
            if (parse.GetValue(options.Common.Format) == OutputFormat.Json)
            {
                JsonOutput.Write(app.Output, r);
                return AuditCommandOptions.ExitCode(r.Decision);
            }

            var o = app.Output;
            o.WriteLine($"{r.PhaseName}: {Words.Decision(r.Decision)} (risk {r.RiskLevel.ToString().ToUpperInvariant()})");
            o.WriteLine(r.DecisionReason);
            o.WriteLine();
            TableWriter.Write(o, r.Tasks,
                ("Task", t => t.Name),
                ("Script", t => t.ScriptStatus.ToString()),
                ("Create", t => t.CreationHours?.ToString()),
                ("Delay", t => t.DelayHours.Max > 0 ? t.DelayHours.ToString() : ""),
                ("Claimed", t => t.ClaimedScope),
                ("Measured", t => t.MeasuredScope?.ToString("N0", CultureInfo.InvariantCulture)));
            o.WriteLine();
            o.WriteLine($"Critical path {r.CriticalPathHours}; planned start {r.StartDate:yyyy-MM-dd HH:mm}, earliest start {r.EarliestStart:yyyy-MM-dd HH:mm zzz}; cost {r.Cost?.ToString() ?? "n/a"} vs budget {r.Budget?.ToString() ?? "none"}");
            o.WriteLine();
            foreach (var (question, answer) in ReadinessQuestions.Ordered(r.Answers))
            {
                o.WriteLine(question);
                o.WriteLine("   " + answer);
            }

            return AuditCommandOptions.ExitCode(r.Decision);
        }));
        return command;
    }
}

/// <summary>How decisions read for people.</summary>
internal static class Words
{
    public static string Decision(Decision d) => d switch
    {
        Model.Decision.Go => "GO",
        Model.Decision.ConditionalGo => "CONDITIONAL GO",
        _ => "NO-GO",
    };
}
