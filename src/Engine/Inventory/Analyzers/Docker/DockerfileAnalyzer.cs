using System.Text.Json;
using System.Text.RegularExpressions;
using BqxAudit.Inventory.Analyzers.Shell;
using BqxAudit.Model;

namespace BqxAudit.Inventory.Analyzers.Docker;

/// <summary>
/// Reads a Dockerfile: base images, pip installs with their pins, COPY/ADD sources that must be in
/// the build context, and the scripts ENTRYPOINT/CMD run, which must have been copied into the image.
/// </summary>
/// <remarks>
/// <para>Build context: the Dockerfile's folder, or the nearest ancestor folder up to the audited root
/// in which more COPY/ADD sources exist (a <c>docker/Dockerfile</c> built with
/// <c>docker build -f docker/Dockerfile .</c> copies root paths); when it is not the Dockerfile's own
/// folder an Info <c>docker.build-context</c> says which folder was taken. A Dockerfile at the root
/// has the root as its context. <c>.dockerignore</c> is not applied.</para>
/// <para>Images: each stage keeps its WORKDIR, ENV/ARG values and COPY/ADD destinations (inherited by
/// <c>FROM stage</c>); a script ENTRYPOINT/CMD runs (<c>python3 x.py</c>, <c>./run.sh</c>,
/// <c>bash x.sh</c>, <c>sh -c "…"</c>, exec or shell form, ENTRYPOINT + CMD combined) is mapped back
/// through those destinations to its build-context file. <c>COPY --from</c> and
/// <c>RUN --mount=type=bind,from=…</c> content comes from another stage or image and is taken as present.</para>
/// <para>Rules: <c>docker.no-from</c>, <c>docker.instruction-before-from</c>,
/// <c>docker.unknown-instruction</c>, <c>docker.invalid-instruction</c>, <c>docker.missing-source</c>,
/// <c>docker.missing-requirements</c> (Error); <c>docker.missing-entrypoint-script</c> (Error, or
/// Warning for an absolute path outside WORKDIR and every COPY destination, which the base image may
/// provide); <c>docker.unresolved-source</c>, <c>docker.unresolved-entrypoint-script</c>,
/// <c>docker.build-context</c> (Info).</para>
/// </remarks>
public sealed class DockerfileAnalyzer : IScriptAnalyzer
{
    public ScriptKind Kind => ScriptKind.Dockerfile;

    public void Analyze(SourceText source, ScriptRecord record, RepositoryIndex repository) =>
        new DockerfileRun(source, record, repository).Run();
}

