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
/// <item>A top-level name in the standard-library list (3.8–3.13) is <b>Stdlib</b>; a placeholder path from
/// documentation (<c>path.to.proto</c>) is <b>Unresolved</b>.</item>
/// <item>The import path (<see cref="SearchPath"/>): the root of the file's package chain, its folder, ancestors with a
/// project marker (every ancestor for a test file), the audited root, <c>src/</c>. A regular module
/// (<c>name.py</c>) or package (<c>name/__init__.py</c>) on it makes the import <b>Local</b> when some entry holds
/// the full dotted path, <b>Unresolved</b> when the package is there but the submodule is not.</item>
/// <item>A name in the import → distribution map is <b>ThirdParty</b>: an installed regular package wins over a
/// folder without <c>__init__.py</c> (PEP 420).</item>
/// <item>Folders holding Python files on the path are namespace portions, merged: <b>Local</b> when one holds the
/// dotted path; <c>from ns import Name</c> naming no submodule cannot come from a namespace package, so it falls
/// through; a missing submodule is <b>Unresolved</b>.</item>
/// <item>A regular module or package of that name elsewhere in the tree (say <c>lib/common.py</c> for
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
        bases = SearchPath(index, filePath, folder);
        this.sysPathEdited = sysPathEdited;
    }

    /// <summary>
    /// The folders an absolute import is looked up in, in order: the root of the file's package chain (a file
    /// inside a regular package runs as part of it, from the folder above the outermost <c>__init__.py</c>) and the
    /// packages of that chain inward, the
    /// file's own folder (sys.path[0] when it runs as a script), the ancestors holding a project marker
    /// (setup.py, pyproject.toml, setup.cfg, pytest.ini, tox.ini: where it is installed or tested from), for a
    /// test file every ancestor (pytest's rootdir insertion and <c>python -m pytest</c> from any of them), then the
    /// audited root and <c>src/</c>.
    /// </summary>
    internal static string[] SearchPath(ModuleIndex index, string filePath, string folder)
    {
        var result = new List<string>(6);
        void Add(string b)
        {
            if (!result.Contains(b))
            {
                result.Add(b);
            }
        }

        if (index.File(Join(folder, "__init__.py")))
        {
            // The folder above the outermost __init__.py first, then each package of the chain inward: a project
            // that is itself a package (a folder with __init__.py holding models/) is often run from its own folder.
            var chain = new List<string>();
            var root = folder;
            while (root.Length > 0 && index.File(Join(root, "__init__.py")))
            {
                var up = root.LastIndexOf('/');
                root = up > 0 ? root[..up] : "";
                chain.Add(root);
            }

            for (var k = chain.Count - 1; k >= 0; k--)
            {
                Add(chain[k]);
            }
        }

        Add(folder);
        var test = IsTestFile(filePath);
        for (var f = folder; f.Length > 0;)
        {
            var up = f.LastIndexOf('/');
            f = up > 0 ? f[..up] : "";
            if (f.Length > 0 && (test || index.ProjectRoot(f)))
            {
                Add(f);
            }
        }

        Add("");
        Add("src");
        return result.ToArray();
    }

    /// <summary>pytest's default discovery: <c>test_*.py</c>, <c>*_test.py</c>, <c>conftest.py</c>, or a file under a <c>tests/</c> or <c>test/</c> folder.</summary>
    internal static bool IsTestFile(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        return name.StartsWith("test_", StringComparison.Ordinal) || name.EndsWith("_test.py", StringComparison.Ordinal) || name == "conftest.py" ||
               path.StartsWith("tests/", StringComparison.Ordinal) || path.StartsWith("test/", StringComparison.Ordinal) ||
               path.Contains("/tests/", StringComparison.Ordinal) || path.Contains("/test/", StringComparison.Ordinal);
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

        if (PythonModuleData.IsPlaceholder(module))
        {
            yield return Make(module, ImportKind.Unresolved, raw,
                $"'{module}' is a placeholder from documentation or a template (path.to.…), not a module: replace it with the real one");
            yield break;
        }

        // A regular module or package (name.py, name/__init__.py) anywhere on the path wins (PEP 420). Which entry
        // Python meets first depends on how the file is run, so the import resolves when any entry provides it.
        string? firstRegular = null;
        foreach (var b in bases)
        {
            if (index.File(Join(b, top + ".py")) || index.File(Join(b, top + "/__init__.py")))
            {
                firstRegular ??= b;
                if (ModuleExists(b, module))
                {
                    foreach (var r in OnPath(raw, b, top))
                    {
                        yield return r;
                    }

                    yield break;
                }
            }
        }

        if (firstRegular is not null)
        {
            foreach (var r in OnPath(raw, firstRegular, top))
            {
                yield return r;
            }

            yield break;
        }

        // An installed distribution beats a folder without __init__.py (a namespace portion) of the same name.
        if (PythonModuleData.MappedPrefix(module) is not null || raw.Names.Any(n => PythonModuleData.MappedPrefix(module + "." + n) is not null))
        {
            foreach (var r in ThirdParty(raw))
            {
                yield return r;
            }

            yield break;
        }

        // Namespace portions: folders holding Python files; the portions of all entries together form the package.
        string? firstPortion = null;
        foreach (var b in bases)
        {
            var portion = Join(b, top);
            if (!index.PythonDirectory(portion))
            {
                continue;
            }

            firstPortion ??= b;
            if (ModuleExists(b, module) && (raw.Names.Count == 0 || raw.Names.Any(n => n == "*" || ModuleExists(b, module + "." + n)) || !NamespaceOnly(b, module)))
            {
                foreach (var r in OnPath(raw, b, top))
                {
                    yield return r;
                }

                yield break;
            }
        }

        if (firstPortion is not null && !(ModuleExists(firstPortion, module) && NamespaceOnly(firstPortion, module)))
        {
            foreach (var r in OnPath(raw, firstPortion, top))
            {
                yield return r;
            }

            yield break;
        }

        // (A namespace package has no attributes but its submodules: `from ns import Name` naming none of them
        // cannot come from the folder, so the name is an installed distribution's.)
        if (Elsewhere(top) is { } found)
        {
            yield return sysPathEdited
                ? Make(module, ImportKind.Local, raw, null)
                : Make(module, ImportKind.Unresolved, raw,
                    $"'{module}' is not on the import path of this file ({DescribePath()}); a module of that name exists at {found}");
            yield break;
        }

        foreach (var r in ThirdParty(raw))
        {
            yield return r;
        }
    }

    /// <summary>True when the dotted module is a folder without <c>__init__.py</c> (and no <c>.py</c> of that name) under <paramref name="b"/>.</summary>
    private bool NamespaceOnly(string b, string dotted)
    {
        var path = Join(b, dotted.Replace('.', '/'));
        return !index.File(path + ".py") && !index.File(path + "/__init__.py");
    }

    private string DescribePath() =>
        string.Join(", ", bases.Select(b => b.Length == 0 ? "the root" : b + "/"));

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
/// for every Python file, so lookups must not allocate): the files, every folder, the folders holding
/// Python files (namespace portions), the folders holding a project marker, and every regular module and
/// package in the tree (<c>name.py</c>, <c>name/__init__.py</c>) with its first path.
/// </summary>
internal sealed class ModuleIndex
{
    private static readonly string[] ProjectMarkers = { "setup.py", "pyproject.toml", "setup.cfg", "pytest.ini", "tox.ini" };

