namespace BqxAudit.Inventory.Analyzers.Shell;

/// <summary>What a simple command runs.</summary>
internal enum CommandRole
{
    /// <summary>Any other program (gcloud, bq, docker, jq …) or a builtin.</summary>
    Tool,

    /// <summary>A Python interpreter running a script, a module (<c>-m</c>) or code (<c>-c</c>).</summary>
    Python,

    /// <summary>A shell (bash, sh …) running a script or a <c>-c</c> string.</summary>
    Shell,

    /// <summary><c>source x.sh</c> / <c>. x.sh</c>.</summary>
    Source,

    /// <summary>A script run by its path (<c>./run.sh</c>, <c>scripts/x.py</c>).</summary>
    Exec,
}

/// <summary>One simple command, read for what it runs: the tool, and for interpreters the script and its arguments.</summary>
internal sealed class CommandFacts
{
    public CommandFacts(string tool, CommandRole role, ShellWord command, List<ShellWord> args)
    {
        Tool = tool;
        Role = role;
        Command = command;
        Args = args;
    }

    /// <summary>The program's name (<c>python3</c>, <c>docker</c>, <c>cd</c>), <c>source</c>, or <c>exec</c> for a script run by path.</summary>
    public string Tool { get; }

    public CommandRole Role { get; }

    /// <summary>The command word as written.</summary>
    public ShellWord Command { get; }

    /// <summary>The words after the command word.</summary>
    public List<ShellWord> Args { get; }

    /// <summary>The script an interpreter, <c>source</c> or exec runs, as written.</summary>
    public ShellWord? Script { get; set; }

    /// <summary>The module of <c>python -m</c>.</summary>
    public ShellWord? Module { get; set; }

    /// <summary>The command string of <c>bash -c</c> / <c>sh -c</c>.</summary>
    public ShellWord? Inline { get; set; }

    /// <summary>The arguments passed to the script or module (after it); for other tools, all arguments.</summary>
    public List<ShellWord> ScriptArgs { get; set; } = new();
}

