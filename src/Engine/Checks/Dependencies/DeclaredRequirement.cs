namespace BqxAudit.Checks.Dependencies;

/// <summary>Where a requirement was declared.</summary>
public enum RequirementSource
{
    /// <summary>A pip requirements file (<c>requirements*.txt</c> and what it includes with <c>-r</c>).</summary>
    Requirements,

    /// <summary>A pip constraints file (included with <c>-c</c>): limits versions, installs nothing.</summary>
    Constraints,

    /// <summary><c>[project] dependencies</c> of a pyproject.toml.</summary>
    Pyproject,

    /// <summary><c>[project.optional-dependencies]</c> of a pyproject.toml; <see cref="DeclaredRequirement.Group"/> names the extra.</summary>
    PyprojectOptional,

    /// <summary><c>[tool.poetry.dependencies]</c> (or a poetry group; <see cref="DeclaredRequirement.Group"/> names it).</summary>
    Poetry,

    /// <summary><c>[options] install_requires</c> of a setup.cfg, or <c>[options.extras_require]</c> with a <see cref="DeclaredRequirement.Group"/>.</summary>
    SetupCfg,

    /// <summary>A conda package spec in an environment.yml <c>dependencies:</c> list.</summary>
    Conda,

    /// <summary>A pip requirement in the <c>- pip:</c> list of an environment.yml.</summary>
    CondaPip,

    /// <summary>A <c>pip install</c> in a Dockerfile.</summary>
    Dockerfile,
}

/// <summary>One declared dependency: what was asked for, and exactly where.</summary>
public sealed class DeclaredRequirement
{
    /// <summary>The PEP 503 normalised distribution name.</summary>
    public required string Name { get; init; }

    /// <summary>The name as written.</summary>
    public required string RawName { get; init; }

    /// <summary>Extras, normalised (<c>pandas[gcp]</c> → <c>gcp</c>).</summary>
    public IReadOnlyList<string> Extras { get; init; } = Array.Empty<string>();

    /// <summary>The version constraint as text (<c>&gt;=1.2,&lt;2</c>; a conda spec shows its PEP 440 translation); empty when none.</summary>
    public string Specifier { get; init; } = string.Empty;

    /// <summary>
    /// The parsed constraint (empty when none). Null when the text could not be read as PEP 440 — a
    /// conda version outside PEP 440, an unexpanded <c>${VAR}</c> — so it cannot be compared.
    /// </summary>
    public SpecifierSet? SpecifierSet { get; init; } = SpecifierSet.Empty;

    /// <summary>The environment marker as written, or null.</summary>
    public string? Marker { get; init; }

    public MarkerExpression? ParsedMarker { get; init; }

    /// <summary>The URL or local path of a URL/VCS/archive/path requirement, or null.</summary>
    public string? Url { get; init; }

    /// <summary>True for <c>-e</c>/<c>--editable</c> (and poetry <c>develop = true</c>).</summary>
    public bool Editable { get; init; }

    /// <summary><c>--hash</c> values (<c>sha256:…</c>), in the order written.</summary>
    public IReadOnlyList<string> Hashes { get; init; } = Array.Empty<string>();

    /// <summary>The file it is declared in, relative to the audited root, '/'-separated.</summary>
    public required string File { get; init; }

    /// <summary>1-based line (the first line of a continued line).</summary>
    public required int Line { get; init; }

    public required RequirementSource Source { get; init; }

    /// <summary>The optional-dependency group / extra / poetry group, or null.</summary>
    public string? Group { get; init; }

    /// <summary>The requirement text as it was read (continuations joined, comments and options removed).</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary><c>File:Line</c>.</summary>
    public string Location => $"{File}:{Line}";

    /// <summary>True when this is a single exact pin (<c>==1.2.3</c> or <c>===x</c>).</summary>
    public bool IsPinned => SpecifierSet?.ExactPin is not null;

