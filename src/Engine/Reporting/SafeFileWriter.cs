using System.Text;
using BqxAudit.Hosting;

namespace BqxAudit.Reporting;

/// <summary>
/// Writes output files the safe way every writer of the engine shares (rename plans, reports): never
/// over an existing file unless <c>force</c>, only when the host's ShouldProcess agrees, and atomically —
/// the content goes to a temporary file in the target's folder, which is then renamed into place, so a
/// reader never sees half a file and a failed write leaves the old file (or nothing) behind.
/// </summary>
public static class SafeFileWriter
{
    /// <summary>UTF-8 without a byte-order mark: what every report and plan is written in.</summary>
    public static Encoding Utf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>; returns the file, or null when ShouldProcess declined.</summary>
    public static FileInfo? WriteText(string path, string content, IAuditHost host, bool force, string action) =>
        Write(path, host, force, action, () => content);

    /// <summary>
    /// Checks the target, asks the host, then writes the text <paramref name="content"/> produces (it runs only
    /// when the write goes ahead). Returns the file, or null when ShouldProcess declined.
    /// </summary>
    public static FileInfo? Write(string path, IAuditHost host, bool force, string action, Func<string> content)
    {
        var full = Path.GetFullPath(path);
        EnsureWritable(full, force);
        if (!host.ShouldProcess(full, action))
        {
            return null;
        }

        return WriteAtomic(full, content(), force);
    }

    /// <summary>Throws <see cref="ErrorIds.OutputExists"/> when something is at <paramref name="fullPath"/> and <paramref name="force"/> is not set.</summary>
    public static void EnsureWritable(string fullPath, bool force)
    {
        if (Directory.Exists(fullPath))
        {
            throw new BqxException(new BqxError(ErrorIds.OutputExists, BqxErrorCategory.WriteError,
                $"{fullPath} is a folder; a file cannot be written there", fullPath));
        }

        if (!force && File.Exists(fullPath))
        {
            throw Exists(fullPath, $"{fullPath} exists; it is not overwritten without force");
        }
    }

    /// <summary>
    /// Writes <paramref name="content"/> to a temporary file beside <paramref name="fullPath"/> and renames it into
    /// place (replacing an existing file only when <paramref name="force"/>). No checks, no ShouldProcess: callers do those.
    /// </summary>
    public static FileInfo WriteAtomic(string fullPath, string content, bool force)
    {
        var directory = Path.GetDirectoryName(fullPath)!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(temp, content, Utf8);
            try
            {
                File.Move(temp, fullPath, overwrite: force);
            }
            catch (IOException) when (!force && File.Exists(fullPath))
            {
                throw Exists(fullPath, $"{fullPath} appeared while it was being written; it is not overwritten without force");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BqxException(new BqxError(ErrorIds.OutputFailed, BqxErrorCategory.WriteError, $"cannot write {fullPath}: {e.Message}", fullPath), e);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }

        return new FileInfo(fullPath);
    }

    private static BqxException Exists(string fullPath, string message) =>
        new(new BqxError(ErrorIds.OutputExists, BqxErrorCategory.WriteError, message, fullPath));
}