/// <summary>Reads simple commands: keywords and wrappers, interpreter options, docker and pip arguments.</summary>
internal static class CommandSyntax
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "esac", "time",
    };

    /// <summary>Commands that run the command after them; value: options that take a value.</summary>
    private static readonly Dictionary<string, string[]> Wrappers = new(StringComparer.Ordinal)
    {
        ["sudo"] = new[] { "-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", "--user", "--group" },
        ["exec"] = new[] { "-a" },
        ["nohup"] = Array.Empty<string>(),
        ["builtin"] = Array.Empty<string>(),
        ["nice"] = new[] { "-n", "--adjustment" },
        ["ionice"] = new[] { "-c", "-n", "-p", "--class", "--classdata" },
        ["stdbuf"] = new[] { "-i", "-o", "-e" },
        ["timeout"] = new[] { "-s", "-k", "--signal", "--kill-after" },
        ["env"] = new[] { "-u", "-C", "-S", "--unset", "--chdir", "--split-string" },
        ["xargs"] = new[] { "-P", "-n", "-I", "-L", "-d", "-s", "-E", "-a", "--max-procs", "--max-args", "--delimiter", "--arg-file" },
        ["chronic"] = Array.Empty<string>(),
    };

    /// <summary>Runners whose <c>run</c> subcommand runs the command after it.</summary>
    private static readonly Dictionary<string, string[]> Runners = new(StringComparer.Ordinal)
    {
        ["poetry"] = Array.Empty<string>(),
        ["pipenv"] = Array.Empty<string>(),
        ["uv"] = new[] { "--with", "--python", "-p", "--project", "--directory", "--env-file" },
        ["conda"] = new[] { "-n", "--name", "-p", "--prefix" },
    };

    private static readonly HashSet<string> ShellNames = new(StringComparer.Ordinal) { "bash", "sh", "dash", "zsh", "ksh" };

    public static bool IsPythonName(string name)
    {
        if (!name.StartsWith("python", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in name.AsSpan(6))
        {
            if (!char.IsAsciiDigit(c) && c != '.')
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsShellName(string name) => ShellNames.Contains(name);

    /// <summary>True for <c>NAME=value</c> (and <c>NAME+=value</c>).</summary>
    public static bool IsAssignment(ShellWord word, out string name, out int valueStart)
    {
        var e = word.Expr;
        name = "";
        valueStart = 0;
        if (e.Length == 0 || !(char.IsAsciiLetter(e[0]) || e[0] == '_'))
        {
            return false;
        }

        var i = 1;
        while (i < e.Length && (char.IsAsciiLetterOrDigit(e[i]) || e[i] == '_'))
        {
            i++;
        }

        var nameEnd = i;
        if (i < e.Length && e[i] == '+')
        {
            i++;
        }

        if (i >= e.Length || e[i] != '=')
        {
            return false;
        }

        name = e[..nameEnd];
        valueStart = i + 1;
        return true;
    }

    /// <summary>The value part of an assignment word, as a word of its own.</summary>
    public static ShellWord AssignedValue(ShellWord word, int valueStart)
    {
        var expr = word.Expr[valueStart..];
        return new ShellWord(expr, word.Offset + valueStart, dynamic: word.Dynamic && HasExpansion(expr), quoted: word.Quoted);
    }

    /// <summary>True when the expression holds an unquoted <c>$</c> or backtick.</summary>
    public static bool HasExpansion(string expr) => expr.AsSpan().IndexOfAny('$', '`') >= 0;

    /// <summary>
    /// Reads a simple command (assignments already removed or not): strips keywords, env-style
    /// assignments and wrappers, then classifies what runs. Null when nothing runs or the command
    /// name cannot be known (<c>$CMD args</c> with an unknown CMD).
    /// </summary>
    public static CommandFacts? Interpret(IReadOnlyList<ShellWord> words, Func<ShellWord, string?> expand)
    {
        var i = 0;
        while (i < words.Count)
        {
            var w = words[i];
            if (!w.Quoted && !w.Dynamic && Keywords.Contains(w.Text))
            {
                i++;
                if (w.Text == "time")
                {
                    while (i < words.Count && words[i].Text.StartsWith('-'))
                    {
                        i++;
                    }
                }

                continue;
            }

            if (w.IsBare("for") || w.IsBare("select") || w.IsBare("case") || w.IsBare("function") || w.IsBare("[[") || w.IsBare("in"))
            {
                return null;
            }

            if (IsAssignment(w, out _, out _))
            {
                i++;
                continue;
            }

            var name = w.Dynamic ? null : w.Text;
            if (name is not null && Wrappers.TryGetValue(name, out var valued))
            {
                i = SkipOptions(words, i + 1, valued, allowAssignments: name is "env" or "sudo");
                if (name == "timeout" && i < words.Count)
                {
                    i++; // the duration
                }

                continue;
            }

            if (name is not null && Runners.TryGetValue(name, out var runnerValued) && i + 1 < words.Count && words[i + 1].IsBare("run"))
            {
                i = SkipOptions(words, i + 2, runnerValued, allowAssignments: false);
                continue;
            }

            if (name == "command" && i + 1 < words.Count && words[i + 1].Text is "-v" or "-V")
            {
                return null;
            }

            if (name == "command")
            {
                i = SkipOptions(words, i + 1, Array.Empty<string>(), allowAssignments: false);
                continue;
            }

            break;
        }

        if (i >= words.Count)
        {
            return null;
        }

        var commandWord = words[i];
        var commandName = expand(commandWord);
        if (commandName is null || commandName.Length == 0)
        {
            return null;
        }

        var args = words.Skip(i + 1).ToList();
        var baseName = commandName[(commandName.LastIndexOf('/') + 1)..];
        CommandFacts facts;
        if (commandName is "." or "source")
        {
            facts = new CommandFacts("source", CommandRole.Source, commandWord, args);
            if (args.Count > 0)
            {
                facts.Script = args[0];
                facts.ScriptArgs = args.Skip(1).ToList();
            }
        }
        else if (IsPythonName(baseName))
        {
            // python3, /usr/bin/python3, .venv/bin/python …
            facts = new CommandFacts(baseName, CommandRole.Python, commandWord, args);
            ReadPython(facts);
        }
        else if (IsShellName(baseName))
        {
            facts = new CommandFacts(baseName, CommandRole.Shell, commandWord, args);
            ReadShell(facts);
        }
        else if (IsScriptPath(commandName))
        {
            facts = new CommandFacts("exec", CommandRole.Exec, commandWord, args) { Script = commandWord, ScriptArgs = args };
        }
        else
        {
            facts = new CommandFacts(baseName, CommandRole.Tool, commandWord, args) { ScriptArgs = args };
        }

        return facts;
    }

    /// <summary>A command word that names a script file: a path with a folder, or a .sh/.bash/.py name.</summary>
    public static bool IsScriptPath(string name)
    {
        if (HasScriptExtension(name))
        {
            return true;
        }

        // Relative paths with a folder (./run, bin/run) run a file of the repository; /usr/bin/x is a program.
        return name.Contains('/') && !name.StartsWith('/');
    }

    public static bool HasScriptExtension(string name) =>
        name.EndsWith(".sh", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".bash", StringComparison.OrdinalIgnoreCase) ||
        name.EndsWith(".py", StringComparison.OrdinalIgnoreCase);

    private static int SkipOptions(IReadOnlyList<ShellWord> words, int i, string[] valued, bool allowAssignments)
    {
        while (i < words.Count)
        {
            var t = words[i].Text;
            if (t == "--")
            {
                return i + 1;
            }

            if (t.StartsWith('-') && t.Length > 1)
            {
                i += Array.IndexOf(valued, t) >= 0 ? 2 : 1;
                continue;
            }

            if (allowAssignments && IsAssignment(words[i], out _, out _))
            {
                i++;
                continue;
            }

            break;
        }

        return i;
    }

    private static void ReadPython(CommandFacts facts)
    {
        var args = facts.Args;
        var j = 0;
        while (j < args.Count)
        {
            var t = args[j].Text;
            if (t == "-c" || (t.StartsWith('-') && !t.StartsWith("--", StringComparison.Ordinal) && t.EndsWith('c') && t.Length <= 4))
            {
                facts.Inline = j + 1 < args.Count ? args[j + 1] : null;
                return;
            }

            if (t == "-m")
            {
                if (j + 1 < args.Count)
                {
                    facts.Module = args[j + 1];
                    facts.ScriptArgs = args.Skip(j + 2).ToList();
                }

                return;
            }

            if (t.StartsWith("-m", StringComparison.Ordinal) && t.Length > 2 && !t.StartsWith("--", StringComparison.Ordinal))
            {
                facts.Module = new ShellWord(args[j].Expr[2..], args[j].Offset + 2, args[j].Dynamic, args[j].Quoted);
                facts.ScriptArgs = args.Skip(j + 1).ToList();
                return;
            }

            if (t is "-W" or "-X" or "--check-hash-based-pycs")
            {
                j += 2;
                continue;
            }

            if (t == "-")
            {
                return; // script from stdin
            }

            if (t == "--")
            {
                j++;
                break;
            }

            if (t.StartsWith('-') && t.Length > 1)
            {
                j++;
                continue;
            }

            break;
        }

        if (j < args.Count)
        {
            facts.Script = args[j];
            facts.ScriptArgs = args.Skip(j + 1).ToList();
        }
    }

    private static void ReadShell(CommandFacts facts)
    {
        var args = facts.Args;
        var j = 0;
        var inline = false;
        while (j < args.Count)
        {
            var t = args[j].Text;
            if (t is "-o" or "+o" or "-O" or "+O" or "--rcfile" or "--init-file")
            {
                j += 2;
                continue;
            }

            if (t == "--")
            {
                j++;
                break;
            }

            if (t.StartsWith("--", StringComparison.Ordinal))
            {
                j++;
                continue;
            }

            if ((t.StartsWith('-') || t.StartsWith('+')) && t.Length > 1)
            {
                inline |= t[0] == '-' && t.Contains('c');
                j++;
                continue;
            }

            break;
        }

        if (j >= args.Count)
        {
            return;
        }

        if (inline)
        {
            facts.Inline = args[j];
            facts.ScriptArgs = args.Skip(j + 1).ToList();
        }
        else
        {
            facts.Script = args[j];
            facts.ScriptArgs = args.Skip(j + 1).ToList();
        }
    }

    /// <summary>
    /// The flags among <paramref name="args"/>: words starting with <c>-</c>, with any <c>=value</c>
    /// stripped; negative numbers, a lone <c>-</c> and anything after <c>--</c> are not flags, nor a
    /// flag whose name is itself an expansion.
    /// </summary>
    public static List<string> Flags(IEnumerable<ShellWord> args)
    {
        var flags = new List<string>();
        foreach (var word in args)
        {
            var t = word.Text;
            if (t == "--")
            {
                break;
            }

            if (t.Length < 2 || t[0] != '-' || IsNumber(t))
            {
                continue;
            }

            var eq = word.Expr.IndexOf('=');
            var nameExpr = eq < 0 ? word.Expr : word.Expr[..eq];
            if (HasExpansion(nameExpr))
            {
                continue;
            }

            var name = eq < 0 ? t : t[..t.IndexOf('=')];
            if (name.Length > 1 && name != "--")
            {
                flags.Add(name);
            }
        }

        return flags;
    }

    private static bool IsNumber(string t) => double.TryParse(t, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);

    private static readonly HashSet<string> DockerGlobalValued = new(StringComparer.Ordinal)
    {
        "--config", "-c", "--context", "-H", "--host", "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey",
    };

    private static readonly HashSet<string> DockerBuildBooleans = new(StringComparer.Ordinal)
    {
        "--no-cache", "--pull", "--push", "--load", "-q", "--quiet", "--rm", "--force-rm", "--squash", "--compress",
        "--disable-content-trust", "--check", "--debug",
    };

    /// <summary>The docker subcommand (<c>build</c>, <c>push</c> …) and the index of the first argument after it.</summary>
    public static (string? Subcommand, int Next) DockerSubcommand(IReadOnlyList<ShellWord> args)
    {
        var j = 0;
        while (j < args.Count)
        {
            var t = args[j].Text;
            if (t.StartsWith('-'))
            {
                j += DockerGlobalValued.Contains(t) ? 2 : 1;
                continue;
            }

            if (t is "buildx" or "image" or "builder" && j + 1 < args.Count && args[j + 1].Text is "build" or "push")
            {
                return (args[j + 1].Text, j + 2);
            }

            return (t, j + 1);
        }

        return (null, args.Count);
    }

    /// <summary><c>docker build</c>: the <c>-f</c> file, the context, and the tags.</summary>
    public static (ShellWord? File, ShellWord? Context, List<ShellWord> Tags) DockerBuild(IReadOnlyList<ShellWord> args, int from)
    {
        ShellWord? file = null;
        ShellWord? context = null;
        var tags = new List<ShellWord>();
        for (var j = from; j < args.Count; j++)
        {
            var w = args[j];
            var t = w.Text;
            if (t is "-f" or "--file" or "-t" or "--tag")
            {
                if (j + 1 < args.Count)
                {
                    if (t is "-f" or "--file")
                    {
                        file = args[j + 1];
                    }
                    else
                    {
                        tags.Add(args[j + 1]);
                    }
                }

                j++;
                continue;
            }

            if (t.StartsWith("--file=", StringComparison.Ordinal) || (t.StartsWith("-f", StringComparison.Ordinal) && t.Length > 2 && !t.StartsWith("--", StringComparison.Ordinal)))
            {
                var cut = t.StartsWith("--file=", StringComparison.Ordinal) ? 7 : 2;
                file = new ShellWord(w.Expr[cut..], w.Offset + cut, w.Dynamic, w.Quoted);
                continue;
            }

            if (t.StartsWith("--tag=", StringComparison.Ordinal))
            {
                tags.Add(new ShellWord(w.Expr[6..], w.Offset + 6, w.Dynamic, w.Quoted));
                continue;
            }

            if (t.StartsWith('-') && t.Length > 1)
            {
                if (!t.Contains('=') && !DockerBuildBooleans.Contains(t) && (t.StartsWith("--", StringComparison.Ordinal) || t is "-o" or "-m"))
                {
                    j++; // an option with its value
                }

                continue;
            }

            context ??= w;
        }

        return (file, context, tags);
    }

    /// <summary><c>docker push</c>: the image.</summary>
    public static ShellWord? DockerPush(IReadOnlyList<ShellWord> args, int from)
    {
        for (var j = from; j < args.Count; j++)
        {
            var t = args[j].Text;
            if (t == "--platform")
            {
                j++;
                continue;
            }

            if (!t.StartsWith('-'))
            {
                return args[j];
            }
        }

        return null;
    }

    private static readonly HashSet<string> PipValued = new(StringComparer.Ordinal)
    {
        "-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix",
        "--root", "--platform", "--python-version", "--implementation", "--abi", "--trusted-host", "--cache-dir", "--src",
        "--upgrade-strategy", "--progress-bar", "--log", "--proxy", "--retries", "--timeout", "--exists-action", "--cert",
        "--client-cert", "--global-option", "--config-settings", "-C", "--no-binary", "--only-binary", "--report",
        "--root-user-action", "--python", "--keyring-provider", "--group",
    };

    /// <summary>The arguments of a pip install, if the command is one: pip/pip3 install, python -m pip install, uv pip install.</summary>
    public static List<ShellWord>? PipInstallArgs(CommandFacts facts)
    {
        List<ShellWord> rest;
        if (facts.Role == CommandRole.Tool && facts.Tool.StartsWith("pip", StringComparison.Ordinal) && IsPipName(facts.Tool))
        {
            rest = facts.Args;
        }
        else if (facts.Role == CommandRole.Python && facts.Module?.Text == "pip")
        {
            rest = facts.ScriptArgs;
        }
        else if (facts.Role == CommandRole.Tool && facts.Tool == "uv" && facts.Args.Count > 0 && facts.Args[0].Text == "pip")
        {
            rest = facts.Args.Skip(1).ToList();
        }
        else
        {
            return null;
        }

        var k = 0;
        while (k < rest.Count && rest[k].Text.StartsWith('-'))
        {
            k++; // pip's general options (-q, --no-cache-dir …) may come before the subcommand
        }

        return k < rest.Count && rest[k].Text == "install" ? rest.Skip(k + 1).ToList() : null;
    }

    private static bool IsPipName(string name)
    {
        foreach (var c in name.AsSpan(3))
        {
            if (!char.IsAsciiDigit(c) && c != '.')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The requirements of a pip install's arguments as written: packages with their pins, <c>-r FILE</c>
    /// and <c>-e PATH</c> recorded with their option; other options and their values skipped.
    /// </summary>
    public static List<(string Requirement, ShellWord Word, ShellWord? RequirementsFile)> PipRequirements(List<ShellWord> args)
    {
        var result = new List<(string, ShellWord, ShellWord?)>();
        for (var j = 0; j < args.Count; j++)
        {
            var w = args[j];
            var t = w.Text;
            if (t is "-r" or "--requirement" or "-e" or "--editable")
            {
                if (j + 1 < args.Count)
                {
                    var short_ = t is "-r" or "--requirement" ? "-r" : "-e";
                    result.Add(($"{short_} {args[j + 1].Text}", args[j + 1], short_ == "-r" ? args[j + 1] : null));
                }

                j++;
                continue;
            }

            if (t.StartsWith("--requirement=", StringComparison.Ordinal) || (t.StartsWith("-r", StringComparison.Ordinal) && t.Length > 2 && !t.StartsWith("--", StringComparison.Ordinal)))
            {
                var cut = t.StartsWith("--", StringComparison.Ordinal) ? 14 : 2;
                var file = new ShellWord(w.Expr[cut..], w.Offset + cut, w.Dynamic, w.Quoted);
                result.Add(("-r " + file.Text, file, file));
                continue;
            }

            if (t.StartsWith('-'))
            {
                if (PipValued.Contains(t))
                {
                    j++;
                }

                continue;
            }

            result.Add((t, w, null));
        }

        return result;
    }
}
