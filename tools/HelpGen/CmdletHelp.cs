using System.Reflection;
using System.Xml.Linq;

namespace BqxAudit.HelpGen;

/// <summary>One parameter of one parameter set, as the [Parameter] attribute declares it.</summary>
public sealed record ParameterSetEntry(string Set, bool Mandatory, int? Position, bool ByValue, bool ByPropertyName);

/// <summary>A cmdlet parameter read from metadata, with its documentation.</summary>
public sealed class ParameterHelp
{
    public required string Name { get; init; }
    public required Type Type { get; init; }
    public required string Description { get; init; }
    public required IReadOnlyList<string> Aliases { get; init; }
    public required IReadOnlyList<ParameterSetEntry> Sets { get; init; }
    public bool Globbing { get; init; }
    public bool DontShow { get; init; }

    /// <summary>True for parameters every set has (no ParameterSetName).</summary>
    public bool AllSets => Sets.Any(s => s.Set == CmdletHelp.AllParameterSets);

    public bool IsSwitch => Type.FullName == "System.Management.Automation.SwitchParameter";

    public ParameterSetEntry? In(string set) => Sets.FirstOrDefault(s => s.Set == set) ?? Sets.FirstOrDefault(s => s.Set == CmdletHelp.AllParameterSets);

    /// <summary>MAML's pipelineInput text: <c>True (ByValue)</c>, <c>True (ByPropertyName)</c>, <c>False</c>.</summary>
    public string PipelineInput(ParameterSetEntry? entry = null)
    {
        var sets = entry is null ? Sets : new[] { entry };
        var kinds = new List<string>();
        if (sets.Any(s => s.ByValue))
        {
            kinds.Add("ByValue");
        }

        if (sets.Any(s => s.ByPropertyName))
        {
            kinds.Add("ByPropertyName");
        }

        return kinds.Count == 0 ? "False" : $"True ({string.Join(", ", kinds)})";
    }
}

/// <summary>A cmdlet read from metadata: its name, sets, parameters, outputs and the documentation of its class.</summary>
public sealed class CmdletHelp
{
    public const string AllParameterSets = "__AllParameterSets";
    private const string Sma = "System.Management.Automation.";

    public required string Verb { get; init; }
    public required string Noun { get; init; }
    public string Name => $"{Verb}-{Noun}";
    public required Type Type { get; init; }
    public required bool SupportsShouldProcess { get; init; }
    public required string? DefaultSet { get; init; }
    public required IReadOnlyList<ParameterHelp> Parameters { get; init; }
    public required IReadOnlyList<Type> Outputs { get; init; }
    public required XElement? Doc { get; init; }

    /// <summary>The parameter sets, the default first; a cmdlet without named sets has one.</summary>
    public IReadOnlyList<string> Sets
    {
        get
        {
            var named = Parameters.SelectMany(p => p.Sets).Select(s => s.Set).Where(s => s != AllParameterSets).Distinct().ToList();
            if (named.Count == 0)
            {
                return new[] { AllParameterSets };
            }

            return named.OrderBy(s => s == DefaultSet ? 0 : 1).ToList();
        }
    }

    /// <summary>A set whose parameters are all hidden (the catch-all for unusable pipeline input) is not shown.</summary>
    public bool Hidden(string set) => set != AllParameterSets && Parameters.Where(p => p.Sets.Any(s => s.Set == set)).All(p => p.DontShow);

    public static IEnumerable<CmdletHelp> Read(Assembly assembly, DocComments docs)
    {
        foreach (var type in assembly.GetExportedTypes().Where(t => !t.IsAbstract).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var cmdlet = type.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == Sma + "CmdletAttribute");
            if (cmdlet is null)
            {
                continue;
            }

            yield return new CmdletHelp
            {
                Verb = (string)cmdlet.ConstructorArguments[0].Value!,
                Noun = (string)cmdlet.ConstructorArguments[1].Value!,
                Type = type,
                SupportsShouldProcess = Named(cmdlet, "SupportsShouldProcess") is true,
                DefaultSet = Named(cmdlet, "DefaultParameterSetName") as string,
                Parameters = ReadParameters(type, docs).ToList(),
                Outputs = type.GetCustomAttributesData()
                    .Where(a => a.AttributeType.FullName == Sma + "OutputTypeAttribute")
                    .SelectMany(a => a.ConstructorArguments)
                    .SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> many ? many.Select(m => m.Value) : new[] { arg.Value })
                    .OfType<Type>()
                    .ToList(),
                Doc = docs.Type(type),
            };
        }
    }

    private static IEnumerable<ParameterHelp> ReadParameters(Type type, DocComments docs)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var attributes = property.GetCustomAttributesData();
            var parameters = attributes.Where(a => a.AttributeType.FullName == Sma + "ParameterAttribute").ToList();
            if (parameters.Count == 0)
            {
                continue;
            }

            var doc = docs.Property(property);
            yield return new ParameterHelp
            {
                Name = property.Name,
                Type = property.PropertyType,
                Description = DocComments.Text(doc?.Element("summary")),
                Aliases = attributes.Where(a => a.AttributeType.FullName == Sma + "AliasAttribute")
                    .SelectMany(a => a.ConstructorArguments)
                    .SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> many ? many.Select(m => (string)m.Value!) : new[] { (string)arg.Value! })
                    .ToList(),
                Globbing = attributes.Any(a => a.AttributeType.FullName == Sma + "SupportsWildcardsAttribute"),
                DontShow = parameters.All(p => Named(p, "DontShow") is true),
                Sets = parameters.Select(p => new ParameterSetEntry(
                    Named(p, "ParameterSetName") as string ?? AllParameterSets,
                    Named(p, "Mandatory") is true,
                    Named(p, "Position") is int position && position >= 0 ? position : null,
                    Named(p, "ValueFromPipeline") is true,
                    Named(p, "ValueFromPipelineByPropertyName") is true)).ToList(),
            };
        }
    }

    private static object? Named(CustomAttributeData attribute, string name)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.MemberName == name)
            {
                return argument.TypedValue.Value;
            }
        }

        return null;
    }
}
