using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace BqxAudit.Inventory.Analyzers.Shell;

/// <summary>
/// ShellCheck's comments for one file content, kept between runs so an unchanged script is not checked again.
/// One file per entry, <c>&lt;key&gt;.json</c>, under <c>$XDG_CACHE_HOME/bqx-audit/shellcheck/</c> (or
/// <c>~/.cache/bqx-audit/shellcheck/</c>). The key is the SHA-256 of the ShellCheck version, its arguments, the
/// file's extension (ShellCheck picks the dialect from it when there is no shebang) and the SHA-256 of the file's
/// content, so a cached answer is the one ShellCheck would give. Entries are written to a temporary file and
/// renamed into place (a reader never sees half an entry); the folder is kept under <see cref="MaxEntries"/>
/// entries and <see cref="MaxBytes"/> bytes, the oldest removed first. An unreadable, corrupt or unwritable cache
/// is ignored with a verbose note: the script is then checked as if there were no cache.
/// <c>BQXAUDIT_SHELLCHECK_CACHE=off</c> disables it; an absolute path there names the folder to use.
/// </summary>
public sealed class ShellCheckCache
{
    public const string EnvironmentVariable = "BQXAUDIT_SHELLCHECK_CACHE";
    public const int MaxEntries = 4096;
    public const long MaxBytes = 32L * 1024 * 1024;

    private const string Format = "bqx-audit shellcheck cache 1";

    private int written;

    public ShellCheckCache(string directory) => Directory = directory;

    /// <summary>The folder of the entries.</summary>
    public string Directory { get; }

    /// <summary>The cache the environment names, or null when it is disabled or there is no home folder.</summary>
    public static ShellCheckCache? FromEnvironment(Func<string, string?> environment)
    {
        var setting = environment(EnvironmentVariable)?.Trim();
        if (setting is "off" or "0" or "none" or "false")
        {
            return null;
        }

        if (!string.IsNullOrEmpty(setting) && Path.IsPathFullyQualified(setting))
        {
            return new ShellCheckCache(setting);
        }

        var xdg = environment("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathFullyQualified(xdg))
        {
            return new ShellCheckCache(Path.Combine(xdg, "bqx-audit", "shellcheck"));
        }

        var home = environment("HOME");
        if (string.IsNullOrEmpty(home) && OperatingSystem.IsWindows())
        {
            home = environment("LOCALAPPDATA");
        }

        return !string.IsNullOrEmpty(home) && Path.IsPathFullyQualified(home)
            ? new ShellCheckCache(Path.Combine(home, ".cache", "bqx-audit", "shellcheck"))
            : null;
    }

    /// <summary>The entry key of one file's content as a given ShellCheck with given arguments sees it.</summary>
    public static string Key(string version, IEnumerable<string> arguments, string path, byte[] content)
    {
        var text = new StringBuilder(Format).Append('\n').Append(version).Append('\n')
            .Append(string.Join("\u0000", arguments)).Append('\n')
            .Append(Path.GetExtension(path).ToLowerInvariant()).Append('\n')
            .Append(Convert.ToHexString(SHA256.HashData(content)));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))).ToLowerInvariant();
    }

    /// <summary>The cached comments of a key; null when there is none or it cannot be read (with a note).</summary>
    internal List<ShellCheckFindings.Comment>? TryGet(string key, Action<string> note)
    {
        var file = Path.Combine(Directory, key + ".json");
        byte[] bytes;
        try
        {
            if (!File.Exists(file))
            {
                return null;
            }

            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            note($"ShellCheck cache: {file} is not readable ({e.Message}); the script is checked again");
            return null;
        }

        var comments = Parse(bytes, key);
        if (comments is null)
        {
            note($"ShellCheck cache: {file} is corrupt; it is ignored and the script is checked again");
        }

        return comments;
    }

    /// <summary>Stores the comments of a key atomically; a failure is a note, never an error.</summary>
    internal void Put(string key, IReadOnlyList<ShellCheckFindings.Comment> comments, Action<string> note)
    {
        var file = Path.Combine(Directory, key + ".json");
        var temporary = Path.Combine(Directory, $".{key}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            using (var json = new Utf8JsonWriter(stream))
            {
                json.WriteStartObject();
                json.WriteString("format", Format);
                json.WriteString("key", key);
                json.WriteStartArray("comments");
                foreach (var c in comments)
                {
                    json.WriteStartObject();
                    json.WriteNumber("line", c.Line);
                    json.WriteNumber("code", c.Code);
                    json.WriteString("level", c.Level);
                    json.WriteString("message", c.Message);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            File.Move(temporary, file, overwrite: true);
            Interlocked.Increment(ref written);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            note($"ShellCheck cache: cannot write {file} ({e.Message}); results are not cached");
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Best effort: the temporary file may not exist.
            }
        }
    }

    /// <summary>After the entries of a run are written: removes the oldest while the folder is over its bounds.</summary>
    internal void Trim(Action<string> note)
    {
        if (Volatile.Read(ref written) == 0)
        {
            return;
        }

        try
        {
            var entries = new DirectoryInfo(Directory).GetFiles("*.json").OrderByDescending(f => f.LastWriteTimeUtc).ToList();
            var stale = new DirectoryInfo(Directory).GetFiles(".*.tmp").Where(f => f.LastWriteTimeUtc < DateTime.UtcNow.AddHours(-1));
            long total = 0;
            var kept = 0;
            foreach (var entry in entries)
            {
                total += entry.Length;
                if (++kept > MaxEntries || total > MaxBytes)
                {
                    entry.Delete();
                }
            }

            foreach (var entry in stale)
            {
                entry.Delete();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            note($"ShellCheck cache: cannot trim {Directory} ({e.Message})");
        }
    }

    private static List<ShellCheckFindings.Comment>? Parse(byte[] bytes, string key)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != Format
                || !root.TryGetProperty("key", out var stored) || stored.ValueKind != JsonValueKind.String || stored.GetString() != key
                || !root.TryGetProperty("comments", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var comments = new List<ShellCheckFindings.Comment>();
            foreach (var c in list.EnumerateArray())
            {
                if (c.ValueKind != JsonValueKind.Object
                    || !c.TryGetProperty("line", out var line) || !line.TryGetInt32(out var l)
                    || !c.TryGetProperty("code", out var code) || !code.TryGetInt32(out var k)
                    || !c.TryGetProperty("level", out var level) || level.ValueKind != JsonValueKind.String
                    || !c.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.String)
                {
                    return null;
                }

                comments.Add(new ShellCheckFindings.Comment(l, k, level.GetString()!, message.GetString()!));
            }

            return comments;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
