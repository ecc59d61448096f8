using BqxAudit.Model;

namespace BqxAudit.Inventory.Analyzers.Shell;

/// <summary>What differs between reading a shell script and reading a Cloud Build step's commands.</summary>
internal sealed class ShellContext
{
    /// <summary>Rule id prefix: <c>shell</c> or <c>cloudbuild</c>.</summary>
    public required string RulePrefix { get; init; }

    /// <summary>Root-relative path of the script file (<c>$0</c>, self-invocation); null for commands that are not a script file.</summary>
    public string? ScriptPath { get; init; }

    /// <summary>Root-relative working folder the commands start in; null when it is the caller's (then paths are tried against the root, then the script's folder).</summary>
    public string? StartDirectory { get; init; }

    /// <summary>Maps an absolute path to a root-relative one, or null when it lies outside the audited root.</summary>
    public required Func<string, string?> MapAbsolute { get; init; }

    /// <summary>Record an invocation for every command, standard utilities included (Cloud Build steps).</summary>
    public bool RecordEveryCommand { get; init; }

    /// <summary>Told of every <c>docker build</c> whose Dockerfile resolved (Dockerfile, context folder or null, tags, line).</summary>
    public Action<string, string?, IReadOnlyList<string>, int>? OnDockerBuild { get; init; }
}

/// <summary>
/// Walks the simple commands of a shell text in order, keeping what can be known statically
/// (variables, the working folder, <c>set</c> options), and records on the script record one
/// <see cref="Invocation"/> per command that runs a tool or a script, with findings for scripts
/// and Dockerfiles that do not exist.
/// </summary>
internal sealed class ShellInterpreter
{
    private const int MaxInlineDepth = 2;

    /// <summary>Builtins and POSIX/coreutils programs: present everywhere, so not recorded as tools.</summary>
    internal static readonly HashSet<string> StandardCommands = new(StringComparer.Ordinal)
    {
        ":", ".", "[", "[[", "alias", "bg", "bind", "break", "builtin", "caller", "cd", "command", "compgen", "complete",
        "continue", "declare", "dirs", "disown", "echo", "enable", "eval", "exec", "exit", "export", "false", "fc", "fg",
        "getopts", "hash", "help", "history", "jobs", "kill", "let", "local", "logout", "mapfile", "popd", "printf", "pushd",
        "pwd", "read", "readarray", "readonly", "return", "set", "shift", "shopt", "source", "suspend", "test", "times",
        "trap", "true", "type", "typeset", "ulimit", "umask", "unalias", "unset", "wait",
        "awk", "basename", "cat", "chgrp", "chmod", "chown", "cksum", "cmp", "comm", "cp", "cut", "date", "dd", "df", "diff",
        "dirname", "du", "env", "expand", "expr", "find", "fold", "getconf", "grep", "egrep", "fgrep", "gzip", "gunzip", "head",
        "hostname", "id", "install", "join", "less", "ln", "logger", "ls", "md5sum", "mkdir", "mkfifo", "mktemp", "more",
        "mv", "nice", "nl", "nohup", "nproc", "od", "paste", "printenv", "readlink", "realpath", "rm", "rmdir", "sed", "seq",
        "sha1sum", "sha256sum", "sha512sum", "sleep", "sort", "split", "stat", "stdbuf", "sync", "tac", "tail", "tar", "tee",
        "timeout", "touch", "tput", "tr", "truncate", "tty", "uname", "unexpand", "uniq", "wc", "which", "whoami", "xargs",
        "yes", "zcat", "base64", "column", "file", "iconv", "sudo", "time",
    };

    private readonly ScriptRecord record;
    private readonly RepositoryIndex repository;
    private readonly ShellContext context;
    private readonly Stack<(string? Cwd, string? Unknown)> pushed = new();

    /// <summary>Why the working folder is unknown (<c>cd $X at line 4</c>), or null when it is known or the caller's.</summary>
    private string? cwdUnknown;

