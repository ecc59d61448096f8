using BqxAudit.Checks.Naming;
using BqxAudit.Model;
using static BqxAudit.Tests.Naming.NamingFixtures;

namespace BqxAudit.Tests.Naming;

public class RenamePlanTests
{
    private const string Project = "bqx-ml";

    private static IReadOnlyList<RenamePlanItem> PlanFor(params string[] names) => PlanFor(new RenamePlanOptions { Project = Project }, names);

    private static IReadOnlyList<RenamePlanItem> PlanFor(RenamePlanOptions options, params string[] names)
    {
        var service = new NamingService();
        var results = service.Classify(names.Select(n => Entry(n, FeaturesDataset)), M008).ToList();
        return service.Plan(results, M008, options);
    }

    private static RenamePlanItem Item(IReadOnlyList<RenamePlanItem> plan, string source) => Assert.Single(plan, i => i.Source == source);

    [Fact]
    public void Plan_WhenSuggestionIsFree_ShouldRenameWithDdlAndGraceView()
    {
        var plan = PlanFor("cov_agg_idx_gbpusd_eurusd");

        var item = Item(plan, "cov_agg_idx_gbpusd_eurusd");
        Assert.Equal(RenameAction.Rename, item.Action);
        Assert.Equal("cov_agg_idx_eurusd_gbpusd", item.Target);
        Assert.Null(item.CollidesWith);
        Assert.Equal("ALTER TABLE `bqx-ml.bqx_ml_v3_features_v2.cov_agg_idx_gbpusd_eurusd` RENAME TO cov_agg_idx_eurusd_gbpusd;", item.Ddl);
        Assert.Equal(
            "CREATE VIEW `bqx-ml.bqx_ml_v3_features_v2.cov_agg_idx_gbpusd_eurusd` " +
            "OPTIONS(expiration_timestamp=TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL 30 DAY)) " +
            "AS SELECT * FROM `bqx-ml.bqx_ml_v3_features_v2.cov_agg_idx_eurusd_gbpusd`;", item.GraceViewDdl);
    }

    [Fact]
    public void Plan_WhenSuggestionAlreadyExists_ShouldBeCollisionNamingTheExistingTable()
    {
        var plan = PlanFor("cov_agg_idx_gbpusd_eurusd", "cov_agg_idx_eurusd_gbpusd");

        var item = Item(plan, "cov_agg_idx_gbpusd_eurusd");
        Assert.Equal(RenameAction.Collision, item.Action);
        Assert.Equal("cov_agg_idx_eurusd_gbpusd", item.Target);
        Assert.Equal("cov_agg_idx_eurusd_gbpusd", item.CollidesWith);
        Assert.Null(item.Ddl);
        Assert.Null(item.GraceViewDdl);
        Assert.Equal(RenameAction.AlreadyCompliant, Item(plan, "cov_agg_idx_eurusd_gbpusd").Action);
    }

    [Fact]
    public void Plan_WhenTwoNamesMapToOneTarget_ShouldMarkBothCollisionNamingEachOther()
    {
        var plan = PlanFor("cov_agg_idx_gbpusd_eurusd", "COV_AGG_IDX_EURUSD_GBPUSD");

        var a = Item(plan, "cov_agg_idx_gbpusd_eurusd");
        var b = Item(plan, "COV_AGG_IDX_EURUSD_GBPUSD");
        Assert.Equal(RenameAction.Collision, a.Action);
        Assert.Equal(RenameAction.Collision, b.Action);
        Assert.Equal("COV_AGG_IDX_EURUSD_GBPUSD", a.CollidesWith);
        Assert.Equal("cov_agg_idx_gbpusd_eurusd", b.CollidesWith);
        Assert.Contains("2 tables map to", b.Reason);
        Assert.Null(a.Ddl);
        Assert.Null(b.Ddl);
    }

    [Fact]
    public void Plan_WhenThreeNamesMapToOneTarget_ShouldListBothOthers()
    {
        var plan = PlanFor("tri_agg_idx_usd_eur_gbp", "tri_agg_idx_gbp_usd_eur", "TRI_AGG_IDX_EUR_GBP_USD");

        var item = Item(plan, "tri_agg_idx_usd_eur_gbp");
        Assert.Equal(RenameAction.Collision, item.Action);
        Assert.Equal("TRI_AGG_IDX_EUR_GBP_USD, tri_agg_idx_gbp_usd_eur", item.CollidesWith);
        Assert.All(plan, i => Assert.Equal(RenameAction.Collision, i.Action));
    }

