using System.Text;
using System.Text.RegularExpressions;
using BqxAudit.Inventory.Analyzers.Shell;
using BqxAudit.Model;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace BqxAudit.Inventory.Analyzers.CloudBuild;

/// <summary>
/// Reads a Cloud Build config: each step's builder image and command, the Dockerfiles
/// <c>docker build</c> uses, the scripts steps run, the images pushed, and the substitutions used.
/// </summary>
/// <remarks>
/// <para>A step's command is its <c>entrypoint</c> plus <c>args</c>; without an entrypoint, a
/// <c>…/cloud-builders/NAME</c> builder runs NAME, any other image runs its args. The command is read
/// like a shell command (so <c>bash -c '…'</c> strings and <c>script:</c> are read as shell text)
/// with the step's <c>dir</c> (under <c>/workspace</c>, the audited root) as the working folder.
/// User-defined substitution defaults are applied to paths; a path still holding a substitution is
/// recorded, not checked.</para>
/// <para>Rules: <c>cloudbuild.invalid-yaml</c> (Error, at YamlDotNet's line and column),
/// <c>cloudbuild.no-steps</c>, <c>cloudbuild.invalid-step</c>, <c>cloudbuild.missing-dockerfile</c>, <c>cloudbuild.missing-dir</c>,
/// <c>cloudbuild.missing-script</c> (Error); <c>cloudbuild.undefined-substitution</c> (Warning, Info under
/// <c>substitutionOption: ALLOW_LOOSE</c>); <c>cloudbuild.unused-substitution</c>,
/// <c>cloudbuild.unresolved-script</c> (Info); <c>shell.unknown-flag</c> from the cross-file check.</para>
/// </remarks>
public sealed class CloudBuildAnalyzer : IScriptAnalyzer
{
    /// <summary>Deeper nesting is refused before the representation model (which recurses) is built.</summary>
    private const int MaxNesting = 200;

    private static readonly Regex MarkPrefix = new(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*", RegexOptions.CultureInvariant);

    public ScriptKind Kind => ScriptKind.CloudBuild;

    public void Analyze(SourceText source, ScriptRecord record, RepositoryIndex repository)
    {
        YamlNode? root;
        try
        {
            // Depth only: this reader visits each node once, aliases included, so an alias bomb costs nothing here.
            var (stream, bound) = Configuration.YamlLimits.Load(source.Text, MaxNesting, maxNodes: long.MaxValue);
            if (bound is { } b)
            {
                Invalid(record, source, b.Start, b.Message);
                return;
            }

            root = stream!.Documents.Count > 0 ? stream.Documents[0].RootNode : null;
        }
        catch (YamlException e)
        {
            Invalid(record, source, e.Start, MarkPrefix.Replace(e.Message, "") + (e.InnerException is { } inner ? $" ({inner.Message})" : ""));
            return;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // The parser is a third-party component: whatever it trips on, the file is reported, not the run stopped.
            Invalid(record, source, Mark.Empty, $"{e.GetType().Name}: {e.Message}");
            return;
        }

        if (root is not YamlMappingNode mapping)
        {
            record.Findings.Add(new Finding("cloudbuild.no-steps", FindingSeverity.Error,
                root is null
                    ? "the file holds no YAML document; a Cloud Build config needs a steps: list"
                    : "the top level is not a mapping with a steps: list, so Cloud Build cannot read it as a build config",
                source.LocationOfLine(root is null ? 1 : Line(root))));
            return;
        }

        new CloudBuildRun(source, record, repository, mapping).Run();
    }

    private static void Invalid(ScriptRecord record, SourceText source, Mark mark, string detail)
    {
        var line = (int)Math.Max(1, mark.Line);
        record.Findings.Add(new Finding("cloudbuild.invalid-yaml", FindingSeverity.Error,
            $"not valid YAML at line {line}, column {Math.Max(1, mark.Column)}: {detail}", source.LocationOfLine(line)));
    }

    internal static int Line(YamlNode node) => (int)Math.Max(1, node.Start.Line);
}

/// <summary>The reading of one Cloud Build config that parsed as a mapping.</summary>
internal sealed class CloudBuildRun
{
    private static readonly HashSet<string> BuiltIns = new(StringComparer.Ordinal)
    {
        "PROJECT_ID", "PROJECT_NUMBER", "BUILD_ID", "LOCATION", "TRIGGER_NAME", "TRIGGER_BUILD_CONFIG_PATH", "COMMIT_SHA",
        "SHORT_SHA", "REVISION_ID", "REPO_NAME", "REPO_FULL_NAME", "BRANCH_NAME", "TAG_NAME", "REF_NAME",
        "SERVICE_ACCOUNT_EMAIL", "SERVICE_ACCOUNT", "_HEAD_BRANCH", "_BASE_BRANCH", "_HEAD_REPO_URL", "_PR_NUMBER",
    };

