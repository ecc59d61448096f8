using System.Globalization;
using BqxAudit.Checks.Secrets;
using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Inventory;
using BqxAudit.Model;

namespace BqxAudit.Checks.Dependencies;

/// <summary>What the dependency analysis works from.</summary>
public sealed class DependencyOptions
{
    public required AuditProfile Profile { get; init; }

    /// <summary>The audited root.</summary>
    public string Root { get; init; } = ".";

    /// <summary>The inventory, when it already ran (records are reused, never re-parsed).</summary>
    public InventoryResult? Inventory { get; init; }

    /// <summary>Script records piped in (reused, never re-parsed); the repository's file list is still read for manifests.</summary>
    public IReadOnlyList<ScriptRecord>? Scripts { get; init; }

    /// <summary>An interpreter to list installed distributions with (runs once, 10 s timeout).</summary>
    public string? PythonPath { get; init; }

    /// <summary>A site-packages folder to read installed distributions from, without Python.</summary>
    public string? SitePackages { get; init; }

    /// <summary>Only these types; null for all.</summary>
    public IReadOnlyCollection<DependencyType>? Types { get; init; }

    /// <summary>Tool lookup (tests replace PATH and the version probe).</summary>
    public ToolProbe? Tools { get; init; }

    /// <summary>The profile's tool probes, begun earlier by <see cref="DependencyService.StartProfileProbes"/> (null: begun here).</summary>
    public Task<IReadOnlyDictionary<string, ToolInfo>>? ProfileProbes { get; init; }

    /// <summary>Cloud facts (API states, dataset listings, credentials); null offline.</summary>
    public ICloudDependencyFacts? Cloud { get; init; }

    public bool Offline { get; init; }

    /// <summary>Online without <see cref="Cloud"/> facts, the service runs the infrastructure checks it needs with these.</summary>
    public string? CredentialPath { get; init; }

    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    public BqxAudit.Cloud.GcpHttpOptions Http { get; init; } = BqxAudit.Cloud.GcpHttpOptions.Default;
}

/// <summary>Cloud facts the dependency analysis reads from the cloud layer's measurements (no call per table).</summary>
public interface ICloudDependencyFacts
{
    /// <summary>True/false when the API's state was measured, null when not (with the reason).</summary>
    (bool? Enabled, string Evidence) ApiState(string api);

    /// <summary>True/false when the dataset was listed, null when not.</summary>
    (bool? Exists, string Evidence) TableExists(string project, string dataset, string table);

    (bool? Exists, string Evidence) DatasetExists(string project, string dataset);

    (bool? Exists, string Evidence) GcsPrefixExists(string bucket, string prefix);

    IEnumerable<DependencyRecord> Credentials();
}

/// <summary>
/// Every dependency the scripts need, where it is declared, whether it is installed, and what
/// breaks if it is not: Python packages (declared vs imported, per repository and per Docker image),
/// system tools, Google APIs, data, credentials, and secrets committed to the repository.
/// </summary>
public sealed class DependencyService
{
    private readonly IAuditHost host;

    public DependencyService(IAuditHost host) => this.host = host;

    public IReadOnlyList<DependencyRecord> Analyze(DependencyOptions options)
    {
        var inventory = options.Inventory;
        if (inventory is null && options.Scripts is { } piped)
        {
            var discovery = FileDiscovery.Discover(options.Root, host);
            inventory = new InventoryResult(discovery.Root, piped, null, new RepositoryIndex(discovery.Root, discovery.Files));
        }

        // The profile's tools are known before the inventory: their version probes run while it is built.
        var probe = options.Tools ?? new ToolProbe();
        var early = options.ProfileProbes ?? StartProfileProbes(options.Profile, probe, options.Types);
        inventory ??= new InventoryService(host).Run(new InventoryOptions { Root = options.Root, Profile = options.Profile });
        if (!options.Offline && options.Cloud is null)
        {
            // Standalone (deps / Get-BqxDependency online): measure the API, dataset and bucket states once, no call per table.
            var infrastructure = new BqxAudit.Checks.Infrastructure.InfrastructureService(host);
            var checks = infrastructure.Run(new BqxAudit.Checks.Infrastructure.InfrastructureOptions
            {
                Root = options.Root,
                Profile = options.Profile,
                Kinds = new[] { InfraCheckKind.Project, InfraCheckKind.Api, InfraCheckKind.BigQueryDataset, InfraCheckKind.GcsBucket },
                CredentialPath = options.CredentialPath,
                Environment = options.Environment,
                Http = options.Http,
                Scripts = inventory.Records,
            });
            options = new DependencyOptions
            {
                Root = options.Root,
                Profile = options.Profile,
                PythonPath = options.PythonPath,
                SitePackages = options.SitePackages,
                Types = options.Types,
                Tools = options.Tools,
                Cloud = new BqxAudit.Readiness.InfraFacts(checks, infrastructure.TableListings, options.Profile.Gcp.Project),
            };
        }

        return Analyze(options, inventory, probe, early);
    }

    /// <summary>
    /// Starts the version probes of the profile's tools (and of bq/gsutil answered by the same gcloud) at once, for
    /// a caller that has other work first (the audit: the inventory); hand the task to <see cref="DependencyOptions.ProfileProbes"/>.
    /// Null when system tools are not wanted or the profile names none.
    /// </summary>
    public Task<IReadOnlyDictionary<string, ToolInfo>>? StartProfileProbes(AuditProfile profile, ToolProbe? tools = null, IReadOnlyCollection<DependencyType>? types = null)
    {
        if (types is { Count: > 0 } && !types.Contains(DependencyType.SystemTool) || profile.Tools.Count == 0)
        {
            return null;
        }

        var probe = tools ?? new ToolProbe();
        return StartProbes(probe, profile.Tools.Concat(probe.SdkCompanions(profile.Tools)).Distinct(StringComparer.Ordinal).ToList());
    }

