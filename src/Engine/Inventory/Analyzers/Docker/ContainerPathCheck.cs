using BqxAudit.Inventory.Analyzers.Shell;
using BqxAudit.Model;

namespace BqxAudit.Inventory.Analyzers.Docker;

/// <summary>
/// Follows each image into its container: from a Dockerfile's ENTRYPOINT/CMD through the scripts it runs, the
/// calls those scripts make to absolute container paths (<c>python3 /workspace/pipelines/x.py</c>) are mapped back
/// through the image's WORKDIR and COPY/ADD entries to repository files, so the usual checks apply to them: the
/// file exists, and (for the flag check, which runs after this one) the flags passed are accepted.
/// </summary>
/// <remarks>
/// <para>The build context is the one a <c>docker build</c> of a Cloud Build config or a shell script gives for
/// that Dockerfile, else the analyzer's choice. A mapped call gets its <see cref="Invocation.ResolvedScript"/>
/// and evidence naming the image and the COPY line; the Info "outside the audited root" finding goes.</para>
/// <para>Rule: <c>shell.missing-in-image</c> (Error): no COPY/ADD of the image that runs the script provides the
/// path, or the COPY would take it from a repository path that does not exist; the message names the Dockerfile,
/// the chain that runs the script and the call. A script run by no image keeps its Info finding.</para>
/// <para>Runs before <see cref="PythonFlagCheck"/> and <see cref="ShellCycleCheck"/> (cross-file checks run in
/// the order of their full type names).</para>
/// </remarks>
public sealed class ContainerPathCheck : ICrossFileCheck
{
    public void Check(IReadOnlyList<ScriptRecord> records, RepositoryIndex repository)
    {
        var byPath = new Dictionary<string, ScriptRecord>(StringComparer.Ordinal);
        var builds = new Dictionary<string, (DockerBuildRef Build, string By)>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            byPath.TryAdd(r.Path, r);
            foreach (var b in DockerBuilds.Of(r))
            {
                builds.TryAdd(b.Dockerfile, (b, $"{r.Path}:{b.Line}"));
            }
        }

        foreach (var dockerfile in records)
        {
            if (dockerfile.Kind != ScriptKind.Dockerfile || ImageLayout.Of(dockerfile) is not { } layout)
            {
                continue;
            }

            builds.TryGetValue(dockerfile.Path, out var built);
            var context = built.Build?.Context;
            var image = built.Build is { } b1 && b1.Tags.Count > 0
                ? $"the image {b1.Tags[0]} ({dockerfile.Path}, built by {built.By})"
                : $"the image of {dockerfile.Path}";
            var pending = new Queue<(string Path, string Via)>();
            foreach (var entry in dockerfile.Invocations.Where(i => i.ResolvedScript is not null))
            {
                pending.Enqueue((entry.ResolvedScript!, $"ENTRYPOINT/CMD at {dockerfile.Path}:{entry.Line}"));
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (pending.Count > 0)
            {
                var (path, via) = pending.Dequeue();
                if (!seen.Add(path) || !byPath.TryGetValue(path, out var script) || script.Kind is not (ScriptKind.Shell or ScriptKind.Python))
                {
                    continue;
                }

                foreach (var call in script.Invocations)
                {
                    var at = $"{script.Path}:{call.Line}";
                    if (call.ResolvedScript is { } next)
                    {
                        pending.Enqueue((next, $"{via} → {at}"));
                        continue;
                    }

                    if (ContainerPaths.Of(call) is not { } absolute)
                    {
                        continue;
                    }

                    var mapping = layout.Map(absolute, context);
                    script.Findings.RemoveAll(f => f.Location == at && f.Rule.EndsWith(".unresolved-script", StringComparison.Ordinal) &&
                                                   f.Message.Contains(absolute, StringComparison.Ordinal));
                    switch (mapping.Kind)
                    {
                        case ContainerMappingKind.InRepository:
                            call.ResolvedScript = mapping.Path;
                            script.Evidence.Add(new Evidence("file", at,
                                $"{call.Tool} {absolute}: {mapping.Path} of the repository in {image} (COPY at {dockerfile.Path}:{mapping.CopyLine}; runs via {via})"));
                            pending.Enqueue((mapping.Path!, $"{via} → {at}"));
                            break;
                        case ContainerMappingKind.MissingSource:
                            script.Findings.Add(new Finding("shell.missing-in-image", FindingSeverity.Error,
                                $"{call.Tool} {absolute}: in {image}, which runs this script ({via}), the COPY at line {mapping.CopyLine} would take it from {mapping.Path}, which does not exist",
                                at));
                            break;
                        case ContainerMappingKind.NotCopied:
                            script.Findings.Add(new Finding("shell.missing-in-image", FindingSeverity.Error,
                                $"{call.Tool} {absolute}: no COPY or ADD of {dockerfile.Path} puts it into {image}, which runs this script ({via}); the container fails here",
                                at));
                            break;
                        case ContainerMappingKind.OtherStage:
                            script.Evidence.Add(new Evidence("file", at,
                                $"{call.Tool} {absolute}: copied into {image} from another stage or image (line {mapping.CopyLine}); not checked further"));
                            break;
                    }
                }
            }
        }
    }
}
