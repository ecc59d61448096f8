using System.Xml.Linq;

namespace BqxAudit.HelpGen;

/// <summary>
/// Writes MAML (the help format Get-Help reads for a binary module: <c>&lt;assembly&gt;.dll-Help.xml</c>).
/// Each cmdlet's class docs give the synopsis (<c>&lt;para type="synopsis"&gt;</c>), the description
/// (<c>&lt;para type="description"&gt;</c>), the examples (<c>&lt;example&gt;&lt;code/&gt;&lt;para/&gt;&lt;/example&gt;</c>)
/// and the related links (<c>&lt;seealso cref/href&gt;</c>); each parameter's summary its description;
/// the output types' summaries (in the model's docs) the descriptions of inputs and outputs.
/// </summary>
public static class MamlWriter
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private const string WhatIfText = "Shows what would happen if the cmdlet runs. The cmdlet is not run: nothing is written.";
    private const string ConfirmText = "Prompts you for confirmation before each write.";

    /// <summary>The problems that make the help incomplete (no synopsis, an undescribed parameter, fewer than two examples).</summary>
    public static IEnumerable<string> Problems(CmdletHelp cmdlet)
    {
        if (Paras(cmdlet, "synopsis").Count == 0)
        {
            yield return $"{cmdlet.Name}: no <para type=\"synopsis\">";
        }

        if (Paras(cmdlet, "description").Count == 0)
        {
            yield return $"{cmdlet.Name}: no <para type=\"description\">";
        }

        foreach (var parameter in cmdlet.Parameters.Where(p => p.Description.Length == 0))
        {
            yield return $"{cmdlet.Name}: -{parameter.Name} has no <summary>";
        }

        if (cmdlet.Doc?.Elements("example").Count() is not >= 2)
        {
            yield return $"{cmdlet.Name}: fewer than two <example>s";
        }
    }

    public static XDocument Write(IReadOnlyList<CmdletHelp> cmdlets, DocComments docs) =>
        new(new XDeclaration("1.0", "utf-8", null),
            new XElement(Msh + "helpItems", new XAttribute("schema", "maml"),
                cmdlets.Select(c => Command_(c, cmdlets, docs))));

    private static XElement Command_(CmdletHelp cmdlet, IReadOnlyList<CmdletHelp> all, DocComments docs)
    {
        var shown = cmdlet.Parameters.Where(p => !p.DontShow).OrderBy(Order).ToList();
        return new XElement(Command + "command",
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XElement(Command + "details",
                new XElement(Command + "name", cmdlet.Name),
                new XElement(Command + "verb", cmdlet.Verb),
                new XElement(Command + "noun", cmdlet.Noun),
                Description(Paras(cmdlet, "synopsis"))),
            Description(Paras(cmdlet, "description")),
            new XElement(Command + "syntax",
                cmdlet.Sets.Where(s => !cmdlet.Hidden(s)).Select(set => new XElement(Command + "syntaxItem",
                    new XElement(Maml + "name", cmdlet.Name),
                    shown.Where(p => p.In(set) is not null).OrderBy(p => Order(p, set)).Select(p => Parameter(p, p.In(set)))
                        .Concat(ShouldProcess(cmdlet))))),
            new XElement(Command + "parameters", shown.Select(p => Parameter(p, null)).Concat(ShouldProcess(cmdlet))),
            new XElement(Command + "inputTypes", Inputs(cmdlet, docs)),
            new XElement(Command + "returnValues", cmdlet.Outputs.Select(t => TypeEntry("returnValue", t, TypeSummary(t, docs)))),
            new XElement(Command + "examples", (cmdlet.Doc?.Elements("example") ?? Enumerable.Empty<XElement>()).Select((e, i) =>
                new XElement(Command + "example",
                    new XElement(Maml + "title", $"-------------------------- Example {i + 1} --------------------------"),
                    new XElement(Dev + "code", e.Element("code") is { } code ? DocComments.Code(code) : ""),
                    new XElement(Dev + "remarks", e.Elements("para").Select(p => new XElement(Maml + "para", DocComments.Text(p))))))),
            new XElement(Command + "relatedLinks", Links(cmdlet, all)));
    }

    private static List<string> Paras(CmdletHelp cmdlet, string kind) =>
        cmdlet.Doc?.Element("summary")?.Elements("para").Where(p => (string?)p.Attribute("type") == kind).Select(DocComments.Text).ToList() ?? new List<string>();

    private static XElement Description(IEnumerable<string> paras) =>
        new(Maml + "description", paras.Select(p => new XElement(Maml + "para", p)));

    /// <summary>Positional parameters first, then mandatory ones, then the rest in declaration order (OrderBy is stable).</summary>
    private static (int, int) Order(ParameterHelp p) => (p.Sets.Select(s => s.Position ?? int.MaxValue).Min(), p.Sets.Any(s => s.Mandatory) ? 0 : 1);

    private static (int, int) Order(ParameterHelp p, string set) => p.In(set) is { } e ? (e.Position ?? int.MaxValue, e.Mandatory ? 0 : 1) : (int.MaxValue, 1);

    /// <summary>One parameter: in a syntax item (<paramref name="entry"/> is its set) or in the parameter list (null: across sets).</summary>
    private static XElement Parameter(ParameterHelp p, ParameterSetEntry? entry)
    {
        var required = entry?.Mandatory ?? p.Sets.All(s => s.Mandatory);
        var position = (entry is null ? p.Sets.Select(s => s.Position).FirstOrDefault(x => x is not null) : entry.Position) is { } n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : "named";
        var element = p.Type.IsEnum || (p.Type.IsArray && p.Type.GetElementType()!.IsEnum) ? p.Type.IsArray ? p.Type.GetElementType()! : p.Type : null;
        var description = element is null ? p.Description : $"{p.Description} Possible values: {string.Join(", ", element.GetEnumNames())}.";
        return new XElement(Command + "parameter",
            new XAttribute("required", Bool(required)),
            new XAttribute("variableLength", Bool(p.Type.IsArray)),
            new XAttribute("globbing", Bool(p.Globbing)),
            new XAttribute("pipelineInput", p.PipelineInput(entry)),
            new XAttribute("position", position),
            new XAttribute("aliases", p.Aliases.Count == 0 ? "none" : string.Join(", ", p.Aliases)),
            new XElement(Maml + "name", p.Name),
            new XElement(Maml + "description", new XElement(Maml + "para", description)),
            p.IsSwitch ? null : new XElement(Command + "parameterValue", new XAttribute("required", "true"), new XAttribute("variableLength", Bool(p.Type.IsArray)), TypeName(p.Type)),
            element is null || entry is null ? null : new XElement(Command + "parameterValueGroup",
                element.GetEnumNames().Select(v => new XElement(Command + "parameterValue", new XAttribute("required", "false"), new XAttribute("variableLength", "false"), v))),
            new XElement(Dev + "type", new XElement(Maml + "name", p.Type.FullName), new XElement(Maml + "uri")),
            new XElement(Dev + "defaultValue", p.IsSwitch ? "False" : "None"));
    }

    private static IEnumerable<XElement> ShouldProcess(CmdletHelp cmdlet)
    {
        if (!cmdlet.SupportsShouldProcess)
        {
            yield break;
        }

        foreach (var (name, alias, text) in new[] { ("WhatIf", "wi", WhatIfText), ("Confirm", "cf", ConfirmText) })
        {
            yield return new XElement(Command + "parameter",
                new XAttribute("required", "false"), new XAttribute("variableLength", "false"), new XAttribute("globbing", "false"),
                new XAttribute("pipelineInput", "False"), new XAttribute("position", "named"), new XAttribute("aliases", alias),
                new XElement(Maml + "name", name),
                new XElement(Maml + "description", new XElement(Maml + "para", text)),
                new XElement(Dev + "type", new XElement(Maml + "name", "System.Management.Automation.SwitchParameter"), new XElement(Maml + "uri")),
                new XElement(Dev + "defaultValue", "False"));
        }
    }

    /// <summary>What the pipeline takes: each parameter bound from it, with how it binds and what it is.</summary>
    private static IEnumerable<XElement> Inputs(CmdletHelp cmdlet, DocComments docs)
    {
        var piped = cmdlet.Parameters.Where(p => !p.DontShow && p.Sets.Any(s => s.ByValue || s.ByPropertyName)).ToList();
        if (piped.Count == 0)
        {
            yield return new XElement(Command + "inputType",
                new XElement(Dev + "type", new XElement(Maml + "name", "None"), new XElement(Maml + "uri")),
                Description(new[] { "This cmdlet takes no pipeline input." }));
            yield break;
        }

        foreach (var p in piped)
        {
            var how = p.Sets.Any(s => s.ByValue) ? "by value" : $"by property name ({string.Join(", ", p.Aliases.Prepend(p.Name))})";
            yield return TypeEntry("inputType", p.Type, $"-{p.Name}, {how}: {p.Description}");
        }
    }

    private static XElement TypeEntry(string kind, Type type, string description) =>
        new(Command + kind,
            new XElement(Dev + "type", new XElement(Maml + "name", type.FullName), new XElement(Maml + "uri")),
            Description(new[] { description }));

    private static string TypeSummary(Type type, DocComments docs) =>
        DocComments.Text(docs.Type(type)?.Element("summary")) is { Length: > 0 } summary
            ? summary
            : type.FullName == "System.Boolean" ? "With -Quiet: one $true or $false." : type.FullName == "System.IO.FileInfo" ? "The files written." : type.FullName!;

    private static IEnumerable<XElement> Links(CmdletHelp cmdlet, IReadOnlyList<CmdletHelp> all)
    {
        foreach (var see in cmdlet.Doc?.Elements("seealso") ?? Enumerable.Empty<XElement>())
        {
            var text = (string?)see.Attribute("cref") is { } cref
                ? all.FirstOrDefault(c => "T:" + c.Type.FullName == cref)?.Name ?? throw new InvalidOperationException($"{cmdlet.Name}: <seealso cref=\"{cref}\"> is not a cmdlet")
                : see.Value.Length > 0 ? see.Value : (string?)see.Attribute("href") ?? "";
            yield return new XElement(Maml + "navigationLink", new XElement(Maml + "linkText", text), new XElement(Maml + "uri"));
        }
    }

    private static string TypeName(Type type) => type.IsArray ? TypeName(type.GetElementType()!) + "[]" : type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1" ? TypeName(type.GetGenericArguments()[0]) : type.Name;

    private static string Bool(bool value) => value ? "true" : "false";
}
