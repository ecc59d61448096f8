namespace BqxAudit.Tests.PowerShell;

/// <summary>
/// Which output objects bind to which parameters when one cmdlet is piped into another. PowerShell
/// binds a pipeline object to a ValueFromPipelineByPropertyName parameter whenever the object has a
/// property named like the parameter or one of its aliases, and to a ValueFromPipeline parameter
/// whose type accepts it (a string parameter accepts anything, through ToString()). Every such
/// binding between our cmdlets must be listed here as intended: none may happen by accident
/// (DESIGN.md: "e.g. a record's Path into a -Path").
/// </summary>
[Collection(StagedModuleCollection.Name)]
public sealed class PipelineBindingTests
{
    /// <summary>(output type, receiving cmdlet, property) bindings by property name that are meant to happen.</summary>
    private static readonly HashSet<(string Type, string Cmdlet, string Property)> IntendedByPropertyName = new()
    {
        // A NamingResult (or any object with TableName/TableId, e.g. bq's JSON) re-checked by name.
        ("BqxAudit.Model.NamingResult", "Test-BqxNamingCompliance", "TableName"),
        // Export-BqxAuditReport's FileInfo output binds like any Get-Item output; a report file is not a
        // folder, so Get-BqxScriptInventory refuses it with PathNotFound naming the file.
        ("System.IO.FileInfo", "Get-BqxScriptInventory", "FullName"),
    };

    /// <summary>(output type, receiving cmdlet, parameter) bindings by value that are accepted, with why.</summary>
    private static readonly Dictionary<(string Type, string Cmdlet, string Parameter), string> AcceptedByValue = new()
    {
        // -Path takes no pipeline input, so a piped record cannot bind through its ToString().
        [("BqxAudit.Model.AuditResult", "Export-BqxAuditReport", "InputObject")] =
            "Intended: Invoke-BqxAudit | Export-BqxAuditReport (the issue's canonical pipeline).",
        [("*", "Get-BqxBlocker", "InputObject")] =
            "Intended: Get-BqxBlocker takes any finding from the pipeline (the issue's canonical use); objects no rule " +
            "applies to (a NamingResult, a bool) raise no blocker.",
        [("BqxAudit.Model.ScriptRecord", "Get-BqxDependency", "InputObject")] =
            "Intended: Get-BqxScriptInventory | Get-BqxDependency reuses the records instead of parsing the scripts again.",
        [("BqxAudit.Model.NamingResult", "Get-BqxRenamePlan", "InputObject")] =
            "Intended: Test-BqxNamingCompliance | Get-BqxRenamePlan plans the piped results.",
        [("*", "Test-BqxNamingCompliance", "TableName")] =
            "The issue asks -TableName to take pipeline input by value (strings, e.g. Get-Content tables.txt), so any piped " +
            "object can coerce to a string. A NamingResult binds by its TableName property first, so its coercion is never used; " +
            "any other object's string (a path, 'source -> target Action', 'True') is rejected by the name reader with a message " +
            "naming it ('/', spaces and the like are not valid in a table name); a bool from -Quiet becomes 'True', a valid " +
            "name that classifies as NoRule. Nothing can be renamed by accident: Get-BqxRenamePlan takes only NamingResults.",
    };

    private readonly ModuleMetadata module;

    public PipelineBindingTests(ModuleMetadata module) => this.module = module;

    [Fact]
    public void BindingsByPropertyName_BetweenOutputTypesAndCmdlets_ShouldAllBeIntended()
    {
        var actual = BindingsByPropertyName().ToHashSet();

        var accidental = actual.Except(IntendedByPropertyName).Select(b => $"{b.Type}.{b.Property} → {b.Cmdlet}").Order(StringComparer.Ordinal).ToArray();
        var lost = IntendedByPropertyName.Except(actual).Select(b => $"{b.Type}.{b.Property} → {b.Cmdlet}").Order(StringComparer.Ordinal).ToArray();

        Assert.True(accidental.Length == 0, "Bindings by property name not in the intended list: " + string.Join("; ", accidental));
        Assert.True(lost.Length == 0, "Intended bindings by property name that no longer happen: " + string.Join("; ", lost));
    }

