using BqxAudit.Checks.Dependencies;

namespace BqxAudit.Tests.Dependencies;

public class TomlDocumentTests
{
    private static TomlDocument Parse(string text) => TomlDocument.Parse(text, "pyproject.toml");

    private static string Str(TomlDocument doc, params string[] path) => Assert.IsType<TomlString>(doc.Root.Find(path)).Value;

    [Fact]
    public void Parse_WhenTablesAndDottedKeys_ShouldBuildNestedTablesInOrder()
    {
        var doc = Parse("""
            # top comment
            title = "x"   # trailing comment
            [project]
            name = "bqx-ml"
            urls.homepage = "https://example.com"
            "quoted key" = 'v'
            'lit.key' = "w"
            [tool.poetry.dependencies]
            python = "^3.10"
            [ tool . black ]
            line-length = 100
            """);

        Assert.Empty(doc.Diagnostics);
        Assert.Equal(new[] { "title", "project", "tool" }, doc.Root.Keys);
        Assert.Equal("bqx-ml", Str(doc, "project", "name"));
        Assert.Equal("https://example.com", Str(doc, "project", "urls", "homepage"));
        Assert.Equal("v", Str(doc, "project", "quoted key"));
        Assert.Equal("w", Str(doc, "project", "lit.key"));
        Assert.Equal("^3.10", Str(doc, "tool", "poetry", "dependencies", "python"));
        Assert.Equal(100, Assert.IsType<TomlInteger>(doc.Root.Find("tool", "black", "line-length")).Value);
        var name = doc.Root.Find("project", "name")!;
        Assert.Equal((4, 8), (name.Line, name.Column));
    }

    [Fact]
    public void Parse_WhenBasicStringHasEscapes_ShouldDecodeThem()
    {
        var doc = Parse("s = \"tab\\there\\nline \\\"q\\\" back\\\\slash \\u00e9 \\U0001F600 \\b\\f\\r\"\n");

        Assert.Empty(doc.Diagnostics);
        Assert.Equal("tab\there\nline \"q\" back\\slash é 😀 \b\f\r", Str(doc, "s"));
    }

    [Fact]
    public void Parse_WhenLiteralAndMultilineStrings_ShouldKeepOrTrimAsTomlSays()
    {
        var doc = Parse("lit = 'C:\\Users\\x'\n"
            + "ml = \"\"\"\nfirst\n  second\"\"\"\n"
            + "folded = \"\"\"\\\n    The quick \\\n    fox.\"\"\"\n"
            + "quotes = \"\"\"say \"hi\"\"\"\"\"\n"
            + "mll = '''\nraw \\n text\n'''\n"
            + "mll2 = '''it's''''\n");

        Assert.Empty(doc.Diagnostics);
        Assert.Equal("C:\\Users\\x", Str(doc, "lit"));
        Assert.Equal("first\n  second", Str(doc, "ml"));
        Assert.Equal("The quick fox.", Str(doc, "folded"));
        Assert.Equal("say \"hi\"\"", Str(doc, "quotes"));
        Assert.Equal("raw \\n text\n", Str(doc, "mll"));
        Assert.Equal("it's'", Str(doc, "mll2"));
    }

    [Fact]
    public void Parse_WhenArraysSpanLinesWithCommentsAndTrailingComma_ShouldReadEveryElement()
    {
        var doc = Parse("""
            deps = [
                "requests>=2",  # http
                # a whole-line comment
                'numpy',

                "pandas[gcp]==2.1",
            ]
            nested = [[1, 2], ["a"], []]
            empty = [ ]
            """);

        Assert.Empty(doc.Diagnostics);
        var deps = Assert.IsType<TomlArray>(doc.Root["deps"]);
        Assert.Equal(new[] { "requests>=2", "numpy", "pandas[gcp]==2.1" }, deps.Items.Select(i => ((TomlString)i).Value));
        Assert.Equal(new[] { 2, 4, 6 }, deps.Items.Select(i => i.Line));
        Assert.Equal(3, Assert.IsType<TomlArray>(doc.Root["nested"]).Items.Count);
        Assert.Empty(Assert.IsType<TomlArray>(doc.Root["empty"]).Items);
    }

