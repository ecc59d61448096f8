using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Inventory;
using BqxAudit.Model;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Analyzers.Python;

public sealed class PythonPurposeTests
{
    [Fact]
    public void Analyze_WhenModuleHasADocstring_ShouldTakeItsFirstSentenceAsPurpose()
    {
        var record = Py.Analyze(Py.Lines(
            "#!/usr/bin/env python3",
            "# -*- coding: utf-8 -*-",
            "# Header comment that loses to the docstring.",
            "\"\"\"",
            "generate_tri_tables.py",
            "",
            "Generate 194 TRI tables (triangular arbitrage features), e.g. tri_agg_eurusd_gbpusd_eurgbp.",
            "Runs in parallel.",
            "\"\"\"",
            "import os"));

        Assert.Equal("Generate 194 TRI tables (triangular arbitrage features), e.g. tri_agg_eurusd_gbpusd_eurgbp", record.Purpose);
    }

    [Fact]
    public void Analyze_WhenFirstSentenceWrapsOverLines_ShouldJoinThem()
    {
        var record = Py.Analyze("'''Rename the 1,596 COV tables to the M008\nnaming mandate. Then create views.'''\n");

        Assert.Equal("Rename the 1,596 COV tables to the M008 naming mandate", record.Purpose);
    }

    [Fact]
    public void Analyze_WhenThereIsNoDocstring_ShouldUseTheHeaderCommentWithoutShebangCodingOrRulers()
    {
        var record = Py.Analyze(Py.Lines(
            "#!/usr/bin/env python3",
            "# coding: utf-8",
            "# ============================================",
            "# Purpose: Merge extracted parquet checkpoints with Polars",
            "# Author: BA",
            "# ============================================",
            "",
            "# Unrelated comment further down.",
            "import polars as pl"));

        Assert.Equal("Merge extracted parquet checkpoints with Polars", record.Purpose);
    }

    [Fact]
    public void Analyze_WhenFirstStatementIsNotADocstring_ShouldNotTakeLaterStringsAsPurpose()
    {
        var record = Py.Analyze(Py.Lines("import os", "\"\"\"Not a docstring.\"\"\""));

        Assert.Null(record.Purpose);
    }

    [Fact]
    public void Analyze_WhenCountingCodeLines_ShouldSkipBlankCommentAndDocstringLinesButKeepOtherStrings()
    {
        var record = Py.Analyze(Py.Lines(
            "\"\"\"Module docstring",
            "over two lines.\"\"\"",
            "",
            "import os  # trailing comment counts as code",
            "# a comment",
            "    # an indented comment",
            "def f():",
            "    '''Function docstring.'''",
            "    sql = '''",
            "    SELECT 1",
            "",
            "    '''",
            "    return sql",
            "class C:",
            "    \"\"\"Class docstring",
            "    spanning lines.\"\"\"",
            "    x = 1",
            "def g(): 'not a docstring line on its own'"));

        // import, def f, sql = ''', SELECT 1, ''', return, class C, x = 1, def g
        Assert.Equal(9, record.CodeLines);
        Assert.Equal("Module docstring over two lines", record.Purpose);
    }

    [Fact]
    public void Inventory_WhenRepositoryHasPythonScripts_ShouldRunThePythonAnalyzerAndDecideStatus()
    {
        using var dir = new TempDir();
        dir.Write("scripts/generate_cov_tables.py", Py.Lines(
            "\"\"\"Generate COV tables.\"\"\"",
            "from concurrent.futures import ThreadPoolExecutor",
            "import argparse",
            "p = argparse.ArgumentParser()",
            "p.add_argument('--workers', type=int, default=8)",
            "pool = ThreadPoolExecutor(p.parse_args().workers)"));
        dir.Write("scripts/broken.py", "print('unterminated\n");
        dir.Write("scripts/missing_dep.py", "from .helpers import x\n");

        var result = new InventoryService(NullHost.Instance).Run(new InventoryOptions { Root = dir.Path, Profile = new AuditProfile { Name = "test" } });

        var cov = result.Records.Single(r => r.Path == "scripts/generate_cov_tables.py");
        Assert.Equal(ScriptStatus.Ready, cov.Status);
        Assert.Equal("Generate COV tables", cov.Purpose);
        Assert.Equal(ExecutionMode.Parallel, cov.ExecutionMode);
        Assert.Equal("--workers", cov.WorkersFlag);
        Assert.Equal(5, cov.CodeLines);
        var broken = result.Records.Single(r => r.Path == "scripts/broken.py");
        Assert.Equal(ScriptStatus.Blocked, broken.Status);
        Assert.Equal("scripts/broken.py:1", Assert.Single(broken.Findings).Location);
        Assert.Equal(ScriptStatus.Blocked, result.Records.Single(r => r.Path == "scripts/missing_dep.py").Status);
    }
}
