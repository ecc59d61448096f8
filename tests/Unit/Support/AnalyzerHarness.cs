using BqxAudit.Inventory;
using BqxAudit.Inventory.Analyzers;
using BqxAudit.Model;

namespace BqxAudit.Tests.Support;

/// <summary>Runs one analyzer over in-memory text, as the inventory would, for analyzer unit tests.</summary>
public static class AnalyzerHarness
{
    public static ScriptRecord Run(IScriptAnalyzer analyzer, string path, string text, params string[] otherFiles)
    {
        var record = new ScriptRecord { Name = path[(path.LastIndexOf('/') + 1)..], Path = path, Kind = analyzer.Kind };
        var repository = new RepositoryIndex("/repo", otherFiles.Append(path));
        analyzer.Analyze(new SourceText(path, text), record, repository);
        return record;
    }
}