    public ShellInterpreter(ScriptRecord record, RepositoryIndex repository, ShellContext context)
    {
        this.record = record;
        this.repository = repository;
        this.context = context;
        Expander = new ShellExpander(context.ScriptPath);
        if (context.StartDirectory is not null)
        {
            Expander.Cwd = PathValue.Anchored(context.StartDirectory);
        }
    }

    public ShellExpander Expander { get; }

    /// <summary><c>set -e</c> / <c>set -o errexit</c> seen.</summary>
    public bool Errexit { get; set; }

    /// <summary><c>set -o pipefail</c> seen.</summary>
    public bool Pipefail { get; set; }

    /// <summary>Simple commands run, <c>set</c> excluded.</summary>
    public int CommandCount { get; private set; }

    public void Run(ShellScript script, Func<int, int> lineOf, int depth = 0)
    {
        foreach (var command in script.Commands)
        {
            RunCommand(command.Words, lineOf, script.Functions, depth, command.TopLevel);
        }
    }

    /// <param name="topLevel">False inside a command substitution, a subshell: its cd and assignments do not last.</param>
    public void RunCommand(IReadOnlyList<ShellWord> words, Func<int, int> lineOf, IReadOnlySet<string> functions, int depth, bool topLevel = true)
    {
        if (words.Count == 0)
        {
            return;
        }

        var assignments = 0;
        while (assignments < words.Count && CommandSyntax.IsAssignment(words[assignments], out _, out _))
        {
            assignments++;
        }

        if (assignments == words.Count)
        {
            CommandCount++;
            if (!topLevel)
            {
                return;
            }

            foreach (var w in words)
            {
                CommandSyntax.IsAssignment(w, out var name, out var start);
                Expander.Set(name, Expander.Expand(CommandSyntax.AssignedValue(w, start)));
            }

            return;
        }

        var facts = CommandSyntax.Interpret(words, Expander.Expand);
        if (facts is null)
        {
            return;
        }

        // An interpreter's invocation is placed at its script (which is where its flags are, too).
        var line = lineOf((facts.Script ?? facts.Module ?? facts.Command).Offset);
        if (facts.Tool != "set")
        {
            CommandCount++;
        }

        switch (facts.Role)
        {
            case CommandRole.Python:
                RunPython(facts, line);
                return;
            case CommandRole.Shell:
                RunShell(facts, line, lineOf, depth);
                return;
            case CommandRole.Source:
            case CommandRole.Exec:
                RunScript(facts, line);
                return;
        }

        if (functions.Contains(facts.Tool) && !facts.Command.Text.Contains('/'))
        {
            return;
        }

        if (!topLevel && facts.Tool is "cd" or "pushd" or "popd" or "export" or "readonly" or "local" or "declare" or "typeset" or "unset")
        {
            return;
        }

        switch (facts.Tool)
        {
            case "set":
                ReadSet(facts.Args);
                return;
            case "cd":
            case "pushd":
                if (facts.Tool == "pushd")
                {
                    pushed.Push((Expander.Cwd, cwdUnknown));
                }

                ChangeDirectory(facts.Args, line);
                return;
            case "popd":
                if (pushed.TryPop(out var previous))
                {
                    (Expander.Cwd, cwdUnknown) = previous;
                }

                return;
            case "export":
            case "readonly":
            case "local":
            case "declare":
            case "typeset":
                foreach (var w in facts.Args)
                {
                    if (CommandSyntax.IsAssignment(w, out var name, out var start))
                    {
                        Expander.Set(name, Expander.Expand(CommandSyntax.AssignedValue(w, start)));
                    }
                }

                return;
            case "unset":
                foreach (var w in facts.Args)
                {
                    Expander.Set(w.Text, null);
                }

                return;
            case "docker":
                RunDocker(facts, line);
                return;
        }

        if (!context.RecordEveryCommand && (StandardCommands.Contains(facts.Tool) || !LooksLikeProgram(facts.Tool)))
        {
            return;
        }

        Add(facts.Tool, null, null, CommandSyntax.Flags(facts.ScriptArgs), line);
    }

