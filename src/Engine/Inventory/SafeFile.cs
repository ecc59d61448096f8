using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace BqxAudit.Inventory;

/// <summary>What kind of file system entry a path is, seen without following a final symbolic link.</summary>
public enum EntryType
{
    Missing,
    Regular,
    Directory,
    SymbolicLink,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,

    /// <summary>The platform could not tell (no <c>statx</c>): treated as a regular file.</summary>
    Unknown,
}

/// <summary>Why a file was not read. The message says it in words ("not read: 2.1 GB over the 64 MB cap").</summary>
public enum RefusalKind
{
    /// <summary>A FIFO, device, socket or folder: never opened.</summary>
    NotRegular,

    /// <summary>A symbolic link whose target lies outside the audited root: never followed.</summary>
    LinkLeavesRoot,

    /// <summary>A path (an include, a profile reference) that lies outside the audited root.</summary>
    OutsideRoot,

    /// <summary>Larger than the cap for its kind of file.</summary>
    TooLarge,

    /// <summary>A name that is not valid UTF-8: the runtime cannot open it.</summary>
    NameNotUtf8,

    /// <summary>Opening it failed: a symbolic link loop, a link that does not resolve, permission denied.</summary>
    Unreadable,
}

/// <summary>One refusal: the kind and the sentence for the finding.</summary>
public sealed record FileRefusal(RefusalKind Kind, string Message);

/// <summary>A file that <see cref="SafeFile"/> refused to read; an <see cref="IOException"/>, so every reader's I/O handling reports it.</summary>
public sealed class FileRefusedException : IOException
{
    public FileRefusedException(FileRefusal refusal)
        : base(refusal.Message) => Refusal = refusal;

    public FileRefusal Refusal { get; }
}

/// <summary>
/// The one way the engine reads a file it did not write: only regular files are opened (a FIFO or a
/// device is never opened, so nothing blocks or streams forever), with a size cap, and — when a
/// confining folder is given — only when the real path (symbolic links resolved) stays inside it.
/// The file type comes from <c>statx</c> without following the last link (Linux); elsewhere the
/// runtime's own file facts are used.
/// </summary>
public static class SafeFile
{
    /// <summary>The cap for a script or any file the inventory reads.</summary>
    public const long DefaultMaxBytes = 64L << 20;

    /// <summary>The cap for dependency manifests, profiles and table lists: far above any real one, far below memory trouble.</summary>
    public const long ManifestMaxBytes = 16L << 20;

    /// <summary>The type of <paramref name="path"/> itself (a final symbolic link is not followed), and its size when regular.</summary>
    public static EntryType TypeOf(string path, out long size)
    {
        size = 0;
        if (Native.TryStatx(path, follow: false, out var mode, out var length, out var errno))
        {
            size = length;
            return FromMode(mode);
        }

        if (errno is Native.ENOENT or Native.ENOTDIR or Native.ENAMETOOLONG or Native.ELOOP)
        {
            return EntryType.Missing;
        }

        return Managed(path, ref size);
    }

