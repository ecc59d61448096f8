using BqxAudit.Model;

namespace BqxAudit.Inventory.Analyzers.Shell;

/// <summary>
/// Finds shell scripts that run each other in a circle (<c>a.sh</c> runs <c>b.sh</c>, which runs
/// <c>a.sh</c>): a Warning <c>shell.invocation-cycle</c> on each script of the circle, at the line that
/// continues it. A script running itself is the analyzer's <c>shell.self-invocation</c>. The graph is
/// walked iteratively (Kosaraju), so any number of scripts is fine.
/// </summary>
public sealed class ShellCycleCheck : ICrossFileCheck
{
    public void Check(IReadOnlyList<ScriptRecord> records, RepositoryIndex repository)
    {
        var shells = records.Where(r => r.Kind == ScriptKind.Shell).GroupBy(r => r.Path, StringComparer.Ordinal).Select(g => g.First()).ToList();
        var index = shells.Select((r, i) => (r.Path, i)).ToDictionary(p => p.Path, p => p.i, StringComparer.Ordinal);
        var edges = shells.Select(r => r.Invocations
                .Where(c => c.Tool is "bash" or "sh" or "dash" or "zsh" or "ksh" or "source" or "exec" && c.ResolvedScript is not null)
                .Select(c => (Target: index.TryGetValue(c.ResolvedScript!, out var t) ? t : -1, Call: c))
                .Where(e => e.Target >= 0)
                .ToList())
            .ToList();

        var component = Components(shells.Count, edges);
        var sizes = component.GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        for (var i = 0; i < shells.Count; i++)
        {
            if (sizes[component[i]] < 2)
            {
                continue;
            }

            var members = Enumerable.Range(0, shells.Count).Where(j => component[j] == component[i]).Select(j => shells[j].Path).ToList();
            var (target, call) = edges[i].First(e => e.Target != i && component[e.Target] == component[i]);
            shells[i].Findings.Add(new Finding("shell.invocation-cycle", FindingSeverity.Warning,
                $"runs {shells[target].Path}, which leads back here: {string.Join(", ", members)} run each other in a circle; make sure it ends",
                $"{shells[i].Path}:{call.Line}"));
        }
    }

    /// <summary>Strongly connected components: the component number of each node.</summary>
    private static int[] Components(int n, List<List<(int Target, Invocation Call)>> edges)
    {
        var order = new List<int>(n);
        var seen = new bool[n];
        for (var s = 0; s < n; s++)
        {
            if (seen[s])
            {
                continue;
            }

            var stack = new Stack<(int Node, int Next)>();
            stack.Push((s, 0));
            seen[s] = true;
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                if (next < edges[node].Count)
                {
                    stack.Push((node, next + 1));
                    var t = edges[node][next].Target;
                    if (!seen[t])
                    {
                        seen[t] = true;
                        stack.Push((t, 0));
                    }
                }
                else
                {
                    order.Add(node);
                }
            }
        }

        var reverse = Enumerable.Range(0, n).Select(_ => new List<int>()).ToList();
        for (var v = 0; v < n; v++)
        {
            foreach (var (t, _) in edges[v])
            {
                reverse[t].Add(v);
            }
        }

        var component = Enumerable.Repeat(-1, n).ToArray();
        var count = 0;
        for (var k = order.Count - 1; k >= 0; k--)
        {
            var root = order[k];
            if (component[root] >= 0)
            {
                continue;
            }

            var stack = new Stack<int>();
            stack.Push(root);
            component[root] = count;
            while (stack.Count > 0)
            {
                var v = stack.Pop();
                foreach (var u in reverse[v])
                {
                    if (component[u] < 0)
                    {
                        component[u] = count;
                        stack.Push(u);
                    }
                }
            }

            count++;
        }

        return component;
    }
}