    [Fact]
    public void Plan_WhenExistingNameDiffersOnlyInCase_ShouldStillBeCollision()
    {
        var service = new NamingService();
        var results = service.Classify(new[] { Entry("cov_agg_idx_gbpusd_eurusd", FeaturesDataset) }, M008).ToList();
        var existing = new[] { Entry("Cov_Agg_Idx_EurUsd_GbpUsd", FeaturesDataset) };

        var plan = service.Plan(results, M008, new RenamePlanOptions { Project = Project, ExistingNames = existing });

        var item = Assert.Single(plan);
        Assert.Equal(RenameAction.Collision, item.Action);
        Assert.Equal("Cov_Agg_Idx_EurUsd_GbpUsd", item.CollidesWith);
        Assert.Contains("only in case", item.Reason);
    }

    [Fact]
    public void Plan_WhenSameNameExistsInAnotherDataset_ShouldNotCollide()
    {
        var service = new NamingService();
        var results = service.Classify(new[] { Entry("cov_agg_idx_gbpusd_eurusd", FeaturesDataset) }, M008).ToList();
        var existing = new[] { Entry("cov_agg_idx_eurusd_gbpusd", "another_dataset") };

        var plan = service.Plan(results, M008, new RenamePlanOptions { Project = Project, ExistingNames = existing });

        Assert.Equal(RenameAction.Rename, Assert.Single(plan).Action);
    }

    /// <summary>A generator that writes cov names without a variant when the source variant is bqx (the shape of a real COV generator).</summary>
    private static ScriptRecord CovGenerator(string guardValue = "bqx", bool negated = false) => new()
    {
        Path = "scripts/generate_cov.py",
        Kind = ScriptKind.Python,
        TablesWritten = { "bqx-ml.bqx_ml_v3_features_v2.{table_name}" },
        NameTemplates =
        {
            new NameTemplate { Template = "cov_{ft}_{p1}_{p2}", Line = 12, AssignedTo = "table_name", Guard = new TemplateGuard { Variable = "source", Values = { guardValue }, Negated = negated, Line = 11 } },
            new NameTemplate { Template = "cov_{ft}_idx_{p1}_{p2}", Line = 14, AssignedTo = "table_name", Guard = new TemplateGuard { Variable = "source", Values = { guardValue }, Negated = !negated, Line = 13 } },
        },
    };

    private static RenamePlanOptions WithEvidence(params ScriptRecord[] generators) =>
        new() { Project = Project, VariantEvidence = VariantEvidence.From(generators, M008) };

    [Fact]
    public void Plan_WhenAVariantlessTablesTwinExists_ShouldBeDuplicateNeverARenameOntoTheTwin()
    {
        var plan = PlanFor("cov_agg_eurusd_gbpusd", "cov_agg_bqx_eurusd_gbpusd", "var_corr_usd", "var_corr_bqx_usd", "var_corr_idx_usd");

        var cov = Item(plan, "cov_agg_eurusd_gbpusd");
        Assert.Equal(RenameAction.Duplicate, cov.Action);
        Assert.Null(cov.Target);
        Assert.Equal("cov_agg_bqx_eurusd_gbpusd", cov.CollidesWith);
        Assert.Contains("verify row parity", cov.Reason);
        Assert.Contains("not evidenced", cov.Reason);
        Assert.Equal("SELECT (SELECT COUNT(*) FROM `bqx-ml.bqx_ml_v3_features_v2.cov_agg_eurusd_gbpusd`) AS source_rows, " +
                     "(SELECT COUNT(*) FROM `bqx-ml.bqx_ml_v3_features_v2.cov_agg_bqx_eurusd_gbpusd`) AS twin_rows;", cov.Ddl);
        Assert.Null(cov.GraceViewDdl);
        // var_corr_{currency}: 'corr' is not a VAR feature type, yet both twins exist: a Duplicate of both, not Manual, not a rename.
        var corr = Item(plan, "var_corr_usd");
        Assert.Equal(RenameAction.Duplicate, corr.Action);
        Assert.Equal("var_corr_bqx_usd, var_corr_idx_usd", corr.CollidesWith);
        Assert.DoesNotContain(plan, i => i.Action == RenameAction.Rename);
    }

