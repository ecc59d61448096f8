using BqxAudit.Model;

namespace BqxAudit.Cmdlets;

/// <summary>Sets <c>Root</c> (the audited folder, full path) on every output object and on the objects it holds, so multi-root output says where each row comes from.</summary>
internal static class OutputRoots
{
    public static T Stamp<T>(T value, string root)
    {
        switch (value)
        {
            case ScriptRecord s:
                s.Root = root;
                break;
            case NamingResult n:
                n.Root = root;
                break;
            case RenamePlanItem i:
                i.Root = root;
                break;
            case InfraCheck c:
                c.Root = root;
                break;
            case DependencyRecord d:
                d.Root = root;
                break;
            case Blocker b:
                b.Root = root;
                break;
            case PhaseReadiness r:
                r.Root = root;
                StampAll(r.Blockers, root);
                break;
            case AuditResult a:
                a.Root = root;
                Stamp(a.Readiness, root);
                StampAll(a.Blockers, root);
                StampAll(a.Scripts, root);
                StampAll(a.Infrastructure, root);
                StampAll(a.Dependencies, root);
                StampAll(a.Naming, root);
                StampAll(a.RenamePlan, root);
                break;
        }

        return value;
    }

    private static void StampAll<T>(IEnumerable<T> items, string root)
    {
        foreach (var item in items)
        {
            Stamp(item, root);
        }
    }
}