    [Fact]
    public void BindingsByValue_BetweenOutputTypesAndCmdlets_ShouldAllBeAccepted()
    {
        var actual = BindingsByValue().ToHashSet();
        bool Accepted((string Type, string Cmdlet, string Parameter) b) =>
            AcceptedByValue.ContainsKey(b) || AcceptedByValue.ContainsKey(("*", b.Cmdlet, b.Parameter));

        var accidental = actual.Where(b => !Accepted(b)).Select(b => $"{b.Type} → {b.Cmdlet} -{b.Parameter}").Order(StringComparer.Ordinal).ToArray();
        var lost = AcceptedByValue.Keys.Where(k => k.Type != "*").Except(actual).Select(b => $"{b.Type} → {b.Cmdlet} -{b.Parameter}").Order(StringComparer.Ordinal).ToArray();

        Assert.True(accidental.Length == 0, "Bindings by value not in the accepted list: " + string.Join("; ", accidental));
        Assert.True(lost.Length == 0, "Accepted bindings by value that no longer happen (update the list): " + string.Join("; ", lost));
    }

    [Fact]
    public void PathParameter_OfAnyCmdlet_ShouldNeverBindFromPipelinePropertyNames()
    {
        // Every record carries a Path relative to the audited root; bound into -Path (Get-BqxBlocker's
        // above all, DESIGN.md "Commands") it would audit the wrong folder.
        var offenders = module.Cmdlets
            .SelectMany(c => c.Parameters.Where(p => p.NameAndAliases.Contains("Path", StringComparer.OrdinalIgnoreCase))
                .Where(p => p.Sets.Any(s => s.ValueFromPipelineByPropertyName))
                .Select(p => $"{c.Name} -{p.Name}"))
            .ToArray();

        Assert.True(offenders.Length == 0, "ValueFromPipelineByPropertyName on a Path parameter: " + string.Join(", ", offenders));
    }

    [Fact]
    public void BindingsByPropertyName_WhenTypeHasPropertyMatchingAnAlias_ShouldBeFound()
    {
        // The detector itself: FileInfo's FullName binds Get-BqxScriptInventory -LiteralPath (alias FullName).
        var fileInfo = module.CoreType("System.IO.FileInfo");

        var found = BindingsByPropertyName(new[] { fileInfo }).ToArray();

        Assert.Contains(("System.IO.FileInfo", "Get-BqxScriptInventory", "FullName"), found);
    }

    private IEnumerable<(string Type, string Cmdlet, string Property)> BindingsByPropertyName() =>
        BindingsByPropertyName(module.Cmdlets.SelectMany(c => c.OutputTypes).Distinct());

    private IEnumerable<(string Type, string Cmdlet, string Property)> BindingsByPropertyName(IEnumerable<Type> outputTypes)
    {
        var extended = FormatFileTests.ExtendedMembers(); // AliasProperty, NoteProperty … bind by name too
        foreach (var type in outputTypes)
        {
            var properties = type.GetProperties().Where(p => p.GetMethod is { IsPublic: true, IsStatic: false }).Select(p => p.Name)
                .Concat(extended.TryGetValue(type.FullName!, out var more) ? more : Enumerable.Empty<string>())
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .ToArray();
            foreach (var cmdlet in module.Cmdlets)
            {
                foreach (var parameter in cmdlet.Parameters.Where(p => p.Sets.Any(s => s.ValueFromPipelineByPropertyName)))
                {
                    foreach (var property in properties.Where(n => parameter.NameAndAliases.Contains(n, StringComparer.OrdinalIgnoreCase)))
                    {
                        yield return (type.FullName!, cmdlet.Name, property);
                    }
                }
            }
        }
    }

    private IEnumerable<(string Type, string Cmdlet, string Parameter)> BindingsByValue()
    {
        foreach (var type in module.Cmdlets.SelectMany(c => c.OutputTypes).Distinct())
        {
            foreach (var cmdlet in module.Cmdlets)
            {
                foreach (var parameter in cmdlet.Parameters.Where(p => p.Sets.Any(s => s.ValueFromPipeline)))
                {
                    var target = parameter.Type.IsArray ? parameter.Type.GetElementType()! : parameter.Type;
                    if (target.FullName is "System.String" or "System.Object" or "System.Management.Automation.PSObject" || target.IsAssignableFrom(type))
                    {
                        yield return (type.FullName!, cmdlet.Name, parameter.Name);
                    }
                }
            }
        }
    }
}
