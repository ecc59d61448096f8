using System.Reflection;

namespace BqxAudit.Tests.PowerShell;

/// <summary>
/// The staged module read as metadata (System.Reflection.MetadataLoadContext): nothing is instantiated
/// or run, so PowerShellStandard.Library's reference assembly is enough to read the cmdlets' attributes.
/// One instance per test collection (<see cref="StagedModuleCollection"/>).
/// </summary>
public sealed class ModuleMetadata : IDisposable
{
    public const string AllParameterSets = "__AllParameterSets";
    public const string PowerShellAssemblyName = "System.Management.Automation";
    private const string Sma = "System.Management.Automation.";

    private readonly MetadataLoadContext context;

    public ModuleMetadata()
    {
        if (!File.Exists(RepositoryLayout.StagedCmdletAssembly) || !File.Exists(RepositoryLayout.StagedEngineAssembly))
        {
            throw new InvalidOperationException(
                $"The staged module is missing ({RepositoryLayout.StagedCmdletAssembly}, {RepositoryLayout.StagedEngineAssembly}); " +
                "building tests/Unit runs the Cmdlets project's StageModule target, which creates it.");
        }

        PowerShellReferenceAssembly = FindPowerShellReferenceAssembly();
        var paths = Directory.GetFiles(RepositoryLayout.StagedModule, "*.dll")
            .Concat(Directory.GetFiles(RepositoryLayout.StagedDependencies, "*.dll"))
            .Concat(Directory.GetFiles(RepositoryLayout.RuntimeDirectory, "*.dll"))
            .Append(PowerShellReferenceAssembly);
        context = new MetadataLoadContext(new PathAssemblyResolver(paths), coreAssemblyName: "System.Private.CoreLib");
        CmdletAssembly = context.LoadFromAssemblyPath(RepositoryLayout.StagedCmdletAssembly);
        EngineAssembly = context.LoadFromAssemblyPath(RepositoryLayout.StagedEngineAssembly);
        ModelAssembly = context.LoadFromAssemblyPath(RepositoryLayout.StagedModelAssembly);
        Cmdlets = CmdletAssembly.GetTypes()
            .Where(t => t.GetCustomAttributesData().Any(a => a.AttributeType.FullName == Sma + "CmdletAttribute"))
            .Select(Describe)
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToArray();
    }

    public string PowerShellReferenceAssembly { get; }

    public Assembly CmdletAssembly { get; }

    public Assembly EngineAssembly { get; }

    public Assembly ModelAssembly { get; }

    public IReadOnlyList<CmdletMetadata> Cmdlets { get; }

    /// <summary>Public types of the <c>BqxAudit.Model</c> assembly (the output types).</summary>
    public IEnumerable<Type> ModelTypes => ModelAssembly.GetExportedTypes().Where(t => t.Namespace == "BqxAudit.Model");

    public Type CoreType(string fullName) => context.CoreAssembly!.GetType(fullName, throwOnError: true)!;

    public CmdletMetadata? FindCmdlet(string name) =>
        Cmdlets.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    public void Dispose() => context.Dispose();

    /// <summary>PowerShellStandard.Library's System.Management.Automation reference assembly in the NuGet packages folder.</summary>
    public static string FindPowerShellReferenceAssembly()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrWhiteSpace(packages))
        {
            packages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }

        var path = Path.Combine(packages, "powershellstandard.library", "5.1.0-preview-06", "lib", "netstandard2.0", "System.Management.Automation.dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"PowerShellStandard.Library's reference assembly is not at {path} (NUGET_PACKAGES or ~/.nuget/packages); restoring src/Cmdlets puts it there.", path);
    }

    private static CmdletMetadata Describe(Type type)
    {
        var cmdlet = type.GetCustomAttributesData().Single(a => a.AttributeType.FullName == Sma + "CmdletAttribute");
        var outputTypes = new List<Type>();
        var outputTypeNames = new List<string>();
        foreach (var output in type.GetCustomAttributesData().Where(a => a.AttributeType.FullName == Sma + "OutputTypeAttribute"))
        {
            foreach (var value in Flatten(output.ConstructorArguments))
            {
                switch (value)
                {
                    case Type t:
                        outputTypes.Add(t);
                        break;
                    case string s:
                        outputTypeNames.Add(s);
                        break;
                }
            }
        }

        var parameters = new List<ParameterMetadata>();
        const BindingFlags Public = BindingFlags.Public | BindingFlags.Instance;
        foreach (var member in type.GetProperties(Public).Cast<MemberInfo>().Concat(type.GetFields(Public)))
        {
            var attributes = member.GetCustomAttributesData();
            var sets = attributes.Where(a => a.AttributeType.FullName == Sma + "ParameterAttribute").Select(ParameterSet).ToArray();
            if (sets.Length == 0)
            {
                continue;
            }

            var aliases = attributes.Where(a => a.AttributeType.FullName == Sma + "AliasAttribute")
                .SelectMany(a => Flatten(a.ConstructorArguments)).OfType<string>().ToArray();
            var memberType = member is PropertyInfo p ? p.PropertyType : ((FieldInfo)member).FieldType;
            parameters.Add(new ParameterMetadata(member.Name, memberType, aliases, sets, member));
        }

        return new CmdletMetadata(
            type,
            (string)cmdlet.ConstructorArguments[0].Value!,
            (string)cmdlet.ConstructorArguments[1].Value!,
            Named<string>(cmdlet, "DefaultParameterSetName"),
            Named<bool>(cmdlet, "SupportsShouldProcess"),
            outputTypes,
            outputTypeNames,
            parameters);
    }

    private static ParameterSetMetadata ParameterSet(CustomAttributeData parameter) => new(
        Named<string>(parameter, "ParameterSetName") ?? AllParameterSets,
        parameter.NamedArguments.Any(a => a.MemberName == "Position") ? Named<int>(parameter, "Position") : null,
        Named<bool>(parameter, "Mandatory"),
        Named<bool>(parameter, "ValueFromPipeline"),
        Named<bool>(parameter, "ValueFromPipelineByPropertyName"));

    private static T? Named<T>(CustomAttributeData attribute, string name)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.MemberName == name)
            {
                return (T?)argument.TypedValue.Value;
            }
        }

        return default;
    }

    /// <summary>Attribute arguments with <c>params</c> arrays unpacked.</summary>
    private static IEnumerable<object?> Flatten(IEnumerable<CustomAttributeTypedArgument> arguments)
    {
        foreach (var argument in arguments)
        {
            if (argument.Value is IEnumerable<CustomAttributeTypedArgument> items)
            {
                foreach (var item in items)
                {
                    yield return item.Value;
                }
            }
            else
            {
                yield return argument.Value;
            }
        }
    }
}

