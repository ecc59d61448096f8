using System.Runtime.CompilerServices;
using BqxAudit.Model;

namespace BqxAudit.Inventory.Analyzers.Python;

/// <summary>One import statement's module as written, before classification.</summary>
internal sealed class RawImport
{
    /// <summary>Leading dots of a relative import (0 for absolute).</summary>
    public int Level { get; init; }

    /// <summary>The dotted module after the dots (may be empty for <c>from . import x</c>).</summary>
    public string Module { get; init; } = "";

    /// <summary>The names of a <c>from … import</c> (empty for <c>import a.b</c>; <c>*</c> kept).</summary>
    public List<string> Names { get; init; } = new();

    public int Line { get; init; }

    /// <summary>Inside <c>try:</c> with an <c>except</c> that catches ImportError, or under <c>if TYPE_CHECKING:</c>.</summary>
    public bool Optional { get; set; }
}

/// <summary>An import as classified, with the reason when it is Unresolved.</summary>
internal readonly record struct ResolvedImport(ImportRecord Record, string? Problem);

/// <summary>
/// Classifies imports as Stdlib, Local, ThirdParty or Unresolved. The rule, in order:
/// <list type="number">
/// <item>Relative imports (<c>from .x import y</c>) resolve against the file's folder (one level up per
/// extra dot): the module must be a <c>.py</c> file or a folder there; for <c>from . import n</c>, <c>n</c>
/// must be a module there or the folder must have an <c>__init__.py</c> that may define it. Otherwise
/// <b>Unresolved</b>.</item>
/// <item>A top-level name in the standard-library list (3.8–3.13) is <b>Stdlib</b>.</item>
/// <item>On the import path — the file's own folder (sys.path[0] when run as a script), the audited root,
/// and <c>src/</c> — a regular module (<c>name.py</c>) or package (<c>name/__init__.py</c>) makes the import
/// <b>Local</b> when the full dotted path exists there too, and <b>Unresolved</b> when the package is there
/// but the submodule is not.</item>
/// <item>A name in the import → distribution map is <b>ThirdParty</b> (a local folder without
/// <c>__init__.py</c> does not shadow an installed package, as in Python).</item>
/// <item>A folder of that name on the import path (a namespace package) makes it <b>Local</b> when the full
/// dotted path exists, <b>Unresolved</b> otherwise.</item>
/// <item>A module or package of that name elsewhere in the tree (say <c>lib/common.py</c> for
/// <c>import common</c> in <c>scripts/x.py</c>) "looks local but is absent" from the import path:
/// <b>Unresolved</b> — unless the file edits <c>sys.path</c>, which we then trust: <b>Local</b>.</item>
/// <item>Anything else is <b>ThirdParty</b>, distributed under its own top-level name.</item>
/// </list>
/// </summary>
internal sealed class ImportResolver
{
    private static readonly ConditionalWeakTable<RepositoryIndex, ModuleIndex> ModuleIndexes = new();

    private readonly ModuleIndex index;
    private readonly string folder;
    private readonly string[] bases;
    private readonly bool sysPathEdited;

    public ImportResolver(RepositoryIndex repository, string filePath, bool sysPathEdited)
    {
        index = ModuleIndexes.GetValue(repository, r => new ModuleIndex(r));
        var slash = filePath.LastIndexOf('/');
        folder = slash > 0 ? filePath[..slash] : "";
        bases = folder.Length == 0 ? new[] { "", "src" } : folder == "src" ? new[] { "src", "" } : new[] { folder, "", "src" };
        this.sysPathEdited = sysPathEdited;
    }

    public IEnumerable<ResolvedImport> Resolve(RawImport raw)
    {
        return raw.Level > 0 ? Relative(raw) : Absolute(raw);
    }

    private IEnumerable<ResolvedImport> Relative(RawImport raw)
    {
        var dots = new string('.', raw.Level);
        var baseFolder = folder;
        for (var up = 1; up < raw.Level; up++)
        {
            if (baseFolder.Length == 0)
            {
                yield return Make(dots + raw.Module, ImportKind.Unresolved, raw,
                    $"relative import '{dots}{raw.Module}' goes above the audited root");
                yield break;
            }

            var slash = baseFolder.LastIndexOf('/');
            baseFolder = slash > 0 ? baseFolder[..slash] : "";
        }

        var where = baseFolder.Length == 0 ? "the root folder" : baseFolder;
        if (raw.Module.Length > 0)
        {
            var exists = ModuleExists(baseFolder, raw.Module);
            yield return Make(dots + raw.Module, exists ? ImportKind.Local : ImportKind.Unresolved, raw,
                exists ? null : $"relative import '{dots}{raw.Module}' does not resolve: no {Describe(raw.Module)} in {where}");
            yield break;
        }

        var hasInit = index.File(Join(baseFolder, "__init__.py"));
        var recordedPackage = false;
        foreach (var name in raw.Names)
        {
            if (name != "*" && ModuleExists(baseFolder, name))
            {
                yield return Make(dots + name, ImportKind.Local, raw, null);
            }
            else if (hasInit)
            {
                if (!recordedPackage)
                {
                    recordedPackage = true;
                    yield return Make(dots, ImportKind.Local, raw, null);
                }
            }
            else
            {
                yield return Make(dots + name, ImportKind.Unresolved, raw,
                    $"relative import 'from {dots} import {name}' does not resolve: no {Describe(name)} and no __init__.py in {where}");
            }
        }
    }