    private readonly ICollection<string> files;
    private readonly HashSet<string> directories = new(StringComparer.Ordinal);
    private readonly HashSet<string> pythonDirectories = new(StringComparer.Ordinal);
    private readonly HashSet<string> projectRoots = new(StringComparer.Ordinal);

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

            var slash = file.LastIndexOf('/');
            var name = file[(slash + 1)..];
            if (slash > 0 && Array.IndexOf(ProjectMarkers, name) >= 0)
            {
                projectRoots.Add(file[..slash]);
            }

            if (!file.EndsWith(".py", StringComparison.Ordinal))
            {
                continue;
            }

            for (var i = slash; i > 0; i = file.LastIndexOf('/', i - 1))
            {
                if (!pythonDirectories.Add(file[..i]))
                {
                    break;
                }
            }

            var stem = name[..^3];
            if (stem is not "__init__" and not "__main__")
            {
                Offer(stem, file);
            }
            else if (stem == "__init__" && slash > 0)
            {
                var dir = file[..slash];
                Offer(dir[(dir.LastIndexOf('/') + 1)..], dir + "/");
            }
        }
    }

    /// <summary>Regular modules and packages by name (a folder without <c>__init__.py</c> is no evidence of a local module).</summary>
    public Dictionary<string, string> Modules { get; } = new(StringComparer.Ordinal);

    public bool File(string path) => files.Contains(path);

    public bool Directory(string path) => path.Length == 0 || directories.Contains(path);

    /// <summary>A folder with Python files in it or below it: a possible namespace-package portion.</summary>
    public bool PythonDirectory(string path) => path.Length > 0 && pythonDirectories.Contains(path);

    /// <summary>A folder holding setup.py, pyproject.toml, setup.cfg, pytest.ini or tox.ini.</summary>
    public bool ProjectRoot(string path) => projectRoots.Contains(path);

    private void Offer(string name, string path)
    {
        if (!Modules.TryGetValue(name, out var existing) || string.CompareOrdinal(path, existing) < 0)
        {
            Modules[name] = path;
        }
    }
}