    /// <summary>The real path: every symbolic link resolved; null when it does not resolve (missing, a loop).</summary>
    public static string? RealPath(string path)
    {
        if (Native.TryRealPath(path, out var real))
        {
            return real;
        }

        if (Native.HasRealPath)
        {
            return null;
        }

        try
        {
            var full = Path.GetFullPath(path);
            var info = new FileInfo(full);
            if (info.LinkTarget is not null)
            {
                return info.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
            }

            return File.Exists(full) || Directory.Exists(full) ? full : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or lies beneath it (both absolute, '/'-compared).</summary>
    public static bool IsUnder(string path, string folder)
    {
        var f = Path.TrimEndingDirectorySeparator(folder);
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return path.Equals(f, comparison) || path.StartsWith(f + Path.DirectorySeparatorChar, comparison)
            || (Path.DirectorySeparatorChar != '/' && path.StartsWith(f + "/", comparison));
    }

    /// <summary>
    /// Why <paramref name="fullPath"/> must not be read, or null when it may be. Missing files are not
    /// refused (the read reports them as the runtime does). <paramref name="confineTo"/>: the folder the
    /// real path must stay in (null: anywhere). <paramref name="realConfine"/>: its real path, when known.
    /// </summary>
    public static FileRefusal? Check(string fullPath, string? confineTo, long maxBytes, string? realConfine = null)
    {
        if (fullPath.Contains('\uFFFD') && TypeOf(fullPath, out _) == EntryType.Missing)
        {
            return new FileRefusal(RefusalKind.NameNotUtf8, "not read: the file name is not valid UTF-8, so it cannot be opened by name");
        }

        if (confineTo is not null && !IsUnder(Path.GetFullPath(fullPath), Path.GetFullPath(confineTo)))
        {
            return new FileRefusal(RefusalKind.OutsideRoot, "not read: the path is outside the audited root");
        }

        var type = TypeOf(fullPath, out var size);
        if (type == EntryType.Missing)
        {
            return null;
        }

        if (type == EntryType.SymbolicLink)
        {
            var real = RealPath(fullPath);
            if (real is null)
            {
                return null; // a dangling link or a loop: the read reports it
            }

            if (confineTo is not null && !IsUnder(real, realConfine ?? RealPath(confineTo) ?? confineTo))
            {
                return new FileRefusal(RefusalKind.LinkLeavesRoot, $"not read: symbolic link to {LinkText(fullPath, real)}, outside the audited root (not followed)");
            }

            type = TypeOf(real, out size);
            if (type != EntryType.Regular && type != EntryType.Unknown)
            {
                return new FileRefusal(RefusalKind.NotRegular, $"not read: symbolic link to {Describe(type)} ({LinkText(fullPath, real)}), not a regular file");
            }
        }
        else
        {
            if (confineTo is not null && RealPath(fullPath) is { } realPath && !IsUnder(realPath, realConfine ?? RealPath(confineTo) ?? confineTo))
            {
                return new FileRefusal(RefusalKind.LinkLeavesRoot, "not read: a folder on its path is a symbolic link leading outside the audited root (not followed)");
            }

            if (type != EntryType.Regular && type != EntryType.Unknown)
            {
                return new FileRefusal(RefusalKind.NotRegular, $"not read: {Describe(type)}, not a regular file");
            }
        }

        return size > maxBytes ? TooLarge(size, maxBytes) : null;
    }

    /// <summary>
    /// Reads a whole file after <see cref="Check"/>: a refusal throws <see cref="FileRefusedException"/>;
    /// a missing file throws what the runtime throws. Never reads more than <paramref name="maxBytes"/>.
    /// </summary>
    public static byte[] ReadAllBytes(string fullPath, string? confineTo = null, long maxBytes = DefaultMaxBytes, string? realConfine = null)
    {
        if (Check(fullPath, confineTo, maxBytes, realConfine) is { } refusal)
        {
            throw new FileRefusedException(refusal);
        }

        using var handle = File.OpenHandle(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = RandomAccess.GetLength(handle);
        if (length > maxBytes)
        {
            throw new FileRefusedException(TooLarge(length, maxBytes));
        }

        var buffer = new byte[length];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = RandomAccess.Read(handle, buffer.AsSpan(read), read);
            if (n == 0)
            {
                Array.Resize(ref buffer, read); // shrank while read
                break;
            }

            read += n;
        }

        return buffer;
    }

    /// <summary>"2.1 GB", "64 MB", "900 KB", "12 bytes".</summary>
    public static string FormatSize(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.#", CultureInfo.InvariantCulture) + " GB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.#", CultureInfo.InvariantCulture) + " KB",
        _ => $"{bytes} bytes",
    };

    public static FileRefusal TooLarge(long size, long cap) =>
        new(RefusalKind.TooLarge, $"not read: {FormatSize(size)} over the {FormatSize(cap)} cap");

    /// <summary>"a FIFO (named pipe)", "a character device" …</summary>
    public static string Describe(EntryType type) => type switch
    {
        EntryType.Fifo => "a FIFO (named pipe)",
        EntryType.CharacterDevice => "a character device",
        EntryType.BlockDevice => "a block device",
        EntryType.Socket => "a socket",
        EntryType.Directory => "a folder",
        EntryType.SymbolicLink => "a symbolic link",
        _ => "an entry of unknown type",
    };

    /// <summary>What a link says (its own text), which is repository content, not the target's.</summary>
    private static string LinkText(string link, string real)
    {
        try
        {
            return new FileInfo(link).LinkTarget ?? real;
        }
        catch (IOException)
        {
            return real;
        }
    }

    private static EntryType FromMode(int mode) => (mode & 0xF000) switch
    {
        0x8000 => EntryType.Regular,
        0x4000 => EntryType.Directory,
        0xA000 => EntryType.SymbolicLink,
        0x1000 => EntryType.Fifo,
        0x2000 => EntryType.CharacterDevice,
        0x6000 => EntryType.BlockDevice,
        0xC000 => EntryType.Socket,
        _ => EntryType.Unknown,
    };

    private static EntryType Managed(string path, ref long size)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                return EntryType.SymbolicLink;
            }

            if (Directory.Exists(path))
            {
                return EntryType.Directory;
            }

            if (!info.Exists)
            {
                return EntryType.Missing;
            }

            size = info.Length;
            return EntryType.Unknown;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return EntryType.Unknown;
        }
    }

    /// <summary>glibc's <c>statx</c> and <c>realpath</c>: a fixed, architecture-independent layout; absent elsewhere.</summary>
    private static class Native
    {
        public const int ENOENT = 2;
        public const int ENOTDIR = 20;
        public const int ENAMETOOLONG = 36;
        public const int ELOOP = 40;
        private const int AtFdCwd = -100;
        private const int AtSymlinkNoFollow = 0x100;
        private const uint StatxType = 0x1, StatxMode = 0x2, StatxSize = 0x200;
        private const string LibC = "libc.so.6";

        private static bool statxMissing = !OperatingSystem.IsLinux();
        private static bool realpathMissing = !OperatingSystem.IsLinux();

        public static bool HasRealPath => !realpathMissing;

        public static bool TryStatx(string path, bool follow, out int mode, out long size, out int errno)
        {
            mode = 0;
            size = 0;
            errno = 0;
            if (statxMissing)
            {
                return false;
            }

            var buffer = new byte[256];
            try
            {
                if (statx(AtFdCwd, Utf8(path), follow ? 0 : AtSymlinkNoFollow, StatxType | StatxMode | StatxSize, buffer) != 0)
                {
                    errno = Marshal.GetLastPInvokeError();
                    if (errno == 38) // ENOSYS: an old kernel or a seccomp filter
                    {
                        statxMissing = true;
                        errno = 0;
                    }

                    return false;
                }
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                statxMissing = true;
                return false;
            }

            mode = BitConverter.ToUInt16(buffer, 28);
            size = BitConverter.ToInt64(buffer, 40);
            return true;
        }

        public static bool TryRealPath(string path, out string? real)
        {
            real = null;
            if (realpathMissing)
            {
                return false;
            }

            try
            {
                var result = realpath(Utf8(path), IntPtr.Zero);
                if (result == IntPtr.Zero)
                {
                    return true; // answered: it does not resolve
                }

                try
                {
                    real = Marshal.PtrToStringUTF8(result);
                }
                finally
                {
                    free(result);
                }

                return true;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                realpathMissing = true;
                return false;
            }
        }

        private static byte[] Utf8(string path)
        {
            var bytes = new byte[Encoding.UTF8.GetMaxByteCount(path.Length) + 1];
            var n = Encoding.UTF8.GetBytes(path, 0, path.Length, bytes, 0);
            Array.Resize(ref bytes, n + 1);
            return bytes;
        }

        [DllImport(LibC, SetLastError = true)]
        private static extern int statx(int dirfd, byte[] pathname, int flags, uint mask, [Out] byte[] buffer);

        [DllImport(LibC, SetLastError = true)]
        private static extern IntPtr realpath(byte[] path, IntPtr resolved);

        [DllImport(LibC)]
        private static extern void free(IntPtr pointer);
    }
}