    private Task<IReadOnlyDictionary<string, ToolInfo>> StartProbes(ToolProbe probe, IReadOnlyCollection<string> tools) => Task.Factory.StartNew(
        () => probe.ProbeAll(tools, host.Cancellation), host.Cancellation, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private IReadOnlyList<DependencyRecord> Analyze(DependencyOptions options, InventoryResult inventory, ToolProbe probe, Task<IReadOnlyDictionary<string, ToolInfo>>? early)
    {
        reported.Clear();
        var records = new List<DependencyRecord>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        bool Wants(DependencyType t)
        {
            host.WriteVerbose($"dependencies: {records.Count} records after {clock.ElapsedMilliseconds} ms; next {t}");
            return options.Types is null || options.Types.Count == 0 || options.Types.Contains(t);
        }

        var scripts = inventory.Records.Where(r => r.Status != ScriptStatus.Missing).ToList();
        var phaseScripts = scripts.Where(r => r.PhaseTasks.Count > 0).Select(r => r.Path).ToHashSet(StringComparer.Ordinal);

        // Tool probes wait on child processes (gcloud starts slowly): start them first, collect them later. Only the
        // tools a phase script or the profile needs are asked their version (the profile's were started before the
        // inventory); the others are only located on PATH.
        var toolUsers = Wants(DependencyType.SystemTool) ? ToolUsers(options, scripts) : null;
        Task<IReadOnlyDictionary<string, ToolInfo>>? probing = null;
        if (toolUsers is not null)
        {
            var needed = toolUsers.Where(t => options.Profile.Tools.Contains(t.Key) || t.Value.Any(phaseScripts.Contains)).Select(t => t.Key).ToList();
            var asked = early is null ? needed : needed.Where(t => !options.Profile.Tools.Contains(t) && !probe.SdkCompanions(options.Profile.Tools).Contains(t)).ToList();
            var late = asked.Count == 0 ? null : StartProbes(probe, asked);
            probing = Task.Run(() =>
            {
                var found = new Dictionary<string, ToolInfo>(StringComparer.Ordinal);
                foreach (var part in new[] { early, late })
                {
                    foreach (var (name, info) in part?.GetAwaiter().GetResult() ?? new Dictionary<string, ToolInfo>())
                    {
                        found[name] = info;
                    }
                }

                foreach (var tool in toolUsers.Keys.Where(t => !found.ContainsKey(t)))
                {
                    found[tool] = probe.Locate(tool, "no phase script and not the profile's tools use it");
                }

                return (IReadOnlyDictionary<string, ToolInfo>)found;
            });
        }

        // Docker images: what each installs, and what the scripts it runs import and call.
        var byPath = scripts.ToDictionary(r => r.Path, StringComparer.Ordinal);
        var requirementFiles = new Dictionary<string, ManifestResult>(StringComparer.Ordinal);
        var images = scripts.Where(r => r.Kind == ScriptKind.Dockerfile).Select(d => Image(d, inventory.Repository, byPath, requirementFiles)).ToList();

        if (Wants(DependencyType.PythonPackage))
        {
            records.AddRange(FoldConflicts(PythonPackages(options, inventory.Repository, scripts, phaseScripts, images, requirementFiles).ToList()));
        }

        var toolsAt = records.Count;
        if (Wants(DependencyType.Api))
        {
            records.AddRange(Apis(options, scripts, phaseScripts));
        }

        if (Wants(DependencyType.Data))
        {
            records.AddRange(Data(options, scripts, phaseScripts));
        }

        if (Wants(DependencyType.Credential))
        {
            records.AddRange(options.Offline || options.Cloud is null
                ? CredentialsOffline(options)
                : options.Cloud.Credentials());
        }

        if (Wants(DependencyType.Secret))
        {
            records.AddRange(Secrets(inventory.Repository));
        }

        // Last: the tool probes wait on child processes (gcloud's own start is most of an offline audit), so
        // everything that does not need their answers is done while they run.
        if (toolUsers is not null && probing is not null)
        {
            var localPhaseScripts = scripts.Where(r => r.PhaseTasks.Any(t => RunsLocally(options.Profile, t.Phase))).Select(r => r.Path).ToHashSet(StringComparer.Ordinal);
            var tools = probing.GetAwaiter().GetResult();
            var toolRecords = SystemTools(options, toolUsers, tools, localPhaseScripts).Concat(ImageSystemTools(inventory.Repository, images, options.Profile)).ToList();
            records.InsertRange(toolsAt, toolRecords); // where they stood before the rest: the order of ties in the sort below is unchanged
        }

        host.WriteVerbose($"dependencies: {records.Count} records in {clock.ElapsedMilliseconds} ms");
        return records
            .OrderBy(r => r.Type)
            .ThenBy(r => r.Name, StringComparer.Ordinal)
            .ThenBy(r => r.Location, StringComparer.Ordinal)
            .ToList();
    }

    // ---- Python packages -------------------------------------------------------------------

    private IEnumerable<DependencyRecord> PythonPackages(DependencyOptions options, RepositoryIndex repo, List<ScriptRecord> scripts, HashSet<string> phaseScripts,
        List<DockerImage> images, Dictionary<string, ManifestResult> requirementFiles)
    {
        var manifests = DependencyManifests.Discover(repo.Root, repo.Files);
        Report(manifests.Diagnostics);
        var declared = manifests.Requirements.ToList();

        // A manifest (or an include) that could not be read may declare anything: "undeclared" would be a guess.
        var unreadManifests = manifests.Diagnostics.Where(d => d.Code == DependencyDiagnosticCode.FileUnreadable)
            .Select(d => d.Line > 0 ? $"{d.File}:{d.Line}" : d.File).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (var image in images)
        {
            declared.AddRange(image.Installs);
        }

        var installed = Installed(options);
        ImportDistributions.Refine(scripts, installed, declared);
        var byDistribution = new SortedDictionary<string, List<(ScriptRecord Script, ImportRecord Import)>>(StringComparer.Ordinal);
        foreach (var script in scripts.Where(s => s.Kind == ScriptKind.Python))
        {
            foreach (var import in script.Imports.Where(i => i.Kind == ImportKind.ThirdParty && i.Distribution is not null))
            {
                var name = PackageName.Normalize(import.Distribution!);
                if (!byDistribution.TryGetValue(name, out var uses))
                {
                    byDistribution[name] = uses = new();
                }

                uses.Add((script, import));
            }
        }

        var repoDeclared = declared.Where(d => d.Source != RequirementSource.Dockerfile).ToLookup(d => d.Name, StringComparer.Ordinal);
        var anyDeclared = declared.ToLookup(d => d.Name, StringComparer.Ordinal);

        // Imported distributions.
        foreach (var (name, uses) in byDistribution)
        {
            var decls = anyDeclared[name].ToList();
            var users = uses.Select(u => u.Script.Path).Distinct(StringComparer.Ordinal).OrderBy(p => p, StringComparer.Ordinal).ToList();
            var optional = uses.All(u => u.Import.Optional);
            var first = uses.OrderBy(u => u.Script.Path, StringComparer.Ordinal).ThenBy(u => u.Import.Line).First();
            var record = new DependencyRecord
            {
                Name = name,
                Type = DependencyType.PythonPackage,
                VersionRequired = Required(decls),
                DeclaredIn = decls.Select(d => d.Location).Distinct().ToList(),
                Location = $"{first.Script.Path}:{first.Import.Line}",
                Purpose = $"imported as {string.Join(", ", uses.Select(u => u.Import.Module).Distinct().OrderBy(m => m, StringComparer.Ordinal).Take(4))} by {users.Count} script{(users.Count == 1 ? "" : "s")}",
                UsedBy = users,
                Critical = !optional && users.Any(phaseScripts.Contains),
                Fallback = optional ? "optional import (guarded by try/except ImportError or TYPE_CHECKING)" : null,
            };
            record.Evidence.AddRange(uses.Take(5).Select(u => new Evidence("file", $"{u.Script.Path}:{u.Import.Line}", $"import {u.Import.Module}")));
            if (decls.Count == 0 && !optional && ImportDistributions.Unknown(uses.Select(u => u.Import), installed))
            {
                // Neither a module of the repository nor a distribution anyone knows: do not advise declaring it.
                record.Status = DependencyStatus.Unresolved;
                record.Purpose = $"imported as {string.Join(", ", uses.Select(u => u.Import.Module).Distinct().OrderBy(m => m, StringComparer.Ordinal).Take(4))} by {users.Count} script{(users.Count == 1 ? "" : "s")}; not a known distribution";
                record.Fallback = "restore the module if it belongs to this repository (no file of that name is in it), or declare the distribution that provides it";
                record.Evidence.Add(new Evidence("file", first.Script.Path,
                    $"no module {first.Import.Module.Split('.')[0]}.py or package {first.Import.Module.Split('.')[0]}/ is in the repository, no manifest declares a distribution for it, the import table does not know it" +
                    (installed is null ? "" : $" and nothing installed in {installed.Source} provides it")));
            }
            else if (!repoDeclared[name].Any() && !optional && unreadManifests.Count > 0)
            {
                record.Status = DependencyStatus.NotVerified;
                record.Evidence.Add(new Evidence("file", unreadManifests[0],
                    $"no manifest that was read declares {name}, but {string.Join(", ", unreadManifests.Take(3))}{(unreadManifests.Count > 3 ? $" and {unreadManifests.Count - 3} more" : "")} could not be read, so whether it is declared was not measured"));
            }
            else if (!repoDeclared[name].Any() && !optional)
            {
                record.Status = DependencyStatus.Undeclared;
                record.Evidence.Add(new Evidence("file", first.Script.Path,
                    decls.Count == 0
                        ? $"{name} is imported but no requirements file, pyproject.toml, setup.cfg, environment.yml or Dockerfile declares it"
                        : $"{name} is installed only by {string.Join(", ", decls.Select(d => d.Location))}, not by a repository manifest"));
            }
            else
            {
                ApplyInstalled(record, decls, installed);
            }

            yield return record;
        }

        // Per image: what the image runs must be installed in the image.
        foreach (var image in images)
        {
            var installedHere = image.Installs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var script in image.Runs.Where(s => s.Kind == ScriptKind.Python))
            {
                foreach (var import in script.Imports.Where(i => i.Kind == ImportKind.ThirdParty && i.Distribution is not null && !i.Optional))
                {
                    var name = PackageName.Normalize(import.Distribution!);
                    if (installedHere.Contains(name))
                    {
                        continue;
                    }

                    yield return new DependencyRecord
                    {
                        Name = name,
                        Type = DependencyType.PythonPackage,
                        Location = image.Dockerfile.Path,
                        Purpose = $"needed in the image of {image.Dockerfile.Path}: it runs {script.Path}",
                        UsedBy = { script.Path },
                        Status = DependencyStatus.Undeclared,
                        Critical = phaseScripts.Contains(script.Path),
                        DeclaredIn = anyDeclared[name].Select(d => d.Location).Distinct().ToList(),
                        Evidence =
                        {
                            new Evidence("file", $"{script.Path}:{import.Line}", $"import {import.Module}"),
                            new Evidence("file", image.Dockerfile.Path,
                                $"the image runs {script.Path} ({image.Chain(script)}) but its pip installs do not include {name}"),
                        },
                    };
                }
            }
        }

        // Declared and never imported: needed at run time by a call (pandas to_parquet → pyarrow), or unused.
        var imported = byDistribution.Keys.ToHashSet(StringComparer.Ordinal);
        var runtime = RuntimeUsers(scripts);
        foreach (var group in declared.Where(d => !imported.Contains(d.Name)).GroupBy(d => d.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var decls = group.ToList();
            if (runtime.TryGetValue(group.Key, out var needs))
            {
                var needUsers = needs.Select(n => n.Script.Path).Distinct(StringComparer.Ordinal).OrderBy(p => p, StringComparer.Ordinal).ToList();
                var calls = needs.Select(n => n.Need.Call).Distinct(StringComparer.Ordinal).OrderBy(c => c, StringComparer.Ordinal).ToList();
                var used = new DependencyRecord
                {
                    Name = group.Key,
                    Type = DependencyType.PythonPackage,
                    VersionRequired = Required(decls),
                    DeclaredIn = decls.Select(d => d.Location).Distinct().ToList(),
                    Location = $"{needs[0].Script.Path}:{needs[0].Need.Line}",
                    Purpose = $"used at run time by {string.Join(", ", calls.Take(3))} in {needUsers.Count} script{(needUsers.Count == 1 ? "" : "s")} (no import)",
                    UsedBy = needUsers,
                    Critical = needUsers.Any(phaseScripts.Contains),
                };
                used.Evidence.AddRange(needs.Take(5).Select(n => new Evidence("file", $"{n.Script.Path}:{n.Need.Line}",
                    $"{n.Need.Call} needs {string.Join(" or ", n.Need.AnyOf)} at run time")));
                ApplyInstalled(used, decls, installed);
                yield return used;
                continue;
            }

            var record = new DependencyRecord
            {
                Name = group.Key,
                Type = DependencyType.PythonPackage,
                VersionRequired = Required(decls),
                DeclaredIn = decls.Select(d => d.Location).Distinct().ToList(),
                Location = decls[0].Location,
                Status = DependencyStatus.Unused,
                Purpose = "declared, never imported by an inventoried script (may be a plugin or a transitive need, e.g. db-dtypes for pandas)",
                Evidence = { new Evidence("file", decls[0].Location, $"declared as '{decls[0].Text}'; no script imports it") },
            };
            if (installed is not null)
            {
                var found = installed.Find(group.Key);
                record.VersionInstalled = found?.Version;
            }

            yield return record;
        }

        // One distribution pinned so that no version satisfies both: a conflict inside one deployable (one image,
        // one requirement set installed together), inconsistent pins across separately built ones.
        var deployables = Deployables(repo, manifests, images, requirementFiles);
        var inside = new SortedDictionary<string, (VersionConflict Conflict, string What)>(StringComparer.Ordinal);
        foreach (var (what, requirements) in deployables)
        {
            foreach (var c in DependencyManifests.FindConflicts(requirements))
            {
                inside.TryAdd(c.Name, (c, what));
            }
        }

        foreach (var (name, (conflict, within)) in inside)
        {
            yield return ConflictRecord(conflict, DependencyStatus.VersionConflict,
                $"conflicting pins inside {within}: no version satisfies both, so its install fails", $"both are installed by {within}", byDistribution, phaseScripts);
        }

        foreach (var across in DependencyManifests.FindConflicts(declared).Where(c => !inside.ContainsKey(c.Name)).GroupBy(c => c.Name))
        {
            var pairs = across.ToList();
            var record = ConflictRecord(pairs[0], DependencyStatus.InconsistentPins,
                "pinned differently in separately built deployables (no single install holds both); they drift apart",
                $"{pairs[0].First.File} and {pairs[0].Second.File} are not installed together (different images or requirement sets)", byDistribution, phaseScripts);
            foreach (var more in pairs.Skip(1).Take(4))
            {
                record.Evidence.Add(new Evidence("file", more.Second.Location, $"{more.Second.Text} vs {more.First.Text} at {more.First.Location}"));
            }

            yield return record;
        }

        // Local modules imported and absent.
        foreach (var script in scripts.Where(s => s.Kind == ScriptKind.Python))
        {
            foreach (var import in script.Imports.Where(i => i.Kind == ImportKind.Unresolved))
            {
                yield return new DependencyRecord
                {
                    Name = import.Module,
                    Type = DependencyType.PythonPackage,
                    Location = $"{script.Path}:{import.Line}",
                    Purpose = "local module",
                    UsedBy = { script.Path },
                    Status = DependencyStatus.Unresolved,
                    Critical = !import.Optional && phaseScripts.Contains(script.Path),
                    Fallback = import.Optional ? "optional import (guarded)" : null,
                    Evidence = { new Evidence("file", $"{script.Path}:{import.Line}", $"import {import.Module}: looks local, and no such module or package is in the repository") },
                };
            }
        }
    }

    private static DependencyRecord ConflictRecord(VersionConflict conflict, DependencyStatus status, string purpose, string where,
        SortedDictionary<string, List<(ScriptRecord Script, ImportRecord Import)>> byDistribution, HashSet<string> phaseScripts) => new()
    {
        Name = conflict.Name,
        Type = DependencyType.PythonPackage,
        VersionRequired = $"{conflict.First.Specifier} vs {conflict.Second.Specifier}",
        DeclaredIn = { conflict.First.Location, conflict.Second.Location },
        Location = conflict.First.Location,
        Status = status,
        Purpose = purpose,
        UsedBy = byDistribution.TryGetValue(conflict.Name, out var u) ? u.Select(x => x.Script.Path).Distinct().ToList() : new(),
        Critical = status == DependencyStatus.VersionConflict && byDistribution.TryGetValue(conflict.Name, out var u2) && u2.Any(x => phaseScripts.Contains(x.Script.Path)),
        Evidence =
        {
            new Evidence("file", conflict.First.Location, conflict.First.Text),
            new Evidence("file", conflict.Second.Location, $"{conflict.Second.Text}: {conflict.Reason}"),
            new Evidence("file", conflict.First.Location, where),
        },
    };

    /// <summary>Declared distributions a call needs at run time, with the scripts and calls.</summary>
    private static Dictionary<string, List<(ScriptRecord Script, RuntimeNeed Need)>> RuntimeUsers(List<ScriptRecord> scripts)
    {
        var map = new Dictionary<string, List<(ScriptRecord, RuntimeNeed)>>(StringComparer.Ordinal);
        foreach (var script in scripts.Where(s => s.Kind == ScriptKind.Python))
        {
            foreach (var need in script.RuntimeNeeds)
            {
                foreach (var name in need.AnyOf.Select(PackageName.Normalize))
                {
                    if (!map.TryGetValue(name, out var list))
                    {
                        map[name] = list = new List<(ScriptRecord, RuntimeNeed)>();
                    }

                    list.Add((script, need));
                }
            }
        }

        return map;
    }

    /// <summary>
    /// What is installed together: each image (its pip installs and the requirement files they name), and each
    /// manifest of the repository with the files it includes (<c>-r</c>).
    /// </summary>
    private List<(string What, List<DeclaredRequirement> Requirements)> Deployables(RepositoryIndex repo, ManifestResult manifests, List<DockerImage> images,
        Dictionary<string, ManifestResult> requirementFiles)
    {
        var result = images.Select(i => ($"the image of {i.Dockerfile.Path}", i.Installs.ToList())).ToList();
        var files = manifests.Requirements.Select(r => r.File).Distinct(StringComparer.Ordinal).OrderBy(f => f, StringComparer.Ordinal).ToList();
        var parser = new RequirementsFileParser(repo.Root);
        foreach (var file in files)
        {
            var own = DependencyManifests.Classify(file) == ManifestKind.RequirementsTxt
                ? (requirementFiles.TryGetValue(file, out var parsed) ? parsed : requirementFiles[file] = parser.Parse(file)).Requirements.ToList()
                : manifests.Requirements.Where(r => r.File == file).ToList();
            result.Add(($"{file} (with what it includes)", own));
        }

        return result;
    }

    /// <summary>A distribution's conflict joins its own record (one row per distribution), unless that record is worse already.</summary>
    private static IEnumerable<DependencyRecord> FoldConflicts(List<DependencyRecord> records)
    {
        foreach (var conflict in records.Where(r => r.Status == DependencyStatus.VersionConflict && r.VersionRequired?.Contains(" vs ", StringComparison.Ordinal) == true).ToList())
        {
            var own = records.FirstOrDefault(r => !ReferenceEquals(r, conflict) && r.Name == conflict.Name &&
                                                  r.Type == DependencyType.PythonPackage &&
                                                  r.Status is DependencyStatus.NotVerified or DependencyStatus.Ready or DependencyStatus.Unused);
            if (own is null)
            {
                continue;
            }

            own.Status = DependencyStatus.VersionConflict;
            own.VersionRequired = conflict.VersionRequired;
            own.Evidence.AddRange(conflict.Evidence);
            records.Remove(conflict);
        }

        return records;
    }

    private static string? Required(IReadOnlyList<DeclaredRequirement> decls)
    {
        var specs = decls.Select(d => d.Specifier).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return specs.Count == 0 ? (decls.Count > 0 ? "any" : null) : string.Join("; ", specs);
    }

    private InstalledEnvironment? Installed(DependencyOptions options)
    {
        InstalledEnvironment? env = null;
        if (!string.IsNullOrWhiteSpace(options.PythonPath))
        {
            env = PythonEnvironmentProbe.Run(options.PythonPath!, cancellation: host.Cancellation);
        }
        else if (!string.IsNullOrWhiteSpace(options.SitePackages))
        {
            if (!Directory.Exists(options.SitePackages))
            {
                throw new BqxException(new BqxError(ErrorIds.PathNotFound, BqxErrorCategory.ObjectNotFound,
                    $"site-packages folder not found: {options.SitePackages}", options.SitePackages));
            }

            env = SitePackagesReader.Read(options.SitePackages!);
        }

        if (env is not null)
        {
            Report(env.Diagnostics);
        }

        return env;
    }

    private void ApplyInstalled(DependencyRecord record, IReadOnlyList<DeclaredRequirement> decls, InstalledEnvironment? installed)
    {
        var where = string.Join(", ", decls.Select(d => d.Location).Distinct());
        var declaredIn = where.Length == 0 ? "not declared" : $"declared in {where}";
        if (installed is null)
        {
            record.Status = DependencyStatus.NotVerified;
            record.Evidence.Add(new Evidence("file", decls.FirstOrDefault()?.Location ?? record.Location ?? "",
                $"{declaredIn}; installation not checked: pass {host.Dialect.Option(BqxOption.PythonPath)} or {host.Dialect.Option(BqxOption.SitePackages)}"));
            return;
        }

        var found = installed.Find(record.Name);
        if (found is null)
        {
            record.Status = DependencyStatus.Missing;
            record.Evidence.Add(new Evidence("command", installed.Source, $"{record.Name} is not installed there ({declaredIn})"));
            return;
        }

        record.VersionInstalled = found.Version;
        var unmet = decls.Where(d => d.SpecifierSet is { } set && found.ParsedVersion is { } v && !set.IsSatisfiedByInstalled(v)).ToList();
        if (unmet.Count > 0)
        {
            record.Status = DependencyStatus.VersionConflict;
            record.Evidence.Add(new Evidence("command", found.Location,
                $"installed {found.Version} does not satisfy {string.Join(", ", unmet.Select(d => $"{d.Specifier} ({d.Location})"))}"));
        }
        else
        {
            record.Status = DependencyStatus.Ready;
            record.Evidence.Add(new Evidence("command", found.Location, $"installed {found.Version}; {declaredIn}"));
        }
    }

    /// <summary>Diagnostics already written: a file read twice (a manifest that an image also installs) is reported once.</summary>
    private readonly HashSet<DependencyDiagnostic> reported = new();

    private void Report(IEnumerable<DependencyDiagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            if (!reported.Add(d))
            {
                continue;
            }

            if (d.Severity == DependencyDiagnosticSeverity.Error)
            {
                host.WriteError(d.ToBqxError());
            }
            else
            {
                host.WriteWarning(d.ToString());
            }
        }
    }

