namespace BqxAudit.Cli;

/// <summary>A plain aligned text table for people; columns keep their order, the last one is not padded.</summary>
internal static class TableWriter
{
    public static void Write<T>(TextWriter output, IReadOnlyList<T> rows, params (string Header, Func<T, string?> Value)[] columns)
    {
        var cells = rows.Select(r => columns.Select(c => Clean(c.Value(r))).ToArray()).ToList();
        var widths = columns.Select((c, i) => Math.Max(c.Header.Length, cells.Count == 0 ? 0 : cells.Max(row => row[i].Length))).ToArray();
        WriteRow(output, columns.Select(c => c.Header).ToArray(), widths);
        WriteRow(output, widths.Select(w => new string('-', w)).ToArray(), widths);
        foreach (var row in cells)
        {
            WriteRow(output, row, widths);
        }
    }

    private static void WriteRow(TextWriter output, string[] values, int[] widths)
    {
        for (var i = 0; i < values.Length; i++)
        {
            output.Write(i == values.Length - 1 ? values[i] : values[i].PadRight(widths[i] + 2));
        }

        output.WriteLine();
    }

    private static string Clean(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var oneLine = value.ReplaceLineEndings(" ");
        return oneLine.Length <= 120 ? oneLine : oneLine[..117] + "...";
    }
}
