using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using BqxAudit.Hosting;

namespace BqxAudit.Reporting;

/// <summary>
/// Puts a report set into its folder so that a reader can always tell a complete set from a mixed one, and an
/// interrupted export is finished by the next run:
/// <list type="number">
/// <item>every file is written in full (and flushed) into a fresh hidden staging folder beside the targets (same file
/// system), its SHA-256 taken as it is written; then the set's manifest and, last, the journal <c>READY</c>
/// (staged file → target, hash) are staged. A run killed before the journal leaves the folder as it was.</item>
/// <item>the commit: an interim manifest naming the staged copies replaces the folder's manifest for the report date
/// (one rename); every file is copied beside its staged copy and the copy renamed over its target; the staged
/// manifest, naming the targets, replaces the interim one (one rename); then the staging folder is removed.</item>
/// </list>
/// So at every instant the folder's manifest (<c>.bqx-audit-manifest-YYYYMMDD.sha256</c>, <c>sha256sum</c> format:
/// one <c>HASH  NAME</c> line per file) names a complete set that <c>sha256sum -c</c> passes: the old set before the
/// commit, the new one in the staging folder while the visible files are replaced, the new one in place after. The
/// journal left in the staging folder makes the next export to the folder (or the audit's preflight) finish the set
/// before anything else. Exports to one folder are serialised by a lock file the system releases when the process dies,
/// so a staging folder without its owner is stale.
/// </summary>
internal static partial class ReportStaging
{
    /// <summary>The manifest's name is this, the report date (<c>YYYYMMDD</c>), then <see cref="ManifestSuffix"/>.</summary>
    public const string ManifestPrefix = ".bqx-audit-manifest-";

    public const string ManifestSuffix = ".sha256";

    private const string LockName = ".bqx-audit.lock";
    private const string StagingPrefix = ".bqx-audit-staging-";
    private const string JournalName = "READY";
    private const string StagedManifestName = "MANIFEST";
    private const string InterimManifestName = "INTERIM";
    private const string JournalHeader = "bqx-audit-journal 2";