    /// <summary>Whether the marker holds (true without one, null when it reads an unknown variable).</summary>
    public bool? AppliesTo(IReadOnlyDictionary<string, string> environment) => ParsedMarker?.Evaluate(environment) ?? true;

    public override string ToString() => $"{Location}: {Text}";

    internal static DeclaredRequirement From(Pep508Requirement r, string file, int line, RequirementSource source, string? group = null, string? text = null) => new()
    {
        Name = r.Name,
        RawName = r.RawName,
        Extras = r.Extras,
        Specifier = r.Specifier,
        SpecifierSet = r.SpecifierSet,
        Marker = r.Marker,
        ParsedMarker = r.ParsedMarker,
        Url = r.Url,
        File = file,
        Line = line,
        Source = source,
        Group = group,
        Text = text ?? r.ToString(),
    };
}

/// <summary>What parsing one or more manifests produced: the requirements, and what was wrong.</summary>
public sealed class ManifestResult
{
    public ManifestResult(IReadOnlyList<DeclaredRequirement> requirements, IReadOnlyList<DependencyDiagnostic> diagnostics, IReadOnlyList<string> filesRead)
    {
        Requirements = requirements;
        Diagnostics = diagnostics;
        FilesRead = filesRead;
    }

    public IReadOnlyList<DeclaredRequirement> Requirements { get; }

    public IReadOnlyList<DependencyDiagnostic> Diagnostics { get; }

    /// <summary>Every file that was read (the manifest and what it includes), root-relative.</summary>
    public IReadOnlyList<string> FilesRead { get; }
}

/// <summary>Shared file access for the manifest parsers: bytes to text with an encoding diagnostic.</summary>
internal static class ManifestFiles
{
    /// <summary>Only a regular file, at most <see cref="Inventory.SafeFile.ManifestMaxBytes"/>: a FIFO or a device is never opened.</summary>
    public static byte[] ReadAllBytes(string path) => Inventory.SafeFile.ReadAllBytes(path, maxBytes: Inventory.SafeFile.ManifestMaxBytes);

    /// <summary>At most this many characters of a line a diagnostic quotes, redacted: never a whole line of an unknown file.</summary>
    public const int MaxQuoted = 60;

    /// <summary>A short, redacted excerpt of <paramref name="text"/> for a diagnostic.</summary>
    public static string Quote(string text)
    {
        var redacted = Cloud.SecretRedactor.Redact(text);
        return redacted.Length <= MaxQuoted ? redacted : redacted[..(MaxQuoted - 1)] + "…";
    }

    /// <summary>Reads and decodes a file; null (and a diagnostic) when it cannot be read.</summary>
    public static string? ReadText(Func<string, byte[]> read, string fullPath, string displayPath, List<DependencyDiagnostic> diagnostics)
    {
        byte[] bytes;
        try
        {
            bytes = read(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.FileUnreadable, displayPath, 0, $"cannot read the file: {e.Message}"));
            return null;
        }

        var text = Inventory.TextDecoding.Decode(bytes, out var problem);
        if (problem == Inventory.EncodingProblem.InvalidUtf8)
        {
            var line = Inventory.TextDecoding.FirstInvalidUtf8Line(bytes);
            diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.EncodingInvalid, displayPath, line,
                "the file is not valid UTF-8; invalid bytes were replaced with U+FFFD and the rest parsed",
                Severity: DependencyDiagnosticSeverity.Warning));
        }

        return text;
    }

    /// <summary>Root-relative '/'-separated path of an absolute path (may start with ../ when outside the root).</summary>
    public static string Relative(string root, string fullPath) => Path.GetRelativePath(root, fullPath).Replace('\\', '/');

    /// <summary>The physical lines of a text, 1-based, without line terminators.</summary>
    public static IEnumerable<(int Line, string Text)> Lines(string text)
    {
        var n = 0;
        using var reader = new StringReader(text);
        while (reader.ReadLine() is { } line)
        {
            yield return (++n, line);
        }
    }
}
