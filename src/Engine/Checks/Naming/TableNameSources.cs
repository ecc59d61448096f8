using System.Text;
using System.Text.Json;
using BqxAudit.Configuration;
using BqxAudit.Hosting;

namespace BqxAudit.Checks.Naming;

/// <summary>
/// Where table names come from: arguments, a file, the profile's offline listings, and later a live
/// BigQuery listing. A source reports each bad input through <see cref="IAuditHost.WriteError"/> (the run
/// goes on) and yields the good names, each once, with how often it was listed.
/// </summary>
public interface ITableNameSource
{
    /// <summary>What the names come from, for messages: a path, <c>argument</c>, <c>bigquery:project.dataset</c>.</summary>
    string Name { get; }

    IEnumerable<TableNameEntry> Read(IAuditHost host);
}

/// <summary>Builds table-name sources from strings, files (plain list, CSV, <c>bq ls</c> JSON) and profiles.</summary>
public static class TableNameSources
{
    /// <summary>Names given directly (arguments, pipeline input), plain or qualified.</summary>
    public static ITableNameSource FromNames(IEnumerable<string> names, string source = "argument", string? dataset = null, string? project = null) =>
        new NamesSource(names, source, dataset, project);

    /// <summary>
    /// A file of table names, its format detected: JSON (<c>.json</c>, or text starting with '[' — the array
    /// <c>bq ls --format=json</c> prints), CSV (<c>.csv</c>, or a first line with a comma; a header row naming the
    /// name column), <c>bq ls</c>'s table output, else one name per line ('#' starts a comment line).
    /// Names without a dataset or project get <paramref name="dataset"/> and <paramref name="project"/>.
    /// </summary>
    /// <param name="displayPath">How the file is named in Source and messages (default: <paramref name="path"/>).</param>
    public static ITableNameSource FromFile(string path, string? dataset = null, string? project = null, string? displayPath = null) =>
        new FileSource(path, displayPath ?? path, dataset, project);

    /// <summary>
    /// One source per dataset of the profile that has a <c>tableListFile</c>, resolved against the profile's
    /// folder, or <paramref name="root"/> (the audited root) for embedded profiles.
    /// </summary>
    public static IReadOnlyList<ITableNameSource> FromProfile(AuditProfile profile, string root) =>
        profile.Datasets
            .Where(d => !string.IsNullOrWhiteSpace(d.TableListFile))
            .Select(d => (ITableNameSource)new FileSource(
                Path.GetFullPath(Path.Combine(profile.BaseDirectory ?? root, d.TableListFile!)), d.TableListFile!, d.Name, profile.Gcp.Project)
            {
                ProfileDataset = d.Name,
                // A profile inside the audited root (its bqxaudit.yaml) is repository content: its files stay in the root.
                ConfineTo = profile.BaseDirectory is null || Inventory.SafeFile.IsUnder(Path.GetFullPath(profile.BaseDirectory), Path.GetFullPath(root)) ? Path.GetFullPath(root) : null,
            })
            .ToArray();

    /// <summary>The names of every source in turn.</summary>
    public static IEnumerable<TableNameEntry> ReadAll(IEnumerable<ITableNameSource> sources, IAuditHost host) =>
        sources.SelectMany(s => s.Read(host));

    /// <summary>Folds repeats into one entry with a count and reports each repeated name once.</summary>
    private sealed class Collector
    {
        private readonly string sourceName;
        private readonly bool items;
        private readonly List<TableNameEntry> entries = new();
        private readonly List<List<int>> places = new();
        private readonly Dictionary<(string?, string?, string), int> index = new();

        /// <param name="items">Places are item numbers of a list of names (else line numbers of a file).</param>
        public Collector(string sourceName, bool items)
        {
            this.sourceName = sourceName;
            this.items = items;
        }

        public void Add(TableNameEntry entry, int place)
        {
            var key = (entry.Project, entry.Dataset, entry.TableName);
            if (index.TryGetValue(key, out var i))
            {
                places[i].Add(place);
                return;
            }

            index[key] = entries.Count;
            entries.Add(entry);
            places.Add(new List<int>(1) { place });
        }

        public string Target(int place) => items ? $"{sourceName}[{place}]" : $"{sourceName}:{place}";

