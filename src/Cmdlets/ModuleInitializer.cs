using System.Management.Automation;
using System.Runtime.Loader;

namespace BqxAudit.Cmdlets;

/// <summary>Hooks the ALC bridge when the module is imported, and unhooks it when it is removed.</summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    public void OnImport() => AssemblyLoadContext.Default.Resolving += DependencyLoadContext.ResolveEngine;

    public void OnRemove(PSModuleInfo psModuleInfo) => AssemblyLoadContext.Default.Resolving -= DependencyLoadContext.ResolveEngine;
}
