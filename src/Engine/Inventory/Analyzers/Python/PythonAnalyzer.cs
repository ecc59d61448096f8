using BqxAudit.Model;

namespace BqxAudit.Inventory.Analyzers.Python;

/// <summary>
/// Reads a Python script with a real tokenizer and fills its record: purpose, code lines, imports
/// (Stdlib / Local / ThirdParty / Unresolved, with distributions), argparse flags, hand-rolled argv
/// parsing, parallelism and its workers flag, <c>input()</c>, the external tools it runs, the BigQuery
/// tables it writes and reads (SQL literals, client calls, <c>bq</c> commands), table-name templates
/// with their placeholder values, <c>gs://</c> URIs and SQL statements. Syntax problems the tokenizer
/// sees are findings at the line Python would report; the rest of the file is still read.
/// </summary>
public sealed class PythonAnalyzer : IScriptAnalyzer
{
    public ScriptKind Kind => ScriptKind.Python;

    public void Analyze(SourceText source, ScriptRecord record, RepositoryIndex repository)
    {
        var tokens = PythonTokenizer.Tokenize(source.Text);
        Python2Syntax.AddProblems(tokens);
        try
        {
            var analysis = new PythonFileAnalysis(source, tokens, repository);
            analysis.Run();
            analysis.Fill(record);
            PythonOperations.Collect(tokens, record);
        }
        finally
        {
            tokens.Release();
        }
    }
}