        public IReadOnlyList<TableNameEntry> Finish(IAuditHost host)
        {
            var result = new TableNameEntry[entries.Count];
            for (var i = 0; i < entries.Count; i++)
            {
                var count = places[i].Count;
                if (count == 1)
                {
                    result[i] = entries[i];
                    continue;
                }

                var shown = string.Join(", ", places[i].Take(10)) + (count > 10 ? ", …" : "");
                host.WriteError(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidData,
                    $"'{TableNameEntry.Shorten(entries[i].ToString())}' is listed {count} times ({(items ? "items" : "lines")} {shown}); it is classified once, with Count {count}",
                    Target(places[i][1])));
                result[i] = entries[i].With(count);
            }

            return result;
        }
    }

    private sealed class NamesSource : ITableNameSource
    {
        private readonly IEnumerable<string> names;
        private readonly string? dataset;
        private readonly string? project;

        public NamesSource(IEnumerable<string> names, string name, string? dataset, string? project)
        {
            this.names = names;
            Name = name;
            this.dataset = dataset;
            this.project = project;
        }

        public string Name { get; }

        public IEnumerable<TableNameEntry> Read(IAuditHost host)
        {
            var collector = new Collector(Name, items: true);
            var i = 0;
            foreach (var text in names)
            {
                i++;
                var entry = TableNameEntry.TryParse(text ?? "", Name, out var problem);
                if (entry is null)
                {
                    host.WriteError(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidArgument, $"item {i}: {problem}", collector.Target(i)));
                    continue;
                }

                collector.Add(entry.WithDefaults(dataset, project), i);
            }

            return collector.Finish(host);
        }
    }

    private sealed class FileSource : ITableNameSource
    {
        private static readonly string[] NameColumns = { "table_name", "tablename", "table_id", "tableid", "table", "name" };
        private static readonly string[] DatasetColumns = { "dataset", "dataset_id", "datasetid", "table_schema" };
        private static readonly string[] ProjectColumns = { "project", "project_id", "projectid", "table_catalog" };
        private static readonly string[] TypeColumns = { "type", "table_type" };

        private readonly string path;
        private readonly string? dataset;
        private readonly string? project;

        public FileSource(string path, string name, string? dataset, string? project)
        {
            this.path = path;
            Name = name;
            this.dataset = dataset;
            this.project = project;
        }

        public string Name { get; }

        /// <summary>Set when the file is a dataset's tableListFile in the profile (for messages).</summary>
        public string? ProfileDataset { get; init; }

        /// <summary>The folder the file must stay in (symbolic links resolved), or null for a file the user named.</summary>
        public string? ConfineTo { get; init; }

        public IEnumerable<TableNameEntry> Read(IAuditHost host)
        {
            string text;
            try
            {
                // Only a regular file under the cap: a FIFO or /dev/zero named tables.txt is never opened.
                text = Inventory.TextDecoding.Decode(Inventory.SafeFile.ReadAllBytes(path, ConfineTo, Inventory.SafeFile.DefaultMaxBytes), out _);
            }
            catch (Inventory.FileRefusedException e)
            {
                var what = ProfileDataset is null ? "table file" : $"tableListFile of dataset '{ProfileDataset}'";
                host.WriteError(new BqxError(ErrorIds.FileUnreadable, BqxErrorCategory.ReadError, $"{what} {e.Refusal.Message}", Name));
                return Array.Empty<TableNameEntry>();
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                var what = ProfileDataset is null ? "table file" : $"tableListFile of dataset '{ProfileDataset}'";
                host.WriteError(new BqxError(ErrorIds.PathNotFound, BqxErrorCategory.ObjectNotFound, $"{what} not found: {path}", Name));
                return Array.Empty<TableNameEntry>();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                host.WriteError(new BqxError(ErrorIds.FileUnreadable, BqxErrorCategory.ReadError, $"cannot read {path}: {e.Message}", Name));
                return Array.Empty<TableNameEntry>();
            }

            var collector = new Collector(Name, items: false);
            var extension = Path.GetExtension(path).ToLowerInvariant();
            var firstLine = FirstNonBlankLine(text);
            if (extension == ".json" || firstLine.StartsWith('[') || firstLine.StartsWith('{'))
            {
                ReadJson(text, collector, host);
            }
            else if (extension == ".csv" || firstLine.Contains(','))
            {
                ReadCsv(text, collector, host);
            }
            else if (firstLine.StartsWith("tableId", StringComparison.Ordinal))
            {
                ReadBqTable(text, collector, host);
            }
            else
            {
                ReadLines(text, collector, host);
            }

            return collector.Finish(host);
        }

        private void Add(Collector collector, IAuditHost host, string value, int line, string? type = null, string? rowDataset = null, string? rowProject = null)
        {
            var entry = TableNameEntry.TryParse(value, $"{Name}:{line}", out var problem, NormaliseType(type));
            if (entry is null)
            {
                host.WriteError(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidData, $"line {line}: {problem}", $"{Name}:{line}"));
                return;
            }

            collector.Add(entry.WithDefaults(Blank(rowDataset) ?? dataset, Blank(rowProject) ?? project), line);
        }

        private void ReadLines(string text, Collector collector, IAuditHost host)
        {
            var line = 0;
            foreach (var raw in Lines(text))
            {
                line++;
                var trimmed = raw.Trim();
                if (trimmed.StartsWith('#'))
                {
                    continue;
                }

                if (trimmed.Length == 0)
                {
                    host.WriteError(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidData,
                        raw.Length == 0 ? $"line {line} is empty; skipped" : $"line {line} holds only whitespace; skipped", $"{Name}:{line}"));
                    continue;
                }

                Add(collector, host, trimmed, line);
            }
        }

        /// <summary><c>bq ls</c>'s default output: a header row (tableId, Type, …), a dashed rule, then one table per row.</summary>
        private void ReadBqTable(string text, Collector collector, IAuditHost host)
        {
            var line = 0;
            foreach (var raw in Lines(text))
            {
                line++;
                var trimmed = raw.Trim();
                if (trimmed.Length == 0 || trimmed.StartsWith("tableId", StringComparison.Ordinal) || trimmed.TrimStart('-', ' ').Length == 0)
                {
                    continue;
                }

                var fields = trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                Add(collector, host, fields[0], line, fields.Length > 1 ? fields[1] : null);
            }
        }

        private void ReadCsv(string text, Collector collector, IAuditHost host)
        {
            using var rows = Csv.Parse(text).GetEnumerator();
            if (!rows.MoveNext())
            {
                host.WriteError(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidData, "the CSV file is empty", $"{Name}:1"));
                return;
            }

            var header = rows.Current.Fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
            var nameColumn = Column(header, NameColumns);
            if (nameColumn < 0)
            {
                host.WriteError(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidData,
                    $"the CSV header has no table-name column (one of {string.Join(", ", NameColumns)}); it has: {string.Join(", ", rows.Current.Fields)}. No names were read from this file",
                    $"{Name}:{rows.Current.Line}"));
                return;
            }

            var datasetColumn = Column(header, DatasetColumns);
            var projectColumn = Column(header, ProjectColumns);
            var typeColumn = Column(header, TypeColumns);
            while (rows.MoveNext())
            {
                var row = rows.Current;
                if (row.Fields.Count == 1 && row.Fields[0].Length == 0)
                {
                    host.WriteError(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidData, $"line {row.Line} is empty; skipped", $"{Name}:{row.Line}"));
                    continue;
                }

                if (row.Error is { } error)
                {
                    host.WriteError(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidData, $"line {row.Line}: {error}", $"{Name}:{row.Line}"));
                    continue;
                }

                if (nameColumn >= row.Fields.Count)
                {
                    host.WriteError(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidData,
                        $"line {row.Line} has {row.Fields.Count} fields; the name is field {nameColumn + 1}", $"{Name}:{row.Line}"));
                    continue;
                }

                Add(collector, host, row.Fields[nameColumn], row.Line,
                    Field(row, typeColumn), Field(row, datasetColumn), Field(row, projectColumn));
            }
        }

        private void ReadJson(string text, Collector collector, IAuditHost host)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var lines = new LineCounter(bytes);
            try
            {
                if (!reader.Read())
                {
                    host.WriteError(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidData, "the JSON file is empty", $"{Name}:1"));
                    return;
                }

                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    var at = lines.LineOf(reader.TokenStartIndex);
                    host.WriteError(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidData,
                        $"line {at}: expected a JSON array of tables (as bq ls --format=json prints), found {Describe(reader.TokenType)}", $"{Name}:{at}"));
                    return;
                }

                var element = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    element++;
                    var line = lines.LineOf(reader.TokenStartIndex);
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.String:
                            Add(collector, host, reader.GetString() ?? "", line);
                            break;
                        case JsonTokenType.StartObject:
                            using (var doc = JsonDocument.ParseValue(ref reader))
                            {
                                FromObject(doc.RootElement, element, line, collector, host);
                            }

                            break;
                        default:
                            host.WriteError(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidData,
                                $"line {line}: element {element} is {Describe(reader.TokenType)}, not a table object", $"{Name}:{line}"));
                            reader.Skip();
                            break;
                    }
                }
            }
            catch (JsonException e)
            {
                var line = (e.LineNumber ?? 0) + 1;
                var column = (e.BytePositionInLine ?? 0) + 1;
                host.WriteError(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidData,
                    $"malformed JSON at line {line}, column {column}: {FirstSentence(e.Message)}; names after this point were not read", $"{Name}:{line}"));
            }
        }

        private void FromObject(JsonElement table, int element, int line, Collector collector, IAuditHost host)
        {
            var type = String(table, "type");
            if (table.TryGetProperty("tableReference", out var reference) && reference.ValueKind == JsonValueKind.Object &&
                String(reference, "tableId") is { } tableId)
            {
                var datasetId = String(reference, "datasetId");
                var projectId = String(reference, "projectId");
                Add(collector, host, tableId, line, type, datasetId, projectId);
                return;
            }

            if (String(table, "id") is { } id)
            {
                Add(collector, host, id, line, type);
                return;
            }

            host.WriteError(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidData,
                $"line {line}: element {element} has neither tableReference.tableId nor id", $"{Name}:{line}"));
        }

        private static string? String(JsonElement o, string property) =>
            o.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        private static string Describe(JsonTokenType t) => t switch
        {
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "an array",
            JsonTokenType.String => "a string",
            JsonTokenType.Number => "a number",
            JsonTokenType.True or JsonTokenType.False => "a boolean",
            JsonTokenType.Null => "null",
            _ => t.ToString(),
        };

        private static string FirstSentence(string message)
        {
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            return (cut > 0 ? message[..cut] : message).TrimEnd(' ', '.');
        }

        private static int Column(List<string> header, string[] names)
        {
            foreach (var n in names)
            {
                var i = header.IndexOf(n);
                if (i >= 0)
                {
                    return i;
                }
            }

            return -1;
        }

        private static string? Field(Csv.Row row, int column) => column >= 0 && column < row.Fields.Count ? row.Fields[column] : null;

        private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

        /// <summary>Table types as <c>bq ls</c> spells them; INFORMATION_SCHEMA's "BASE TABLE" is a TABLE.</summary>
        private static string? NormaliseType(string? type)
        {
            if (string.IsNullOrWhiteSpace(type))
            {
                return null;
            }

            var t = type.Trim().ToUpperInvariant().Replace(' ', '_');
            return t == "BASE_TABLE" ? "TABLE" : t;
        }

        /// <summary>The first line that is neither blank nor a '#' comment: what decides the file's format.</summary>
        private static string FirstNonBlankLine(string text)
        {
            foreach (var line in Lines(text))
            {
                if (line.Trim().Length > 0 && !line.TrimStart().StartsWith('#'))
                {
                    return line.Trim();
                }
            }

            return "";
        }

        /// <summary>Lines split at \n, \r\n or \r; a final line break does not start another line.</summary>
        private static IEnumerable<string> Lines(string text)
        {
            using var reader = new StringReader(text);
            while (reader.ReadLine() is { } line)
            {
                yield return line;
            }
        }
    }

    /// <summary>Counts lines up to a byte offset, moving forward only.</summary>
    private sealed class LineCounter
    {
        private readonly byte[] bytes;
        private long position;
        private int line = 1;

        public LineCounter(byte[] bytes) => this.bytes = bytes;

        public int LineOf(long offset)
        {
            for (; position < offset && position < bytes.Length; position++)
            {
                if (bytes[position] == (byte)'\n')
                {
                    line++;
                }
            }

            return line;
        }
    }
}