    /// <summary>The manifest's file name for a report date token (<c>YYYYMMDD</c>).</summary>
    public static string ManifestName(string dateToken) => ManifestPrefix + dateToken + ManifestSuffix;

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
    /// Under the lock: finishes a journaled set an interrupted export left (its commit again, after the staged files
    /// are checked against the journal's hashes), removes
    /// staging folders without a journal and stale temporary files of our naming (<c>.NAME.md.&lt;guid&gt;.tmp</c>, probes).
    /// </summary>
    public static void Recover(string folder, IAuditHost host)
    {
        foreach (var staging in Directory.EnumerateDirectories(folder, StagingPrefix + "*"))
        {
            if (!StagingName().IsMatch(Path.GetFileName(staging)))
            {
                continue;
            }

            var journalPath = Path.Combine(staging, JournalName);
            var journal = File.Exists(journalPath) ? Journal.Read(journalPath) : null;
            if (journal is not null && journal.Manifest is not null && !File.Exists(Path.Combine(staging, StagedManifestName)))
            {
                // The manifest was moved into place, the commit's last step: only the staging folder was left.
                host.WriteVerbose($"{folder}: removing the staging folder of a finished export ({Path.GetFileName(staging)})");
                Directory.Delete(staging, recursive: true);
            }
            else if (journal is not null)
            {
                var (moved, problem) = Commit(folder, staging, journal, recovering: true);
                host.WriteWarning(problem is null
                    ? $"{folder}: finished a report set an interrupted export had written completely ({moved} file{(moved == 1 ? "" : "s")} moved into place{(journal.Manifest is null ? "" : ", " + journal.Manifest + " written")})"
                    : $"{folder}: an interrupted export's report set could not be finished ({problem}); its manifest was not written, so the set is not complete — run the export again with force");
            }
            else
            {
                host.WriteVerbose($"{folder}: removing the staging folder of an interrupted export ({Path.GetFileName(staging)})");
                Directory.Delete(staging, recursive: true);
            }
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
    /// produced while it is written; <paramref name="manifestName"/> is the manifest put in place last (see
    /// <see cref="ManifestName"/>). Returns the targets in the order given.
    /// </summary>
    public static IReadOnlyList<FileInfo> Write(string folder, IReadOnlyList<(string Target, (long Cost, Action<Stream> Write) Producer)> set, string manifestName, bool force, CancellationToken cancellation)
    {
        var staging = Path.Combine(folder, StagingPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        FaultPoints.Reached("staging");
        var journaled = false;
        try
        {
            var hashes = new string[set.Count];
            var staged = 0;
            ReportExporter.RunLargestFirst(set.Select((entry, i) => (entry.Producer.Cost, (Action)(() =>
            {
                cancellation.ThrowIfCancellationRequested();
                using (var file = new FileStream(Staged(staging, i), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                using (var hashing = new HashingStream(file))
                {
                    entry.Producer.Write(hashing);
                    hashing.Flush();
                    file.Flush(flushToDisk: true);
                    hashes[i] = hashing.Hash();
                }

                FaultPoints.Reached("staged:" + Interlocked.Increment(ref staged).ToString(CultureInfo.InvariantCulture));
                BqxAudit.Hosting.StartupTrace.Mark($"report: staged {Path.GetFileName(entry.Target)}");
            }))), maxParallel: 2);

            var journal = new Journal(manifestName, force, set.Select((s, i) => new JournalEntry(i, hashes[i], Relative(folder, s.Target))).ToList());
            cancellation.ThrowIfCancellationRequested();
            WriteDurably(Path.Combine(staging, StagedManifestName), journal.ManifestText());
            WriteDurably(Path.Combine(staging, JournalName), journal.Text());
            FaultPoints.Reached("journal");

            // From here on the new set is complete on disk: the commit below (or the next run's) puts it in place.
            journaled = true;
            BqxAudit.Hosting.StartupTrace.Mark("report: journaled");
            Commit(folder, staging, journal, recovering: false);
            BqxAudit.Hosting.StartupTrace.Mark("report: committed");
        }
        catch when (!journaled)
        {
            try { Directory.Delete(staging, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }

        return set.Select(s => new FileInfo(s.Target)).ToList();
    }

    /// <summary>
    /// The commit of a journaled set, so that at every instant the folder's manifest names a complete set that
    /// <c>sha256sum -c</c> passes: first an interim manifest naming the staged copies (the new set, complete in the
    /// staging folder) replaces the folder's manifest in one rename; then each staged file is copied beside itself and
    /// the copy renamed over its target (the staged file stays, so the interim manifest keeps matching); then the
    /// staged manifest, naming the targets, replaces the interim one in one rename; last the staging folder is
    /// removed. Recovering, the staged files are first checked against the journal's hashes, and without force an
    /// existing target must already be the staged file: otherwise nothing is moved, an interim manifest in place is
    /// removed (it would name files about to go) and the problem is returned.
    /// </summary>
    private static (int Moved, string? Problem) Commit(string folder, string staging, Journal journal, bool recovering)
    {
        var manifest = journal.Manifest is null ? null : Path.Combine(folder, journal.Manifest);
        var interimText = journal.InterimManifestText(Relative(folder, staging));
        string? problem = null;
        if (recovering)
        {
            problem = journal.Entries.Where(e => e.Sha256 is not null && !HashMatches(Staged(staging, e.Index), e.Sha256))
                .Select(e => $"the staged copy of {e.Target} differs from what the export wrote")
                .Concat(journal.Force ? [] : journal.Entries.Where(e => File.Exists(ReportExporter.Target(folder, e.Target)) && (e.Sha256 is null || !HashMatches(ReportExporter.Target(folder, e.Target), e.Sha256)))
                    .Select(e => $"{e.Target} exists and the export was not forced to replace it"))
                .FirstOrDefault();
        }

        if (problem is not null)
        {
            if (manifest is not null && File.Exists(manifest) && File.ReadAllText(manifest, Encoding.UTF8) == interimText)
            {
                File.Delete(manifest);
            }

            Directory.Delete(staging, recursive: true);
            return (0, problem);
        }

        if (manifest is not null)
        {
            var interim = Path.Combine(staging, InterimManifestName);
            WriteDurably(interim, interimText, replace: true);
            File.Move(interim, manifest, overwrite: true);
        }

        FaultPoints.Reached("interim");
        var moved = 0;
        foreach (var entry in journal.Entries)
        {
            var staged = Staged(staging, entry.Index);
            var target = ReportExporter.Target(folder, entry.Target);
            if (!File.Exists(staged))
            {
                continue; // a first-version journal's commit moved it already
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var copy = staged + ".place";
            File.Copy(staged, copy, overwrite: true);
            File.Move(copy, target, overwrite: journal.Force || recovering);
            moved++;
            FaultPoints.Reached("renamed:" + moved.ToString(CultureInfo.InvariantCulture));
        }

        var stagedManifest = Path.Combine(staging, StagedManifestName);
        if (manifest is not null && File.Exists(stagedManifest))
        {
            File.Move(stagedManifest, manifest, overwrite: true);
            FaultPoints.Reached("manifest");
        }

        Directory.Delete(staging, recursive: true);
        FaultPoints.Reached("done");
        return (moved, null);
    }

    private static bool HashMatches(string path, string sha256)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant() == sha256;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void WriteDurably(string path, string text, bool replace = false)
    {
        using var stream = new FileStream(path, replace ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.None);
        stream.Write(SafeFileWriter.Utf8.GetBytes(text));
        stream.Flush(flushToDisk: true);
    }

    private static string Relative(string folder, string target) => Path.GetRelativePath(folder, target).Replace('\\', '/');

    private static string Staged(string staging, int index) => Path.Combine(staging, index.ToString(CultureInfo.InvariantCulture));

    [GeneratedRegex("^\\.bqx-audit-staging-[0-9a-f]{32}$")]
    private static partial Regex StagingName();

    /// <summary>SafeFileWriter's temporary names for report files, and the preflight's probe.</summary>
    [GeneratedRegex("^(\\..+\\.(md|html|json|sarif|xml)\\.[0-9a-f]{32}\\.tmp|\\.bqx-audit-probe-[0-9a-f]{32}\\.tmp)$")]
    private static partial Regex OurTemporary();

    private sealed record JournalEntry(int Index, string? Sha256, string Target);

    /// <summary>
    /// The staged set: the manifest's name, whether the export replaces existing files, and per file its staged
    /// index, SHA-256 and target. Written as a header line, <c>manifest</c> and <c>force</c> lines, then one
    /// <c>INDEX TAB SHA256 TAB TARGET</c> line per file; a journal of the first version (<c>INDEX TAB TARGET</c>
    /// lines only) is still read (no manifest is written for it).
    /// </summary>
    private sealed record Journal(string? Manifest, bool Force, IReadOnlyList<JournalEntry> Entries)
    {
        public string Text()
        {
            var text = new StringBuilder(JournalHeader).Append('\n');
            text.Append("manifest\t").Append(Manifest).Append('\n');
            text.Append("force\t").Append(Force ? "true" : "false").Append('\n');
            foreach (var e in Entries)
            {
                text.Append(e.Index.ToString(CultureInfo.InvariantCulture)).Append('\t').Append(e.Sha256).Append('\t').Append(e.Target).Append('\n');
            }

            return text.ToString();
        }

        /// <summary>The manifest in <c>sha256sum</c> format, by name (names with a backslash or a newline escaped the way GNU sha256sum does).</summary>
        public string ManifestText() => Lines(Entries.Select(e => (e.Sha256, e.Target)));

        /// <summary>The interim manifest: the same hashes, naming the staged copies in <paramref name="staging"/> (relative to the folder).</summary>
        public string InterimManifestText(string staging) =>
            Lines(Entries.Select(e => (e.Sha256, staging + "/" + e.Index.ToString(CultureInfo.InvariantCulture))));

        private static string Lines(IEnumerable<(string? Sha256, string Name)> files)
        {
            var text = new StringBuilder();
            foreach (var (sha256, name) in files.OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                var escaped = name.Contains('\\') || name.Contains('\n');
                text.Append(escaped ? "\\" : "").Append(sha256).Append("  ")
                    .Append(escaped ? name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) : name).Append('\n');
            }

            return text.ToString();
        }

        public static Journal Read(string path)
        {
            string? manifest = null;
            var force = true; // a first-version journal: its export had already checked the targets
            var entries = new List<JournalEntry>();
            foreach (var line in File.ReadAllText(path, Encoding.UTF8).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var fields = line.Split('\t');
                if (fields is ["manifest", var name] && ManifestFile().IsMatch(name))
                {
                    manifest = name;
                }
                else if (fields is ["force", var value])
                {
                    force = value == "true";
                }
                else if (fields.Length is 2 or 3 && int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    var sha = fields.Length == 3 && Sha256Hex().IsMatch(fields[1]) ? fields[1] : null;
                    entries.Add(new JournalEntry(index, sha, fields[^1]));
                }
            }

            return new Journal(manifest, force, entries);
        }
    }

    [GeneratedRegex("^\\.bqx-audit-manifest-[0-9]{8}\\.sha256$")]
    private static partial Regex ManifestFile();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();

    /// <summary>Passes writes through to a stream and takes their SHA-256 on the way.</summary>
    private sealed class HashingStream : Stream
    {
        private readonly Stream inner;
        private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public HashingStream(Stream inner) => this.inner = inner;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public string Hash() => Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }

        public override void WriteByte(byte value) => Write(new[] { value });

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>
/// Test-only crash points of the report export. When the environment variable <c>BQXAUDIT_TEST_KILL_AT</c> names a
/// step boundary (<c>staging</c>, <c>staged:K</c>, <c>journal</c>, <c>interim</c>, <c>renamed:K</c>, <c>manifest</c>,
/// <c>done</c>; see <see cref="ReportStaging"/>), the process sends itself SIGKILL when it reaches it: nothing after it
/// runs (no finally, no flush), as in a real crash. Unset — always, outside the step-boundary tests of
/// tests/hostile/README.md — every call is one comparison with null.
/// </summary>
internal static class FaultPoints
{
    public const string Variable = "BQXAUDIT_TEST_KILL_AT";

    private static readonly string? Armed = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } step ? step : null;

    public static void Reached(string step)
    {
        if (Armed is not null && string.Equals(Armed, step, StringComparison.Ordinal))
        {
            using var self = Process.GetCurrentProcess();
            self.Kill();
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