    /// <summary>A Docker image: its Dockerfile, what it pip-installs, and the scripts its ENTRYPOINT/CMD runs (transitively).</summary>
    private sealed class DockerImage
    {
        public required ScriptRecord Dockerfile { get; init; }
        public List<DeclaredRequirement> Installs { get; } = new();
        public List<ScriptRecord> Runs { get; } = new();
        public Dictionary<string, string> Via { get; } = new(StringComparer.Ordinal);

        public string Chain(ScriptRecord script) => Via.TryGetValue(script.Path, out var via) ? via : "ENTRYPOINT";
    }

    private DockerImage Image(ScriptRecord dockerfile, RepositoryIndex repo, IReadOnlyDictionary<string, ScriptRecord> byPath, Dictionary<string, ManifestResult> requirementFiles)
    {
        var image = new DockerImage { Dockerfile = dockerfile };
        var folder = dockerfile.Path.Contains('/') ? dockerfile.Path[..dockerfile.Path.LastIndexOf('/')] : "";
        foreach (var install in dockerfile.PipInstalls)
        {
            var parsed = PipInstallCommand.Parse("pip install " + install.Requirement, dockerfile.Path, install.Line);
            foreach (var requirement in parsed.Requirements)
            {
                image.Installs.Add(requirement);
            }

            // -r FILE inside the image: read the file of the build context it was copied from.
            var text = install.Requirement.Trim();
            if (text.StartsWith("-r ", StringComparison.Ordinal) || text.StartsWith("--requirement", StringComparison.Ordinal))
            {
                var file = text.Split(new[] { ' ', '=' }, StringSplitOptions.RemoveEmptyEntries).Last();
                var candidate = new[] { RepositoryIndex.Normalize(folder + "/" + file), RepositoryIndex.Normalize(file) }.FirstOrDefault(repo.FileExists);
                if (candidate is not null)
                {
                    // Many images install the same file: parse (and report) it once.
                    if (!requirementFiles.TryGetValue(candidate, out var result))
                    {
                        requirementFiles[candidate] = result = new RequirementsFileParser(repo.Root).Parse(candidate);
                        Report(result.Diagnostics);
                    }

                    image.Installs.AddRange(result.Requirements);
                }
            }
        }

        var pending = new Queue<(string Path, string Via)>(dockerfile.Invocations.Where(i => i.ResolvedScript is not null).Select(i => (i.ResolvedScript!, $"ENTRYPOINT/CMD at {dockerfile.Path}:{i.Line}")));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.Count > 0)
        {
            var (path, via) = pending.Dequeue();
            if (!seen.Add(path) || !byPath.TryGetValue(path, out var script))
            {
                continue;
            }

            image.Runs.Add(script);
            image.Via[path] = via;
            foreach (var next in script.Invocations.Where(i => i.ResolvedScript is not null))
            {
                pending.Enqueue((next.ResolvedScript!, $"{via} → {script.Path}:{next.Line}"));
            }
        }

