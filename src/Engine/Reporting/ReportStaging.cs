using System.Text;
using System.Text.RegularExpressions;
using BqxAudit.Hosting;

namespace BqxAudit.Reporting;

/// <summary>
/// Moves a report set into its folder as one: every file is first written in full to a fresh hidden
/// staging folder beside the targets (same file system), then a journal (<c>READY</c>, the list of
/// targets) is written last, and only then are the files renamed into place, one rename each. A run
/// killed before the journal leaves the old set untouched (and a staging folder the next run removes);
/// one killed among the renames leaves a journal the next export to the folder (or its preflight)
/// follows to finish the new set before anything else. Exports to one folder are serialised by a lock
/// file the system releases when the process dies, so a staging folder without its owner is stale.
/// </summary>
internal static partial class ReportStaging
{
    private const string LockName = ".bqx-audit.lock";
    private const string StagingPrefix = ".bqx-audit-staging-";
    private const string JournalName = "READY";

    /// <summary>Holds the folder's export lock (an exclusive lock on <c>.bqx-audit.lock</c>, deleted on release); waits up to 30 s for another export.</summary>
    public static IDisposable Lock(string folder)
    {
        var path = Path.Combine(folder, LockName);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline && File.Exists(path))
            {
                Thread.Sleep(100);
            }
        }
    }

    /// <summary>
    /// Under the lock: finishes a journaled set an interrupted export left, removes staging folders without a
    /// journal and stale temporary files of our naming (<c>.NAME.md.&lt;guid&gt;.tmp</c>, probes).
    /// </summary>
    public static void Recover(string folder, IAuditHost host)
    {
        foreach (var staging in Directory.EnumerateDirectories(folder, StagingPrefix + "*"))
        {
            if (!StagingName().IsMatch(Path.GetFileName(staging)))
            {
                continue;
            }

            var journal = Path.Combine(staging, JournalName);
            if (File.Exists(journal))
            {
                var moved = 0;
                foreach (var (index, target) in ReadJournal(journal))
                {
                    var staged = Path.Combine(staging, index);
                    var full = ReportExporter.Target(folder, target);
                    if (File.Exists(staged))
                    {
                        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                        File.Move(staged, full, overwrite: true);
                        moved++;
                    }
                }

                host.WriteWarning($"{folder}: finished a report set an interrupted export had written completely ({moved} file{(moved == 1 ? "" : "s")} moved into place)");
            }
            else
            {
                host.WriteVerbose($"{folder}: removing the staging folder of an interrupted export ({Path.GetFileName(staging)})");
            }

            Directory.Delete(staging, recursive: true);
        }

        foreach (var file in Directory.EnumerateFiles(folder, ".*.tmp"))
        {
            if (OurTemporary().IsMatch(Path.GetFileName(file)))
            {
                host.WriteVerbose($"removing a stale temporary file: {file}");
                File.Delete(file);
            }
        }
    }

    /// <summary>
    /// Writes the set through a staging folder (see the class), two files at a time (the costliest first), each
    /// produced while it is written; returns the targets in the order given.
    /// </summary>
    public static IReadOnlyList<FileInfo> Write(string folder, IReadOnlyList<(string Target, (long Cost, Action<Stream> Write) Producer)> set, bool force, CancellationToken cancellation)
    {
        var staging = Path.Combine(folder, StagingPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        var journaled = false;
        try
        {
            ReportExporter.RunLargestFirst(set.Select((entry, i) => (entry.Producer.Cost, (Action)(() =>
            {
                cancellation.ThrowIfCancellationRequested();
                using var stream = new FileStream(Staged(staging, i), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
                entry.Producer.Write(stream);
                stream.Flush(flushToDisk: true);
            }))), maxParallel: 2);

            var journal = new StringBuilder();
            for (var i = 0; i < set.Count; i++)
            {
                journal.Append(i).Append('\t').Append(Path.GetRelativePath(folder, set[i].Target).Replace('\\', '/')).Append('\n');
            }

            cancellation.ThrowIfCancellationRequested();
            using (var stream = new FileStream(Path.Combine(staging, JournalName), FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(SafeFileWriter.Utf8.GetBytes(journal.ToString()));
                stream.Flush(flushToDisk: true);
            }

            // From here on the new set is complete on disk: the renames below (or the next run) put it in place.
            journaled = true;
            for (var i = 0; i < set.Count; i++)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(set[i].Target)!);
                File.Move(Staged(staging, i), set[i].Target, overwrite: force);
            }

            Directory.Delete(staging, recursive: true);
        }
        catch when (!journaled)
        {
            try { Directory.Delete(staging, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }

        return set.Select(s => new FileInfo(s.Target)).ToList();
    }

    private static string Staged(string staging, int index) => Path.Combine(staging, index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static IEnumerable<(string Index, string Target)> ReadJournal(string journal)
    {
        foreach (var line in File.ReadAllText(journal, Encoding.UTF8).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t');
            if (tab > 0 && line[..tab].All(char.IsAsciiDigit))
            {
                yield return (line[..tab], line[(tab + 1)..]);
            }
        }
    }

    [GeneratedRegex("^\\.bqx-audit-staging-[0-9a-f]{32}$")]
    private static partial Regex StagingName();

    /// <summary>SafeFileWriter's temporary names for report files, and the preflight's probe.</summary>
    [GeneratedRegex("^(\\..+\\.(md|html|json|sarif|xml)\\.[0-9a-f]{32}\\.tmp|\\.bqx-audit-probe-[0-9a-f]{32}\\.tmp)$")]
    private static partial Regex OurTemporary();
}
