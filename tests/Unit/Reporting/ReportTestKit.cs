using System.Globalization;
using System.Text.RegularExpressions;
using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Model;
using BqxAudit.Readiness;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Reporting;

/// <summary>The example audited once (offline, dated 2025-12-13) for every report test, and helpers to read reports back.</summary>
internal static class ReportTestKit
{
    public static readonly DateOnly Date = new(2025, 12, 13);

    private static readonly Lazy<AuditResult> Example = new(() => new AuditService(NullHost.Instance).Run(new AuditOptions
    {
        Root = RepoPaths.Example,
        Profile = ProfileLoader.Load(new ProfileRequest { Root = RepoPaths.Example }),
        Date = Date,
        Offline = true,
    }));

    /// <summary>The example's AuditResult. Shared: tests must not change it.</summary>
    public static AuditResult ExampleResult => Example.Value;

    /// <summary>The value of the first <c>**Label**: value</c> line.</summary>
    public static string Field(string markdown, string label)
    {
        var m = Regex.Match(markdown, $@"^\*\*{Regex.Escape(label)}\*\*: (.*)$", RegexOptions.Multiline);
        Assert.True(m.Success, $"no **{label}** line in the report");
        return m.Groups[1].Value;
    }

    /// <summary>Reads <c>28 — P0 12 · P1 5 · …</c> into the total and each label's number.</summary>
    public static (long Total, Dictionary<string, long> Counts) Counts(string value)
    {
        var parts = value.Split(" — ", 2);
        var total = Number(parts[0]);
        var counts = new Dictionary<string, long>();
        foreach (var segment in parts[1].Split(" · "))
        {
            var m = Regex.Match(segment, @"^(.*) ([0-9,]+)$");
            Assert.True(m.Success, $"'{segment}' is not 'LABEL NUMBER'");
            counts[m.Groups[1].Value] = Number(m.Groups[2].Value);
        }

        return (total, counts);
    }

    public static long Number(string text) => long.Parse(text.Replace(",", ""), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>The rows of the first pipe table after <paramref name="heading"/>, as cells (header and separator left out).</summary>
    public static List<string[]> Table(string markdown, string heading)
    {
        var start = markdown.IndexOf(heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no '{heading}' in the report");
        var lines = markdown[start..].Split('\n').SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).ToList();
        return lines.Skip(2).Select(Cells).ToList();
    }

    /// <summary>The cells of a pipe-table row, split on unescaped pipes and trimmed.</summary>
    public static string[] Cells(string row)
    {
        var cells = new List<string>();
        var current = new System.Text.StringBuilder();
        for (var i = 1; i < row.Length; i++)
        {
            if (row[i] == '\\' && i + 1 < row.Length)
            {
                current.Append(row[i]).Append(row[i + 1]);
                i++;
            }
            else if (row[i] == '|')
            {
                cells.Add(current.ToString().Trim());
                current.Clear();
            }
            else
            {
                current.Append(row[i]);
            }
        }

        return cells.ToArray();
    }

    /// <summary>A cell's text without code-span backticks.</summary>
    public static string Plain(string cell) => cell.Trim().Trim('`');

    public static int LineCount(string text) => text.Count(c => c == '\n');
}

/// <summary>A host that records what it was asked and answers ShouldProcess as told (false: -WhatIf).</summary>
internal sealed class ExportHost : IAuditHost
{
    private readonly Func<string, bool> approve;

    public ExportHost(bool approve = true) : this(_ => approve) { }

    public ExportHost(Func<string, bool> approve) => this.approve = approve;

    public List<(string Target, string Action)> Asked { get; } = new();

    public CancellationToken Cancellation => CancellationToken.None;

    public CommandDialect Dialect => CommandDialect.Cli;

    public void WriteVerbose(string message) { }

    public void WriteWarning(string message) { }

    public void WriteError(BqxError error) { }

    public void WriteProgress(ProgressInfo progress) { }

    public bool ShouldProcess(string target, string action)
    {
        Asked.Add((target, action));
        return approve(target);
    }
}
