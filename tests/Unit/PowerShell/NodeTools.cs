using System.Diagnostics;
using System.Text.Json;

namespace BqxAudit.Tests.PowerShell;

/// <summary>
/// Runs <c>tools/ps-syntax-check.mjs</c> (tree-sitter PowerShell grammar, WASM) with node. When
/// <c>tools/node_modules</c> lacks the pinned packages, installs them once per test run with
/// <c>npm ci --ignore-scripts</c> (the registry is reachable here and in CI).
/// </summary>
public static class NodeTools
{
    public const string Script = "tools/ps-syntax-check.mjs";

    private static readonly Lazy<string?> InstallFailure = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string Describe() => $"exit code {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
    }

    /// <summary>Runs the script with <paramref name="arguments"/> from the repository root.</summary>
    public static Result RunCheck(params string[] arguments)
    {
        var failure = InstallFailure.Value;
        if (failure is not null)
        {
            throw new InvalidOperationException(failure);
        }

        return Run("node", RepositoryLayout.RepoRoot, TimeSpan.FromMinutes(2), arguments.Prepend(Script).ToArray());
    }

    /// <summary>The <c>--commands</c> output: every command invocation and Verb-Bqx… mention in the files.</summary>
    public static CommandListing ListCommands(params string[] paths)
    {
        var result = RunCheck(paths.Prepend("--commands").ToArray());
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException("ps-syntax-check --commands failed: " + result.Describe());
        }

        return JsonSerializer.Deserialize<CommandListing>(result.Output, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })
            ?? throw new InvalidOperationException("ps-syntax-check --commands printed no JSON");
    }

    private static string? Install()
    {
        var tools = RepositoryLayout.ToolsDirectory;
        if (IsInstalled(tools))
        {
            return null;
        }

        var npm = Run("npm", tools, TimeSpan.FromMinutes(5), "ci", "--ignore-scripts", "--no-audit", "--no-fund");
        if (npm.ExitCode != 0 || !IsInstalled(tools))
        {
            return "npm ci --ignore-scripts in tools/ did not install the pinned packages: " + npm.Describe();
        }

        return null;
    }

    private static bool IsInstalled(string tools) =>
        Version(Path.Combine(tools, "node_modules", "web-tree-sitter", "package.json")) == "0.27.1"
        && Version(Path.Combine(tools, "node_modules", "tree-sitter-powershell", "package.json")) == "0.26.4"
        && File.Exists(Path.Combine(tools, "node_modules", "tree-sitter-powershell", "tree-sitter-powershell.wasm"));

    private static string? Version(string packageJson)
    {
        if (!File.Exists(packageJson))
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(packageJson));
        return document.RootElement.TryGetProperty("version", out var version) ? version.GetString() : null;
    }

    private static Result Run(string program, string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Cannot start '{program}' ({e.Message}); the PowerShell syntax check needs node and npm on PATH.", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {timeout}");
            }

            process.WaitForExit();
            return new Result(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
        }
    }
}

/// <summary>JSON printed by <c>ps-syntax-check.mjs --commands</c>.</summary>
public sealed record CommandListing(List<string> Files, List<CommandUse> Commands, List<CommandMention> Mentions, List<SyntaxError> Errors);

public sealed record CommandUse(string File, int Line, int Column, string Name, List<ParameterUse> Parameters, bool Splatted);

public sealed record ParameterUse(string Name, int Line, int Column);

public sealed record CommandMention(string File, int Line, int Column, string Name);

public sealed record SyntaxError(string File, int Line, int Column, string Message);
