using System.Collections;
using System.Reflection;
using System.Text.Json.Serialization;

namespace BqxAudit.Tests.PowerShell;

/// <summary>
/// The conventions of the output types that make them survive PowerShell (src/Model/Common.cs): enums that
/// ConvertTo-Json writes as names, dictionaries it accepts, readable ToString() for every nested type, and
/// PowerShell-only properties kept out of the CLI's and the reports' JSON. The round trips themselves run
/// in pwsh (tests/Pester/RoundTrip.Tests.ps1); these catch a new type or property that breaks a convention.
/// </summary>
public sealed class ModelConventionTests
{
    private static readonly Type[] Types = typeof(BqxAudit.Model.Blocker).Assembly.GetExportedTypes()
        .Where(t => t.Namespace == "BqxAudit.Model")
        .ToArray();

    [Fact]
    public void Enums_OfTheModel_ShouldAllBe64Bit()
    {
        // pwsh 7.6 ConvertTo-Json writes a 64-bit enum as its name and any other enum as a number.
        var enums = Types.Where(t => t.IsEnum).ToArray();

        Assert.NotEmpty(enums);
        Assert.All(enums, e => Assert.True(Enum.GetUnderlyingType(e) == typeof(long), $"{e.FullName} is {Enum.GetUnderlyingType(e).Name}; declare it `: long`"));
    }

    [Fact]
    public void Dictionaries_OfTheModel_ShouldBeKeyedByStrings()
    {
        var offenders = Properties()
            .Where(p => DictionaryKey(p.PropertyType) is { } key && key != typeof(string))
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}: {p.PropertyType}")
            .ToArray();

        Assert.True(offenders.Length == 0, "ConvertTo-Json refuses non-string keys: " + string.Join("; ", offenders));
    }

    [Fact]
    public void ClassesOfTheModel_ShouldOverrideToString()
    {
        var offenders = Types
            .Where(t => t.IsClass && !t.IsAbstract && !(t.IsSealed && t.IsAbstract) && !typeof(Attribute).IsAssignableFrom(t))
            .Where(t => t.GetMethod(nameof(ToString), Type.EmptyTypes)!.DeclaringType != t)
            .Select(t => t.FullName)
            .ToArray();

        Assert.True(offenders.Length == 0, "a table cell, Export-Csv and \"$x\" would show the type name: " + string.Join(", ", offenders));
    }

    [Fact]
    public void PowerShellOnlyProperties_ShouldStayOutOfTheJson()
    {
        var names = new[] { "Root", "ExitCode" };
        var offenders = Properties()
            .Where(p => (names.Contains(p.Name) || p.Name.EndsWith("Text", StringComparison.Ordinal)) && p.PropertyType != typeof(object))
            .Where(p => p.DeclaringType != typeof(BqxAudit.Model.AuditRun)) // AuditRun.Root is the root as given, in the JSON by design
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}")
            .ToArray();

        Assert.True(offenders.Length == 0, "mark them [JsonIgnore], the CLI's and the reports' JSON are pinned: " + string.Join(", ", offenders));
    }

    [Fact]
    public void ToString_OfNestedTypes_ShouldSayWhatTheyHold()
    {
        var source = new BqxAudit.Model.BlockerSource { Type = "ScriptRecord", Target = "scripts/x.py", Detail = "Missing" };
        var task = new BqxAudit.Model.PhaseTask { Name = "COV rename", ScriptStatus = BqxAudit.Model.ScriptStatus.Missing, CreationHours = new() { Min = 4, Max = 6 } };
        var run = new BqxAudit.Model.AuditRun { ProfileName = "bqx-ml-v3", Root = "examples/bqx-ml-v3", ReportDate = "2025-12-13", Offline = true, Commit = "0123456789abcdef" };

        Assert.Equal("ScriptRecord scripts/x.py (Missing)", source.ToString());
        Assert.Equal("COV rename: Missing, create 4-6h", task.ToString());
        Assert.Equal("bqx-ml-v3 on examples/bqx-ml-v3 @01234567, 2025-12-13, offline", run.ToString());
    }

    private static IEnumerable<PropertyInfo> Properties() =>
        Types.Where(t => t.IsClass).SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly));

    private static Type? DictionaryKey(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>))
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
              ?? type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        return dictionary?.GetGenericArguments()[0] ?? (typeof(IDictionary).IsAssignableFrom(type) ? typeof(object) : null);
    }
}
