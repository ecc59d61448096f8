using BqxAudit.Inventory;
using BqxAudit.Inventory.Analyzers;

namespace BqxAudit.Tests.Inventory;

/// <summary>The analyzer and cross-file check registries are written lists (a scan of the assembly cost every start
/// ~25 ms); these tests fail when a concrete implementation exists that the list does not name, or the order
/// drifts from full-name order.</summary>
public class AnalyzerRegistryTests
{
    private static string[] Implementations<T>() =>
        typeof(InventoryService).Assembly.GetTypes()
            .Where(t => typeof(T).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => t.FullName!)
            .Order(StringComparer.Ordinal)
            .ToArray();

    [Fact]
    public void Every_analyzer_is_registered_in_name_order()
    {
        Assert.Equal(Implementations<IScriptAnalyzer>(), InventoryService.AllAnalyzers().Select(a => a.GetType().FullName!).ToArray());
    }

    [Fact]
    public void Every_cross_file_check_is_registered_in_name_order()
    {
        Assert.Equal(Implementations<ICrossFileCheck>(), InventoryService.AllCrossFileChecks().Select(c => c.GetType().FullName!).ToArray());
    }
}