    [Fact]
    public void Plan_WhenAGeneratorWritesTheFamilyWithoutAMarker_ShouldRenameToThatVariantCitingIt()
    {
        var plan = PlanFor(WithEvidence(CovGenerator()), "cov_agg_gbpusd_eurusd", "cov_vol_eurusd_gbpusd", "cov_vol_bqx_eurusd_gbpusd");

        var free = Item(plan, "cov_agg_gbpusd_eurusd");
        Assert.Equal(RenameAction.Rename, free.Action);
        Assert.Equal("cov_agg_bqx_eurusd_gbpusd", free.Target);
        Assert.Equal("scripts/generate_cov.py:12 writes cov_{ft}_{p1}_{p2} without a variant marker when source == 'bqx' (line 11)", free.VariantEvidence);
        var twin = Item(plan, "cov_vol_eurusd_gbpusd");
        Assert.Equal(RenameAction.Duplicate, twin.Action);
        Assert.Equal("cov_vol_bqx_eurusd_gbpusd", twin.CollidesWith);
        Assert.Contains("by scripts/generate_cov.py:12 it holds the bqx variant", twin.Reason);
    }

    [Fact]
    public void Plan_WhenTheEvidencedVariantsTwinIsAbsentButTheOtherExists_ShouldRenameToTheEvidencedVariant()
    {
        // The else branch of `source == 'idx'` writes the unmarked names: they hold bqx, so the idx table is not their twin.
        var plan = PlanFor(WithEvidence(CovGenerator("idx", negated: true)), "cov_agg_eurusd_gbpusd", "cov_agg_idx_eurusd_gbpusd");

        var item = Item(plan, "cov_agg_eurusd_gbpusd");
        Assert.Equal(RenameAction.Rename, item.Action);
        Assert.Equal("cov_agg_bqx_eurusd_gbpusd", item.Target);
    }

    [Fact]
    public void Plan_WhenGeneratorsDisagreeOnTheVariant_ShouldBeManualSayingSo()
    {
        var other = CovGenerator("idx");
        other.Path = "scripts/generate_cov_v2.py";
        var plan = PlanFor(WithEvidence(CovGenerator(), other), "cov_agg_eurusd_gbpusd");

        var item = Item(plan, "cov_agg_eurusd_gbpusd");
        Assert.Equal(RenameAction.Manual, item.Action);
        Assert.Contains("generators disagree", item.Reason);
        Assert.Contains("bqx at scripts/generate_cov.py:12", item.Reason);
        Assert.Contains("idx at scripts/generate_cov_v2.py:12", item.Reason);
    }

    [Fact]
    public void VariantEvidence_WhenTheTemplateIsOnlyRead_ShouldGiveNoEvidence()
    {
        var reader = CovGenerator();
        reader.TablesWritten.Clear();
        reader.TablesRead.Add("bqx-ml.bqx_ml_v3_features_v2.{table_name}");

        Assert.Empty(VariantEvidence.From(new[] { reader }, M008));
    }

    [Fact]
    public void Plan_WhenNoSuggestionFollows_ShouldBeManualWithTheReason()
    {
        var plan = PlanFor("tri_agg_eur_gbp_usd", "training_data_v2"); // no generator says which variant the tri table holds

        var missing = Item(plan, "tri_agg_eur_gbp_usd");
        Assert.Equal(RenameAction.Manual, missing.Action);
        Assert.Null(missing.Target);
        Assert.Contains("never assumed", missing.Reason);
        var noRule = Item(plan, "training_data_v2");
        Assert.Equal(RenameAction.Manual, noRule.Action);
        Assert.Contains("no family", noRule.Reason);
    }

    [Fact]
    public void Plan_WhenNameIsCompliantOrExempt_ShouldBeAlreadyCompliantWithoutDdl()
    {
        var service = new NamingService();
        var mandate = T1;
        var results = service.Classify(new[] { Entry("agg_idx_eurusd", "features"), Entry("tmp_scratch", "features") }, mandate).ToList();

        var plan = service.Plan(results, mandate);

        Assert.All(plan, i => Assert.Equal(RenameAction.AlreadyCompliant, i.Action));
        Assert.All(plan, i => Assert.Null(i.Ddl));
        Assert.Contains("exempt", Item(plan, "tmp_scratch").Reason);
    }

    [Fact]
    public void Plan_WhenTableIsAView_ShouldBeManualBecauseBigQueryRenamesTablesOnly()
    {
        var service = new NamingService();
        var view = new TableNameEntry("cov_agg_idx_gbpusd_eurusd", "ls.json:3", FeaturesDataset, Project) { TableType = "VIEW" };
        var results = service.Classify(new[] { view }, M008).ToList();

        var item = Assert.Single(service.Plan(results, M008));

        Assert.Equal(RenameAction.Manual, item.Action);
        Assert.Equal("cov_agg_idx_eurusd_gbpusd", item.Target);
        Assert.Contains("VIEW", item.Reason);
        Assert.Null(item.Ddl);
    }