    private static readonly Regex Usage = new(@"\$\$|\$\{([A-Za-z0-9_]+)\}|\$([A-Za-z0-9_]+)", RegexOptions.CultureInvariant);

    private readonly SourceText source;
    private readonly ScriptRecord record;
    private readonly RepositoryIndex repository;
    private readonly YamlMappingNode root;
    private readonly Dictionary<string, (string Value, int Line)> defined = new(StringComparer.Ordinal);
    private readonly HashSet<YamlNode> notSubstituted = new(ReferenceEqualityComparer.Instance);

    public CloudBuildRun(SourceText source, ScriptRecord record, RepositoryIndex repository, YamlMappingNode root)
    {
        this.source = source;
        this.record = record;
        this.repository = repository;
        this.root = root;
    }

    public void Run()
    {
        if (Child(root, "substitutions") is YamlMappingNode subs)
        {
            foreach (var (key, value) in subs.Children)
            {
                if (key is YamlScalarNode k && k.Value is { } name)
                {
                    defined[name] = ((value as YamlScalarNode)?.Value ?? "", CloudBuildAnalyzer.Line(k));
                }
            }
        }

        var loose = Child(root, "options") is YamlMappingNode options &&
                    Scalar(Child(options, "substitutionOption")) is "ALLOW_LOOSE";

        if (Child(root, "steps") is not YamlSequenceNode steps || steps.Children.Count == 0)
        {
            Add("cloudbuild.no-steps", FindingSeverity.Error, "no steps: list; Cloud Build needs at least one step",
                Child(root, "steps") is { } s ? CloudBuildAnalyzer.Line(s) : 1);
        }
        else
        {
            for (var i = 0; i < steps.Children.Count; i++)
            {
                Step(steps.Children[i], i + 1);
            }
        }

        if (Child(root, "images") is YamlSequenceNode images)
        {
            foreach (var image in images.Children.OfType<YamlScalarNode>())
            {
                if (image.Value is { Length: > 0 } name)
                {
                    record.ImagesPushed.Add(name);
                }
            }
        }

        record.BaseImages = record.BaseImages.Distinct(StringComparer.Ordinal).ToList();
        record.ImagesPushed = record.ImagesPushed.Distinct(StringComparer.Ordinal).ToList();
        CheckSubstitutions(loose);
    }

