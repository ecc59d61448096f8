using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace BqxAudit.Tests.PowerShell;

/// <summary>
/// The format and types files as staged: valid against PowerShell's own schemas, one column item per
/// header. That the views name real properties and show them is tested in the real runtime
/// (tests/Pester/Views.Tests.ps1), and that the manifest loads them by tests/Pester/BqxAuditModule.Tests.ps1.
/// </summary>
public sealed class FormatFileTests
{
    private static IEnumerable<string> FormatFiles => Directory.GetFiles(RepositoryLayout.StagedModule, "*.Format.ps1xml");

    private static IEnumerable<string> TypesFiles => Directory.GetFiles(RepositoryLayout.StagedModule, "*.Types.ps1xml");

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

    private static string Where(string file, XObject node) =>
        $"{(file.StartsWith(RepositoryLayout.RepoRoot, StringComparison.Ordinal) ? RepositoryLayout.Relative(file) : file)}:{((IXmlLineInfo)node).LineNumber}:{((IXmlLineInfo)node).LinePosition}";
}