    [Fact]
    public void Parse_WhenScalarsOfEveryKind_ShouldTypeThem()
    {
        var doc = Parse("""
            a = 42
            b = -17
            c = 1_000_000
            d = 0xDEAD_beef
            e = 0o755
            f = 0b1101
            g = 3.14
            h = -1e-3
            i = inf
            j = true
            k = false
            l = 1979-05-27T07:32:00Z
            m = 1979-05-27 07:32:00.999-07:00
            n = 1979-05-27
            o = 07:32:00
            p = +0
            """);

        Assert.Empty(doc.Diagnostics);
        long Int(string k) => Assert.IsType<TomlInteger>(doc.Root[k]).Value;
        Assert.Equal(new long[] { 42, -17, 1_000_000, 0xDEADBEEF, 493, 13, 0 }, new[] { "a", "b", "c", "d", "e", "f", "p" }.Select(Int));
        Assert.Equal(3.14, Assert.IsType<TomlFloat>(doc.Root["g"]).Value);
        Assert.Equal(-0.001, Assert.IsType<TomlFloat>(doc.Root["h"]).Value);
        Assert.True(double.IsPositiveInfinity(Assert.IsType<TomlFloat>(doc.Root["i"]).Value));
        Assert.True(Assert.IsType<TomlBoolean>(doc.Root["j"]).Value);
        Assert.False(Assert.IsType<TomlBoolean>(doc.Root["k"]).Value);
        Assert.Equal("1979-05-27 07:32:00.999-07:00", Assert.IsType<TomlDateTime>(doc.Root["m"]).Text);
        Assert.IsType<TomlDateTime>(doc.Root["l"]);
        Assert.IsType<TomlDateTime>(doc.Root["n"]);
        Assert.IsType<TomlDateTime>(doc.Root["o"]);
    }

    [Fact]
    public void Parse_WhenInlineTablesAndArraysOfTables_ShouldNestThem()
    {
        var doc = Parse("""
            [tool.poetry.dependencies]
            pandas = { version = "^2.1", extras = ["gcp"], optional = true }
            mylib = {git = "https://github.com/org/mylib.git", rev = "v1", source.name = "x"}
            [[tool.poetry.source]]
            name = "first"
            [[tool.poetry.source]]
            name = "second"
            [tool.poetry.source.extra]
            """);

        Assert.Empty(doc.Diagnostics);
        Assert.Equal("^2.1", Str(doc, "tool", "poetry", "dependencies", "pandas", "version"));
        Assert.Equal("x", Str(doc, "tool", "poetry", "dependencies", "mylib", "source", "name"));
        var sources = Assert.IsType<TomlArray>(doc.Root.Find("tool", "poetry", "source"));
        Assert.True(sources.IsTableArray);
        Assert.Equal(new[] { "first", "second" }, sources.Items.Select(t => ((TomlString)((TomlTable)t)["name"]!).Value));
        Assert.NotNull(((TomlTable)sources.Items[1])["extra"]);
    }

    [Fact]
    public void Parse_WhenKeyIsDuplicated_ShouldReportLineAndColumnAndKeepTheFirst()
    {
        var doc = Parse("[project]\nname = \"a\"\n  name = \"b\"\nversion = \"1\"\n");

        var d = Assert.Single(doc.Diagnostics);
        Assert.Equal(DependencyDiagnosticCode.TomlSyntax, d.Code);
        Assert.Equal("pyproject.toml:3:3", d.Location);
        Assert.Contains("duplicate key 'name'", d.Message);
        Assert.Equal("a", Str(doc, "project", "name"));
        Assert.Equal("1", Str(doc, "project", "version"));
    }

    [Fact]
    public void Parse_WhenTableIsDefinedTwiceOrExtendsAValue_ShouldReport()
    {
        var doc = Parse("[a]\nx = 1\n[a]\ny = 2\n[b]\nv = 1\n[b.v]\n[c]\nt = { p = 1 }\nt.q = 2\n");

        Assert.Equal(new[] { (3, 2), (7, 4), (10, 1) }, doc.Diagnostics.Select(d => (d.Line, d.Column)));
        Assert.Contains("defined twice", doc.Diagnostics[0].Message);
    }

