using System.Text.RegularExpressions;

namespace BqxAudit.Tests.PowerShell;

/// <summary>
/// The cmdlets as PowerShell will see them, read from the staged BqxAudit.dll without running it:
/// names, classes, OutputType, parameter shapes. Each failure lists every offender.
/// </summary>
[Collection(StagedModuleCollection.Name)]
public sealed partial class CmdletMetadataTests
{
    /// <summary>Nouns whose last word ends in 's' and is singular anyway.</summary>
    private static readonly HashSet<string> SingularWordsEndingInS = new(StringComparer.Ordinal) { "Status", "Analysis", "Basis", "Alias" };

    private readonly ModuleMetadata module;

    public CmdletMetadataTests(ModuleMetadata module) => this.module = module;

    [Fact]
    public void Cmdlets_WhenStagedModuleIsRead_ShouldIncludeGetBqxScriptInventory()
    {
        // Guards every "for each cmdlet" test below against passing over an empty list.
        Assert.Contains(module.Cmdlets, c => c.Name == "Get-BqxScriptInventory");
    }

    [SharedFact("the approved-verb check (powershell-schemas/approved-verbs.txt)")]
    public void Verb_OfEveryCmdlet_ShouldBeApproved()
    {
        var approved = File.ReadAllLines(Path.Combine(RepositoryLayout.SchemaDirectory, "approved-verbs.txt"))
            .Where(l => l.Length > 0)
            .Select(l => l.Split('\t')[0])
            .ToHashSet(StringComparer.Ordinal);
        Assert.Equal(100, approved.Count); // SOURCES.md: 100 verbs; a truncated file would approve too little

        var offenders = module.Cmdlets.Where(c => !approved.Contains(c.Verb)).Select(c => $"{c.Name} ({c.Type.FullName})").ToArray();

        Assert.True(offenders.Length == 0, "Verbs not in approved-verbs.txt: " + string.Join(", ", offenders));
    }

    [Fact]
    public void Noun_OfEveryCmdlet_ShouldStartWithBqxAndBeSingular()
    {
        var offenders = module.Cmdlets
            .Where(c => !c.Noun.StartsWith("Bqx", StringComparison.Ordinal) || c.Noun.Length == 3 || !IsSingularNoun(c.Noun))
            .Select(c => c.Name)
            .ToArray();

        Assert.True(offenders.Length == 0, "Nouns must be Bqx + a singular noun: " + string.Join(", ", offenders));
    }

    [Theory]
    [InlineData("BqxBlocker", true)]
    [InlineData("BqxPhaseReadiness", true)]
    [InlineData("BqxStatus", true)]
    [InlineData("BqxDependencyAnalysis", true)]
    [InlineData("BqxBlockers", false)]
    [InlineData("BqxScriptRecords", false)]
    public void IsSingularNoun_WhenGivenNoun_ShouldJudgeItsLastWord(string noun, bool singular)
    {
        Assert.Equal(singular, IsSingularNoun(noun));
    }

    [Fact]
    public void OutputType_OfEveryCmdlet_ShouldBeDeclaredWithTypes()
    {
        var offenders = module.Cmdlets
            .Where(c => c.OutputTypes.Count == 0 || c.OutputTypeNames.Count > 0)
            .Select(c => $"{c.Name}: OutputType types [{string.Join(", ", c.OutputTypes.Select(t => t.FullName))}], names [{string.Join(", ", c.OutputTypeNames)}]")
            .ToArray();

        Assert.True(offenders.Length == 0, "Each cmdlet needs [OutputType(typeof(...))] (types, not strings): " + string.Join("; ", offenders));
    }

    [Fact]
    public void OutputType_OfEveryCmdlet_ShouldBeAPublicSealedModelType()
    {
        // DESIGN.md "The flow": the documented exceptions to "every output is a Model type".
        var documentedExceptions = new HashSet<(string Cmdlet, string Type)>
        {
            ("Export-BqxAuditReport", "System.IO.FileInfo"), // "reports as FileInfo"
            ("Test-BqxInfrastructure", "System.Boolean"),    // STYLE.md 7: -Quiet returns a single bool
        };

        var offenders = module.Cmdlets
            .SelectMany(c => c.OutputTypes.Select(t => (Cmdlet: c.Name, Type: t)))
            .Where(o => !documentedExceptions.Contains((o.Cmdlet, o.Type.FullName!)))
            .Where(o => o.Type.Namespace != "BqxAudit.Model" || o.Type.Assembly.GetName().Name != "BqxAudit.Model" || !o.Type.IsPublic || !o.Type.IsSealed)
            .Select(o => $"{o.Cmdlet} → {o.Type.AssemblyQualifiedName}")
            .ToArray();

        Assert.True(offenders.Length == 0, "Output types must be public sealed classes in BqxAudit.Model (engine): " + string.Join("; ", offenders));
    }

    [Fact]
    public void CmdletClass_OfEveryCmdlet_ShouldBePublicSealedAndNamedVerbNounCommand()
    {
        var offenders = module.Cmdlets
            .Where(c => !c.Type.IsPublic || !c.Type.IsSealed || c.Type.Name != c.Verb + c.Noun + "Command")
            .Select(c => $"{c.Name}: class {c.Type.FullName} (public: {c.Type.IsPublic}, sealed: {c.Type.IsSealed}; expected public sealed {c.Verb + c.Noun}Command)")
            .ToArray();

        Assert.True(offenders.Length == 0, string.Join("; ", offenders));
    }

