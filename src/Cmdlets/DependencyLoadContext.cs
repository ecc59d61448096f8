using System.Reflection;
using System.Runtime.Loader;

namespace BqxAudit.Cmdlets;

/// <summary>
/// The module's own load context (the "ALC bridge"): the engine and every package it uses load
/// from <c>Dependencies/</c> here, so their versions never clash with another module's. Anything
/// not in that folder (the framework, PowerShell) falls back to the default context.
/// This class touches no PowerShell type, so it is tested directly.
/// </summary>
public sealed class DependencyLoadContext : AssemblyLoadContext
{
    /// <summary>The engine's assembly name: the one assembly the default context is bridged to.</summary>
    public const string EngineAssemblyName = "BqxAudit.Engine";

    /// <summary>The output types' assembly: shared with the default context, never loaded twice.</summary>
    public const string ModelAssemblyName = "BqxAudit.Model";

    private static readonly object Gate = new();
    private static DependencyLoadContext? shared;

    public DependencyLoadContext(string dependencyDirectory)
        : base("BqxAudit.Dependencies", isCollectible: false)
    {
        DependencyDirectory = dependencyDirectory;
    }

    public string DependencyDirectory { get; }

    /// <summary>The one context of the module, for <c>Dependencies/</c> beside BqxAudit.dll.</summary>
    public static DependencyLoadContext Shared
    {
        get
        {
            lock (Gate)
            {
                return shared ??= new DependencyLoadContext(
                    Path.Combine(Path.GetDirectoryName(typeof(DependencyLoadContext).Assembly.Location)!, "Dependencies"));
            }
        }
    }

    /// <summary>The handler for <see cref="AssemblyLoadContext.Default"/>'s Resolving event: only the engine crosses the bridge.</summary>
    public static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == EngineAssemblyName ? Shared.LoadFromAssemblyName(name) : null;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // The engine's output types are the ones the cmdlets (default context) write and users name:
        // hand the engine that same assembly, so a Blocker is one type on both sides of the bridge.
        if (assemblyName.Name == ModelAssemblyName)
        {
            return typeof(BqxAudit.Model.Blocker).Assembly;
        }

        var path = Path.Combine(DependencyDirectory, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
