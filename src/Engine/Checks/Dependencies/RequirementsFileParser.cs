using System.Text.RegularExpressions;

namespace BqxAudit.Checks.Dependencies;

/// <summary>
/// Reads pip requirements files the way pip does: <c>\</c> continuations are joined first, then
/// comments (<c>#</c> at the start or after whitespace) are removed. A line is either options or a
/// requirement followed by per-requirement options:
/// <list type="bullet">
/// <item><c>-r</c>/<c>--requirement</c> and <c>-c</c>/<c>--constraint</c> include a file resolved relative to
/// the including file (a cycle or a missing target is a diagnostic at the including line; a
/// remote include is not followed); a <c>-r</c> include keeps the source kind of the including file (what a constraints file includes is a constraint too);</item>
/// <item><c>-e</c>/<c>--editable</c> marks the requirement editable;</item>
/// <item><c>--hash</c> values are kept; <c>--global-option</c>/<c>--config-settings</c> are ignored;</item>
/// <item>index and install options (<c>-i</c>, <c>--index-url</c>, <c>--extra-index-url</c>, <c>-f</c>,
/// <c>--find-links</c>, <c>--no-index</c>, <c>--pre</c>, <c>--trusted-host</c>, <c>--only-binary</c>,
/// <c>--no-binary</c>, <c>--prefer-binary</c>, <c>--require-hashes</c>, <c>--use-feature</c>) are ignored;</item>
/// <item>URL, VCS, archive and path requirements take their name from <c>#egg=</c> or the archive
/// file name; without one they are reported (<see cref="DependencyDiagnosticCode.NameUnknown"/>) and skipped;</item>
/// <item><c>${VAR}</c> (and <c>$VAR</c>) references are not expanded: kept in the text, and a specifier
/// that uses one is kept unparsed (<see cref="DeclaredRequirement.SpecifierSet"/> null).</item>
/// </list>
/// Invalid UTF-8 is a diagnostic; the text is decoded with U+FFFD and still parsed. A malformed
/// line is a diagnostic at file:line; the rest of the file is parsed.
/// </summary>
public sealed partial class RequirementsFileParser
{
    private static readonly string[] ValueOptions = { "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--no-binary", "--only-binary", "--trusted-host", "--use-feature" };
    private static readonly string[] FlagOptions = { "--no-index", "--prefer-binary", "--require-hashes", "--pre" };
    private static readonly string[] ArchiveExtensions = { ".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar.lz", ".tlz", ".tar", ".zip" };

    private readonly string root;
    private readonly Func<string, byte[]> read;

    /// <param name="root">The audited root: reported paths are relative to it.</param>
    /// <param name="readAllBytes">File access (tests inject failures); defaults to the file system.</param>
    public RequirementsFileParser(string root, Func<string, byte[]>? readAllBytes = null)
    {
        this.root = Path.GetFullPath(root);
        var realRoot = Inventory.SafeFile.RealPath(this.root) ?? this.root;
        read = readAllBytes ?? (path => Inventory.SafeFile.ReadAllBytes(path, this.root, Inventory.SafeFile.ManifestMaxBytes, realRoot));
    }

    /// <summary>Physical lines read from one file at most; a longer one is cut there with a diagnostic (no real requirements file comes close).</summary>
    public const int MaxLinesPerFile = 100_000;

    /// <summary>Entries (requirement and option lines) read from one file at most: a locked environment of a few hundred packages needs far fewer.</summary>
    public const int MaxEntriesPerFile = 2_000;

    /// <summary>Files one top-level file may pull in through includes, at most.</summary>
    public const int MaxIncludedFiles = 200;

    /// <summary>Parses a requirements file (root-relative) and everything it includes.</summary>
    public ManifestResult Parse(string relativePath, RequirementSource source = RequirementSource.Requirements)
    {
        var state = new State();
        var full = Path.GetFullPath(Path.Combine(root, relativePath));
        ParseFile(full, source, state, new List<string> { full }, includeSite: null);
        return state.ToResult();
    }

