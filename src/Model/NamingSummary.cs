using System.Globalization;
using System.Text;

namespace BqxAudit.Model;

/// <summary>One count of a naming summary: names of a family with a status, and (when set) a violation.</summary>
public sealed class NamingSummaryRow
{
    /// <summary>The family; null for names no family explains (NoRule) and exempt names.</summary>
    public string? Family { get; init; }

    public NamingStatus Status { get; init; }

    /// <summary>Null: all names of the family with the status; else the names with this violation.</summary>
    public NamingViolation? Violation { get; init; }

    /// <summary>Distinct names counted.</summary>
    public int Count { get; init; }

    public override string ToString() => $"{Family ?? "(none)"} {Status} {(Violation?.ToString() ?? "(all)")} {Count}";
}

/// <summary>Counts of classified names by family × status × violation (the CLI's <c>--summary</c>).</summary>
public sealed class NamingSummary
{
    public string? MandateId { get; init; }

    /// <summary>Distinct names classified.</summary>
    public int Names { get; init; }

    /// <summary>Names as listed, duplicates included (the sum of the results' Count).</summary>
    public long Listed { get; init; }

    /// <summary>Distinct names per status name (<c>Compliant</c> …), in enum order; every status is present. String keys, so ConvertTo-Json takes it.</summary>
    public IReadOnlyDictionary<string, int> ByStatus { get; init; } = new Dictionary<string, int>();

    /// <summary>Distinct names per violation name (a name with two violations counts under both), in enum order.</summary>
    public IReadOnlyDictionary<string, int> ByViolation { get; init; } = new Dictionary<string, int>();

    /// <summary>Distinct names with the status.</summary>
    public int StatusCount(NamingStatus status) => ByStatus.TryGetValue(status.ToString(), out var n) ? n : 0;

    /// <summary>Distinct names with the violation.</summary>
    public int ViolationCount(NamingViolation violation) => ByViolation.TryGetValue(violation.ToString(), out var n) ? n : 0;

    /// <summary>Sorted by family (ordinal, names without a family last), status, then the all-names row before the violation rows.</summary>
    public IReadOnlyList<NamingSummaryRow> Rows { get; init; } = Array.Empty<NamingSummaryRow>();

    public static NamingSummary From(IEnumerable<NamingResult> results, string? mandateId = null)
    {
        var names = 0;
        long listed = 0;
        var byStatus = Enum.GetValues<NamingStatus>().ToDictionary(s => s, _ => 0);
        var byViolation = Enum.GetValues<NamingViolation>().ToDictionary(v => v, _ => 0);
        var rows = new Dictionary<(string?, NamingStatus, NamingViolation?), int>();
        foreach (var r in results)
        {
            names++;
            listed += r.Count;
            byStatus[r.Status]++;
            Increment(rows, (r.Family, r.Status, null));
            foreach (var v in r.Violations)
            {
                byViolation[v]++;
                Increment(rows, (r.Family, r.Status, v));
            }
        }

        return new NamingSummary
        {
            MandateId = mandateId,
            Names = names,
            Listed = listed,
            ByStatus = byStatus.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value, StringComparer.Ordinal),
            ByViolation = byViolation.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value, StringComparer.Ordinal),
            Rows = rows
                .OrderBy(kv => kv.Key.Item1 is null ? 1 : 0)
                .ThenBy(kv => kv.Key.Item1, StringComparer.Ordinal)
                .ThenBy(kv => kv.Key.Item2)
                .ThenBy(kv => kv.Key.Item3.HasValue ? 1 + (int)kv.Key.Item3.Value : 0)
                .Select(kv => new NamingSummaryRow { Family = kv.Key.Item1, Status = kv.Key.Item2, Violation = kv.Key.Item3, Count = kv.Value })
                .ToArray(),
        };
    }

    private static void Increment(Dictionary<(string?, NamingStatus, NamingViolation?), int> rows, (string?, NamingStatus, NamingViolation?) key) =>
        rows[key] = rows.TryGetValue(key, out var n) ? n + 1 : 1;

    /// <summary>A plain-text table for people: a totals line, then one line per row.</summary>
    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(MandateId is null ? "" : MandateId + ": ")
          .Append(Names.ToString("N0", c)).Append(Names == 1 ? " name" : " names");
        if (Listed != Names)
        {
            sb.Append(" (").Append(Listed.ToString("N0", c)).Append(" listed)");
        }

        sb.Append(" - ").AppendJoin(", ", Enum.GetValues<NamingStatus>().Select(s => $"{s} {StatusCount(s).ToString("N0", c)}")).AppendLine();
        var table = Rows.Select(r => (Family: r.Family ?? "(none)", Status: r.Status.ToString(), Violation: r.Violation?.ToString() ?? "(all)", Count: r.Count.ToString("N0", c))).ToList();
        var header = (Family: "Family", Status: "Status", Violation: "Violation", Count: "Names");
        var wf = table.Select(t => t.Family.Length).Append(header.Family.Length).Max();
        var ws = table.Select(t => t.Status.Length).Append(header.Status.Length).Max();
        var wv = table.Select(t => t.Violation.Length).Append(header.Violation.Length).Max();
        var wc = table.Select(t => t.Count.Length).Append(header.Count.Length).Max();
        foreach (var t in table.Prepend(header))
        {
            sb.Append(t.Family.PadRight(wf)).Append("  ").Append(t.Status.PadRight(ws)).Append("  ")
              .Append(t.Violation.PadRight(wv)).Append("  ").Append(t.Count.PadLeft(wc)).AppendLine();
        }

        return sb.ToString();
    }

    public override string ToString() => ToText();
}
