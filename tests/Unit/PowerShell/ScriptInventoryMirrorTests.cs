using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Inventory;
using BqxAudit.Model;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.PowerShell;

/// <summary>
/// The expectations of tests/Pester/GetBqxScriptInventory.Tests.ps1, run against the engine the
/// cmdlet calls, on the same fixture: the Pester file cannot run here, so what it asserts is kept
/// true here. Change both together.
/// </summary>
public sealed class ScriptInventoryMirrorTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Inventory_WhenFixtureHasProfileWithoutPhases_ShouldReturnOneReadyRecordPerScriptSortedByPath()
    {
        var root = Fixture("repo", withProfile: true);

        var records = Inventory(root);

        Assert.Equal(new[] { "scripts/generate_a.py", "scripts/run.sh" }, records.Select(r => r.Path));
        Assert.Equal(new[] { ScriptKind.Python, ScriptKind.Shell }, records.Select(r => r.Kind));
        Assert.All(records, r => Assert.Equal(ScriptStatus.Ready, r.Status));
        Assert.All(records, r => Assert.Equal("Uncategorized", r.Category));
        Assert.Equal(3, records[0].Lines);
        Assert.Equal(2, records[0].CodeLines);
    }

    [Fact]
    public void Inventory_WhenKindIsShell_ShouldReturnOnlyTheShellScript()
    {
        var root = Fixture("repo", withProfile: true);

        var records = Inventory(root, new[] { ScriptKind.Shell });

        Assert.Equal("scripts/run.sh", Assert.Single(records).Path);
    }

    [Fact]
    public void Inventory_WhenRootHasNoProfile_ShouldAddSixMissingRecordsOfTheDefaultPhase()
    {
        var root = Fixture("bare", withProfile: false);

        var records = Inventory(root);

        var missing = records.Where(r => r.Status == ScriptStatus.Missing).ToArray();
        Assert.Equal(6, missing.Length);
        Assert.All(missing, r => Assert.Equal("Phase M008-4C", r.Category));
        Assert.Equal("Generation", records.Single(r => r.Path == "scripts/generate_a.py").Category);
    }

    [Fact]
    public void Inventory_WhenProfileHasUnknownKey_ShouldThrowProfileInvalid()
    {
        var root = temp.Write("bad-profile/bqxaudit.yaml", "name: x\nbogus: 1\n");

        var error = Assert.Throws<BqxException>(() => Inventory(Path.GetDirectoryName(root)!));

        Assert.Equal("BqxAudit.ProfileInvalid", error.Error.ErrorId);
    }

    [Fact]
    public void Inventory_WhenRootDoesNotExist_ShouldThrowPathNotFound()
    {
        var error = Assert.Throws<BqxException>(() => Inventory(Path.Combine(temp.Path, "does-not-exist")));

        Assert.Equal("BqxAudit.PathNotFound", error.Error.ErrorId);
    }

    /// <summary>The Pester file's New-InventoryFixture (Set-Content ends every line with a newline).</summary>
    private string Fixture(string name, bool withProfile)
    {
        temp.Write($"{name}/scripts/generate_a.py", "import os\n\nprint(os.getcwd())\n");
        temp.Write($"{name}/scripts/run.sh", "#!/bin/bash\nset -e\necho hi\n");
        if (withProfile)
        {
            temp.Write($"{name}/bqxaudit.yaml", "name: pester\n");
        }

        return Path.Combine(temp.Path, name);
    }

    /// <summary>What the cmdlet does for one root: load the profile found there, run the inventory.</summary>
    private static IReadOnlyList<ScriptRecord> Inventory(string root, ScriptKind[]? kinds = null) =>
        new InventoryService(NullHost.Instance).Run(new InventoryOptions
        {
            Root = root,
            Profile = ProfileLoader.Load(new ProfileRequest { Root = root, Environment = _ => null }),
            Kinds = kinds,
        }).Records;
}
