using BqxAudit.Checks.Naming;
using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Model;

namespace BqxAudit.Tests.Naming;

/// <summary>Profiles, mandates and hosts the naming tests share.</summary>
internal static class NamingFixtures
{
    private static readonly Lazy<AuditProfile> Embedded = new(() => ProfileLoader.LoadEmbedded("bqx-ml-v3"));

    /// <summary>The embedded default profile (loaded once; tests must not change it).</summary>
    public static AuditProfile EmbeddedProfile => Embedded.Value;

    /// <summary>M008 of the embedded profile.</summary>
    public static MandateProfile M008 => NamingService.SelectMandate(EmbeddedProfile, "M008");

    public const string FeaturesDataset = "bqx_ml_v3_features_v2";

    /// <summary>A small standard: a window family without a competing primary, an open-valued family, and exemptions.</summary>
    public const string TestProfileYaml = """
        name: naming-test
        gcp: { project: test-project }
        datasets:
          - { name: features, tableListFile: tables.txt }
        mandates:
          - id: T1
            kind: naming
            datasets: [ features ]
            graceDays: 7
            values:
              feature_type: [ agg, mom ]
              variant: [ idx, bqx ]
              pair: [ eurusd, gbpusd, usdjpy ]
              currency: [ eur, gbp, usd ]
              window: [ 45, 90 ]
              thing: [ "*" ]
            families:
              - id: primary
                patterns: [ "{feature_type}_{variant}_{pair}" ]
              - id: cov
                patterns: [ "cov_{feature_type}_{variant}_{pair1}_{pair2}" ]
                alphabetical: [ pair1, pair2 ]
              - id: tri
                patterns: [ "tri_{variant}_{c1:currency}_{c2:currency}_{c3:currency}" ]
                alphabetical: [ c1, c2, c3 ]
              - id: win
                patterns: [ "win_{variant}_{pair}_{window}" ]
              - id: open
                patterns: [ "open_{variant}_{thing}" ]
                case: any
            exemptions:
              - { pattern: "tmp_*", reason: scratch tables }
              - { pattern: "*_backup_????", reason: dated backups }
        """;

    public static AuditProfile TestProfile() => ProfileLoader.Parse(TestProfileYaml, "test.yaml");

    public static MandateProfile T1 => NamingService.SelectMandate(TestProfile(), "T1");

    public static TableNameEntry Entry(string name, string? dataset = null) => new(name, "test", dataset);

    public static NamingResult Classify(MandateProfile mandate, string name, string? dataset = null) =>
        new NamingService().Classify(Entry(name, dataset), mandate);

    public static List<NamingResult> ClassifyAll(MandateProfile mandate, params string[] names) =>
        new NamingService().Classify(names.Select(n => Entry(n, FeaturesDatasetFor(mandate))), mandate).ToList();

    private static string? FeaturesDatasetFor(MandateProfile mandate) => mandate.Datasets.FirstOrDefault();
}

/// <summary>A host that records errors and answers ShouldProcess as told.</summary>
internal sealed class TestHost : IAuditHost
{
    public TestHost(bool approve = true) => Approve = approve;

    public bool Approve { get; }

    public List<BqxError> Errors { get; } = new();

    public List<string> Warnings { get; } = new();

    public List<(string Target, string Action)> Asked { get; } = new();

    public CancellationToken Cancellation => CancellationToken.None;

    public CommandDialect Dialect => CommandDialect.Cli;

    public void WriteVerbose(string message) { }

    public void WriteWarning(string message) => Warnings.Add(message);

    public void WriteError(BqxError error) => Errors.Add(error);

    public void WriteProgress(ProgressInfo progress) { }

    public bool ShouldProcess(string target, string action)
    {
        Asked.Add((target, action));
        return Approve;
    }
}
