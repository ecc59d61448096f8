using System.Text;
using BqxAudit.Inventory.Analyzers.Python;
using BqxAudit.Model;

namespace BqxAudit.Tests.Analyzers.Python;

public sealed class PythonSyntaxTests
{
    [Fact]
    public void Analyze_WhenFileIsEmpty_ShouldCountNothingAndReportNothing()
    {
        var record = Py.Analyze("");

        Assert.Equal(0, record.CodeLines);
        Assert.Empty(record.Findings);
        Assert.Empty(record.Imports);
        Assert.Null(record.Purpose);
    }

    [Fact]
    public void Analyze_WhenFileHasOnlyComments_ShouldCountNoCodeLinesAndTakePurposeFromThem()
    {
        var record = Py.Analyze(Py.Lines(
            "#!/usr/bin/env python3",
            "# -*- coding: utf-8 -*-",
            "# Placeholder for the LAG consolidation job.",
            "# import os",
            "#",
            "# TODO: write it"));

        Assert.Equal(0, record.CodeLines);
        Assert.Empty(record.Imports);
        Assert.Empty(record.Findings);
        Assert.Equal("Placeholder for the LAG consolidation job", record.Purpose);
    }

    [Fact]
    public void Analyze_WhenTripleQuotedStringIsUnterminated_ShouldReportItsStartLineAndReadTheRest()
    {
        var record = Py.Analyze(Py.Lines(
            "import os",
            "",
            "QUERY = \"\"\"SELECT *",
            "import json",
            "x = 1  # comment",
            "# only a comment"));

        var finding = Assert.Single(record.Findings);
        Assert.Equal("python.syntax", finding.Rule);
        Assert.Equal(FindingSeverity.Error, finding.Severity);
        Assert.Equal("scripts/job.py:3", finding.Location);
        Assert.Contains("unterminated triple-quoted string", finding.Message);
        Assert.Equal(new[] { "os", "json" }, record.Imports.Select(i => i.Module));
        Assert.Equal(4, record.CodeLines);
    }

    [Fact]
    public void Analyze_WhenSingleQuotedStringIsUnterminated_ShouldReportThatLine()
    {
        var record = Py.Analyze(Py.Lines("import os", "print('hello)", "import sys"));

        var finding = Assert.Single(record.Findings);
        Assert.Equal("scripts/job.py:2", finding.Location);
        Assert.Contains("unterminated string literal", finding.Message);
        Assert.Contains(record.Imports, i => i.Module == "sys" && i.Line == 3);
    }

    [Fact]
    public void Analyze_WhenBracketIsNeverClosed_ShouldReportTheOpeningLine()
    {
        var record = Py.Analyze(Py.Lines("import os", "", "values = [1, 2,", "    3, 4", "print(values)"));

        var finding = Assert.Single(record.Findings);
        Assert.Equal("python.syntax", finding.Rule);
        Assert.Equal("scripts/job.py:3", finding.Location);
        Assert.Contains("'[' was never closed", finding.Message);
    }

    [Fact]
    public void Analyze_WhenClosingBracketDoesNotMatch_ShouldReportTheOpeningLine()
    {
        var record = Py.Analyze(Py.Lines("x = 1", "call(a,", "     b]", "y = 2"));

        var finding = Assert.Single(record.Findings);
        Assert.Equal("scripts/job.py:2", finding.Location);
        Assert.Contains("closed by ']' on line 3", finding.Message);
    }

    [Fact]
    public void Analyze_WhenClosingBracketHasNoOpener_ShouldReportItsLine()
    {
        var record = Py.Analyze(Py.Lines("x = 1", "y = 2)"));

        var finding = Assert.Single(record.Findings);
        Assert.Equal("scripts/job.py:2", finding.Location);
        Assert.Contains("unmatched ')'", finding.Message);
    }

