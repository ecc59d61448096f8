namespace BqxAudit.Tests.PowerShell;

/// <summary>BqxAudit.psd1 against the compiled cmdlets and the staged folder.</summary>
[Collection(StagedModuleCollection.Name)]
public sealed class ManifestTests
{
    private readonly ModuleMetadata module;
    private readonly ModuleManifest manifest = ModuleManifest.Load(RepositoryLayout.ManifestPath);

    public ManifestTests(ModuleMetadata module) => this.module = module;

    [Fact]
    public void CmdletsToExport_ShouldEqualTheCompiledCmdlets()
    {
        var exported = manifest.List("CmdletsToExport").ToHashSet(StringComparer.Ordinal);
        var compiled = module.Cmdlets.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);

        var notCompiled = exported.Except(compiled).Order(StringComparer.Ordinal).ToArray();
        var notExported = compiled.Except(exported).Order(StringComparer.Ordinal).ToArray();

        Assert.True(notCompiled.Length == 0 && notExported.Length == 0,
            $"Exported but not compiled: [{string.Join(", ", notCompiled)}]; compiled but not exported: [{string.Join(", ", notExported)}]");
    }

    [Theory]
    [InlineData("CmdletsToExport")]
    [InlineData("FunctionsToExport")]
    [InlineData("AliasesToExport")]
    [InlineData("VariablesToExport")]
    public void ExportList_ShouldBeExplicitWithoutWildcards(string key)
    {
        var values = manifest.List(key);

        Assert.DoesNotContain(values, v => v.Contains('*') || v.Contains('?'));
    }

    [Fact]
    public void StagedManifest_ShouldBeTheRepositoryManifest()
    {
        Assert.Equal(File.ReadAllText(RepositoryLayout.ManifestPath), File.ReadAllText(Path.Combine(RepositoryLayout.StagedModule, "BqxAudit.psd1")));
    }

    [Theory]
    [InlineData("RootModule")]
    [InlineData("FormatsToProcess")]
    [InlineData("TypesToProcess")]
    public void ManifestFiles_ShouldExistInTheStagedFolder(string key)
    {
        var files = manifest.List(key);
        Assert.NotEmpty(files);

        var missing = files.Where(f => !File.Exists(Path.Combine(RepositoryLayout.StagedModule, f))).ToArray();

        Assert.True(missing.Length == 0, $"{key} names files not in out/BqxAudit/: {string.Join(", ", missing)}");
    }

    [Fact]
    public void RootModule_ShouldBeTheAssemblyHoldingTheCmdlets()
    {
        Assert.Equal("BqxAudit.dll", manifest.Value("RootModule"));
        Assert.Equal("BqxAudit", module.CmdletAssembly.GetName().Name);
    }

    [Fact]
    public void PowerShellVersion_ShouldBe74()
    {
        Assert.Equal("7.4", manifest.Value("PowerShellVersion"));
    }

    [Fact]
    public void CompatiblePSEditions_ShouldBeCoreOnly()
    {
        Assert.Equal(new[] { "Core" }, manifest.List("CompatiblePSEditions"));
    }

    [Fact]
    public void ModuleVersion_ShouldBeTheCompiledAssemblyVersion()
    {
        // Directory.Build.props reads ModuleVersion from the manifest: the two cannot drift.
        var version = Version.Parse(manifest.Value("ModuleVersion"));

        Assert.Equal(version, Normalize(module.CmdletAssembly.GetName().Version!));
        Assert.Equal(version, Normalize(module.EngineAssembly.GetName().Version!));
    }

    [Fact]
    public void Parse_WhenManifestHasCommentsQuotesAndMultiLineLists_ShouldReadEachEntry()
    {
        var parsed = new ModuleManifest("""
            @{
                # RootModule = 'Commented.dll'
                RootModule = 'BqxAudit.dll' # trailing comment
                <# block
                   PowerShellVersion = '5.1' #>
                PowerShellVersion = "7.4"
                CmdletsToExport = @(
                    'Get-BqxA',   # one
                    "Test-BqxB"
                    'It''s'
                )
                AliasesToExport = @()
            }
            """);

        Assert.Equal("BqxAudit.dll", parsed.Value("RootModule"));
        Assert.Equal("7.4", parsed.Value("PowerShellVersion"));
        Assert.Equal(new[] { "Get-BqxA", "Test-BqxB", "It's" }, parsed.List("CmdletsToExport"));
        Assert.Empty(parsed.List("AliasesToExport"));
        Assert.False(parsed.Contains("FunctionsToExport"));
    }

    private static Version Normalize(Version v) => new(v.Major, v.Minor, Math.Max(v.Build, 0));
}