    private IEnumerable<ResolvedImport> Absolute(RawImport raw)
    {
        var module = raw.Module;
        var dot = module.IndexOf('.');
        var top = dot < 0 ? module : module[..dot];
        if (PythonModuleData.IsStdlib(module))
        {
            yield return Make(module, ImportKind.Stdlib, raw, null);
            yield break;
        }

        foreach (var b in bases)
        {
            if (index.File(Join(b, top + ".py")) || index.File(Join(b, top + "/__init__.py")))
            {
                foreach (var r in OnPath(raw, b, top))
                {
                    yield return r;
                }

                yield break;
            }
        }

        if (PythonModuleData.MappedPrefix(module) is not null || raw.Names.Any(n => PythonModuleData.MappedPrefix(module + "." + n) is not null))
        {
            foreach (var r in ThirdParty(raw))
            {
                yield return r;
            }

            yield break;
        }

        foreach (var b in bases)
        {
            if (index.Directory(Join(b, top)))
            {
                foreach (var r in OnPath(raw, b, top))
                {
                    yield return r;
                }

                yield break;
            }
        }

        if (Elsewhere(top) is { } found)
        {
            yield return sysPathEdited
                ? Make(module, ImportKind.Local, raw, null)
                : Make(module, ImportKind.Unresolved, raw,
                    $"'{module}' is not on the import path of this file (its folder, the root, src/); a module of that name exists at {found}");
            yield break;
        }

        foreach (var r in ThirdParty(raw))
        {
            yield return r;
        }
    }

    private IEnumerable<ResolvedImport> OnPath(RawImport raw, string b, string top)
    {
        var module = raw.Module;
        if (!ModuleExists(b, module))
        {
            yield return Make(module, ImportKind.Unresolved, raw,
                $"{Join(b, top)} is there but {Join(b, module.Replace('.', '/'))}.py or {Join(b, module.Replace('.', '/'))}/ is not");
            yield break;
        }

        var plain = true;
        foreach (var name in raw.Names)
        {
            if (name != "*" && ModuleExists(b, module + "." + name))
            {
                plain = false;
                yield return Make(module + "." + name, ImportKind.Local, raw, null);
            }
        }

        if (plain || raw.Names.Any(n => n == "*" || !ModuleExists(b, module + "." + n)))
        {
            yield return Make(module, ImportKind.Local, raw, null);
        }
    }

    /// <summary>
    /// Third-party records: for <c>from google.cloud import bigquery, storage</c> one record per name whose
    /// dotted path the map knows more precisely than the module's (per sub-package distributions).
    /// </summary>
    private static IEnumerable<ResolvedImport> ThirdParty(RawImport raw)
    {
        var module = raw.Module;
        var own = PythonModuleData.MappedPrefix(module);
        var plain = raw.Names.Count == 0;
        foreach (var name in raw.Names)
        {
            var full = module + "." + name;
            var prefix = name == "*" ? null : PythonModuleData.MappedPrefix(full);
            if (prefix is not null && (own is null || prefix.Length > own.Length))
            {
                yield return Make(full, ImportKind.ThirdParty, raw, null, PythonModuleData.DistributionOf(full));
            }
            else
            {
                plain = true;
            }
        }

        if (plain)
        {
            yield return Make(module, ImportKind.ThirdParty, raw, null, PythonModuleData.DistributionOf(module));
        }
    }

    private bool ModuleExists(string b, string dotted)
    {
        var path = Join(b, dotted.Replace('.', '/'));
        return index.File(path + ".py") || (path.Length > 0 && index.Directory(path));
    }

    private string? Elsewhere(string top) => index.Modules.TryGetValue(top, out var path) ? path : null;

    private static string Describe(string dotted)
    {
        var path = dotted.Replace('.', '/');
        return $"{path}.py or {path}/";
    }

    private static string Join(string b, string rest) => b.Length == 0 ? rest : rest.Length == 0 ? b : b + "/" + rest;

    private static ResolvedImport Make(string module, ImportKind kind, RawImport raw, string? problem, string? distribution = null) =>
        new(new ImportRecord { Module = module, Kind = kind, Distribution = distribution, Line = raw.Line, Optional = raw.Optional }, problem);
}

/// <summary>
/// What import resolution asks of the repository, computed once per repository (imports are resolved
/// for every Python file, so lookups must not allocate): the files, every folder, and every importable
/// name in the tree (module files and folders holding Python files) with its first path.
/// </summary>
internal sealed class ModuleIndex
{
    private readonly ICollection<string> files;
    private readonly HashSet<string> directories = new(StringComparer.Ordinal);

    public ModuleIndex(RepositoryIndex repository)
    {
        files = repository.Files as ICollection<string> ?? new HashSet<string>(repository.Files, StringComparer.Ordinal);
        foreach (var file in repository.Files)
        {
            for (var i = file.LastIndexOf('/'); i > 0; i = file.LastIndexOf('/', i - 1))
            {
                if (!directories.Add(file[..i]))
                {
                    break;
                }
            }

            if (!file.EndsWith(".py", StringComparison.Ordinal))
            {
                continue;
            }

            var slash = file.LastIndexOf('/');
            var stem = file[(slash + 1)..^3];
            if (stem is not "__init__" and not "__main__")
            {
                Offer(stem, file);
            }

            if (slash > 0)
            {
                var dir = file[..slash];
                Offer(dir[(dir.LastIndexOf('/') + 1)..], dir + "/");
            }
        }
    }

    public Dictionary<string, string> Modules { get; } = new(StringComparer.Ordinal);

    public bool File(string path) => files.Contains(path);

    public bool Directory(string path) => path.Length == 0 || directories.Contains(path);

    private void Offer(string name, string path)
    {
        if (!Modules.TryGetValue(name, out var existing) || string.CompareOrdinal(path, existing) < 0)
        {
            Modules[name] = path;
        }
    }
}