/// <summary>RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks.</summary>
internal static class Csv
{
    public sealed record Row(int Line, IReadOnlyList<string> Fields, string? Error);

    public static IEnumerable<Row> Parse(string text)
    {
        var i = 0;
        var line = 1;
        while (i < text.Length)
        {
            var rowLine = line;
            var fields = new List<string>();
            var field = new StringBuilder();
            string? error = null;
            var quoted = false;
            var wasQuoted = false;
            while (i < text.Length)
            {
                var c = text[i];
                if (quoted)
                {
                    if (c == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        quoted = false;
                        i++;
                        continue;
                    }

                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                    i++;
                    continue;
                }

                if (c == '"' && field.Length == 0 && !wasQuoted)
                {
                    quoted = wasQuoted = true;
                    i++;
                    continue;
                }

                if (c == ',')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                    wasQuoted = false;
                    i++;
                    continue;
                }

                if (c is '\r' or '\n')
                {
                    i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                    line++;
                    break;
                }

                if (wasQuoted)
                {
                    error ??= "text after a closing quote";
                }

                field.Append(c);
                i++;
            }

            if (quoted)
            {
                error = "a quoted field is not closed";
            }

            fields.Add(field.ToString());
            yield return new Row(rowLine, fields, error);
        }
    }
}