    private void Step(YamlNode node, int number)
    {
        if (node is not YamlMappingNode step)
        {
            Add("cloudbuild.invalid-step", FindingSeverity.Error, $"step {number} is not a mapping (name:, args: …)", CloudBuildAnalyzer.Line(node));
            return;
        }

        var line = CloudBuildAnalyzer.Line(step);
        var image = Scalar(Child(step, "name"));
        if (string.IsNullOrEmpty(image))
        {
            Add("cloudbuild.invalid-step", FindingSeverity.Error, $"step {number} has no name: (the builder image to run)", line);
            return;
        }

        record.BaseImages.Add(image); // de-duplicated at the end

        var shortName = ShortName(image);
        var dir = Scalar(Child(step, "dir"));
        var start = dir is null ? "" : PathValue.Collapse(Substitute(dir).TrimStart('/'));
        if (dir is not null && start is not null && start.Length > 0 && !repository.DirectoryExists(start))
        {
            Add("cloudbuild.missing-dir", FindingSeverity.Error, $"step {number} runs in dir: {dir}, which does not exist", CloudBuildAnalyzer.Line(Child(step, "dir")!));
        }

        var interpreter = new ShellInterpreter(record, repository, new ShellContext
        {
            RulePrefix = "cloudbuild",
            StartDirectory = start ?? "",
            MapAbsolute = MapWorkspace,
            RecordEveryCommand = true,
            OnDockerBuild = (dockerfile, context, tags, at) => Docker.DockerBuilds.Add(record, new Docker.DockerBuildRef(dockerfile, context, tags, at)),
        });
        var before = record.Invocations.Count;

        if (Child(step, "script") is YamlScalarNode script && script.Value is { } scriptText)
        {
            notSubstituted.Add(script);
            var map = new LineMap(scriptText, ContentLine(script));
            interpreter.Run(ShellScript.Parse(scriptText), map.LineAt);
            if (record.Invocations.Count == before)
            {
                record.Invocations.Add(new Invocation { Tool = shortName, Line = line });
            }

            return;
        }

        var args = new List<(string Value, int Line)>();
        switch (Child(step, "args"))
        {
            case YamlSequenceNode sequence:
                foreach (var arg in sequence.Children)
                {
                    if (arg is YamlScalarNode { Value: { } value } scalar)
                    {
                        args.Add((value, ContentLine(scalar)));
                    }
                }

                break;
            case YamlScalarNode { Value: { } single } scalarArgs:
                args.Add((single, ContentLine(scalarArgs)));
                break;
        }

        var words = new List<ShellWord>();
        var lines = new List<int>();
        if (Scalar(Child(step, "entrypoint")) is { Length: > 0 } entrypoint)
        {
            words.Add(Word(entrypoint, words.Count));
            lines.Add(CloudBuildAnalyzer.Line(Child(step, "entrypoint")!));
        }
        else if (image.Contains("/cloud-builders/", StringComparison.Ordinal) || image.StartsWith("cloud-builders/", StringComparison.Ordinal) ||
                 (args.Count > 0 && args[0].Value.StartsWith('-')))
        {
            // The builder's own entrypoint (docker, gcloud …; bash for the bash image) takes the args.
            words.Add(Word(shortName, words.Count));
            lines.Add(args.Count > 0 ? args[0].Line : line);
        }

        foreach (var (value, argLine) in args)
        {
            words.Add(Word(value, words.Count));
            lines.Add(argLine);
        }

        if (words.Count > 0)
        {
            interpreter.RunCommand(words, offset => offset < lines.Count ? lines[offset] : line, new HashSet<string>(), 0);
        }

        if (record.Invocations.Count == before)
        {
            record.Invocations.Add(new Invocation
            {
                Tool = shortName,
                Flags = CommandSyntax.Flags(words),
                Line = line,
            });
        }
    }

    /// <summary>A step argument as a word: user substitutions with defaults applied, <c>$$</c> a literal dollar, other substitutions left unknown.</summary>
    private ShellWord Word(string value, int index)
    {
        var expr = new StringBuilder(value.Length);
        var dynamic = false;
        var last = 0;
        foreach (Match m in Usage.Matches(value))
        {
            expr.Append(Literal(value[last..m.Index]));
            last = m.Index + m.Length;
            if (m.Value == "$$")
            {
                expr.Append(ShellWord.LiteralDollar);
                continue;
            }

            var name = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
            if (defined.TryGetValue(name, out var d))
            {
                expr.Append(Literal(d.Value));
            }
            else
            {
                expr.Append(m.Value);
                dynamic = true;
            }
        }

        expr.Append(Literal(value[last..]));
        return new ShellWord(expr.ToString(), index, dynamic, quoted: true);
    }

    private static string Literal(string s) => s.Replace('$', ShellWord.LiteralDollar).Replace('`', ShellWord.LiteralBacktick);

    /// <summary>Applies substitution defaults for a path (<c>dir:</c>); unknown ones stay as written.</summary>
    private string Substitute(string value) =>
        Usage.Replace(value, m => m.Value == "$$" ? "$"
            : defined.TryGetValue(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value, out var d) ? d.Value : m.Value);

