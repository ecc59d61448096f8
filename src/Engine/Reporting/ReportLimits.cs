namespace BqxAudit.Reporting;

/// <summary>
/// How many items of a list that grows with the repository a Markdown report spells out before it counts the rest
/// (<see cref="ReportText.Some"/>: "a, b and 3 more in `AUDIT_RESULT_….json`"). Every record still has its row or
/// block; what is capped is a list inside one (evidence lines of a blocker, targets of a line, locations of a rule,
/// files of a dependency), so a report grows with the number of records, never with their products. The JSON result
/// keeps every item.
/// </summary>
internal static class ReportLimits
{
    /// <summary>Evidence lines under one blocker (the Evidence appendix of the blocker analysis).</summary>
    public const int EvidencePerBlocker = 12;

    /// <summary>Evidence locations of a repository finding, in its table row.</summary>
    public const int LocationsPerFinding = 3;

    /// <summary>Blocker Ids in one cell or field.</summary>
    public const int BlockerIds = 6;

    /// <summary>Warning and Error findings under one script block.</summary>
    public const int FindingsPerScript = 10;

    /// <summary>Files named for one Info rule, and lines named for one file of it.</summary>
    public const int FilesPerRule = 6;

    public const int LinesPerFile = 6;

    /// <summary>Distributions and tools named in a script block's Dependencies field.</summary>
    public const int DependenciesPerScript = 12;

    /// <summary>pip installs, step images and pushed images of one container row; ENTRYPOINT/CMD calls of one Dockerfile.</summary>
    public const int PinsPerImage = 24;

    public const int InvocationsPerImage = 4;

    /// <summary>Destructive statements and their lines named for one script.</summary>
    public const int Statements = 3;

    public const int StatementLines = 10;

    /// <summary>Scripts named for one phase task, files named for one dependency (declared in, used by).</summary>
    public const int ScriptsPerTask = 6;

    public const int FilesPerDependency = 4;

    /// <summary>Evidence lines under one dependency block, and under one infrastructure check.</summary>
    public const int EvidencePerDependency = 2;

    public const int EvidencePerCheck = 8;

    /// <summary>Targets named in one line (a remedy, a shared evidence list).</summary>
    public const int Targets = 20;

    /// <summary>Distinct reasons or remedies folded into one cell.</summary>
    public const int Reasons = 3;
}