    [Fact]
    public void Parse_WhenStringInArrayIsUnterminated_ShouldReportItAndKeepTheOtherElements()
    {
        var doc = Parse("""
            [project]
            dependencies = [
                "requests>=2",
                "numpy==1.26,
                "pandas",
            ]
            name = "kept"
            """);

        var d = Assert.Single(doc.Diagnostics);
        Assert.Equal("pyproject.toml:4:5", d.Location);
        Assert.Contains("unterminated string", d.Message);
        var deps = Assert.IsType<TomlArray>(doc.Root.Find("project", "dependencies"));
        Assert.Equal(new[] { "requests>=2", "pandas" }, deps.Items.Select(i => ((TomlString)i).Value));
        Assert.Equal("kept", Str(doc, "project", "name"));
    }

    [Fact]
    public void Parse_WhenArrayLacksCommaOrClosingBracket_ShouldReportAndKeepWhatWasRead()
    {
        var doc = Parse("""
            a = [
              "x"
              "y",
            ]
            b = [
              "p",
              bad,
            [next]
            k = 1
            """);

        Assert.Equal(new[] { (3, 3), (7, 3), (8, 1) }, doc.Diagnostics.Select(d => (d.Line, d.Column)));
        Assert.Equal(new[] { "x", "y" }, Assert.IsType<TomlArray>(doc.Root["a"]).Items.Select(i => ((TomlString)i).Value));
        Assert.Equal(new[] { "p" }, Assert.IsType<TomlArray>(doc.Root["b"]).Items.Select(i => ((TomlString)i).Value));
        Assert.Equal(1, Assert.IsType<TomlInteger>(doc.Root.Find("next", "k")).Value);
    }

    [Theory]
    [InlineData("name \"x\"\nok = 1\n", 1, 6, "expected '='")]
    [InlineData("name = unquoted\nok = 1\n", 1, 8, "not a TOML value")]
    [InlineData("name = \"a\\qb\"\nok = 1\n", 1, 10, "invalid escape")]
    [InlineData("name = \"a\" trailing\nok = 1\n", 1, 12, "expected the end of the line")]
    [InlineData("= 1\nok = 1\n", 1, 1, "expected a key")]
    [InlineData("n = 99999999999999999999\nok = 1\n", 1, 5, "64 bits")]
    [InlineData("n = 012\nok = 1\n", 1, 5, "not a TOML value")]
    [InlineData("s = \"\"\"never closed\nok = 1\n", 1, 5, "unterminated multi-line string")]
    [InlineData("t = { a = 1 b = 2 }\nok = 1\n", 1, 13, "expected ','")]
    [InlineData("v =\nok = 1\n", 1, 4, "expected a value")]
    [InlineData("s = \"\\u12\"\nok = 1\n", 1, 6, "hex digits")]
    public void Parse_WhenStatementHasSyntaxError_ShouldReportLineAndColumnAndReadTheNextLine(string text, int line, int column, string message)
    {
        var doc = Parse(text);

        var d = Assert.Single(doc.Diagnostics);
        Assert.Equal((line, column), (d.Line, d.Column));
        Assert.Contains(message, d.Message);
        Assert.Equal(1, Assert.IsType<TomlInteger>(doc.Root["ok"]).Value);
    }

    [Fact]
    public void Parse_WhenHeaderIsBroken_ShouldNotPutItsKeysIntoThePreviousTable()
    {
        var doc = Parse("[a]\nx = 1\n[b c]\ny = 2\n[d]\nz = 3\n");

        var d = Assert.Single(doc.Diagnostics);
        Assert.Equal("pyproject.toml:3:4", d.Location);
        Assert.Contains("expected ']'", d.Message);
        Assert.Null(doc.Root.Find("a", "y"));
        Assert.Equal(3, Assert.IsType<TomlInteger>(doc.Root.Find("d", "z")).Value);
    }

    [Fact]
    public void Parse_WhenTextHasByteOrderMarkAndCrLf_ShouldReadIt()
    {
        var doc = Parse("\uFEFF[project]\r\nname = \"x\"\r\ndeps = [\r\n  \"a\",\r\n]\r\n");

        Assert.Empty(doc.Diagnostics);
        Assert.Equal("x", Str(doc, "project", "name"));
    }
}
