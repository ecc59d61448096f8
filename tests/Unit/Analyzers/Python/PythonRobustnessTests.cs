using System.Text;
using BqxAudit.Inventory.Analyzers.Python;

namespace BqxAudit.Tests.Analyzers.Python;

public sealed class PythonRobustnessTests
{
    private static readonly string[] Fragments =
    {
        "import os\n", "from . import x\n", "from google.cloud import bigquery\n", "def f(a, b=1):\n", "    ", "\t", "class C:\n",
        "for p in PAIRS:\n", "try:\n", "except ImportError:\n", "if TYPE_CHECKING:\n", "PAIRS = ['a', 'b']\n", "x = ", "(", ")", "[", "]",
        "{", "}", "'", "\"", "'''", "\"\"\"", "f'", "f\"", "rb'", "\\\n", "\\", "#", "# comment\n", "\n", "\r\n", "\r", ":", ";", ",",
        "=", "+", "%", ".", "...", "sys.argv[1]", "input()", "subprocess.run(['bq', 'rm', '-t', t])", "os.system(f'bq query \"{q}\"')",
        "client.create_table(f'{P}.{D}.t_{p}')", "'SELECT * FROM ds.t'", "f\"CREATE TABLE `{a}.{b}` AS SELECT {c!r:>{w}} FROM x\"",
        "'gs://b/{x}'", "{{", "}}", "{x", "x}", "'''SELECT\n", "lambda: 0", "self.table_id = ", "'.format(", ".format(a, b)",
        " % (a, b)", "parser.add_argument(", "'--workers'", "required=True", "async ", "await ", "\uFFFD", "\u00A0", "é", "$", "?",
        "`", "0x1F", "1e-5", "return f'cov_{a}'", "with ThreadPoolExecutor() as e:\n", "global x\n", "yield from g\n",
    };

    [Fact]
    public void Analyze_WhenFedRandomFragmentsOfPython_ShouldNeverThrow()
    {
        var random = new Random(20251213);
        for (var round = 0; round < 1500; round++)
        {
            var code = new StringBuilder();
            var pieces = random.Next(1, 80);
            for (var i = 0; i < pieces; i++)
            {
                code.Append(random.Next(10) == 0 ? ((char)random.Next(1, 0x3000)).ToString() : Fragments[random.Next(Fragments.Length)]);
            }

            var text = code.ToString();
            var exception = Record.Exception(() => Py.Analyze(text, "scripts/x.py", "lib/x.py"));

            Assert.True(exception is null, $"round {round} threw {exception}\n--- input ---\n{text}");
            AssertTokensAreOrdered(text);
        }
    }

    /// <summary>Tokens never overlap, go forward, and logical lines partition them in order.</summary>
    private static void AssertTokensAreOrdered(string text)
    {
        var tokens = PythonTokenizer.Tokenize(text);
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens.Tokens[i];
            Assert.True(t.Start < t.End && t.End <= text.Length, $"token {i} [{t.Start}, {t.End}) is empty or out of range");
            if (i > 0)
            {
                Assert.True(tokens.Tokens[i - 1].End <= t.Start && tokens.Tokens[i - 1].Line <= t.Line, $"token {i} overlaps or goes back");
            }

            if (t.Match >= 0)
            {
                Assert.Equal(i, tokens.Tokens[t.Match].Match);
            }
        }

        var next = 0;
        foreach (var line in tokens.Lines)
        {
            Assert.Equal(next, line.First);
            Assert.True(line.End > line.First);
            next = line.End;
        }

        Assert.Equal(tokens.Count, next);
    }

    [Fact]
    public void Analyze_WhenScriptIsOnlyOpeningBrackets_ShouldReportOneProblemPerKindAndNotThrow()
    {
        var record = Py.Analyze(new string('(', 50_000) + new string('[', 50_000));

        var finding = Assert.Single(record.Findings);
        Assert.Equal("scripts/job.py:1", finding.Location);
    }

    [Fact]
    public void Analyze_WhenStringsNestDeeplyInsideBracketsOfASqlConcatenation_ShouldNotThrow()
    {
        var code = "sql = " + new string('(', 180) + "'SELECT * FROM ds.t'" + new string(')', 180) + " + x\n";

        var record = Py.Analyze(code);

        Assert.Empty(record.Findings);
        Assert.Equal(new[] { "ds.t" }, record.TablesRead);
    }

    [Fact]
    public void Analyze_WhenManyThousandsOfLinesRepeat_ShouldCountEveryCodeLine()
    {
        var block = Py.Lines(
            "def step(client, pair):",
            "    \"\"\"Docstring.\"\"\"",
            "    # comment",
            "    table = f'{DATASET}.cov_{pair}'",
            "    client.delete_table(table)",
            "");
        var code = string.Concat(Enumerable.Repeat(block, 20_000));

        var record = Py.Analyze("from google.cloud import bigquery\n" + code);

        Assert.Equal(1 + 3 * 20_000, record.CodeLines);
        Assert.Equal(new[] { "{DATASET}.cov_{pair}" }, record.TablesWritten);
        Assert.Equal(20_000, record.NameTemplates.Count);
    }
}
