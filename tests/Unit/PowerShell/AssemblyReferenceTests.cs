using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace BqxAudit.Tests.PowerShell;

/// <summary>
/// What the staged assemblies reference: the engine knows nothing of PowerShell, and the cmdlet
/// assembly (loaded by pwsh into its default context) reaches packages only through the engine,
/// the one assembly the ALC bridge resolves.
/// </summary>
public sealed class AssemblyReferenceTests
{
    /// <summary>The assembly PowerShell cmdlets are compiled against.</summary>
    internal const string PowerShellAssemblyName = "System.Management.Automation";

    /// <summary>Public types of the <c>BqxAudit.Model</c> assembly (the output types).</summary>
    private static IEnumerable<Type> ModelTypes => typeof(BqxAudit.Model.Blocker).Assembly.GetExportedTypes().Where(t => t.Namespace == "BqxAudit.Model");

    [Fact]
    public void EngineAssembly_ShouldNotReferencePowerShell()
    {
        var references = ReferencedAssemblies(RepositoryLayout.StagedEngineAssembly);

        Assert.NotEmpty(references);
        Assert.DoesNotContain(references, r => r.StartsWith(PowerShellAssemblyName, StringComparison.OrdinalIgnoreCase)
                                               || r.StartsWith("Microsoft.PowerShell", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void CmdletAssembly_ShouldReferencePowerShellAndTheEngine()
    {
        // The positive control of the test above: the reader does see a PowerShell reference where one exists.
        var references = ReferencedAssemblies(RepositoryLayout.StagedCmdletAssembly);

        Assert.Contains(PowerShellAssemblyName, references);
        Assert.Contains("BqxAudit.Engine", references);
    }

    [Fact]
    public void CmdletAssembly_ShouldReferenceOnlyTheEnginePowerShellAndTheFramework()
    {
        // pwsh loads BqxAudit.dll (and BqxAudit.Model.dll, RequiredAssemblies) into its default context;
        // the bridge resolves only BqxAudit.Engine there, so a direct reference to a package
        // (YamlDotNet …) would fail to load at run time.
        var framework = FrameworkAssemblyNames();
        var offenders = ReferencedAssemblies(RepositoryLayout.StagedCmdletAssembly)
            .Where(r => r != "BqxAudit.Engine" && r != "BqxAudit.Model" && r != PowerShellAssemblyName && !framework.Contains(r))
            .ToArray();

        Assert.True(offenders.Length == 0, "BqxAudit.dll references assemblies neither pwsh nor the bridge provide: " + string.Join(", ", offenders));
    }

    [Fact]
    public void ModelTypes_ShouldExposeOnlyFrameworkAndModelTypes()
    {
        // DESIGN.md: "the objects PowerShell receives are Model/ types, which expose no package types".
        var offenders = new List<string>();
        foreach (var type in ModelTypes)
        {
            var exposed = type.GetProperties().Select(p => (Member: p.Name, p.PropertyType))
                .Concat(type.GetFields().Select(f => (Member: f.Name, PropertyType: f.FieldType)))
                .Concat(type.GetInterfaces().Select(i => (Member: "(implements)", PropertyType: i)))
                .Append((Member: "(base)", PropertyType: type.BaseType ?? type));
            foreach (var (member, exposedType) in exposed)
            {
                foreach (var part in Unwrap(exposedType))
                {
                    var assembly = part.Assembly.GetName().Name;
                    if (assembly != "BqxAudit.Model" && !IsFramework(part))
                    {
                        offenders.Add($"{type.FullName}.{member}: {part.FullName} from {assembly}");
                    }
                }
            }
        }

        Assert.NotEmpty(ModelTypes);
        Assert.True(offenders.Count == 0, string.Join("; ", offenders));
    }

    /// <summary>Simple names of the assemblies an assembly references (read with System.Reflection.Metadata).</summary>
    internal static string[] ReferencedAssemblies(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        return reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToArray();
    }

    internal static HashSet<string> FrameworkAssemblyNames() =>
        Directory.GetFiles(RepositoryLayout.RuntimeDirectory, "*.dll").Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.OrdinalIgnoreCase)!;

    private static bool IsFramework(Type type) =>
        Path.GetDirectoryName(type.Assembly.Location) is { } dir && Path.GetFullPath(dir) == Path.GetFullPath(RepositoryLayout.RuntimeDirectory);

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.HasElementType)
        {
            foreach (var t in Unwrap(type.GetElementType()!))
            {
                yield return t;
            }

            yield break;
        }

        if (type.IsGenericParameter)
        {
            yield break;
        }

        yield return type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments().SelectMany(Unwrap))
            {
                yield return argument;
            }
        }
    }
}
