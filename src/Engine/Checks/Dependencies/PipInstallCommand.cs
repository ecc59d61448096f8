using System.Text.RegularExpressions;

namespace BqxAudit.Checks.Dependencies;

/// <summary>
/// Finds <c>pip install</c> commands in a shell command line (a Dockerfile <c>RUN</c>, a shell
/// script line) and reads the requirements they name, as <see cref="RequirementSource.Dockerfile"/>
/// declarations at the given file and line. Recognised: <c>pip</c>, <c>pip3</c>, <c>pip3.11</c>,
/// a path ending in one of those, and <c>python… -m pip install</c>; the arguments end at a shell
/// operator (<c>&amp;&amp;</c>, <c>||</c>, <c>;</c>, <c>|</c>, a redirection). Options are skipped
/// (with their values); <c>-e X</c> is an editable requirement; <c>-r</c>/<c>-c</c> name
/// files inside the image, which are reported, not followed. Quotes group words; <c>\</c> line
/// continuations are joined; <c>$VAR</c> references are kept unexpanded.
/// </summary>
public static partial class PipInstallCommand
{
    private static readonly HashSet<string> ValueOptions = new(StringComparer.Ordinal)
    {
        "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url",
        "-f", "--find-links", "--trusted-host", "-t", "--target", "--prefix", "--root", "--src", "--upgrade-strategy",
        "--platform", "--python-version", "--implementation", "--abi", "--only-binary", "--no-binary", "--progress-bar",
        "--log", "--cache-dir", "--timeout", "--retries", "--proxy", "--cert", "--client-cert", "--exists-action",
        "--config-settings", "-C", "--global-option", "--report",
    };

    private static readonly HashSet<string> Operators = new(StringComparer.Ordinal) { "&&", "||", ";", "|", "&", ">", ">>", "<", "2>", "2>&1" };

    /// <summary>The requirements of every <c>pip install</c> in <paramref name="command"/>.</summary>
    public static ManifestResult Parse(string command, string file, int line)
    {
        var state = new RequirementsFileParser.State();
        var tokens = RequirementsFileParser.Tokenize(Continuation().Replace(command, " ")
            .Replace("&&", " && ", StringComparison.Ordinal).Replace("||", " || ", StringComparison.Ordinal).Replace(";", " ; ", StringComparison.Ordinal));
        for (var i = 0; i < tokens.Count; i++)
        {
            var start = InstallArgumentsStart(tokens, i);
            if (start < 0)
            {
                continue;
            }

            var j = start;
            for (; j < tokens.Count && !Operators.Contains(tokens[j]); j++)
            {
                var token = tokens[j];
                if (token.StartsWith('-'))
                {
                    var eq = token.IndexOf('=');
                    var name = eq < 0 ? token : token[..eq];
                    string? value = eq < 0 ? null : token[(eq + 1)..];
                    if (name.Length > 2 && !name.StartsWith("--", StringComparison.Ordinal) && ValueOptions.Contains(name[..2]))
                    {
                        value = name[2..];
                        name = name[..2];
                    }

                    if (ValueOptions.Contains(name) && value is null && j + 1 < tokens.Count && !Operators.Contains(tokens[j + 1]))
                    {
                        value = tokens[++j];
                    }

                    switch (name)
                    {
                        case "-e" or "--editable" when value is not null:
                            RequirementsFileParser.AddRequirement(value, line, file, RequirementSource.Dockerfile, state, editable: true, Array.Empty<string>());
                            break;
                        case "-r" or "--requirement" or "-c" or "--constraint" when value is not null:
                            state.Diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.NotFollowed, file, line,
                                $"'pip install {name} {value}' reads a file inside the image; not followed (the repository's requirements files are read on their own)",
                                Severity: DependencyDiagnosticSeverity.Warning));
                            break;
                    }

                    continue;
                }

                RequirementsFileParser.AddRequirement(token, line, file, RequirementSource.Dockerfile, state, editable: false, Array.Empty<string>());
            }

            i = j;
        }

        return state.ToResult();
    }

    /// <summary>The index of the first argument after <c>install</c> when a pip install starts at <paramref name="i"/>, else -1.</summary>
    private static int InstallArgumentsStart(List<string> tokens, int i)
    {
        bool At(int k, string s) => k < tokens.Count && tokens[k] == s;
        if (PipExecutable().IsMatch(tokens[i]) && At(i + 1, "install"))
        {
            return i + 2;
        }

        if (PythonExecutable().IsMatch(tokens[i]) && At(i + 1, "-m") && At(i + 2, "pip") && At(i + 3, "install"))
        {
            return i + 4;
        }

        return -1;
    }

    [GeneratedRegex(@"\\\r?\n")]
    private static partial Regex Continuation();

    [GeneratedRegex(@"^(?:.*/)?pip(?:3(?:\.\d+)?)?$")]
    private static partial Regex PipExecutable();

    [GeneratedRegex(@"^(?:.*/)?python(?:3(?:\.\d+)?)?$")]
    private static partial Regex PythonExecutable();
}
