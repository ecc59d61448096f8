using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace BqxAudit.Tests.PowerShell;

/// <summary>
/// The format and types files the manifest ships (FormatsToProcess, TypesToProcess, as staged):
/// valid against PowerShell's own schemas, and naming only Model types and properties that exist.
/// </summary>
[Collection(StagedModuleCollection.Name)]
public sealed class FormatFileTests
{
    private readonly ModuleMetadata module;
    private readonly ModuleManifest manifest = ModuleManifest.Load(RepositoryLayout.ManifestPath);

    public FormatFileTests(ModuleMetadata module) => this.module = module;

    private IEnumerable<string> FormatFiles => manifest.List("FormatsToProcess").Select(f => Path.Combine(RepositoryLayout.StagedModule, f));

    private IEnumerable<string> TypesFiles => manifest.List("TypesToProcess").Select(f => Path.Combine(RepositoryLayout.StagedModule, f));

    [SharedFact("validating the format file against powershell-schemas/Format.xsd")]
    public void FormatFiles_ShouldValidateAgainstFormatXsd()
    {
        var events = FormatFiles.SelectMany(f => Validate(f, "Format.xsd")).ToArray();

        Assert.True(events.Length == 0, "Format.xsd validation:\n" + string.Join("\n", events));
    }

    [SharedFact("validating the types file against powershell-schemas/Types.xsd")]
    public void TypesFiles_ShouldValidateAgainstTypesXsd()
    {
        var events = TypesFiles.SelectMany(f => Validate(f, "Types.xsd")).ToArray();

        Assert.True(events.Length == 0, "Types.xsd validation:\n" + string.Join("\n", events));
    }

    [SharedFact("the Format.xsd negative check")]
    public void Validate_WhenFormatFileHasUnknownElementAndBadValue_ShouldReportBothWithLines()
    {
        using var temp = new Support.TempDir();
        var file = temp.Write("Bad.Format.ps1xml", """
            <?xml version="1.0" encoding="utf-8"?>
            <Configuration>
              <ViewDefinitions>
                <View>
                  <Name>X</Name>
                  <ViewSelectedBy><TypeName>BqxAudit.Model.ScriptRecord</TypeName></ViewSelectedBy>
                  <TableControl>
                    <TableHeaders>
                      <TableColumnHeader><Label>Path</Label><Widht>8</Widht></TableColumnHeader>
                    </TableHeaders>
                    <TableRowEntries>
                      <TableRowEntry><TableColumnItems><TableColumnItem><PropertyName>Path</PropertyName></TableColumnItem></TableColumnItems></TableRowEntry>
                    </TableRowEntries>
                  </TableControl>
                </View>
              </ViewDefinitions>
            </Configuration>
            """);

        var events = Validate(file, "Format.xsd");

        Assert.NotEmpty(events);
        Assert.Contains(events, e => e.Contains("Widht", StringComparison.Ordinal) && e.Contains(":9:", StringComparison.Ordinal));
    }

    [Fact]
    public void FormatFiles_ShouldNameOnlyModelTypesAndTheirProperties()
    {
        var problems = FormatFiles.SelectMany(CheckFormatNames).ToArray();

        Assert.True(problems.Length == 0, string.Join("\n", problems));
    }