    private static string? MapWorkspace(string absolute)
    {
        const string workspace = "/workspace";
        if (absolute == workspace)
        {
            return "";
        }

        return absolute.StartsWith(workspace + "/", StringComparison.Ordinal) ? PathValue.Collapse(absolute[(workspace.Length + 1)..]) : null;
    }

    /// <summary><c>gcr.io/cloud-builders/docker</c> → docker; <c>python:3.11-slim</c> → python.</summary>
    private static string ShortName(string image)
    {
        var name = image[(image.LastIndexOf('/') + 1)..];
        var cut = name.IndexOfAny(new[] { ':', '@' });
        return cut > 0 ? name[..cut] : name;
    }

    /// <summary>The line a scalar's content starts on (the next line for <c>|</c> and <c>&gt;</c> blocks).</summary>
    private static int ContentLine(YamlScalarNode scalar) =>
        CloudBuildAnalyzer.Line(scalar) + (scalar.Style is ScalarStyle.Literal or ScalarStyle.Folded ? 1 : 0);

    private void CheckSubstitutions(bool loose)
    {
        var uses = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var seen = new HashSet<(string, int)>();
        var visited = new HashSet<YamlNode>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<YamlNode>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (!visited.Add(node) || notSubstituted.Contains(node))
            {
                continue; // aliases point at nodes already seen: each is read once
            }

            switch (node)
            {
                case YamlScalarNode { Value: { } value } scalar when value.Contains('$'):
                    foreach (Match m in Usage.Matches(value))
                    {
                        if (m.Value == "$$")
                        {
                            continue;
                        }

                        var name = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
                        if (!uses.TryGetValue(name, out var lines))
                        {
                            uses[name] = lines = new List<int>();
                        }

                        var line = CloudBuildAnalyzer.Line(scalar);
                        if (seen.Add((name, line)))
                        {
                            lines.Add(line);
                        }
                    }

                    break;
                case YamlMappingNode map:
                    foreach (var (key, value) in map.Children.Reverse())
                    {
                        stack.Push(value);
                        if (key is not YamlScalarNode)
                        {
                            stack.Push(key);
                        }
                    }

                    break;
                case YamlSequenceNode seq:
                    for (var i = seq.Children.Count - 1; i >= 0; i--)
                    {
                        stack.Push(seq.Children[i]);
                    }

                    break;
            }
        }

        var severity = loose ? FindingSeverity.Info : FindingSeverity.Warning;
        foreach (var (name, lines) in uses.OrderBy(u => u.Value.Min()).ThenBy(u => u.Key, StringComparer.Ordinal))
        {
            if (BuiltIns.Contains(name) || defined.ContainsKey(name))
            {
                continue;
            }

            lines.Sort();
            var at = lines.Count == 1 ? $"line {lines[0]}"
                : lines.Count <= 10 ? $"lines {string.Join(", ", lines)}"
                : $"lines {string.Join(", ", lines.Take(10))} and {lines.Count - 10} more";
            var message = name.StartsWith('_')
                ? $"${name} is used ({at}) but not defined under substitutions:; the build fails unless every trigger or `gcloud builds submit --substitutions` supplies it"
                : $"${name} is used ({at}) but is not a built-in substitution (user-defined ones start with _); write $${name} for a shell variable";
            if (loose)
            {
                message += " (substitutionOption: ALLOW_LOOSE leaves it empty instead)";
            }

            Add("cloudbuild.undefined-substitution", severity, message, lines[0]);
        }

        foreach (var (name, (_, line)) in defined)
        {
            if (!uses.ContainsKey(name))
            {
                Add("cloudbuild.unused-substitution", FindingSeverity.Info, $"substitution {name} is defined but never used", line);
            }
        }
    }

    private static YamlNode? Child(YamlMappingNode map, string key)
    {
        foreach (var (k, v) in map.Children)
        {
            if (k is YamlScalarNode { Value: { } name } && name == key)
            {
                return v;
            }
        }

        return null;
    }

    private static string? Scalar(YamlNode? node) => (node as YamlScalarNode)?.Value;

    private void Add(string rule, FindingSeverity severity, string message, int line) =>
        record.Findings.Add(new Finding(rule, severity, message, source.LocationOfLine(line)));
}