    [Fact]
    public void Analyze_WhenBracketsNestTenThousandDeep_ShouldReportTooManyNestedParenthesesWithoutThrowing()
    {
        var code = "x = " + new string('(', 10_000) + "1" + new string(')', 10_000) + "\nimport os\n";

        var record = Py.Analyze(code);

        var finding = Assert.Single(record.Findings);
        Assert.Contains("too many nested parentheses", finding.Message);
        Assert.Contains(record.Imports, i => i.Module == "os");
    }

    [Fact]
    public void Analyze_WhenBracketsNestWithinPythonsLimit_ShouldReportNothing()
    {
        var code = "x = " + new string('[', 150) + "1" + new string(']', 150) + "\n";

        Assert.Empty(Py.Analyze(code).Findings);
    }

    [Fact]
    public void Analyze_WhenFStringHasNestedQuotesAndBraceEscapes_ShouldReadItAsOneTemplate()
    {
        var record = Py.Analyze(Py.Lines(
            "cfg = {'ds': 'features'}",
            "sql = f\"SELECT '{{literal}}' FROM `{cfg[\"ds\"]}.{f'{name}'}_{x!r:>{width}}` WHERE a = '{{b}}'\"",
            "import os"));

        Assert.Empty(record.Findings);
        Assert.Equal("SELECT '{literal}' FROM `{cfg[\"ds\"]}.{f'{name}'}_{x!r:>{width}}` WHERE a = '{b}'", Assert.Single(record.SqlStatements));
        Assert.Equal("{}.{}_{x}", Assert.Single(record.TablesRead));
        Assert.Contains(record.Imports, i => i.Module == "os" && i.Line == 3);
    }

    [Fact]
    public void Analyze_WhenFStringNestsBeyondTheLimit_ShouldReportWithoutThrowing()
    {
        var depth = StringScanner.MaxNesting + 20;
        var code = new StringBuilder("x = ");
        for (var i = 0; i < depth; i++)
        {
            code.Append(i % 2 == 0 ? "f\"{" : "f'{");
        }

        code.Append('1');
        for (var i = depth - 1; i >= 0; i--)
        {
            code.Append(i % 2 == 0 ? "}\"" : "}'");
        }

        code.Append("\nimport os\n");

        var record = Py.Analyze(code.ToString());

        var finding = Assert.Single(record.Findings);
        Assert.Equal("scripts/job.py:1", finding.Location);
        Assert.Contains("nesting", finding.Message);
        Assert.Contains(record.Imports, i => i.Module == "os");
    }

    [Fact]
    public void Analyze_WhenBackslashContinuationsSplitStatements_ShouldJoinThem()
    {
        var record = Py.Analyze(Py.Lines(
            "from google.cloud \\",
            "    import bigquery",
            "TABLE = 'proj.ds.' \\",
            "        'cov_agg'",
            "client.delete_table(\\",
            "    TABLE)"));

        Assert.Empty(record.Findings);
        Assert.Equal(1, record.Import("google.cloud.bigquery").Line);
        Assert.Equal(new[] { "proj.ds.cov_agg" }, record.TablesWritten);
    }

    [Fact]
    public void Analyze_WhenLineEndingsAreCrLf_ShouldGiveTheSameFactsAsLf()
    {
        var lf = Py.Lines(
            "\"\"\"Rename COV tables.",
            "",
            "Details.\"\"\"",
            "import subprocess",
            "x = 'a' \\",
            "    'b'",
            "",
            "subprocess.run(['bq', 'rm', '-f', '-t', 'p:ds.cov_x'])",
            "q = '''",
            "DROP TABLE ds.old",
            "'''");
        var crlf = lf.Replace("\n", "\r\n");

        var a = Py.Analyze(lf);
        var b = Py.Analyze(crlf);

        Assert.Empty(b.Findings);
        Assert.Equal(a.Purpose, b.Purpose);
        Assert.Equal(a.CodeLines, b.CodeLines);
        Assert.Equal(a.TablesWritten, b.TablesWritten);
        Assert.Equal(new[] { "ds.old", "p.ds.cov_x" }, b.TablesWritten);
        Assert.Equal(a.Imports.Select(i => (i.Module, i.Line)), b.Imports.Select(i => (i.Module, i.Line)));
    }

