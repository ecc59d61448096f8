using System.Collections.Concurrent;
using BqxAudit.Model;

namespace BqxAudit.Inventory;

/// <summary>A thread-safe pool that makes equal strings one instance (tool names, flags, rules, modules repeat across thousands of files).</summary>
internal sealed class StringPool
{
    private readonly ConcurrentDictionary<string, string> strings = new(StringComparer.Ordinal);

    public string Get(string value) => value.Length > 256 ? value : strings.GetOrAdd(value, value);

    public string? GetOrNull(string? value) => value is null ? null : Get(value);
}

/// <summary>
/// Shrinks an analyzed record before the inventory keeps it until every file is done: repeated strings
/// share one instance and lists drop their spare capacity. A 20,000-file repository keeps ~20,000 records
/// and hundreds of thousands of invocations, imports and findings alive at once.
/// </summary>
internal static class RecordCompactor
{
    public static void Compact(ScriptRecord record, StringPool pool)
    {
        Strings(record.ToolsInvoked, pool);
        Strings(record.Distributions, pool);
        Strings(record.TablesWritten, pool);
        Strings(record.TablesRead, pool);
        Strings(record.BaseImages, pool);
        foreach (var i in record.Invocations)
        {
            i.Tool = pool.Get(i.Tool);
            i.Script = pool.GetOrNull(i.Script);
            i.ResolvedScript = pool.GetOrNull(i.ResolvedScript);
            Strings(i.Flags, pool);
        }

        foreach (var i in record.Imports)
        {
            i.Module = pool.Get(i.Module);
            i.Distribution = pool.GetOrNull(i.Distribution);
        }

        foreach (var f in record.Findings)
        {
            f.Rule = pool.Get(f.Rule);
        }

        foreach (var p in record.PipInstalls)
        {
            p.Requirement = pool.Get(p.Requirement);
        }

        foreach (var o in record.Operations)
        {
            o.Via = pool.Get(o.Via);
            o.Detail = pool.Get(o.Detail);
            o.Target = pool.GetOrNull(o.Target);
        }

        foreach (var t in record.NameTemplates)
        {
            t.Template = pool.Get(t.Template);
            t.AssignedTo = pool.GetOrNull(t.AssignedTo);
            foreach (var values in t.Values.Values)
            {
                Strings(values, pool);
            }
        }

        Strings(record.SqlStatements, pool);
        record.Operations.TrimExcess();
        record.Invocations.TrimExcess();
        record.Imports.TrimExcess();
        record.Findings.TrimExcess();
        record.NameTemplates.TrimExcess();
    }

    private static void Strings(List<string> list, StringPool pool)
    {
        for (var i = 0; i < list.Count; i++)
        {
            list[i] = pool.Get(list[i]);
        }

        list.TrimExcess();
    }
}
