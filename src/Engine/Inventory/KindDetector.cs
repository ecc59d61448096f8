using BqxAudit.Model;

namespace BqxAudit.Inventory;

/// <summary>Which files are implementation files, and of what kind, from the name (and for extension-less files, the shebang).</summary>
public static class KindDetector
{
    /// <summary>The kind from the file name alone; null when the name does not decide it.</summary>
    public static ScriptKind? FromName(string relativePath)
    {
        var name = relativePath[(relativePath.LastIndexOf('/') + 1)..];
        var lower = name.ToLowerInvariant();
        if (lower.EndsWith(".py", StringComparison.Ordinal) || lower.EndsWith(".pyw", StringComparison.Ordinal))
        {
            return ScriptKind.Python;
        }

        if (lower.EndsWith(".sh", StringComparison.Ordinal) || lower.EndsWith(".bash", StringComparison.Ordinal))
        {
            return ScriptKind.Shell;
        }

        if (lower == "dockerfile" || lower.StartsWith("dockerfile.", StringComparison.Ordinal) || lower.EndsWith(".dockerfile", StringComparison.Ordinal))
        {
            return ScriptKind.Dockerfile;
        }

        if (lower.StartsWith("cloudbuild", StringComparison.Ordinal) &&
            (lower.EndsWith(".yaml", StringComparison.Ordinal) || lower.EndsWith(".yml", StringComparison.Ordinal)))
        {
            return ScriptKind.CloudBuild;
        }

        return null;
    }

    /// <summary>True for a name with no extension, whose first line may name an interpreter.</summary>
    public static bool MayHaveShebang(string relativePath)
    {
        var name = relativePath[(relativePath.LastIndexOf('/') + 1)..];
        return !name.Contains('.') && !name.StartsWith('.');
    }

    /// <summary>The kind a <c>#!</c> line names (sh, bash, python), or null.</summary>
    public static ScriptKind? FromShebang(ReadOnlySpan<byte> head)
    {
        if (head.Length < 3 || head[0] != (byte)'#' || head[1] != (byte)'!')
        {
            return null;
        }

        var end = head.IndexOf((byte)'\n');
        var line = System.Text.Encoding.ASCII.GetString(end < 0 ? head : head[..end]);
        var words = line[2..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return null;
        }

        var interpreter = Path.GetFileName(words[0]);
        if (interpreter == "env" && words.Length > 1)
        {
            interpreter = words[words[1] == "-S" && words.Length > 2 ? 2 : 1];
        }

        if (interpreter is "sh" or "bash" or "dash" or "zsh" or "ksh")
        {
            return ScriptKind.Shell;
        }

        return interpreter.StartsWith("python", StringComparison.Ordinal) ? ScriptKind.Python : null;
    }
}