    [Fact]
    public void FormatFiles_ShouldHaveOneColumnItemPerTableHeader()
    {
        var problems = new List<string>();
        foreach (var file in FormatFiles)
        {
            foreach (var table in XDocument.Load(file, LoadOptions.SetLineInfo).Descendants("TableControl"))
            {
                var headers = table.Element("TableHeaders")?.Elements("TableColumnHeader").Count() ?? 0;
                foreach (var row in table.Descendants("TableRowEntry"))
                {
                    var items = row.Element("TableColumnItems")?.Elements("TableColumnItem").Count() ?? 0;
                    if (headers > 0 && items != headers)
                    {
                        problems.Add($"{Where(file, row)}: {items} column items for {headers} headers");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void CheckFormatNames_WhenViewNamesUnknownTypeOrProperty_ShouldReportEach()
    {
        using var temp = new Support.TempDir();
        var file = temp.Write("Names.Format.ps1xml", """
            <Configuration>
              <ViewDefinitions>
                <View>
                  <Name>A</Name>
                  <ViewSelectedBy><TypeName>BqxAudit.Model.ScriptRecord</TypeName></ViewSelectedBy>
                  <ListControl><ListEntries><ListEntry><ListItems>
                    <ListItem><PropertyName>Path</PropertyName></ListItem>
                    <ListItem><PropertyName>NoSuchProperty</PropertyName></ListItem>
                  </ListItems></ListEntry></ListEntries></ListControl>
                </View>
                <View>
                  <Name>B</Name>
                  <ViewSelectedBy><TypeName>BqxAudit.Model.NoSuchRecord</TypeName></ViewSelectedBy>
                  <ListControl><ListEntries><ListEntry><ListItems>
                    <ListItem><PropertyName>Path</PropertyName></ListItem>
                  </ListItems></ListEntry></ListEntries></ListControl>
                </View>
              </ViewDefinitions>
            </Configuration>
            """);

        var problems = CheckFormatNames(file).ToArray();

        Assert.Equal(2, problems.Length);
        Assert.Contains(problems, p => p.Contains("NoSuchProperty", StringComparison.Ordinal) && p.Contains(":8:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("BqxAudit.Model.NoSuchRecord", StringComparison.Ordinal));
    }

    [Fact]
    public void TypesFiles_ShouldNameOnlyModelTypesAndTheirProperties()
    {
        var problems = TypesFiles.SelectMany(CheckTypesNames).ToArray();

        Assert.True(problems.Length == 0, string.Join("\n", problems));
    }

    [Fact]
    public void CheckTypesNames_WhenDisplaySetNamesUnknownProperty_ShouldReportIt()
    {
        using var temp = new Support.TempDir();
        var file = temp.Write("Names.Types.ps1xml", """
            <Types>
              <Type>
                <Name>BqxAudit.Model.ScriptRecord</Name>
                <Members>
                  <AliasProperty><Name>RelativePath</Name><ReferencedMemberName>Path</ReferencedMemberName></AliasProperty>
                  <MemberSet><Name>PSStandardMembers</Name><Members><PropertySet>
                    <Name>DefaultDisplayPropertySet</Name>
                    <ReferencedProperties><Name>Path</Name><Name>RelativePath</Name><Name>Colour</Name></ReferencedProperties>
                  </PropertySet></Members></MemberSet>
                </Members>
              </Type>
            </Types>
            """);

        var problems = CheckTypesNames(file).ToArray();

        var problem = Assert.Single(problems);
        Assert.Contains("Colour", problem, StringComparison.Ordinal);
    }

    private static string[] Validate(string file, string schemaFile)
    {
        var events = new List<string>();
        var schemas = new XmlSchemaSet();
        schemas.Add(null, Path.Combine(RepositoryLayout.SchemaDirectory, schemaFile));
        var settings = new XmlReaderSettings
        {
            ValidationType = ValidationType.Schema,
            Schemas = schemas,
            ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings | XmlSchemaValidationFlags.ProcessIdentityConstraints,
            DtdProcessing = DtdProcessing.Prohibit,
        };
        settings.ValidationEventHandler += (_, e) =>
            events.Add($"{RepositoryLayout.Relative(file)}:{e.Exception.LineNumber}:{e.Exception.LinePosition}: {e.Severity}: {e.Message}");
        using var reader = XmlReader.Create(file, settings);
        while (reader.Read())
        {
        }

        return events.ToArray();
    }

    private IEnumerable<string> CheckFormatNames(string file)
    {
        var document = XDocument.Load(file, LoadOptions.SetLineInfo);
        var selectionSets = document.Descendants("SelectionSet")
            .ToDictionary(s => (string)s.Element("Name")!, s => s.Descendants("TypeName").Select(t => (string)t).ToArray(), StringComparer.Ordinal);
        var extended = ExtendedMembers();
        foreach (var typeName in document.Descendants("TypeName"))
        {
            if (ModelType((string)typeName) is null)
            {
                yield return $"{Where(file, typeName)}: {(string)typeName} is not a public type in BqxAudit.Model";
            }
        }

        foreach (var view in document.Descendants("View"))
        {
            var selected = view.Element("ViewSelectedBy");
            var typeNames = (selected?.Elements("TypeName").Select(t => (string)t) ?? Enumerable.Empty<string>())
                .Concat(selected?.Elements("SelectionSetName").SelectMany(s => selectionSets.GetValueOrDefault((string)s) ?? Array.Empty<string>()) ?? Enumerable.Empty<string>())
                .ToArray();
            var properties = view.Descendants("PropertyName").Where(p => !p.Ancestors("CustomControl").Any());
            foreach (var property in properties)
            {
                foreach (var typeName in typeNames)
                {
                    var type = ModelType(typeName);
                    if (type is not null && !HasMember(type, (string)property, extended))
                    {
                        yield return $"{Where(file, property)}: {typeName} has no property '{(string)property}'";
                    }
                }
            }
        }
    }

    private IEnumerable<string> CheckTypesNames(string file)
    {
        var document = XDocument.Load(file, LoadOptions.SetLineInfo);
        foreach (var typeElement in document.Root!.Elements("Type"))
        {
            var name = typeElement.Element("Name")!;
            var type = ModelType((string)name);
            if (type is null)
            {
                yield return $"{Where(file, name)}: {(string)name} is not a public type in BqxAudit.Model";
                continue;
            }

            var declared = DeclaredMembers(typeElement).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var referenced = typeElement.Descendants("ReferencedProperties").Elements("Name")
                .Concat(typeElement.Descendants("ReferencedMemberName"));
            foreach (var reference in referenced)
            {
                if (!declared.Contains((string)reference) && !HasMember(type, (string)reference, new Dictionary<string, List<string>>()))
                {
                    yield return $"{Where(file, reference)}: {(string)name} has no member '{(string)reference}'";
                }
            }
        }
    }

    private Type? ModelType(string fullName)
    {
        var type = module.ModelAssembly.GetType(fullName);
        return type is { IsPublic: true, Namespace: "BqxAudit.Model" } ? type : null;
    }

    private static bool HasMember(Type type, string name, Dictionary<string, List<string>> extended) =>
        type.GetProperties().Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        || type.GetFields().Any(f => !f.IsStatic && string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
        || (extended.TryGetValue(type.FullName!, out var more) && more.Contains(name, StringComparer.OrdinalIgnoreCase));

    /// <summary>Property-like members a types file adds to its type (they can be displayed and referenced).</summary>
    private static IEnumerable<string> DeclaredMembers(XElement typeElement) =>
        typeElement.Element("Members")?.Elements()
            .Where(m => m.Name.LocalName is "AliasProperty" or "NoteProperty" or "ScriptProperty" or "CodeProperty")
            .Select(m => (string)m.Element("Name")!) ?? Enumerable.Empty<string>();

    /// <summary>Type name → the property-like members the shipped types files (TypesToProcess) add to it.</summary>
    internal static Dictionary<string, List<string>> ExtendedMembers()
    {
        var members = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in ModuleManifest.Load(RepositoryLayout.ManifestPath).List("TypesToProcess"))
        {
            foreach (var type in XDocument.Load(Path.Combine(RepositoryLayout.StagedModule, file)).Root!.Elements("Type"))
            {
                var key = (string)type.Element("Name")!;
                if (!members.TryGetValue(key, out var list))
                {
                    members[key] = list = new List<string>();
                }

                list.AddRange(DeclaredMembers(type));
            }
        }

        return members;
    }

    private static string Where(string file, XObject node) =>
        $"{(file.StartsWith(RepositoryLayout.RepoRoot, StringComparison.Ordinal) ? RepositoryLayout.Relative(file) : file)}:{((IXmlLineInfo)node).LineNumber}:{((IXmlLineInfo)node).LinePosition}";
}
