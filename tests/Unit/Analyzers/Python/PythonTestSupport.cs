using BqxAudit.Inventory.Analyzers.Python;
using BqxAudit.Model;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Analyzers.Python;

/// <summary>Runs the Python analyzer on a script at <c>scripts/job.py</c> (other repository files optional).</summary>
internal static class Py
{
    public const string ScriptPath = "scripts/job.py";

    public static ScriptRecord Analyze(string code, params string[] otherFiles) =>
        AnalyzerHarness.Run(new PythonAnalyzer(), ScriptPath, code, otherFiles);

    public static ScriptRecord AnalyzeAt(string path, string code, params string[] otherFiles) =>
        AnalyzerHarness.Run(new PythonAnalyzer(), path, code, otherFiles);

    /// <summary>Joins lines with \n, so tests read like the script they describe.</summary>
    public static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";

    public static ImportRecord Import(this ScriptRecord record, string module) =>
        record.Imports.Single(i => i.Module == module);

    public static NameTemplate Template(this ScriptRecord record, string template) =>
        record.NameTemplates.Single(t => t.Template == template);
}
