using System.Reflection;
using System.Runtime.Loader;
using BqxAudit.Cmdlets;

namespace BqxAudit.Tests.PowerShell;

/// <summary>
/// The ALC bridge, exercised on the staged <c>out/BqxAudit/Dependencies</c>: the engine and its
/// packages load there into the module's own context; the framework comes from the default one.
/// </summary>
public sealed class DependencyLoadContextTests
{
    private static readonly string Dependencies = RepositoryLayout.StagedDependencies;

    [Fact]
    public void LoadFromAssemblyName_WhenEngine_ShouldLoadTheStagedEngineIntoTheModuleContext()
    {
        var context = new DependencyLoadContext(Dependencies);

        var engine = context.LoadFromAssemblyName(new AssemblyName(DependencyLoadContext.EngineAssemblyName));

        Assert.Same(context, AssemblyLoadContext.GetLoadContext(engine));
        Assert.Equal(Path.Combine(Dependencies, "BqxAudit.Engine.dll"), engine.Location);
        // This test process has its own engine in the default context: the two are distinct.
        Assert.NotSame(typeof(BqxAudit.Model.ScriptRecord).Assembly, engine);
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(typeof(BqxAudit.Model.ScriptRecord).Assembly));
    }

    [Fact]
    public void LoadFromAssemblyName_WhenEnginePackageIsRequested_ShouldLoadItFromDependenciesIntoTheModuleContext()
    {
        var context = new DependencyLoadContext(Dependencies);
        var engine = context.LoadFromAssemblyName(new AssemblyName(DependencyLoadContext.EngineAssemblyName));
        var packages = engine.GetReferencedAssemblies()
            .Where(r => r.Name is "YamlDotNet" or "Microsoft.Extensions.FileSystemGlobbing")
            .ToArray();
        Assert.Equal(2, packages.Length);

        foreach (var reference in packages)
        {
            var loaded = context.LoadFromAssemblyName(reference);

            Assert.Same(context, AssemblyLoadContext.GetLoadContext(loaded));
            Assert.Equal(Path.Combine(Dependencies, reference.Name + ".dll"), loaded.Location);
        }
    }

    [Fact]
    public void EngineTypes_WhenUsedThroughTheModuleContext_ShouldResolveYamlDotNetFromDependencies()
    {
        var context = new DependencyLoadContext(Dependencies);
        var engine = context.LoadFromAssemblyName(new AssemblyName(DependencyLoadContext.EngineAssemblyName));

        // Loading the profile loader's method bodies pulls in YamlDotNet the way the runtime does: through the context.
        var loader = engine.GetType("BqxAudit.Configuration.ProfileLoader", throwOnError: true)!;
        var names = (IEnumerable<string>)loader.GetProperty("EmbeddedNames")!.GetValue(null)!;
        var load = loader.GetMethod("LoadEmbedded", BindingFlags.Public | BindingFlags.Static, new[] { typeof(string) });
        Assert.NotNull(load);
        var profile = load!.Invoke(null, new object[] { names.First() });

        Assert.NotNull(profile);
        var yaml = context.Assemblies.SingleOrDefault(a => a.GetName().Name == "YamlDotNet");
        Assert.NotNull(yaml);
        Assert.Equal(Path.Combine(Dependencies, "YamlDotNet.dll"), yaml!.Location);
    }

    [Theory]
    [InlineData("System.Runtime")]
    [InlineData("System.Text.Json")]
    [InlineData("System.Collections.Concurrent")]
    public void LoadFromAssemblyName_WhenFrameworkAssembly_ShouldFallBackToTheDefaultContext(string name)
    {
        var context = new DependencyLoadContext(Dependencies);

        var loaded = context.LoadFromAssemblyName(new AssemblyName(name));

        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(loaded));
        Assert.DoesNotContain(loaded, context.Assemblies);
    }

    [Fact]
    public void Dependencies_ShouldHoldNoFrameworkOrPowerShellAssembly()
    {
        // A framework or PowerShell assembly in Dependencies/ would load into the module context and
        // shadow the one every other assembly uses.
        var framework = AssemblyReferenceTests.FrameworkAssemblyNames();
        var offenders = Directory.GetFiles(Dependencies, "*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(n => framework.Contains(n!) || n!.StartsWith(AssemblyReferenceTests.PowerShellAssemblyName, StringComparison.OrdinalIgnoreCase))
            .ToArray();

        Assert.True(offenders.Length == 0, "Dependencies/ shadows: " + string.Join(", ", offenders));
    }

    [Fact]
    public void Dependencies_ShouldHoldTheEngineAndItsPackagesButNotTheCmdletAssembly()
    {
        var names = Directory.GetFiles(Dependencies, "*.dll").Select(Path.GetFileName).ToArray();

        Assert.Contains("BqxAudit.Engine.dll", names);
        Assert.Contains("YamlDotNet.dll", names);
        Assert.Contains("Microsoft.Extensions.FileSystemGlobbing.dll", names);
        Assert.DoesNotContain("BqxAudit.dll", names);
        Assert.True(File.Exists(RepositoryLayout.StagedCmdletAssembly));
    }

    [Theory]
    [InlineData("YamlDotNet")]
    [InlineData("Microsoft.Extensions.FileSystemGlobbing")]
    [InlineData("System.Management.Automation")]
    [InlineData("BqxAudit")]
    [InlineData("BqxAudit.Engine.Extra")]
    public void ResolveEngine_WhenNameIsNotTheEngine_ShouldReturnNull(string name)
    {
        Assert.Null(DependencyLoadContext.ResolveEngine(AssemblyLoadContext.Default, new AssemblyName(name)));
    }

    [Fact]
    public void ResolveEngine_WhenNameIsTheEngine_ShouldReturnTheEngine()
    {
        // In this process BqxAudit.dll has no Dependencies/ beside it, so the shared context falls
        // back to the default context's engine; the point is that the engine name is answered.
        var resolved = DependencyLoadContext.ResolveEngine(AssemblyLoadContext.Default, new AssemblyName(DependencyLoadContext.EngineAssemblyName));

        Assert.NotNull(resolved);
        Assert.Equal(DependencyLoadContext.EngineAssemblyName, resolved!.GetName().Name);
    }
}