    [Fact]
    public void CmdletClass_OfEveryCmdlet_ShouldLiveInAFileNamedAfterIt()
    {
        var offenders = module.Cmdlets
            .Where(c => !File.Exists(Path.Combine(RepositoryLayout.RepoRoot, "src", "Cmdlets", c.Type.Name + ".cs")))
            .Select(c => $"src/Cmdlets/{c.Type.Name}.cs")
            .ToArray();

        Assert.True(offenders.Length == 0, "STYLE.md 1 (one cmdlet per file, named after the class); missing: " + string.Join(", ", offenders));
    }

    [Fact]
    public void CmdletSubclass_WhenPublicAndConcrete_ShouldCarryCmdletAttribute()
    {
        var offenders = module.CmdletAssembly.GetExportedTypes()
            .Where(t => !t.IsAbstract && DerivesFrom(t, "System.Management.Automation.Cmdlet"))
            .Where(t => module.Cmdlets.All(c => c.Type != t))
            .Select(t => t.FullName)
            .ToArray();

        Assert.True(offenders.Length == 0, "Concrete cmdlet classes without [Cmdlet] are never exported: " + string.Join(", ", offenders));
    }

    [Fact]
    public void SwitchParameters_OfEveryCmdlet_ShouldBeSwitchParameterNotBool()
    {
        var offenders = module.Cmdlets
            .SelectMany(c => c.Parameters.Select(p => (Cmdlet: c.Name, Parameter: p)))
            .Where(x => x.Parameter.Type.FullName is "System.Boolean"
                        || (x.Parameter.Type.IsGenericType && x.Parameter.Type.GetGenericTypeDefinition().FullName == "System.Nullable`1"
                            && x.Parameter.Type.GetGenericArguments()[0].FullName == "System.Boolean"))
            .Select(x => $"{x.Cmdlet} -{x.Parameter.Name} ({x.Parameter.Type})")
            .ToArray();

        Assert.True(offenders.Length == 0, "Use SwitchParameter, not bool: " + string.Join(", ", offenders));
    }

    [Fact]
    public void ParameterNamesAndAliases_OfEveryCmdlet_ShouldBeUniqueIncludingCommonParameters()
    {
        var offenders = new List<string>();
        foreach (var cmdlet in module.Cmdlets)
        {
            foreach (var clash in cmdlet.AllNamesAndAliases().GroupBy(n => n.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            {
                offenders.Add($"{cmdlet.Name}: '{clash.Key}' is used by {string.Join(" and ", clash.Select(n => n.Owner))}");
            }
        }

        Assert.True(offenders.Count == 0, string.Join("; ", offenders));
    }

    [Fact]
    public void Positions_InEveryParameterSet_ShouldBeUsedByAtMostOneParameter()
    {
        var offenders = new List<string>();
        foreach (var cmdlet in module.Cmdlets)
        {
            foreach (var set in cmdlet.ParameterSetNames)
            {
                var positioned = cmdlet.Parameters
                    .SelectMany(p => p.In(set).Where(s => s.Position is not null).Select(s => (Parameter: p.Name, Position: s.Position!.Value)));
                foreach (var clash in positioned.GroupBy(x => x.Position).Where(g => g.Count() > 1))
                {
                    offenders.Add($"{cmdlet.Name} set '{set}': position {clash.Key} is taken by {string.Join(", ", clash.Select(x => "-" + x.Parameter))}");
                }
            }
        }

        Assert.True(offenders.Count == 0, string.Join("; ", offenders));
    }

    [Fact]
    public void DefaultParameterSetName_WhenCmdletDeclaresSets_ShouldNameOneOfThem()
    {
        // A default set that no parameter declares is PowerShell's way to say "none of the optional
        // sets": it resolves only when every declared set has a mandatory parameter to tell it apart.
        bool EveryDeclaredSetHasAMandatoryParameter(CmdletMetadata c) => c.ParameterSetNames
            .Where(s => s != ModuleMetadata.AllParameterSets)
            .All(s => c.Parameters.Any(p => p.Sets.Any(x => x.Name == s && x.Mandatory)));

        var offenders = module.Cmdlets
            .Where(c => c.ParameterSetNames is not [ModuleMetadata.AllParameterSets])
            .Where(c => c.DefaultParameterSetName is null ||
                        (!c.ParameterSetNames.Contains(c.DefaultParameterSetName) && !EveryDeclaredSetHasAMandatoryParameter(c)))
            .Select(c => $"{c.Name}: default '{c.DefaultParameterSetName}', sets {string.Join(", ", c.ParameterSetNames)}")
            .ToArray();

        Assert.True(offenders.Length == 0, "A cmdlet with parameter sets needs a DefaultParameterSetName that is one of them (or a set of its own when every declared set has a mandatory parameter): " + string.Join("; ", offenders));
    }

    internal static bool IsSingularNoun(string noun)
    {
        var words = PascalWord().Matches(noun);
        var last = words.Count > 0 ? words[^1].Value : noun;
        return !last.EndsWith('s') || last.EndsWith("ss", StringComparison.Ordinal) || SingularWordsEndingInS.Contains(last);
    }

    private static bool DerivesFrom(Type type, string baseFullName)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (t.FullName == baseFullName)
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex("[A-Z][a-z0-9]*")]
    private static partial Regex PascalWord();
}