/// <summary>The state of reading one Dockerfile.</summary>
internal sealed partial class DockerfileRun
{
    [GeneratedRegex("(KEY|SECRET|TOKEN|PASSW|CREDENTIAL)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SensitiveName();

    private const int MaxUnknownReported = 10;

    private static readonly HashSet<string> Instructions = new(StringComparer.Ordinal)
    {
        "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER",
        "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
    };

    private readonly SourceText source;
    private readonly ScriptRecord record;
    private readonly RepositoryIndex repository;
    private readonly string folder;
    private readonly Dictionary<string, string> globalArgs = new(StringComparer.Ordinal);
    private readonly List<Stage> stages = new();
    private readonly List<SourceRef> sources = new();
    private readonly List<RequirementCheck> requirementChecks = new();
    private readonly HashSet<string> baseImages = new(StringComparer.Ordinal);
    private readonly HashSet<(string, string, string)> reported = new();
    private readonly Dictionary<string, Regex> globs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> globMatches = new(StringComparer.Ordinal);
    private int unknownInstructions;
    private string context = "";

    public DockerfileRun(SourceText source, ScriptRecord record, RepositoryIndex repository)
    {
        this.source = source;
        this.record = record;
        this.repository = repository;
        var slash = record.Path.LastIndexOf('/');
        folder = slash < 0 ? "" : record.Path[..slash];
    }

    public void Run()
    {
        var instructions = DockerfileParser.Parse(source.Text);
        var beforeFromReported = false;
        foreach (var instruction in instructions)
        {
            if (!Instructions.Contains(instruction.Keyword))
            {
                // A file that is not a Dockerfile at all would get one finding per line: the first few say it.
                if (++unknownInstructions <= MaxUnknownReported)
                {
                    Add("docker.unknown-instruction", FindingSeverity.Error,
                        $"'{Shorten(instruction.Keyword)}' is not a Dockerfile instruction; docker build stops here", instruction.Line);
                }

                continue;
            }

            if (instruction.Keyword == "FROM")
            {
                From(instruction);
                continue;
            }

            var stage = stages.Count > 0 ? stages[^1] : null;
            if (stage is null)
            {
                if (instruction.Keyword == "ARG")
                {
                    foreach (var (name, value) in Declarations(instruction.Arguments, null))
                    {
                        if (value is not null)
                        {
                            globalArgs[name] = value;
                        }
                    }
                }
                else if (!beforeFromReported)
                {
                    beforeFromReported = true;
                    Add("docker.instruction-before-from", FindingSeverity.Error,
                        $"{instruction.Keyword} comes before any FROM; only ARG may precede the first FROM", instruction.Line);
                }

                continue;
            }

            switch (instruction.Keyword)
            {
                case "ARG":
                    foreach (var (name, value) in Declarations(instruction.Arguments, stage))
                    {
                        var v = value ?? (globalArgs.TryGetValue(name, out var g) ? g : null);
                        if (v is not null)
                        {
                            stage.Vars[name] = v;
                        }
                    }

                    break;
                case "ENV":
                    foreach (var (name, value) in Declarations(instruction.Arguments, stage, legacyForm: true))
                    {
                        if (value is not null)
                        {
                            stage.Vars[name] = value;
                            stage.EnvSettings.Add((name, value, instruction.Line));
                        }
                    }

                    break;
                case "WORKDIR":
                    var dir = Substitute(instruction.Arguments.Trim(), stage.Vars);
                    if (dir is not null)
                    {
                        stage.Workdir = ImagePath.Combine(stage.Workdir, dir);
                        stage.Directories.Add(stage.Workdir);
                    }

                    break;
                case "COPY":
                case "ADD":
                    Copy(instruction, stage);
                    break;
                case "RUN":
                    RunInstruction(instruction, stage);
                    break;
                case "ENTRYPOINT":
                    stage.Entrypoint = EntryCommand.Read(instruction);
                    stage.Cmd = null;
                    stage.DeclaresEntry = true;
                    break;
                case "CMD":
                    stage.Cmd = EntryCommand.Read(instruction);
                    stage.DeclaresEntry = true;
                    break;
            }
        }

        if (unknownInstructions > MaxUnknownReported)
        {
            Add("docker.unknown-instruction", FindingSeverity.Error,
                $"{unknownInstructions - MaxUnknownReported} more lines do not start with a Dockerfile instruction (only the first {MaxUnknownReported} are listed)",
                instructions.First(i => !Instructions.Contains(i.Keyword)).Line);
        }

        if (stages.Count == 0)
        {
            var line = instructions.Count > 0 ? instructions[0].Line : 1;
            Add("docker.no-from", FindingSeverity.Error,
                instructions.Count == 0
                    ? "the Dockerfile has no instructions (only comments or blank lines): there is no FROM, so nothing can be built"
                    : "the Dockerfile has no FROM instruction, so nothing can be built",
                line);
            return;
        }

        ChooseContext();
        CheckSources();
        CheckRequirements();
        foreach (var stage in stages)
        {
            if (stage.DeclaresEntry || (stage == stages[^1] && (stage.Entrypoint is not null || stage.Cmd is not null)))
            {
                CheckEntry(stage);
            }
        }

        var final = stages[^1];
        if (final.EnvSettings.Count > 0)
        {
            // One evidence line for the image's ENV settings, each with its line (a secret-looking value is not shown).
            const int shown = 100;
            var settings = final.EnvSettings.Take(shown).Select(e =>
                $"{e.Name}={(SensitiveName().IsMatch(e.Name) ? "(value not shown)" : e.Value.Length < 16 ? e.Value : BqxAudit.Cloud.SecretRedactor.Redact(e.Value))} (line {e.Line})");
            var more = final.EnvSettings.Count > shown ? $" · and {final.EnvSettings.Count - shown} more" : "";
            record.Evidence.Add(new Evidence("file", source.LocationOfLine(final.EnvSettings[0].Line), ImageLayout.EnvEvidence + string.Join(" · ", settings) + more));
        }

        // The layout keeps only what mapping needs (not this run, its text or its findings).
        var copies = final.Copies;
        var chosen = context;
        var repo = repository;
        var cache = new Dictionary<string, Regex>(StringComparer.Ordinal);
        ImageLayout.Attach(record, new ImageLayout(record.Path, chosen, final.Workdir, (final.Cmd ?? final.Entrypoint)?.Line ?? 0,
            (imagePath, contextOverride) =>
            {
                var m = MapThrough(imagePath, copies, copies.Count, null, contextOverride ?? chosen, repo, cache);
                return m.Kind switch
                {
                    MapKind.OtherStage => new ContainerMapping(ContainerMappingKind.OtherStage, null, m.CopyLine),
                    MapKind.NotCopied => new ContainerMapping(ContainerMappingKind.NotCopied, null, 0),
                    _ => new ContainerMapping(repo.FileExists(m.Path!) ? ContainerMappingKind.InRepository : ContainerMappingKind.MissingSource, m.Path, m.CopyLine),
                };
            }));
    }

    private void From(DockerInstruction instruction)
    {
        var words = instruction.Arguments.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
        if (words.Count == 0)
        {
            Add("docker.invalid-instruction", FindingSeverity.Error, "FROM names no image", instruction.Line);
            stages.Add(new Stage(null, instruction.Line));
            return;
        }

        var image = Substitute(words[0], globalArgs) ?? words[0];
        var name = words.Count >= 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null;
        var parent = stages.LastOrDefault(s => s.Name is not null && s.Name.Equals(image, StringComparison.OrdinalIgnoreCase));
        var stage = new Stage(name, instruction.Line);
        if (parent is not null)
        {
            stage.Inherit(parent);
        }
        else if (baseImages.Add(image))
        {
            record.BaseImages.Add(image);
        }

        stages.Add(stage);
    }

    /// <summary>ARG/ENV declarations: <c>A=1 B="x y"</c>, or (ENV only) the legacy <c>ENV NAME value</c>.</summary>
    private List<(string Name, string? Value)> Declarations(string arguments, Stage? stage, bool legacyForm = false)
    {
        var result = new List<(string, string?)>();
        var vars = stage?.Vars ?? globalArgs;
        var words = ShellWords(arguments);
        if (legacyForm && words.Count >= 2 && !words[0].Text.Contains('='))
        {
            var space = arguments.IndexOfAny(new[] { ' ', '\t', '\r' });
            result.Add((words[0].Text, space < 0 ? null : Substitute(arguments[space..].Trim(), vars)));
            return result;
        }

        foreach (var w in words)
        {
            if (CommandSyntax.IsAssignment(w, out var name, out var start))
            {
                result.Add((name, Expand(CommandSyntax.AssignedValue(w, start), vars)));
            }
            else if (w.Text.Length > 0 && !w.Dynamic)
            {
                result.Add((w.Text, null));
            }
        }

        return result;
    }

    private void Copy(DockerInstruction instruction, Stage stage)
    {
        var args = instruction.Arguments;
        var parts = ExecForm(args) ?? args.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToList();
        string? from = null;
        var k = 0;
        while (k < parts.Count && parts[k].StartsWith("--", StringComparison.Ordinal))
        {
            if (parts[k].StartsWith("--from=", StringComparison.Ordinal))
            {
                from = parts[k][7..];
            }

            k++;
        }

        var rest = parts.Skip(k).ToList();
        if (rest.Count < 2)
        {
            Add("docker.invalid-instruction", FindingSeverity.Error,
                $"{instruction.Keyword} needs at least a source and a destination", instruction.Line);
            return;
        }

        var destWritten = rest[^1];
        var dest = Substitute(destWritten, stage.Vars) ?? destWritten;
        var destAbs = ImagePath.Combine(stage.Workdir, dest);
        var written = rest.Take(rest.Count - 1).ToList();
        var anyWildcard = written.Any(IsWildcard);
        var destIsDir = dest.EndsWith('/') || written.Count > 1 || anyWildcard || dest is "." or ".." ||
                        stage.Directories.Contains(destAbs);
        if (destIsDir)
        {
            stage.Directories.Add(destAbs);
        }

        foreach (var src in written)
        {
            if (src.StartsWith("<<", StringComparison.Ordinal))
            {
                continue; // a here-document: inline content
            }

            if (from is not null)
            {
                stage.Copies.Add(new CopyEntry(destAbs, destIsDir, null, from, instruction.Line));
                continue;
            }

            if (instruction.Keyword == "ADD" && (src.Contains("://", StringComparison.Ordinal) || src.StartsWith("git@", StringComparison.Ordinal)))
            {
                continue; // a URL or a git repository: fetched at build time
            }

            var value = Substitute(src, stage.Vars);
            if (value is null)
            {
                Add("docker.unresolved-source", FindingSeverity.Info,
                    $"{instruction.Keyword} source {src} depends on a build argument without a default; not checked", instruction.Line);
                continue;
            }

            var path = PathValue.Collapse(value.TrimStart('/'));
            if (path is null)
            {
                Add("docker.missing-source", FindingSeverity.Error,
                    $"{instruction.Keyword} source {src} points outside the build context; docker build refuses it", instruction.Line);
                continue;
            }

            var reference = new SourceRef(src, path, IsWildcard(path), instruction.Keyword, instruction.Line);
            sources.Add(reference);
            stage.Copies.Add(new CopyEntry(destAbs, destIsDir, reference, null, instruction.Line));
        }
    }

    private void RunInstruction(DockerInstruction instruction, Stage stage)
    {
        var args = instruction.Arguments;
        var mounts = new List<CopyEntry>();
        var start = 0;
        while (start < args.Length && args.AsSpan(start).StartsWith("--"))
        {
            var end = args.IndexOfAny(new[] { ' ', '\t' }, start);
            end = end < 0 ? args.Length : end;
            var flag = args[start..end];
            if (flag.StartsWith("--mount=", StringComparison.Ordinal))
            {
                ReadMount(flag[8..], stage, instruction, mounts);
            }

            start = end;
            while (start < args.Length && char.IsWhiteSpace(args[start]))
            {
                start++;
            }
        }

        var body = args[start..];
        var exec = ExecForm(body);
        var workdir = stage.Workdir;
        IEnumerable<(List<ShellWord> Words, Func<int, int> LineOf)> commands;
        if (exec is not null)
        {
            commands = new[] { (exec.Select(w => ShellWord.Literal(w, 0)).ToList(), (Func<int, int>)(_ => instruction.Line)) };
        }
        else if (body.StartsWith("<<", StringComparison.Ordinal) && instruction.Heredocs.Count > 0)
        {
            // RUN <<EOF: the here-document is the script.
            var heredoc = instruction.Heredocs[0];
            var map = new LineMap(heredoc.Body, heredoc.FirstLine);
            commands = ShellScript.Parse(heredoc.Body).Commands.Select(c => (c.Words, (Func<int, int>)map.LineAt)).ToList();
        }
        else
        {
            commands = ShellScript.Parse(body).Commands.Select(c => (c.Words, (Func<int, int>)(o => instruction.LineAt(start + o)))).ToList();
        }

        var expander = Expander(stage.Vars);
        foreach (var (words, lineOf) in commands)
        {
            var facts = CommandSyntax.Interpret(words, expander.Expand);
            if (facts is null)
            {
                continue;
            }

            if (facts.Tool == "cd")
            {
                var target = facts.Args.FirstOrDefault(a => !a.Text.StartsWith('-'));
                var value = target is null ? null : expander.Expand(target);
                workdir = value is null ? "/" : ImagePath.Combine(workdir, value);
                continue;
            }

            var pip = CommandSyntax.PipInstallArgs(facts);
            if (pip is null)
            {
                continue;
            }

            foreach (var (requirement, word, file) in CommandSyntax.PipRequirements(pip))
            {
                var line = lineOf(word.Offset);
                var text = requirement;
                if (word.Dynamic && expander.Expand(word) is { } expanded)
                {
                    text = requirement.StartsWith("-r ", StringComparison.Ordinal) || requirement.StartsWith("-e ", StringComparison.Ordinal)
                        ? requirement[..3] + expanded
                        : expanded;
                }

                record.PipInstalls.Add(new PackageInstall { Requirement = text, Line = line });
                if (file is not null)
                {
                    var path = expander.Expand(file);
                    if (path is null)
                    {
                        Add("docker.unresolved-source", FindingSeverity.Info,
                            $"pip install -r {file.Text}: the path depends on a value not known before the build; not checked", line);
                        continue;
                    }

                    requirementChecks.Add(new RequirementCheck(file.Text, ImagePath.Combine(workdir, path), stage.Copies, stage.Copies.Count, mounts, line));
                }
            }
        }
    }

    private void ReadMount(string spec, Stage stage, DockerInstruction instruction, List<CopyEntry> mounts)
    {
        var fields = spec.Split(',')
            .Select(f => f.Split('=', 2))
            .Where(f => f.Length == 2)
            .GroupBy(f => f[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
        if (fields.TryGetValue("type", out var type) && type != "bind")
        {
            return;
        }

        var target = fields.GetValueOrDefault("target") ?? fields.GetValueOrDefault("dst") ?? fields.GetValueOrDefault("destination");
        if (target is null)
        {
            return;
        }

        var destAbs = ImagePath.Combine(stage.Workdir, target);
        var src = fields.GetValueOrDefault("source") ?? fields.GetValueOrDefault("src") ?? ".";
        if (fields.TryGetValue("from", out var from))
        {
            mounts.Add(new CopyEntry(destAbs, true, null, from, instruction.Line));
            return;
        }

        var path = PathValue.Collapse((Substitute(src, stage.Vars) ?? src).TrimStart('/'));
        if (path is null)
        {
            Add("docker.missing-source", FindingSeverity.Error, $"RUN --mount source {src} points outside the build context", instruction.Line);
            return;
        }

        var reference = new SourceRef(src, path, IsWildcard(path), "RUN --mount", instruction.Line);
        sources.Add(reference);
        mounts.Add(new CopyEntry(destAbs, false, reference, null, instruction.Line));
    }

    /// <summary>The build context: the Dockerfile's folder, or the nearest ancestor where more sources exist.</summary>
    private void ChooseContext()
    {
        var candidates = new List<string> { folder };
        for (var f = folder; f.Length > 0;)
        {
            var slash = f.LastIndexOf('/');
            f = slash < 0 ? "" : f[..slash];
            candidates.Add(f);
        }

        var best = folder;
        var bestScore = -1;
        foreach (var candidate in candidates)
        {
            var score = sources.Count(s => Exists(candidate, s));
            if (score > bestScore)
            {
                best = candidate;
                bestScore = score;
            }
        }

        context = best;
        if (context != folder)
        {
            Add("docker.build-context", FindingSeverity.Info,
                $"COPY/ADD sources exist relative to {Display(context)}, not the Dockerfile's folder {Display(folder)}: the build context is taken to be {Display(context)} (docker build -f {record.Path} {(context.Length == 0 ? "." : context)})",
                1);
        }
    }

    private static string Display(string folder) => folder.Length == 0 ? "the repository root" : folder + "/";

    private bool Exists(string contextFolder, SourceRef source)
    {
        var path = Join(contextFolder, source.Path);
        if (source.Wildcard)
        {
            if (!globMatches.TryGetValue(path, out var any))
            {
                var pattern = Glob(path);
                globMatches[path] = any = repository.Files.Any(f => pattern.IsMatch(f));
            }

            return any;
        }

        return path.Length == 0 || repository.FileExists(path) || repository.DirectoryExists(path);
    }

    private void CheckSources()
    {
        foreach (var s in sources)
        {
            if (Exists(context, s))
            {
                continue;
            }

            var path = Join(context, s.Path);
            Add("docker.missing-source", FindingSeverity.Error,
                s.Wildcard
                    ? $"{s.Instruction} source {s.Written} matches nothing in the build context {Display(context)}"
                    : $"{s.Instruction} source {s.Written} is not in the build context {Display(context)} (looked for {path})",
                s.Line);
        }
    }

    private void CheckRequirements()
    {
        foreach (var check in requirementChecks)
        {
            var mapped = Map(check.ImagePath, check.Copies, check.CopyCount, check.Mounts);
            switch (mapped.Kind)
            {
                case MapKind.Context when !repository.FileExists(mapped.Path!):
                    Add("docker.missing-requirements", FindingSeverity.Error,
                        $"pip install -r {check.Written}: the COPY at line {mapped.CopyLine} takes it from {mapped.Path}, which does not exist", check.Line);
                    break;
                case MapKind.NotCopied:
                    var inContext = Join(context, check.Written.TrimStart('/'));
                    var hint = repository.FileExists(inContext) ? $"; {inContext} exists, COPY it before this RUN" : $"; {inContext} does not exist either";
                    Add("docker.missing-requirements", FindingSeverity.Error,
                        $"pip install -r {check.Written}: no COPY or ADD before this RUN puts {check.ImagePath} into the image{hint}", check.Line);
                    break;
            }
        }
    }

    private void CheckEntry(Stage stage)
    {
        var commands = new List<(List<ShellWord> Words, Func<int, int> LineOf)>();
        var entry = stage.Entrypoint;
        var cmd = stage.Cmd;
        if (entry is { Exec: not null })
        {
            var words = entry.Exec.Select(w => ShellWord.Literal(w, 0)).ToList();
            if (cmd is not null)
            {
                words.AddRange(cmd.Exec is not null
                    ? cmd.Exec.Select(w => ShellWord.Literal(w, 0))
                    : new[] { ShellWord.Literal("/bin/sh", 0), ShellWord.Literal("-c", 0), ShellWord.Literal(cmd.Shell!, 0) });
            }

            var line = cmd?.Line ?? entry.Line;
            commands.Add((words, _ => line));
        }
        else if ((entry ?? cmd) is { } single)
        {
            if (single.Exec is not null)
            {
                commands.Add((single.Exec.Select(w => ShellWord.Literal(w, 0)).ToList(), _ => single.Line));
            }
            else
            {
                commands.AddRange(ShellScript.Parse(single.Shell!).Commands.Select(c => (c.Words, single.LineOf)));
            }
        }

        var expander = Expander(stage.Vars);
        foreach (var (words, lineOf) in commands)
        {
            EntryCommandCheck(stage, words, lineOf, expander, entry is not null ? "ENTRYPOINT" : "CMD", 0);
        }
    }

    private void EntryCommandCheck(Stage stage, List<ShellWord> words, Func<int, int> lineOf, ShellExpander expander, string what, int depth)
    {
        var facts = CommandSyntax.Interpret(words, expander.Expand);
        if (facts is null)
        {
            return;
        }

        var line = lineOf(facts.Command.Offset);
        if (facts.Inline is { } inline && facts.Role == CommandRole.Shell)
        {
            Invoke(facts.Tool, null, null, new List<string>(), line);
            if (depth < 2)
            {
                foreach (var c in ShellScript.Parse(inline.Text).Commands)
                {
                    EntryCommandCheck(stage, c.Words, _ => line, expander, what, depth + 1);
                }
            }

            return;
        }

        if (facts.Role == CommandRole.Python && facts.Module is { } module)
        {
            var name = expander.Expand(module);
            string? resolved = null;
            if (name is not null && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
            {
                var mapped = Map(ImagePath.Combine(stage.Workdir, name.Replace('.', '/') + ".py"), stage.Copies, stage.Copies.Count, null);
                resolved = mapped.Kind == MapKind.Context && repository.FileExists(mapped.Path!) ? mapped.Path : null;
            }

            Invoke(facts.Tool, module.Text, resolved, CommandSyntax.Flags(facts.ScriptArgs), line);
            return;
        }

        if (facts.Role == CommandRole.Tool && ShellInterpreter.StandardCommands.Contains(facts.Tool))
        {
            return;
        }

        if (facts.Script is not { } script || facts.Role == CommandRole.Tool)
        {
            Invoke(facts.Tool, null, null, CommandSyntax.Flags(facts.ScriptArgs), line);
            return;
        }

        var value = expander.Expand(script);
        if (value is null)
        {
            Add("docker.unresolved-entrypoint-script", FindingSeverity.Info,
                $"{what} runs {script.Text}, whose path depends on a value not known before run time; not checked", line);
            Invoke(facts.Tool, script.Text, null, CommandSyntax.Flags(facts.ScriptArgs), line);
            return;
        }

        if (facts.Role == CommandRole.Exec && !value.Contains('/'))
        {
            // `run.sh` without a folder is looked up on PATH, which the base image sets.
            Invoke(facts.Tool, script.Text, null, CommandSyntax.Flags(facts.ScriptArgs), line);
            return;
        }

        var imagePath = ImagePath.Combine(stage.Workdir, value);
        var result = Map(imagePath, stage.Copies, stage.Copies.Count, null);
        string? rel = null;
        switch (result.Kind)
        {
            case MapKind.Context when repository.FileExists(result.Path!):
                rel = result.Path;
                break;
            case MapKind.Context:
                Add("docker.missing-entrypoint-script", FindingSeverity.Error,
                    $"{what} runs {script.Text} ({imagePath} in the image); the COPY at line {result.CopyLine} would take it from {result.Path}, which does not exist",
                    line);
                break;
            case MapKind.NotCopied:
                var underCopied = !value.StartsWith('/') || stage.Directories.Any(d => d != "/" && ImagePath.IsUnder(imagePath, d)) ||
                                  (stage.Workdir != "/" && ImagePath.IsUnder(imagePath, stage.Workdir));
                Add("docker.missing-entrypoint-script", underCopied ? FindingSeverity.Error : FindingSeverity.Warning,
                    underCopied
                        ? $"{what} runs {script.Text} ({imagePath} in the image), but no COPY or ADD puts it there"
                        : $"{what} runs {script.Text}, which no COPY or ADD puts into the image; unless the base image provides it, the container cannot start",
                    line);
                break;
        }

        Invoke(facts.Tool, script.Text, rel, CommandSyntax.Flags(facts.ScriptArgs), line);
    }

    /// <summary>Where a file at an image path comes from, through the COPY/ADD entries visible at that point.</summary>
    private MapResult Map(string imagePath, List<CopyEntry> copies, int count, List<CopyEntry>? mounts) =>
        MapThrough(imagePath, copies, count, mounts, context, repository, globs);

    /// <summary><see cref="Map"/> without the run's state, so an <see cref="ImageLayout"/> can keep it after the run.</summary>
    private static MapResult MapThrough(string imagePath, List<CopyEntry> copies, int count, List<CopyEntry>? mounts, string context,
        RepositoryIndex repository, Dictionary<string, Regex> globs)
    {
        MapResult? missingFromFolder = null;
        var extra = mounts?.Count ?? 0;
        for (var i = count + extra - 1; i >= 0; i--)
        {
            var e = i >= count ? mounts![i - count] : copies[i];
            if (e.FromStage is not null)
            {
                if (imagePath == e.DestAbs || ImagePath.IsUnder(imagePath, e.DestAbs))
                {
                    return new MapResult(MapKind.OtherStage, null, e.Line);
                }

                continue;
            }

            var src = e.Source!;
            var srcPath = Join(context, src.Path);
            var name = imagePath[(imagePath.LastIndexOf('/') + 1)..];
            if (src.Wildcard)
            {
                var parent = ImagePath.Parent(imagePath);
                var pattern = src.Path[(src.Path.LastIndexOf('/') + 1)..];
                if ((parent == e.DestAbs || (!e.DestIsDir && imagePath == e.DestAbs)) && GlobOf(globs, pattern).IsMatch(name))
                {
                    var dirOfPattern = src.Path.LastIndexOf('/') < 0 ? "" : src.Path[..src.Path.LastIndexOf('/')];
                    var candidate = Join(context, Join(dirOfPattern, name));
                    if (repository.FileExists(candidate))
                    {
                        return new MapResult(MapKind.Context, candidate, e.Line);
                    }
                }

                continue;
            }

            if (srcPath.Length == 0 || repository.DirectoryExists(srcPath))
            {
                // A folder's contents land in the destination folder.
                if (ImagePath.IsUnder(imagePath, e.DestAbs))
                {
                    var candidate = Join(srcPath, imagePath[(e.DestAbs.Length == 1 ? 1 : e.DestAbs.Length + 1)..]);
                    if (repository.FileExists(candidate))
                    {
                        return new MapResult(MapKind.Context, candidate, e.Line);
                    }

                    missingFromFolder ??= new MapResult(MapKind.Context, candidate, e.Line);
                }

                continue;
            }

            var target = e.DestIsDir ? ImagePath.Combine(e.DestAbs, src.Path[(src.Path.LastIndexOf('/') + 1)..]) : e.DestAbs;
            if (imagePath == target)
            {
                return new MapResult(MapKind.Context, srcPath, e.Line);
            }
        }

        return missingFromFolder ?? new MapResult(MapKind.NotCopied, null, 0);
    }

    private void Invoke(string tool, string? script, string? resolved, List<string> flags, int line) =>
        record.Invocations.Add(new Invocation { Tool = tool, Script = script, ResolvedScript = resolved, Flags = flags, Line = line });

    private void Add(string rule, FindingSeverity severity, string message, int line)
    {
        var location = source.LocationOfLine(line);
        if (reported.Add((rule, location, message)))
        {
            record.Findings.Add(new Finding(rule, severity, message, location));
        }
    }

    private static string Join(string a, string b) => a.Length == 0 ? b : b.Length == 0 ? a : a + "/" + b;

    private static bool IsWildcard(string path) => path.AsSpan().IndexOfAny("*?[") >= 0;

    private static string Shorten(string s) => s.Length > 40 ? s[..40] + "…" : s;

    private Regex Glob(string pattern) => GlobOf(globs, pattern);

    private static Regex GlobOf(Dictionary<string, Regex> cache, string pattern)
    {
        lock (cache)
        {
            if (!cache.TryGetValue(pattern, out var regex))
            {
                cache[pattern] = regex = GlobRegex(pattern);
            }

            return regex;
        }
    }

    /// <summary>A Go <c>filepath.Match</c> pattern as a regex: <c>*</c> and <c>?</c> stop at <c>/</c>; a match may be a folder.</summary>
    private static Regex GlobRegex(string pattern)
    {
        var sb = new System.Text.StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    sb.Append("[^/]*");
                    break;
                case '?':
                    sb.Append("[^/]");
                    break;
                case '[':
                    var close = pattern.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        sb.Append(@"\[");
                        break;
                    }

                    var set = pattern[(i + 1)..close];
                    sb.Append('[').Append(set.StartsWith('^') || set.StartsWith('!') ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                    i = close;
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        sb.Append("(/.*)?$");
        try
        {
            return new Regex(sb.ToString(), RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        }
        catch (ArgumentException)
        {
            // A bracket docker would reject too ([z-a]): match the pattern literally.
            return new Regex("^" + Regex.Escape(pattern) + "(/.*)?$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        }
    }

    /// <summary>The words of a JSON array (exec form), or null when the text is not one.</summary>
    internal static List<string>? ExecForm(string text)
    {
        var t = text.TrimStart();
        if (!t.StartsWith('['))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(t);
            if (doc.RootElement.ValueKind != JsonValueKind.Array || doc.RootElement.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            {
                return null;
            }

            return doc.RootElement.EnumerateArray().Select(e => e.GetString()!).ToList();
        }
        catch (JsonException)
        {
            return null; // not JSON: docker runs it in shell form
        }
    }

    /// <summary>The words of an instruction's arguments, read the way the shell reads them (quotes).</summary>
    private static List<ShellWord> ShellWords(string arguments) =>
        ShellLexer.Lex(arguments).Segments[0].Where(t => t.Kind == ShellTokenKind.Word).Select(t => t.Word!).ToList();

    private static ShellExpander Expander(Dictionary<string, string> vars) => new(null, vars);

    /// <summary>Dockerfile variable substitution (<c>$X</c>, <c>${X}</c>, <c>${X:-d}</c>; <c>\$</c> is literal); null when a value is unknown.</summary>
    private static string? Substitute(string text, Dictionary<string, string> vars)
    {
        if (!text.Contains('$'))
        {
            return text;
        }

        var expr = text.Replace("\\$", ShellWord.LiteralDollar.ToString(), StringComparison.Ordinal).Replace('`', ShellWord.LiteralBacktick);
        return Expander(vars).Expand(new ShellWord(expr, 0, dynamic: true, quoted: false));
    }

    private static string? Expand(ShellWord word, Dictionary<string, string> vars) => word.Dynamic ? Expander(vars).Expand(word) : word.Text;

    private sealed class Stage
    {
        public Stage(string? name, int line)
        {
            Name = name;
            Line = line;
        }

        public string? Name { get; }
        public int Line { get; }
        public string Workdir { get; set; } = "/";
        public Dictionary<string, string> Vars { get; private set; } = new(StringComparer.Ordinal);
        public List<CopyEntry> Copies { get; private set; } = new();

        /// <summary>Image folders known to exist: WORKDIRs and folder destinations.</summary>
        public HashSet<string> Directories { get; private set; } = new(StringComparer.Ordinal) { "/" };

        public EntryCommand? Entrypoint { get; set; }
        public EntryCommand? Cmd { get; set; }
        public bool DeclaresEntry { get; set; }

        /// <summary>The ENV settings of the stage (inherited ones first), with their lines.</summary>
        public List<(string Name, string Value, int Line)> EnvSettings { get; private set; } = new();

        public void Inherit(Stage parent)
        {
            EnvSettings = new List<(string, string, int)>(parent.EnvSettings);
            Workdir = parent.Workdir;
            Vars = new Dictionary<string, string>(parent.Vars, StringComparer.Ordinal);
            Copies = new List<CopyEntry>(parent.Copies);
            Directories = new HashSet<string>(parent.Directories, StringComparer.Ordinal);
            Entrypoint = parent.Entrypoint;
            Cmd = parent.Cmd;
        }
    }

    private sealed record SourceRef(string Written, string Path, bool Wildcard, string Instruction, int Line);

    private sealed record CopyEntry(string DestAbs, bool DestIsDir, SourceRef? Source, string? FromStage, int Line);

    /// <summary>A <c>pip install -r</c> to check once the context is known: the copies before it (a count into the stage's list) and the RUN's bind mounts.</summary>
    private sealed record RequirementCheck(string Written, string ImagePath, List<CopyEntry> Copies, int CopyCount, List<CopyEntry> Mounts, int Line);

    private enum MapKind
    {
        Context,
        OtherStage,
        NotCopied,
    }

    private sealed record MapResult(MapKind Kind, string? Path, int CopyLine);

    private sealed class EntryCommand
    {
        private EntryCommand(List<string>? exec, string? shell, int line, Func<int, int> lineOf)
        {
            Exec = exec;
            Shell = shell;
            Line = line;
            LineOf = lineOf;
        }

        public List<string>? Exec { get; }
        public string? Shell { get; }
        public int Line { get; }
        public Func<int, int> LineOf { get; }

        public static EntryCommand Read(DockerInstruction instruction) =>
            new(ExecForm(instruction.Arguments), instruction.Arguments, instruction.Line, instruction.LineAt);
    }
}

/// <summary>Absolute paths inside an image.</summary>
internal static class ImagePath
{
    /// <summary><paramref name="path"/> against <paramref name="folder"/> unless absolute, collapsed (<c>..</c> stops at <c>/</c>).</summary>
    public static string Combine(string folder, string path)
    {
        var full = path.StartsWith('/') ? path : folder.TrimEnd('/') + "/" + path;
        var parts = new List<string>();
        foreach (var part in full.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            parts.Add(part);
        }

        return "/" + string.Join('/', parts);
    }

    public static bool IsUnder(string path, string folder) =>
        folder == "/" ? path.Length > 1 : path.StartsWith(folder + "/", StringComparison.Ordinal);

    public static string Parent(string path)
    {
        var i = path.LastIndexOf('/');
        return i <= 0 ? "/" : path[..i];
    }
}
