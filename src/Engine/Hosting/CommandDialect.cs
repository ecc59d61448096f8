using System.Text.RegularExpressions;

namespace BqxAudit.Hosting;

/// <summary>BqxAudit's own commands, as a remedy text names them (spelled by a <see cref="CommandDialect"/>).</summary>
public enum BqxCommand
{
    Audit,
    Scripts,
    Naming,
    RenamePlan,
    Infra,
    Deps,
    Blockers,
    Readiness,
    Export,
}

/// <summary>BqxAudit's own options, as a remedy text names them (spelled by a <see cref="CommandDialect"/>).</summary>
public enum BqxOption
{
    Offline,
    CredentialPath,
    ProjectId,
    Profile,
    PythonPath,
    SitePackages,
    ProbeWrite,
    Force,
    Phase,
    OutputPath,
    Format,
    TableFile,
    Date,
    StartDate,
    Quiet,
    Check,
}

/// <summary>
/// How the caller spells BqxAudit's own commands and options: <c>Invoke-BqxAudit -Offline</c> in PowerShell,
/// <c>bqx-audit audit --offline</c> in the CLI. The host says which (<see cref="IAuditHost.Dialect"/>), and the
/// engine writes every remedy, warning or error that tells the user to run one of our commands through it.
/// </summary>
/// <remarks>
/// How to write such a text (anyone adding a remedy, read this):
/// <list type="bullet">
/// <item>In code that has the host, spell the option or command through it:
/// <c>$"pass {host.Dialect.Option(BqxOption.PythonPath)}"</c> → <c>pass -PythonPath</c> / <c>pass --python</c>.</item>
/// <item>In a static text (a rule table, a constant, a profile's blockerRules), write a token —
/// <c>{option:Offline}</c> or <c>{command:Audit}</c> — and make sure the text passes through
/// <see cref="Format"/> before it reaches the user: BlockerService does it for blocker texts,
/// InfrastructureService for every row's Remedy, and both hosts for every diagnostic message.</item>
/// <item>Never write both spellings ("-Offline (--offline)"), and never hard-code one.</item>
/// </list>
/// Other tools' commands (<c>gcloud services enable …</c>) are the same in both dialects and are written as they are.
/// </remarks>
public abstract partial class CommandDialect
{
    /// <summary>The CLI: <c>bqx-audit audit --offline</c>. The default for hosts that do not say.</summary>
    public static CommandDialect Cli { get; } = new CliDialect();

    /// <summary>PowerShell: <c>Invoke-BqxAudit -Offline</c>.</summary>
    public static CommandDialect PowerShell { get; } = new PowerShellDialect();

    public abstract string Name { get; }

    /// <summary>How the command is run, e.g. <c>bqx-audit audit</c> or <c>Invoke-BqxAudit</c>.</summary>
    public abstract string Command(BqxCommand command);

    /// <summary>How the option is written, e.g. <c>--credentials</c> or <c>-CredentialPath</c>.</summary>
    public abstract string Option(BqxOption option);

    /// <summary>Replaces every <c>{option:Name}</c> and <c>{command:Name}</c> token of a text; other text is left as it is.</summary>
    public string Format(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Contains('{', StringComparison.Ordinal))
        {
            return text ?? "";
        }

        return Token().Replace(text, m =>
        {
            var name = m.Groups["name"].Value;
            return m.Groups["kind"].Value == "option"
                ? Enum.TryParse<BqxOption>(name, out var option) ? Option(option) : m.Value
                : Enum.TryParse<BqxCommand>(name, out var command) ? Command(command) : m.Value;
        });
    }

    public override string ToString() => Name;

    [GeneratedRegex(@"\{(?<kind>option|command):(?<name>[A-Za-z]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Token();

    private sealed class CliDialect : CommandDialect
    {
        public override string Name => "cli";

        public override string Command(BqxCommand command) => command switch
        {
            BqxCommand.RenamePlan => "bqx-audit rename-plan",
            BqxCommand.Export => "bqx-audit audit --out",
            _ => "bqx-audit " + command.ToString().ToLowerInvariant(),
        };

        public override string Option(BqxOption option) => option switch
        {
            BqxOption.CredentialPath => "--credentials",
            BqxOption.ProjectId => "--project",
            BqxOption.PythonPath => "--python",
            BqxOption.SitePackages => "--site-packages",
            BqxOption.ProbeWrite => "--probe-write",
            BqxOption.OutputPath => "--out",
            BqxOption.Format => "--report",
            BqxOption.TableFile => "--tables",
            BqxOption.StartDate => "--start",
            _ => "--" + option.ToString().ToLowerInvariant(),
        };
    }

    private sealed class PowerShellDialect : CommandDialect
    {
        public override string Name => "powershell";

        public override string Command(BqxCommand command) => command switch
        {
            BqxCommand.Audit => "Invoke-BqxAudit",
            BqxCommand.Scripts => "Get-BqxScriptInventory",
            BqxCommand.Naming => "Test-BqxNamingCompliance",
            BqxCommand.RenamePlan => "Get-BqxRenamePlan",
            BqxCommand.Infra => "Test-BqxInfrastructure",
            BqxCommand.Deps => "Get-BqxDependency",
            BqxCommand.Blockers => "Get-BqxBlocker",
            BqxCommand.Readiness => "Test-BqxPhaseReadiness",
            BqxCommand.Export => "Export-BqxAuditReport",
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, null),
        };

        public override string Option(BqxOption option) => "-" + option;
    }
}
