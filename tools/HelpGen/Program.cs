using System.Reflection;
using BqxAudit.HelpGen;

// BqxAudit.HelpGen --assembly BqxAudit.dll --references refs.txt --docs a.xml [--docs b.xml …] --out X-Help.xml [--out …]
// Exit codes: 0 written, 1 the help is incomplete (each problem on stderr), 3 usage.
var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal))
    {
        Console.Error.WriteLine($"unexpected argument {args[i]}");
        return 3;
    }

    (options.TryGetValue(args[i], out var list) ? list : options[args[i]] = new List<string>()).Add(args[i + 1]);
}

if (args.Length % 2 != 0 || !options.ContainsKey("--assembly") || !options.ContainsKey("--references") || !options.ContainsKey("--out"))
{
    Console.Error.WriteLine("usage: BqxAudit.HelpGen --assembly DLL --references FILE --docs XML… --out FILE…");
    return 3;
}

var assemblyPath = Path.GetFullPath(options["--assembly"][0]);
var references = File.ReadAllLines(options["--references"][0]).Where(l => l.Trim().Length > 0).Select(l => Path.GetFullPath(l.Trim()))
    .Append(assemblyPath)
    .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase) // one assembly per simple name: the first reference wins
    .Select(g => g.First())
    .ToList();
using var context = new MetadataLoadContext(new PathAssemblyResolver(references), coreAssemblyName: "System.Runtime");
var assembly = context.LoadFromAssemblyPath(assemblyPath);
var docs = new DocComments(options.GetValueOrDefault("--docs") ?? new List<string>());
var cmdlets = CmdletHelp.Read(assembly, docs).ToList();
var problems = cmdlets.SelectMany(MamlWriter.Problems).ToList();
if (cmdlets.Count == 0)
{
    problems.Add($"no cmdlet found in {assemblyPath}");
}

foreach (var problem in problems)
{
    Console.Error.WriteLine($"{assemblyPath}: error BQXHELP: {problem}");
}

if (problems.Count > 0)
{
    return 1;
}

var maml = MamlWriter.Write(cmdlets, docs);
foreach (var output in options["--out"])
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
    maml.Save(output);
}

Console.WriteLine($"help for {cmdlets.Count} cmdlets: {string.Join(", ", options["--out"])}");
return 0;