/// <summary>One cmdlet class as PowerShell will see it.</summary>
public sealed record CmdletMetadata(
    Type Type,
    string Verb,
    string Noun,
    string? DefaultParameterSetName,
    bool SupportsShouldProcess,
    IReadOnlyList<Type> OutputTypes,
    IReadOnlyList<string> OutputTypeNames,
    IReadOnlyList<ParameterMetadata> Parameters)
{
    public string Name => $"{Verb}-{Noun}";

    /// <summary>The parameter sets the cmdlet declares by name; the single implicit set when it declares none.</summary>
    public IReadOnlyList<string> ParameterSetNames
    {
        get
        {
            var named = Parameters.SelectMany(p => p.Sets).Select(s => s.Name)
                .Where(n => n != ModuleMetadata.AllParameterSets).Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToArray();
            return named.Length > 0 ? named : new[] { ModuleMetadata.AllParameterSets };
        }
    }

    /// <summary>The names and aliases PowerShell binds for this cmdlet: its own, the common parameters, and WhatIf/Confirm when it supports ShouldProcess.</summary>
    public IEnumerable<(string Name, string Owner)> AllNamesAndAliases()
    {
        foreach (var p in Parameters)
        {
            yield return (p.Name, p.Name);
            foreach (var alias in p.Aliases)
            {
                yield return (alias, p.Name);
            }
        }

        foreach (var (name, aliases) in CommonParameters.Always.Concat(SupportsShouldProcess ? CommonParameters.ShouldProcess : []))
        {
            yield return (name, name + " (common)");
            foreach (var alias in aliases)
            {
                yield return (alias, name + " (common)");
            }
        }
    }
}

public sealed record ParameterMetadata(string Name, Type Type, IReadOnlyList<string> Aliases, IReadOnlyList<ParameterSetMetadata> Sets, MemberInfo Member)
{
    /// <summary>The entries that apply in <paramref name="set"/>: those naming it, and those in all sets.</summary>
    public IEnumerable<ParameterSetMetadata> In(string set) =>
        Sets.Where(s => s.Name == set || s.Name == ModuleMetadata.AllParameterSets);

    public IEnumerable<string> NameAndAliases => Aliases.Prepend(Name);
}

/// <summary>One [Parameter] attribute: the set it applies to and how it binds there.</summary>
public sealed record ParameterSetMetadata(string Name, int? Position, bool Mandatory, bool ValueFromPipeline, bool ValueFromPipelineByPropertyName);

/// <summary>PowerShell 7.4's common parameters and their aliases (about_CommonParameters).</summary>
public static class CommonParameters
{
    public static readonly IReadOnlyList<(string Name, string[] Aliases)> Always =
    [
        ("Verbose", ["vb"]),
        ("Debug", ["db"]),
        ("ErrorAction", ["ea"]),
        ("WarningAction", ["wa"]),
        ("InformationAction", ["infa"]),
        ("ProgressAction", ["proga"]),
        ("ErrorVariable", ["ev"]),
        ("WarningVariable", ["wv"]),
        ("InformationVariable", ["iv"]),
        ("OutVariable", ["ov"]),
        ("OutBuffer", ["ob"]),
        ("PipelineVariable", ["pv"]),
    ];

    public static readonly IReadOnlyList<(string Name, string[] Aliases)> ShouldProcess =
    [
        ("WhatIf", ["wi"]),
        ("Confirm", ["cf"]),
    ];
}

[CollectionDefinition(Name)]
public sealed class StagedModuleCollection : ICollectionFixture<ModuleMetadata>
{
    public const string Name = "Staged module metadata";
}
