using BqxAudit.Model;

namespace BqxAudit.Inventory.Analyzers;

/// <summary>
/// Reads one file of one kind and fills in what it can measure on the record: imports, flags,
/// invocations, tables, findings. It never throws for bad input: a file that cannot be parsed
/// gets a finding at the line where parsing failed. Analyzers are stateless and run in parallel.
/// </summary>
public interface IScriptAnalyzer
{
    ScriptKind Kind { get; }

    void Analyze(SourceText source, ScriptRecord record, RepositoryIndex repository);
}

/// <summary>A check across records once every file is analyzed (e.g. flags a shell script passes to a Python script).</summary>
public interface ICrossFileCheck
{
    void Check(IReadOnlyList<ScriptRecord> records, RepositoryIndex repository);
}
