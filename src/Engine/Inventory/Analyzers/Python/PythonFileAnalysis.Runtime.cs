using BqxAudit.Model;

namespace BqxAudit.Inventory.Analyzers.Python;

/// <summary>
/// Run-time needs: distributions a call loads without the script importing them — pandas
/// <c>to_parquet</c>/<c>read_parquet</c> (pyarrow or fastparquet), <c>to_feather</c>/<c>read_feather</c>
/// (pyarrow), <c>to_excel</c>/<c>read_excel</c> (openpyxl …), <c>to_gbq</c>/<c>read_gbq</c> (pandas-gbq), a
/// <c>gs://</c> path given to pandas (gcsfs); BigQuery <c>to_dataframe</c> (db-dtypes and pyarrow),
/// <c>to_arrow</c> and <c>load_table_from_dataframe</c> (pyarrow). A declared distribution that only such a
/// call needs is used at run time, not unused.
/// </summary>
internal sealed partial class PythonFileAnalysis
{
    private readonly List<string> pandasAliases = new();
    private readonly List<RuntimeNeed> runtimeNeeds = new();

    private void NoteRuntimeAlias(string local, string module)
    {
        pandasAliases.Remove(local);
        if (module == "pandas")
        {
            pandasAliases.Add(local);
        }
    }

    /// <summary>At a call <c>x.name(</c>: records what the call needs at run time.</summary>
    private void RuntimePattern(int i, int end)
    {
        if (i < 2 || !src.IsOp(i - 1, '.') || !(i + 1 < end && src.IsOp(i + 1, '(')))
        {
            return;
        }

        var pandas = pandasAliases.Count > 0;
        var onPandasModule = false;
        if (pandas && src.IsName(i - 2))
        {
            var receiver = src.TextOf(i - 2);
            foreach (var alias in pandasAliases)
            {
                onPandasModule |= receiver.SequenceEqual(alias);
            }
        }
        var name = src.TextOf(i);
        switch (name)
        {
            case "to_parquet" when pandas:
            case "read_parquet" when onPandasModule:
                Need(i, $"pandas {(onPandasModule ? "read_parquet" : "DataFrame.to_parquet")}", "pyarrow", "fastparquet");
                break;
            case "to_feather" when pandas:
            case "read_feather" when onPandasModule:
                Need(i, $"pandas {(onPandasModule ? "read_feather" : "DataFrame.to_feather")}", "pyarrow");
                break;
            case "to_excel" when pandas:
                Need(i, "pandas DataFrame.to_excel", "openpyxl", "xlsxwriter");
                break;
            case "read_excel" when onPandasModule:
                Need(i, "pandas read_excel", "openpyxl", "xlrd");
                break;
            case "to_gbq" when pandas:
            case "read_gbq" when onPandasModule:
                Need(i, $"pandas {(onPandasModule ? "read_gbq" : "DataFrame.to_gbq")}", "pandas-gbq");
                break;
            case "to_dataframe" when bigQueryImported:
                Need(i, "BigQuery to_dataframe", "db-dtypes");
                Need(i, "BigQuery to_dataframe", "pyarrow");
                break;
            case "to_arrow" when bigQueryImported:
                Need(i, "BigQuery to_arrow", "pyarrow");
                break;
            case "load_table_from_dataframe" when bigQueryImported:
                Need(i, "BigQuery load_table_from_dataframe", "pyarrow");
                break;
        }

        if (pandas && name is "read_csv" or "read_json" or "read_parquet" or "to_csv" or "to_json" or "to_parquet" &&
            i + 2 < end && tk[i + 2].Kind == TokenKind.String)
        {
            var t = tk[i + 2];
            var head = text.AsSpan(t.Start, Math.Min(t.Length, 12));
            if (head.IndexOf("gs://", StringComparison.Ordinal) >= 0)
            {
                Need(i, $"pandas {name} of a gs:// path", "gcsfs");
            }
        }
    }

    private void Need(int i, string call, params string[] anyOf)
    {
        foreach (var n in runtimeNeeds)
        {
            if (n.Call == call && n.AnyOf.SequenceEqual(anyOf))
            {
                return;
            }
        }

        runtimeNeeds.Add(new RuntimeNeed { Call = call, Line = tk[i].Line, AnyOf = anyOf.ToList() });
    }
}