    private static bool LooksLikeProgram(string name) =>
        name.Length > 0 && char.IsAsciiLetterOrDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '+');

    private void RunPython(CommandFacts facts, int line)
    {
        if (facts.Script is { } script)
        {
            var resolved = Resolve(script, line, "script", facts.Tool);
            Add(facts.Tool, script.Text, resolved, CommandSyntax.Flags(facts.ScriptArgs), line);
            return;
        }

        if (facts.Module is { } module)
        {
            string? resolved = null;
            var name = Expander.Expand(module);
            if (name is not null && name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
            {
                var path = name.Replace('.', '/');
                resolved = FindExisting(path + ".py") ?? FindExisting(path + "/__main__.py");
            }

            Add(facts.Tool, module.Text, resolved, CommandSyntax.Flags(facts.ScriptArgs), line);
            return;
        }

        Add(facts.Tool, null, null, new List<string>(), line);
    }

    private void RunShell(CommandFacts facts, int line, Func<int, int> lineOf, int depth)
    {
        if (facts.Inline is { } inline)
        {
            Add(facts.Tool, null, null, new List<string>(), line);
            if (depth < MaxInlineDepth && !inline.Dynamic)
            {
                // bash -c '…': the string is a script of its own, read with the same state.
                var map = new LineMap(inline.Text, lineOf(inline.Offset));
                var saved = (Expander.Cwd, cwdUnknown);
                Run(ShellScript.Parse(inline.Text), map.LineAt, depth + 1);
                (Expander.Cwd, cwdUnknown) = saved;
            }

            return;
        }

        if (facts.Script is { } script)
        {
            var resolved = Resolve(script, line, "script", facts.Tool);
            Add(facts.Tool, script.Text, resolved, CommandSyntax.Flags(facts.ScriptArgs), line);
            return;
        }

        Add(facts.Tool, null, null, new List<string>(), line);
    }

    private void RunScript(CommandFacts facts, int line)
    {
        if (facts.Script is null)
        {
            return;
        }

        var written = Expander.Expand(facts.Script);
        if (facts.Role == CommandRole.Exec && written is not null && !PathValue.IsAnchored(written) &&
            (!written.Contains('/') || (!CommandSyntax.HasScriptExtension(written) && !written.StartsWith("./", StringComparison.Ordinal) &&
                                        !written.StartsWith("../", StringComparison.Ordinal))))
        {
            // `deploy.sh` is looked up on PATH, and `venv/bin/gunicorn` is a program of an environment
            // folder that is not in the repository: a repository script when one exists, else a tool.
            var found = FindExisting(written);
            var tool = written[(written.LastIndexOf('/') + 1)..];
            if (found is not null)
            {
                Add(facts.Tool, facts.Script.Text, found, CommandSyntax.Flags(facts.ScriptArgs), line);
            }
            else if (written.Contains('/') && (context.RecordEveryCommand || !StandardCommands.Contains(tool)))
            {
                Add(tool, null, null, CommandSyntax.Flags(facts.ScriptArgs), line);
            }

            return;
        }

        var resolved = Resolve(facts.Script, line, "script", facts.Tool);
        Add(facts.Tool, facts.Script.Text, resolved, CommandSyntax.Flags(facts.ScriptArgs), line);
    }

    private void RunDocker(CommandFacts facts, int line)
    {
        var (sub, next) = CommandSyntax.DockerSubcommand(facts.Args);
        if (sub == "build")
        {
            var (file, buildContext, tags) = CommandSyntax.DockerBuild(facts.Args, next);
            if (file is not null)
            {
                var dockerfile = Resolve(file, line, "dockerfile", "docker build -f");
                pendingAbsolute = null;
                if (dockerfile is not null && context.OnDockerBuild is { } onBuild)
                {
                    var ctx = buildContext is null ? null : Expander.Expand(buildContext);
                    var folder = ctx is null || ctx.Contains("://", StringComparison.Ordinal) || ctx == "-" ? null : ResolveDirectory(ctx);
                    onBuild(dockerfile, folder, tags.Select(t => Expander.Expand(t) ?? t.Text).ToList(), line);
                }
            }
            else if (buildContext is not null && Expander.Expand(buildContext) is { } ctx && !ctx.Contains("://", StringComparison.Ordinal) && ctx != "-")
            {
                var folder = ResolveDirectory(ctx);
                if (folder is not null && !repository.FileExists(Join(folder, "Dockerfile")))
                {
                    Finding("missing-dockerfile", FindingSeverity.Error,
                        $"docker build uses the context {buildContext.Text} without -f, but {Join(folder, "Dockerfile")} does not exist", line);
                }
            }
        }
        else if (sub == "push" && CommandSyntax.DockerPush(facts.Args, next) is { } image)
        {
            record.ImagesPushed.Add(Expander.Expand(image) ?? image.Text); // de-duplicated by the analyzer at the end
        }

        Add("docker", null, null, CommandSyntax.Flags(facts.Args), line);
    }

    private static string Join(string folder, string name) => folder.Length == 0 ? name : folder + "/" + name;

    private void Add(string tool, string? script, string? resolved, List<string> flags, int line)
    {
        var invocation = new Invocation { Tool = tool, Script = script, ResolvedScript = resolved, Flags = flags, Line = line };
        if (pendingAbsolute is not null && script is not null)
        {
            Docker.ContainerPaths.Set(invocation, pendingAbsolute);
        }

        pendingAbsolute = null;
        record.Invocations.Add(invocation);
    }

    /// <summary>The absolute path outside the root that the last <see cref="Resolve"/> met (a path inside a container, perhaps).</summary>
    private string? pendingAbsolute;

    private void Finding(string rule, FindingSeverity severity, string message, int line) =>
        record.Findings.Add(new Finding($"{context.RulePrefix}.{rule}", severity, message, $"{record.Path}:{line}"));

    /// <summary>
    /// The root-relative file a script or Dockerfile reference names, or null. Adds the finding:
    /// missing (Error), unresolvable (Info), or the script running itself (Warning).
    /// </summary>
    /// <summary>The tail of the Info finding for an absolute path outside the root (the container check replaces it).</summary>
    internal const string OutsideRoot = "an absolute path outside the audited root; not checked";

    private string? Resolve(ShellWord word, int line, string what, string tool)
    {
        pendingAbsolute = null;
        var missingRule = what == "dockerfile" ? "missing-dockerfile" : "missing-script";
        var value = Expander.Expand(word);
        if (value is null)
        {
            Finding("unresolved-script", FindingSeverity.Info,
                $"{tool} {word.Text}: the path depends on a variable or command whose value is not known before run time; not checked", line);
            return null;
        }

        List<string> candidates;
        if (PathValue.IsAnchored(value))
        {
            var rel = PathValue.RootRelative(value);
            if (rel is null)
            {
                Finding("unresolved-script", FindingSeverity.Info, $"{tool} {word.Text}: the path leads outside the audited root; not checked", line);
                return null;
            }

            candidates = new List<string> { rel };
        }
        else if (value.StartsWith('/'))
        {
            var rel = context.MapAbsolute(value);
            if (rel is null)
            {
                Finding("unresolved-script", FindingSeverity.Info, $"{tool} {value}: {OutsideRoot}", line);
                pendingAbsolute = value;
                return null;
            }

            candidates = new List<string> { rel };
        }
        else if (Expander.Cwd is { } cwd)
        {
            var joined = PathValue.Join(cwd, value);
            var rel = joined is null ? null : PathValue.RootRelative(joined);
            if (rel is null)
            {
                Finding("unresolved-script", FindingSeverity.Info, $"{tool} {word.Text}: the path leads outside the audited root; not checked", line);
                return null;
            }

            candidates = new List<string> { rel };
        }
        else
        {
            candidates = repository.Candidates(value, context.ScriptPath).ToList();
        }

        var found = candidates.FirstOrDefault(repository.FileExists);
        if (found is not null)
        {
            if (what == "script" && found == context.ScriptPath)
            {
                Finding("self-invocation", FindingSeverity.Warning,
                    $"{tool} {word.Text} runs this script itself; make sure the recursion ends (the audit does not follow it)", line);
            }

            return found;
        }

        if (cwdUnknown is not null)
        {
            Finding("unresolved-script", FindingSeverity.Info,
                $"{tool} {word.Text}: not found, but the working folder is unknown here ({cwdUnknown}); not checked", line);
            return null;
        }

        var kind = what == "dockerfile" ? "Dockerfile" : "script";
        var looked = string.Join(", ", candidates.Distinct());
        var name = value[(value.LastIndexOf('/') + 1)..];
        if (tool == "source" && (name.StartsWith('.') || name == "activate"))
        {
            // .env files and virtualenv activation scripts are machine setup, normally kept out of git.
            Finding(missingRule, FindingSeverity.Warning,
                $"source {word.Text}: not in the repository (looked for {looked}); it must be created on the machine that runs this script", line);
            return null;
        }

        Finding(missingRule, FindingSeverity.Error, $"{tool} {word.Text}: the {kind} does not exist (looked for {looked})", line);
        return null;
    }

    private string? ResolveDirectory(string value)
    {
        if (PathValue.IsAnchored(value))
        {
            return PathValue.RootRelative(value);
        }

        if (value.StartsWith('/'))
        {
            return context.MapAbsolute(value);
        }

        if (Expander.Cwd is { } cwd)
        {
            return PathValue.Join(cwd, value) is { } j ? PathValue.RootRelative(j) : null;
        }

        return cwdUnknown is null ? repository.Candidates(value, context.ScriptPath).FirstOrDefault(repository.DirectoryExists) : null;
    }

    private string? FindExisting(string relative)
    {
        if (Expander.Cwd is { } cwd)
        {
            var joined = PathValue.Join(cwd, relative);
            var rel = joined is null ? null : PathValue.RootRelative(joined);
            return rel is not null && repository.FileExists(rel) ? rel : null;
        }

        return repository.Candidates(relative, context.ScriptPath).FirstOrDefault(repository.FileExists);
    }

    private void ChangeDirectory(List<ShellWord> args, int line)
    {
        var target = args.FirstOrDefault(a => !a.Text.StartsWith('-') || a.Text == "-");
        var value = target is null ? null : Expander.Expand(target);
        var folder = value is null || value == "-" ? null : ResolveDirectory(value);
        if (folder is not null && repository.DirectoryExists(folder))
        {
            Expander.Cwd = PathValue.Anchored(folder);
            cwdUnknown = null;
        }
        else
        {
            Expander.Cwd = null;
            cwdUnknown = $"cd {target?.Text ?? "~"} at line {line}";
        }
    }

    private void ReadSet(List<ShellWord> args)
    {
        for (var j = 0; j < args.Count; j++)
        {
            var t = args[j].Text;
            if (t == "-o" && j + 1 < args.Count)
            {
                Option(args[++j].Text);
            }
            else if (t.Length > 1 && t[0] == '-' && t[1] != '-')
            {
                Errexit |= t.Contains('e');
                if (t.EndsWith('o') && j + 1 < args.Count)
                {
                    Option(args[++j].Text);
                }
            }
            else if (t == "--")
            {
                break;
            }
        }
    }

    private void Option(string name)
    {
        Errexit |= name == "errexit";
        Pipefail |= name == "pipefail";
    }
}