    [Fact]
    public void Analyze_WhenReplacementCharactersAreInStringsAndComments_ShouldReportNothing()
    {
        var record = Py.Analyze(Py.Lines("# caf\uFFFD", "name = 'caf\uFFFD'", "import os"));

        Assert.Empty(record.Findings);
        Assert.Single(record.Imports);
    }

    [Fact]
    public void Analyze_WhenReplacementCharacterIsInCode_ShouldReportAnInvalidCharacter()
    {
        var record = Py.Analyze(Py.Lines("import os", "x = 1 \uFFFD 2"));

        var finding = Assert.Single(record.Findings);
        Assert.Equal("scripts/job.py:2", finding.Location);
        Assert.Contains("U+FFFD", finding.Message);
    }

    [Fact]
    public void Analyze_WhenOneLineIsFiveMegabytes_ShouldReadItAndTheLinesAfterIt()
    {
        var code = new StringBuilder("PAIRS = [");
        for (var i = 0; i < 850_000; i++)
        {
            code.Append("'p").Append(i % 10).Append("', ");
        }

        code.Append("]\nimport os\nfor p in PAIRS:\n    sql = f'DROP TABLE ds.t_{p}'\n");
        Assert.True(code.Length > 5_000_000);

        var record = Py.Analyze(code.ToString());

        Assert.Empty(record.Findings);
        Assert.Equal(4, record.CodeLines);
        Assert.Equal(new[] { "ds.t_{p}" }, record.TablesWritten);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => "p" + i), record.Template("ds.t_{p}").Values["p"]);
    }

    [Fact]
    public void Analyze_WhenOneStringIsFiveMegabytesWithoutNewlines_ShouldNotReport()
    {
        var code = "BLOB = '" + new string('x', 5_000_000) + "'\nimport os\n";

        var record = Py.Analyze(code);

        Assert.Empty(record.Findings);
        Assert.Equal(2, record.CodeLines);
    }

    [Theory]
    [InlineData("x = rb'\\d+'")]
    [InlineData("x = Rb\"a\" + BR'b'")]
    [InlineData("x = u'text'")]
    [InlineData("x = fr'{a}\\d'")]
    [InlineData("x = b'''multi\nline'''")]
    [InlineData("x = f'{a!r}' f\"{b:>10}\" F'''{c}'''")]
    [InlineData("x = '''it''s'''")]
    [InlineData("x = 'a\\'b' \"c\\\"d\"")]
    [InlineData("x = f'{\"nested\"}'")]
    [InlineData("x = f'''{\n  a +\n  b\n}'''")]
    [InlineData("x = 1e-5 + 0x1F + 1_000 + .5j")]
    public void Tokenize_WhenLiteralIsValidPython_ShouldReportNothing(string code)
    {
        var tokens = PythonTokenizer.Tokenize(code + "\n");

        Assert.Empty(tokens.Problems);
        Assert.Single(tokens.Lines);
    }

    [Fact]
    public void Tokenize_WhenPrefixIsNotAStringPrefix_ShouldTreatItAsAName()
    {
        var tokens = PythonTokenizer.Tokenize("print('x')\nub'x'\n");

        Assert.Equal(TokenKind.Name, tokens.Tokens[0].Kind);
        Assert.Equal("print", tokens.String(0));
        var ub = Enumerable.Range(0, tokens.Count).First(i => tokens.Tokens[i].Line == 2);
        Assert.Equal(TokenKind.Name, tokens.Tokens[ub].Kind);
        Assert.Equal(TokenKind.String, tokens.Tokens[ub + 1].Kind);
    }
}
