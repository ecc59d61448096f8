using BqxAudit.Model;

namespace BqxAudit.Tests.Analyzers.Python;

/// <summary>Local reads and writes are told apart by the called name (compared in place, never as a copied string).</summary>
public sealed class PythonLocalFileTests
{
    [Fact]
    public void Analyze_ShouldTellEachLocalReadAndWriteByItsCall()
    {
        var record = Py.Analyze(Py.Lines(
            "import io, logging",
            "import pandas as pd",
            "with open('in/standards.json') as f:",
            "    cfg = f.read()",
            "with open('logs/run.log', 'a') as log:",
            "    log.write('x')",
            "with io.open('out/report.md', mode='w') as out:",
            "    out.write('y')",
            "df = pd.read_parquet('data/frame.parquet')",
            "df.to_csv('out/frame.csv')",
            "handler = logging.FileHandler('logs/handler.log')",
            "opened = reopen('not/a/file.txt')"));

        var files = record.Operations.Where(o => o.Via == "file").Select(o => (o.Kind, o.Target)).ToArray();

        Assert.Equal(new[]
        {
            (OperationKind.ReadFile, (string?)"in/standards.json"),
            (OperationKind.WriteFile, (string?)"logs/run.log"),
            (OperationKind.WriteFile, (string?)"out/report.md"),
            (OperationKind.ReadFile, (string?)"data/frame.parquet"),
            (OperationKind.WriteFile, (string?)"out/frame.csv"),
            (OperationKind.WriteFile, (string?)"logs/handler.log"),
        }, files);
    }
}