    [Fact]
    public void Plan_WhenNoDatasetIsKnown_ShouldBeManual()
    {
        var service = new NamingService();
        var results = service.Classify(new[] { Entry("AGG_IDX_EURUSD") }, T1).ToList();
        var mandate = T1;
        mandate.Datasets.Clear();

        var item = Assert.Single(service.Plan(results, mandate));

        Assert.Equal(RenameAction.Manual, item.Action);
        Assert.Contains("no dataset", item.Reason);
    }

    [Fact]
    public void Plan_WhenNameHasNoDatasetButMandateNamesOne_ShouldUseIt()
    {
        var service = new NamingService();
        var results = service.Classify(new[] { Entry("AGG_IDX_EURUSD") }, M008).ToList();

        var item = Assert.Single(service.Plan(results, M008));

        Assert.Equal(RenameAction.Rename, item.Action);
        Assert.Equal(FeaturesDataset, item.Dataset);
        Assert.Equal("ALTER TABLE `bqx_ml_v3_features_v2.AGG_IDX_EURUSD` RENAME TO agg_idx_eurusd;", item.Ddl);
    }

    [Fact]
    public void Plan_WhenGraceDaysAreConfigured_ShouldUseThemInTheView()
    {
        var service = new NamingService();
        var mandate = T1;
        var results = service.Classify(new[] { Entry("AGG_IDX_EURUSD", "features") }, mandate).ToList();

        var item = Assert.Single(service.Plan(results, mandate, new RenamePlanOptions { Project = "p" }));

        Assert.Contains("INTERVAL 7 DAY", item.GraceViewDdl);
        Assert.Contains("INTERVAL 14 DAY", Assert.Single(service.Plan(results, mandate, new RenamePlanOptions { GraceDays = 14 })).GraceViewDdl);
    }

    [Fact]
    public void Plan_WhenInputIsUnordered_ShouldSortByDatasetAndName()
    {
        var plan = PlanFor("mkt_agg_idx", "AGG_IDX_EURUSD", "base_idx_eurusd", "cov_agg_idx_gbpusd_eurusd");

        Assert.Equal(new[] { "AGG_IDX_EURUSD", "base_idx_eurusd", "cov_agg_idx_gbpusd_eurusd", "mkt_agg_idx" }, plan.Select(i => i.Source));
    }

    [Fact]
    public void Plan_WhenRenamesChain_ShouldNotRenameOntoATableThatIsItselfRenamed()
    {
        // agg_idx_EURUSD -> agg_idx_eurusd, while AGG_IDX_EURUSD maps there too and the grace view would take the old name.
        var plan = PlanFor("AGG_IDX_EURUSD", "agg_idx_EURUSD", "agg_idx_gbpusd");

        Assert.Equal(RenameAction.Collision, Item(plan, "AGG_IDX_EURUSD").Action);
        Assert.Equal(RenameAction.Collision, Item(plan, "agg_idx_EURUSD").Action);
        Assert.Equal(RenameAction.AlreadyCompliant, Item(plan, "agg_idx_gbpusd").Action);
    }

    [Fact]
    public void Plan_WhenManyRandomNamesArePlanned_ShouldNeverTargetAnExistingName()
    {
        var r = new Random(31);
        var pairs = M008.Values["pair"];
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (names.Count < 400)
        {
            var a = pairs[r.Next(pairs.Count)];
            var b = pairs[r.Next(pairs.Count)];
            var name = $"cov_agg_{(r.Next(2) == 0 ? "idx" : "bqx")}_{a}_{b}";
            names.Add(r.Next(5) == 0 ? name.ToUpperInvariant() : name);
        }

        var plan = PlanFor(names.ToArray());

        var renames = plan.Where(i => i.Action == RenameAction.Rename).ToList();
        Assert.NotEmpty(renames);
        // No other table's name equals the target, even ignoring case (the source itself may differ only in case).
        Assert.All(renames, i => Assert.DoesNotContain(names, n => n != i.Source && string.Equals(n, i.Target, StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(renames.Count, renames.Select(i => i.Target).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains(plan, i => i.Action == RenameAction.Collision);
    }
}
