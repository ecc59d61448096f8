namespace BqxAudit.Inventory.Analyzers.Python;

internal enum ScopeKind : byte
{
    Def,
    Class,
    For,
    Try,
    TypeChecking,
}

/// <summary>
/// One open block while the analyzer walks the logical lines: a function or class (an assignment
/// scope), a <c>for</c> loop (its targets and iterable, for placeholder values), a <c>try</c> (to mark
/// optional imports) or an <c>if TYPE_CHECKING:</c>. Nodes form a parent chain, so a captured node is a
/// cheap snapshot of the enclosing blocks.
/// </summary>
internal sealed class ScopeNode
{
    public ScopeNode(ScopeKind kind, int indent, ScopeNode? parent, int scopeId)
    {
        Kind = kind;
        Indent = indent;
        Parent = parent;
        ScopeId = scopeId;
    }

    public ScopeKind Kind { get; }

    public int Indent { get; }

    public ScopeNode? Parent { get; }

    /// <summary>The assignment scope this block belongs to (its own for Def/Class, the parent's otherwise).</summary>
    public int ScopeId { get; }

    /// <summary>The function or class name.</summary>
    public string? Name { get; init; }

    /// <summary>A <c>for</c> loop's flat target names (null when the targets are nested or not plain names).</summary>
    public string[]? Targets { get; init; }

    public int IterStart { get; init; }

    public int IterEnd { get; init; }

    /// <summary>Where the loop's iterable is evaluated (the blocks outside the loop).</summary>
    public EvalContext? IterContext { get; init; }

    /// <summary>A try block whose handlers have started.</summary>
    public bool InHandlers { get; set; }

    /// <summary>A try block with a handler that catches ImportError (or a broader exception).</summary>
    public bool CatchesImport { get; set; }

    /// <summary>Imports in a try body, waiting for the handlers to decide whether they are optional.</summary>
    public List<RawImport>? Pending { get; set; }
}

/// <summary>A comprehension's <c>for targets in iterable</c> clause, valid on its logical line.</summary>
internal sealed record CompBinding(string[]? Targets, int IterStart, int IterEnd);

/// <summary>Where an expression is evaluated: the enclosing blocks and the line's comprehension clauses.</summary>
internal sealed record EvalContext(ScopeNode? Scope, List<CompBinding>? Bindings);

/// <summary>The latest <c>name = value</c> seen for a name in a scope, evaluated lazily (and once).</summary>
internal sealed class Assignment
{
    public Assignment(int start, int end, EvalContext context)
    {
        Start = start;
        End = end;
        Context = context;
    }

    public int Start { get; }

    public int End { get; }

    public EvalContext Context { get; }

    public List<Resolved>? Cache { get; set; }

    public bool Evaluating { get; set; }
}

/// <summary>A string value as resolved, with the context and line of the expression that produced it.</summary>
internal readonly record struct Resolved(StrTemplate Template, EvalContext Context, int Line);