        return image;
    }

    // ---- System tools ----------------------------------------------------------------------

    /// <summary>A phase runs on the machine that runs the audit unless its profile says <c>runsOn: image</c>.</summary>
    private static bool RunsLocally(AuditProfile profile, string phaseId) =>
        profile.Phases.FirstOrDefault(p => p.Id == phaseId)?.RunsOn is not "image";

    /// <summary>Per image: each tool the scripts it runs call must be in the image (its base image or a RUN install).</summary>
    private IEnumerable<DependencyRecord> ImageSystemTools(RepositoryIndex repo, List<DockerImage> images, AuditProfile profile)
    {
        foreach (var image in images.Where(i => i.Runs.Count > 0))
        {
            string text;
            try
            {
                text = Inventory.TextDecoding.Decode(File.ReadAllBytes(Path.Combine(repo.Root, image.Dockerfile.Path)), out _);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                host.WriteWarning($"{image.Dockerfile.Path}: cannot be read again for the tools its image provides: {e.Message}");
                continue;
            }

            var provided = ImageTools.Provided(text, image.Dockerfile.BaseImages);
            var needs = new SortedDictionary<string, List<(ScriptRecord Script, Invocation Call)>>(StringComparer.Ordinal);
            foreach (var script in image.Runs.Where(s => s.Kind is ScriptKind.Shell or ScriptKind.Python))
            {
                foreach (var call in script.Invocations.Where(i => script.ToolsInvoked.Contains(i.Tool) && !provided.Contains(i.Tool)))
                {
                    if (!needs.TryGetValue(call.Tool, out var list))
                    {
                        needs[call.Tool] = list = new();
                    }

                    list.Add((script, call));
                }
            }

            foreach (var (tool, uses) in needs)
            {
                var users = uses.Select(u => u.Script.Path).Distinct(StringComparer.Ordinal).OrderBy(p => p, StringComparer.Ordinal).ToList();
                var record = new DependencyRecord
                {
                    Name = tool,
                    Type = DependencyType.SystemTool,
                    Location = image.Dockerfile.Path,
                    Purpose = $"needed in the image of {image.Dockerfile.Path}: {string.Join(", ", users.Take(3))} call{(users.Count == 1 ? "s" : "")} it there",
                    UsedBy = users,
                    Status = DependencyStatus.Missing,
                    Critical = uses.Any(u => u.Script.PhaseTasks.Any(t => !RunsLocally(profile, t.Phase))),
                };
                record.Evidence.AddRange(uses.Take(3).Select(u => new Evidence("file", $"{u.Script.Path}:{u.Call.Line}", $"calls {tool} ({image.Chain(u.Script)})")));
                record.Evidence.Add(new Evidence("file", image.Dockerfile.Path,
                    $"neither the base image ({string.Join(", ", image.Dockerfile.BaseImages.DefaultIfEmpty("none"))}) nor a RUN install of {image.Dockerfile.Path} provides {tool}"));
                yield return record;
            }
        }
    }

    private static SortedDictionary<string, SortedSet<string>> ToolUsers(DependencyOptions options, List<ScriptRecord> scripts)
    {
        var users = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var script in scripts.Where(s => s.Kind is ScriptKind.Shell or ScriptKind.Python))
        {
            foreach (var tool in script.ToolsInvoked)
            {
                if (!users.TryGetValue(tool, out var set))
                {
                    users[tool] = set = new SortedSet<string>(StringComparer.Ordinal);
                }

                set.Add(script.Path);
            }
        }

        foreach (var tool in options.Profile.Tools)
        {
            if (!users.ContainsKey(tool))
            {
                users[tool] = new SortedSet<string>(StringComparer.Ordinal);
            }
        }

        return users;
    }

    private static IEnumerable<DependencyRecord> SystemTools(DependencyOptions options, SortedDictionary<string, SortedSet<string>> users,
        IReadOnlyDictionary<string, ToolInfo> results, HashSet<string> phaseScripts)
    {
        foreach (var (tool, scriptsUsing) in users)
        {
            var found = results[tool];
            var fromProfile = options.Profile.Tools.Contains(tool);
            var record = new DependencyRecord
            {
                Name = tool,
                Type = DependencyType.SystemTool,
                VersionInstalled = found.Version,
                Location = found.Path,
                UsedBy = scriptsUsing.ToList(),
                Purpose = scriptsUsing.Count > 0 ? $"invoked by {scriptsUsing.Count} script{(scriptsUsing.Count == 1 ? "" : "s")}" : "required by the profile (tools)",
                DeclaredIn = fromProfile ? new List<string> { $"{Path.GetFileName(options.Profile.Source)}: tools" } : new(),
                Critical = scriptsUsing.Any(phaseScripts.Contains),
                Status = found.Path is null ? DependencyStatus.Missing : DependencyStatus.Ready,
            };
            record.Evidence.Add(found.Path is null
                ? new Evidence("command", $"PATH lookup {tool}", $"{tool} is not on PATH ({found.Detail})")
                : new Evidence("command", found.VersionAsked ? $"{tool} --version" : $"PATH lookup {tool}", found.Detail));
            yield return record;
        }
    }

    // ---- APIs ----------------------------------------------------------------------------

    private IEnumerable<DependencyRecord> Apis(DependencyOptions options, List<ScriptRecord> scripts, HashSet<string> phaseScripts)
    {
        var paths = scripts.Select(s => s.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var requirement in BqxAudit.Checks.Infrastructure.ApiRequirements.From(options.Profile, scripts))
        {
            var users = requirement.Reasons.Select(r => r.Location.Split(':')[0]).Where(paths.Contains).Distinct(StringComparer.Ordinal).OrderBy(l => l, StringComparer.Ordinal).ToList();
            var record = new DependencyRecord
            {
                Name = requirement.Service,
                Type = DependencyType.Api,
                UsedBy = users,
                Purpose = string.Join("; ", requirement.Reasons.Select(r => r.Detail).Distinct().Take(3)),
                Critical = users.Any(phaseScripts.Contains) || options.Profile.Apis.Contains(requirement.Service),
            };
            record.Evidence.AddRange(requirement.Reasons.Take(3));
            var state = options.Offline || options.Cloud is null ? (null, "offline: whether the API is enabled was not measured") : options.Cloud.ApiState(requirement.Service);
            record.Status = state.Item1 switch
            {
                true => DependencyStatus.Ready,
                false => DependencyStatus.Missing,
                null => DependencyStatus.NotVerified,
            };
            record.Evidence.Add(new Evidence(state.Item1 is null ? "profile" : "api", $"serviceusage {requirement.Service}", state.Item2));
            if (state.Item1 == false)
            {
                record.Fallback = $"gcloud services enable {requirement.Service} --project {options.Profile.Gcp.Project}";
            }

            yield return record;
        }
    }

    // ---- Data ----------------------------------------------------------------------------

    private IEnumerable<DependencyRecord> Data(DependencyOptions options, List<ScriptRecord> scripts, HashSet<string> phaseScripts)
    {
        var project = options.Profile.Gcp.Project ?? "";
        var reads = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var script in scripts)
        {
            // Qualified tables (dataset.table, project.dataset.table) and gs:// paths; INFORMATION_SCHEMA views are metadata, not data.
            foreach (var table in script.TablesRead.Where(t => t.Contains('.') && !t.Contains("INFORMATION_SCHEMA", StringComparison.OrdinalIgnoreCase)).Concat(script.GcsUris))
            {
                if (!reads.TryGetValue(table, out var users))
                {
                    reads[table] = users = new SortedSet<string>(StringComparer.Ordinal);
                }

                users.Add(script.Path);
            }
        }

        // Name templates (`bqx-ml.features.{pair}_{window}`) name tables known only at run time: one record per
        // group that shares the literal part (project, dataset, bucket), listing its templates, not one per template.
        var groups = new SortedDictionary<string, List<(string Template, SortedSet<string> Users)>>(StringComparer.Ordinal);
        foreach (var (target, users) in reads.Where(r => r.Key.Contains('{')).ToList())
        {
            var key = TemplateGroup(target);
            if (!groups.TryGetValue(key, out var list))
            {
                groups[key] = list = new();
            }

            list.Add((target, users));
            reads.Remove(target);
        }

        foreach (var (key, templates) in groups)
        {
            var users = templates.SelectMany(t => t.Users).Distinct(StringComparer.Ordinal).OrderBy(u => u, StringComparer.Ordinal).ToList();
            var record = new DependencyRecord
            {
                Name = key,
                Type = DependencyType.Data,
                UsedBy = users,
                Purpose = $"{templates.Count} table-name template{(templates.Count == 1 ? "" : "s")} (the tables {(templates.Count == 1 ? "it names are" : "they name are")} known only at run time), read by {users.Count} script{(users.Count == 1 ? "" : "s")}",
                Critical = users.Any(phaseScripts.Contains),
            };
            record.Evidence.AddRange(templates.Select(t => new Evidence("file", t.Users.First(), $"template {t.Template} (read by {string.Join(", ", t.Users.Take(3))}{(t.Users.Count > 3 ? $" and {t.Users.Count - 3} more" : "")})")));
            var parts = key.Split('.');
            (bool?, string) state = options.Offline || options.Cloud is null
                ? (null, "offline: existence not measured")
                : key.StartsWith("gs://", StringComparison.Ordinal) && key.IndexOf('/', 5) is var slash and > 5 && !key[5..slash].Contains('*')
                    ? options.Cloud.GcsPrefixExists(key[5..slash], "")
                    : parts.Length == 3 && parts[0] != "*" && parts[1] != "*" ? options.Cloud.DatasetExists(parts[0], parts[1])
                    : parts.Length == 2 && parts[0] != "*" ? options.Cloud.DatasetExists(project, parts[0])
                    : (null, "the dataset or bucket is a template too: which one is known only at run time");
            record.Status = state.Item1 switch { true => DependencyStatus.NotVerified, false => DependencyStatus.Missing, null => DependencyStatus.NotVerified };
            record.Evidence.Add(new Evidence(state.Item1 is null ? "file" : "api", users[0],
                state.Item1 == true ? $"{state.Item2}; the templated tables themselves are known only at run time" : state.Item2));
            yield return record;
        }

        foreach (var (target, users) in reads)
        {
            var templated = target.Contains('{');
            var record = new DependencyRecord
            {
                Name = target,
                Type = DependencyType.Data,
                UsedBy = users.ToList(),
                Purpose = target.StartsWith("gs://", StringComparison.Ordinal) ? "Cloud Storage path the scripts read or write" : "table or dataset the scripts read",
                Critical = users.Any(phaseScripts.Contains),
            };
            (bool?, string) state;
            if (options.Offline || options.Cloud is null)
            {
                state = (null, "offline: existence not measured");
            }
            else if (templated)
            {
                state = (null, "a template: which tables it names is known only at run time");
            }
            else if (target.StartsWith("gs://", StringComparison.Ordinal))
            {
                var rest = target[5..];
                var slash = rest.IndexOf('/');
                state = options.Cloud.GcsPrefixExists(slash < 0 ? rest : rest[..slash], slash < 0 ? "" : rest[(slash + 1)..]);
            }
            else
            {
                var parts = target.Split('.');
                state = parts.Length switch
                {
                    3 => options.Cloud.TableExists(parts[0], parts[1], parts[2]),
                    2 => options.Cloud.TableExists(project, parts[0], parts[1]),
                    _ => (null, "not a qualified table name"),
                };
            }

            record.Status = state.Item1 switch { true => DependencyStatus.Ready, false => DependencyStatus.Missing, null => DependencyStatus.NotVerified };
            record.Evidence.Add(new Evidence(state.Item1 is null ? "file" : "api", users.First(), state.Item2));
            yield return record;
        }
    }

    /// <summary>The group of a templated name: each dotted part (or path segment) holding a placeholder becomes <c>*</c>.</summary>
    internal static string TemplateGroup(string target)
    {
        if (target.StartsWith("gs://", StringComparison.Ordinal))
        {
            var segments = target[5..].Split('/');
            var kept = segments.TakeWhile(p => !p.Contains('{')).ToList();
            return "gs://" + string.Join('/', kept.Append("*"));
        }

        return string.Join('.', target.Split('.').Select(p => p.Contains('{') ? "*" : p));
    }

    // ---- Credentials and secrets -----------------------------------------------------------

    private static IEnumerable<DependencyRecord> CredentialsOffline(DependencyOptions options)
    {
        var source = CredentialLocator.Locate(Environment.GetEnvironmentVariable, DateTimeOffset.UtcNow);
        var record = new DependencyRecord
        {
            Name = source.Kind,
            Type = DependencyType.Credential,
            Location = source.Path,
            Purpose = "the Application Default Credentials the scripts and this audit would use",
            Critical = true,
            Status = DependencyStatus.NotVerified,
        };
        record.Evidence.Add(new Evidence("file", source.Path ?? "ADC", source.Detail));
        record.Evidence.Add(new Evidence("profile", "offline", "whether a token can be obtained was not measured (offline)"));
        yield return record;
    }

    private IEnumerable<DependencyRecord> Secrets(RepositoryIndex repo)
    {
        foreach (var secret in SecretScanner.Scan(repo.Root, repo.Files, host))
        {
            yield return new DependencyRecord
            {
                Name = secret.Kind.ToString(),
                Type = DependencyType.Secret,
                Location = secret.Location,
                Purpose = secret.Description,
                Status = DependencyStatus.Exposed,
                Critical = true,
                Fallback = "remove it from the repository and its history, rotate it, and use ADC or Secret Manager instead",
                Evidence = { new Evidence("file", secret.Location, $"{secret.Description} (fingerprint {secret.Fingerprint}; the value is never shown)") },
            };
        }
    }
}