    /// <summary>Parses <paramref name="text"/> as if it were the file <paramref name="relativePath"/> (includes resolve from its folder).</summary>
    public ManifestResult ParseText(string text, string relativePath, RequirementSource source = RequirementSource.Requirements)
    {
        var state = new State();
        var full = Path.GetFullPath(Path.Combine(root, relativePath));
        state.FilesRead.Add(ManifestFiles.Relative(root, full));
        ParseLines(ManifestFiles.Lines(text), full, source, state, new List<string> { full });
        return state.ToResult();
    }

    /// <summary>
    /// Parses single lines that came from elsewhere (the <c>- pip:</c> list of an environment.yml)
    /// as requirements-file lines of <paramref name="fullPath"/>, with their own line numbers.
    /// </summary>
    internal void ParseEntries(IEnumerable<(int Line, string Text)> entries, string fullPath, RequirementSource source, State state)
    {
        var stack = new List<string> { fullPath };
        foreach (var (line, text) in entries)
        {
            ParseLogicalLine(line, text, fullPath, source, state, stack);
        }
    }

    private void ParseFile(string fullPath, RequirementSource source, State state, List<string> stack, (string File, int Line, string Option, string Target)? includeSite)
    {
        var display = ManifestFiles.Relative(root, fullPath);
        byte[] bytes;
        try
        {
            bytes = read(fullPath);
        }
        catch (Exception e) when (includeSite is { } site && e is FileNotFoundException or DirectoryNotFoundException)
        {
            state.Diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.IncludeMissing, site.File, site.Line,
                $"'{site.Option} {site.Target}': {display} does not exist"));
            return;
        }
        catch (Inventory.FileRefusedException e)
        {
            state.Diagnostics.Add(includeSite is { } site
                ? new DependencyDiagnostic(DependencyDiagnosticCode.FileUnreadable, site.File, site.Line, $"'{site.Option} {ManifestFiles.Quote(site.Target)}': {e.Refusal.Message}")
                : new DependencyDiagnostic(DependencyDiagnosticCode.FileUnreadable, display, 0, e.Refusal.Message));
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            state.Diagnostics.Add(includeSite is { } site
                ? new DependencyDiagnostic(DependencyDiagnosticCode.FileUnreadable, site.File, site.Line, $"'{site.Option} {ManifestFiles.Quote(site.Target)}': cannot read {display}: {e.Message}")
                : new DependencyDiagnostic(DependencyDiagnosticCode.FileUnreadable, display, 0, $"cannot read the file: {e.Message}"));
            return;
        }

        state.FilesRead.Add(display);
        var text = ManifestFiles.ReadText(_ => bytes, fullPath, display, state.Diagnostics)!;
        ParseLines(ManifestFiles.Lines(text), fullPath, source, state, stack);
    }

    private void ParseLines(IEnumerable<(int Line, string Text)> physical, string fullPath, RequirementSource source, State state, List<string> stack)
    {
        var entries = 0;
        foreach (var (line, text) in JoinContinuations(physical))
        {
            var entry = !string.IsNullOrWhiteSpace(text) && !StartsWithComment().IsMatch(text);
            if (line > MaxLinesPerFile || (entry && ++entries > MaxEntriesPerFile))
            {
                state.Diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.FileUnreadable, ManifestFiles.Relative(root, fullPath), line,
                    line > MaxLinesPerFile
                        ? $"more than {MaxLinesPerFile.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} lines: the rest of the file is not read"
                        : $"more than {MaxEntriesPerFile.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} requirement lines: the rest of the file is not read"));
                return;
            }

            ParseLogicalLine(line, text, fullPath, source, state, stack);
        }
    }

    /// <summary>pip's join_lines: a line ending in <c>\</c> continues on the next; a comment line never continues.</summary>
    private static IEnumerable<(int Line, string Text)> JoinContinuations(IEnumerable<(int Line, string Text)> lines)
    {
        var first = 0;
        var pending = new List<string>();
        foreach (var (n, raw) in lines)
        {
            var isComment = StartsWithComment().IsMatch(raw);
            if (!raw.EndsWith('\\') || isComment)
            {
                var line = isComment ? " " + raw : raw;
                if (pending.Count > 0)
                {
                    pending.Add(line);
                    yield return (first, string.Concat(pending));
                    pending.Clear();
                }
                else
                {
                    yield return (n, line);
                }
            }
            else
            {
                if (pending.Count == 0)
                {
                    first = n;
                }

                pending.Add(raw.TrimEnd('\\'));
            }
        }

        if (pending.Count > 0)
        {
            yield return (first, string.Concat(pending));
        }
    }

    private void ParseLogicalLine(int line, string raw, string fullPath, RequirementSource source, State state, List<string> stack)
    {
        var file = ManifestFiles.Relative(root, fullPath);
        var text = Comment().Replace(raw, string.Empty).Trim();
        if (text.Length == 0)
        {
            return;
        }

        if (text.StartsWith('-'))
        {
            ParseOptionLine(line, raw, text, fullPath, file, source, state, stack);
            return;
        }

        // pip's break_args_options: the requirement ends at the first token that starts with '-'.
        var optionsAt = FirstOptionToken().Match(text);
        var requirement = optionsAt.Success ? text[..optionsAt.Index].TrimEnd() : text;
        var options = optionsAt.Success ? text[(optionsAt.Index + 1)..] : string.Empty;
        var hashes = ParseRequirementOptions(options, file, line, state);
        AddRequirement(requirement, line, file, source, state, editable: false, hashes, columnOffset: raw.Length - raw.TrimStart().Length);
    }

    private void ParseOptionLine(int line, string raw, string text, string fullPath, string file, RequirementSource source, State state, List<string> stack)
    {
        var tokens = Tokenize(text);
        var first = tokens[0];
        string option;
        string? value = null;
        if (first.StartsWith("--", StringComparison.Ordinal))
        {
            var eq = first.IndexOf('=');
            option = eq < 0 ? first : first[..eq];
            if (eq >= 0)
            {
                value = first[(eq + 1)..];
            }
        }
        else
        {
            option = first.Length >= 2 ? first[..2] : first;
            if (first.Length > 2)
            {
                value = first[2..].TrimStart('=');
            }
        }

        var needsValue = option is "-r" or "--requirement" or "-c" or "--constraint" or "-e" or "--editable" || ValueOptions.Contains(option);
        if (needsValue && value is null && tokens.Count > 1)
        {
            value = tokens[1];
        }

        if (needsValue && string.IsNullOrWhiteSpace(value))
        {
            state.Diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.RequirementInvalid, file, line, $"'{ManifestFiles.Quote(option)}' needs a value"));
            return;
        }

        switch (option)
        {
            case "-r" or "--requirement":
                Include(option, value!, line, fullPath, file, source, state, stack);
                return;
            case "-c" or "--constraint":
                Include(option, value!, line, fullPath, file, RequirementSource.Constraints, state, stack);
                return;
            case "-e" or "--editable":
            {
                // The editable target is the rest of the line (it may carry extras or options).
                var firstEnd = text.IndexOfAny(new[] { ' ', '\t' });
                var remainder = firstEnd < 0 ? string.Empty : text[firstEnd..].Trim();
                var attached = first.Length > option.Length ? first[option.Length..].TrimStart('=') : null;
                var rest = attached is null ? remainder : (attached + " " + remainder).Trim();
                var optionsAt = FirstOptionToken().Match(rest);
                var target = optionsAt.Success ? rest[..optionsAt.Index].TrimEnd() : rest;
                var hashes = ParseRequirementOptions(optionsAt.Success ? rest[(optionsAt.Index + 1)..] : string.Empty, file, line, state);
                AddRequirement(target, line, file, source, state, editable: true, hashes, columnOffset: Math.Max(0, raw.IndexOf(target, StringComparison.Ordinal)));
                return;
            }
        }

        if (ValueOptions.Contains(option) || FlagOptions.Contains(option))
        {
            return; // index and install options: not about what is required
        }

        var hint = option is "--hash" or "--global-option" or "--config-settings" ? $"'{option}' must follow a requirement on the same line" : $"'{ManifestFiles.Quote(option)}' is not a requirements-file option";
        state.Diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.UnknownOption, file, line, hint + "; line ignored", Severity: DependencyDiagnosticSeverity.Warning));
    }

    private void Include(string option, string target, int line, string fullPath, string file, RequirementSource source, State state, List<string> stack)
    {
        if (RemoteUrl().IsMatch(target))
        {
            state.Diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.NotFollowed, file, line,
                $"'{option} {ManifestFiles.Quote(target)}': remote requirement files are not fetched", Severity: DependencyDiagnosticSeverity.Warning));
            return;
        }

        string targetFull;
        try
        {
            var local = target.StartsWith("file:", StringComparison.OrdinalIgnoreCase) ? new Uri(target).LocalPath : target;
            targetFull = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(fullPath)!, local));
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or NotSupportedException or PathTooLongException)
        {
            state.Diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.IncludeMissing, file, line, $"'{option} {ManifestFiles.Quote(target)}' is not a usable path"));
            return;
        }

        if (!Inventory.SafeFile.IsUnder(targetFull, root))
        {
            // Never read: /etc/passwd, /proc/self/environ or ../../x would echo another machine's data.
            state.Diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.NotFollowed, file, line,
                $"'{option} {ManifestFiles.Quote(target)}' leads outside the audited root; not read"));
            return;
        }

        if (++state.Includes > MaxIncludedFiles)
        {
            state.Diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.NotFollowed, file, line,
                $"'{option} {ManifestFiles.Quote(target)}': more than {MaxIncludedFiles} included files; not read"));
            return;
        }

        var at = stack.IndexOf(targetFull);
        if (at >= 0)
        {
            var chain = string.Join(" → ", stack.Skip(at).Append(targetFull).Select(p => ManifestFiles.Relative(root, p)));
            state.Diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.IncludeCycle, file, line,
                $"'{option} {ManifestFiles.Quote(target)}' is an include cycle ({chain}); not followed again"));
            return;
        }

        stack.Add(targetFull);
        try
        {
            ParseFile(targetFull, source, state, stack, (file, line, option, target));
        }
        finally
        {
            stack.RemoveAt(stack.Count - 1);
        }
    }

    private static List<string> ParseRequirementOptions(string options, string file, int line, State state)
    {
        var hashes = new List<string>();
        var tokens = Tokenize(options);
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var eq = token.IndexOf('=');
            var name = eq < 0 ? token : token[..eq];
            string? value = eq < 0 ? null : token[(eq + 1)..];
            if (name is "--hash" or "--global-option" or "--config-settings" or "--install-option" && value is null && i + 1 < tokens.Count)
            {
                value = tokens[++i];
            }

            switch (name)
            {
                case "--hash":
                    if (value is not null && HashValue().IsMatch(value))
                    {
                        hashes.Add(value);
                    }
                    else
                    {
                        state.Diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.RequirementInvalid, file, line,
                            $"'--hash' needs algorithm:hexdigest (like sha256:…), found '{ManifestFiles.Quote(value ?? "")}'", Severity: DependencyDiagnosticSeverity.Warning));
                    }

                    break;
                case "--global-option" or "--config-settings" or "--install-option":
                    break;
                default:
                    state.Diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.UnknownOption, file, line,
                        $"'{ManifestFiles.Quote(name)}' is not a per-requirement option; ignored", Severity: DependencyDiagnosticSeverity.Warning));
                    break;
            }
        }

        return hashes;
    }

    /// <param name="columnOffset">Where <paramref name="text"/> starts in its line, so diagnostics point into the line.</param>
    internal static void AddRequirement(string text, int line, string file, RequirementSource source, State state, bool editable, IReadOnlyList<string> hashes, int columnOffset = 0)
    {
        text = text.Trim();
        if (text.Length == 0)
        {
            state.Diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.RequirementInvalid, file, line, "an empty requirement"));
            return;
        }

        if (!NamedUrl().IsMatch(text) && LooksLikeLocation(text))
        {
            AddLocation(text, line, file, source, state, editable, hashes, columnOffset);
            return;
        }

        if (Pep508Requirement.TryParse(text, out var r, out var error))
        {
            state.Requirements.Add(new DeclaredRequirement
            {
                Name = r.Name,
                RawName = r.RawName,
                Extras = r.Extras,
                Specifier = r.Specifier,
                SpecifierSet = r.SpecifierSet,
                Marker = r.Marker,
                ParsedMarker = r.ParsedMarker,
                Url = r.Url,
                Editable = editable,
                Hashes = hashes,
                File = file,
                Line = line,
                Source = source,
                Text = text,
            });
            return;
        }

        if (VariableReference().IsMatch(text) && UnexpandedSpecifier().Match(text) is { Success: true } m)
        {
            // pip expands ${VAR} at install time; the auditor does not know the value.
            var name = m.Groups["name"].Value;
            var markerAt = text.IndexOf(';');
            state.Requirements.Add(new DeclaredRequirement
            {
                Name = PackageName.Normalize(name),
                RawName = name,
                Specifier = (markerAt < 0 ? text[m.Length..] : text[m.Length..markerAt]).Trim(),
                SpecifierSet = null,
                Marker = markerAt < 0 ? null : text[(markerAt + 1)..].Trim(),
                Editable = editable,
                Hashes = hashes,
                File = file,
                Line = line,
                Source = source,
                Text = text,
            });
            state.Diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.VersionNotPep440, file, line,
                $"'{ManifestFiles.Quote(text)}' uses an environment variable that is not expanded; its version constraint is not checked",
                Severity: DependencyDiagnosticSeverity.Warning));
            return;
        }

        state.Diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.RequirementInvalid, file, line,
            $"cannot read requirement '{ManifestFiles.Quote(text)}': {ManifestFiles.Quote(error.Message)}", error.Column + columnOffset));
    }

    private static void AddLocation(string text, int line, string file, RequirementSource source, State state, bool editable, IReadOnlyList<string> hashes, int columnOffset)
    {
        // pip splits a URL from its marker at "; ", a path at ";".
        var isUrl = UrlScheme().IsMatch(text);
        var markerAt = isUrl ? SemicolonAfterSpace().Match(text) : SemicolonAny().Match(text);
        var location = markerAt.Success ? text[..markerAt.Index].Trim() : text.Trim();
        string? marker = null;
        MarkerExpression? parsed = null;
        if (markerAt.Success)
        {
            marker = text[(markerAt.Index + markerAt.Length)..].Trim();
            if (!MarkerExpression.TryParse(marker, out parsed, out var markerError))
            {
                state.Diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.RequirementInvalid, file, line,
                    $"cannot read the marker of '{ManifestFiles.Quote(text)}': {ManifestFiles.Quote(markerError.Message)}"));
                return;
            }
        }

        var space = location.IndexOfAny(new[] { ' ', '\t' });
        if (space >= 0)
        {
            var extra = location[space..].TrimStart();
            state.Diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.RequirementInvalid, file, line,
                $"cannot read requirement '{ManifestFiles.Quote(text)}': unexpected '{ManifestFiles.Quote(extra)}' after the URL or path (a marker needs ' ; ')", columnOffset + location.Length - extra.Length + 1));
            return;
        }

        var (name, extras) = NameFromLocation(location);
        if (name is null)
        {
            state.Diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.NameUnknown, file, line,
                $"'{ManifestFiles.Quote(location)}' does not name its distribution (add '#egg=name' or write 'name @ …'); not checked",
                Severity: DependencyDiagnosticSeverity.Warning));
            return;
        }

        state.Requirements.Add(new DeclaredRequirement
        {
            Name = PackageName.Normalize(name),
            RawName = name,
            Extras = extras,
            Marker = marker,
            ParsedMarker = parsed,
            Url = location,
            Editable = editable,
            Hashes = hashes,
            File = file,
            Line = line,
            Source = source,
            Text = text,
        });
    }

    private static bool LooksLikeLocation(string text)
    {
        var words = text.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
        var first = words.Length == 0 ? string.Empty : words[0].Split(';')[0];
        if (first.Length == 0)
        {
            return false;
        }

        var withoutFragment = first.Split('#')[0];
        return UrlScheme().IsMatch(first)
            || first.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
            || first[0] is '.' or '/' or '~' or '\\'
            || withoutFragment.Contains('/') || withoutFragment.Contains('\\')
            || ArchiveExtensions.Any(e => StripExtras(withoutFragment).EndsWith(e, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The distribution name a URL or path declares: <c>#egg=</c>, else the wheel or sdist file name.</summary>
    internal static (string? Name, IReadOnlyList<string> Extras) NameFromLocation(string location)
    {
        var hash = location.IndexOf('#');
        if (hash >= 0)
        {
            foreach (var part in location[(hash + 1)..].Split('&'))
            {
                if (part.StartsWith("egg=", StringComparison.Ordinal))
                {
                    var egg = part[4..];
                    var bracket = egg.IndexOf('[');
                    var name = bracket < 0 ? egg : egg[..bracket];
                    var extras = bracket < 0 ? Array.Empty<string>() : egg[(bracket + 1)..].TrimEnd(']').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(PackageName.Normalize).ToArray();
                    return PackageName.IsValid(name) ? (name, extras) : (null, Array.Empty<string>());
                }
            }
        }

        var path = hash >= 0 ? location[..hash] : location;
        var query = path.IndexOf('?');
        path = query >= 0 ? path[..query] : path;
        var fileExtras = Array.Empty<string>();
        var open = path.LastIndexOf('[');
        if (open > 0 && path.EndsWith(']'))
        {
            fileExtras = path[(open + 1)..^1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(PackageName.Normalize).ToArray();
            path = path[..open];
        }

        var fileName = path.TrimEnd('/').Split('/', '\\')[^1];
        if (fileName.EndsWith(".whl", StringComparison.OrdinalIgnoreCase))
        {
            var name = fileName.Split('-')[0];
            return PackageName.IsValid(name) ? (name, fileExtras) : (null, Array.Empty<string>());
        }

        foreach (var ext in ArchiveExtensions)
        {
            if (fileName.EndsWith(ext, StringComparison.OrdinalIgnoreCase))
            {
                var stem = fileName[..^ext.Length];
                var m = SdistName().Match(stem);
                return m.Success && PackageName.IsValid(m.Groups[1].Value) ? (m.Groups[1].Value, fileExtras) : (null, Array.Empty<string>());
            }
        }

        return (null, Array.Empty<string>());
    }

    private static string StripExtras(string s)
    {
        var open = s.LastIndexOf('[');
        return open > 0 && s.EndsWith(']') ? s[..open] : s;
    }

    /// <summary>Whitespace-separated tokens; single or double quotes group (and are removed).</summary>
    internal static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var current = new System.Text.StringBuilder();
        var inToken = false;
        char quote = '\0';
        foreach (var c in text)
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inToken = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inToken)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                    inToken = false;
                }
            }
            else
            {
                current.Append(c);
                inToken = true;
            }
        }

        if (inToken)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }

    internal sealed class State
    {
        public List<DeclaredRequirement> Requirements { get; } = new();

        public List<DependencyDiagnostic> Diagnostics { get; } = new();

        public List<string> FilesRead { get; } = new();

        /// <summary>Includes followed so far (bounded by <see cref="MaxIncludedFiles"/>).</summary>
        public int Includes { get; set; }

        /// <summary>The result, with entries reached twice through different includes listed once.</summary>
        public ManifestResult ToResult() => new(
            Requirements.DistinctBy(r => (r.File, r.Line, r.Source, r.Name)).ToList(),
            Diagnostics.Distinct().ToList(),
            FilesRead.Distinct(StringComparer.Ordinal).ToList());
    }

    [GeneratedRegex(@"^\s*#")]
    private static partial Regex StartsWithComment();

    [GeneratedRegex(@"(^|\s+)#.*$")]
    private static partial Regex Comment();

    [GeneratedRegex(@"\s-")]
    private static partial Regex FirstOptionToken();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@")]
    private static partial Regex NamedUrl();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*://")]
    private static partial Regex UrlScheme();

    [GeneratedRegex(@"^(https?|ftp)://", RegexOptions.IgnoreCase)]
    private static partial Regex RemoteUrl();

    [GeneratedRegex(@"\s;")]
    private static partial Regex SemicolonAfterSpace();

    [GeneratedRegex(@"\s*;")]
    private static partial Regex SemicolonAny();

    [GeneratedRegex(@"^[A-Za-z0-9]+:[0-9A-Fa-f]+$")]
    private static partial Regex HashValue();

    [GeneratedRegex(@"^(.+?)-[0-9]")]
    private static partial Regex SdistName();

    [GeneratedRegex(@"\$\{?[A-Za-z_]")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"^(?<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?")]
    private static partial Regex UnexpandedSpecifier();
}
