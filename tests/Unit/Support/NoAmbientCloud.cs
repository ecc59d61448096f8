using System.Runtime.CompilerServices;

namespace BqxAudit.Tests.Support;

/// <summary>
/// Only loopback is a valid network target for tests. Tests that run a command without --offline would
/// otherwise look for ambient credentials the way a user's run does: the gcloud ADC file of the machine
/// and the metadata server at 169.254.169.254. Before any test runs, this points the process away from
/// both (tests of credentials pass their own environment to the engine instead).
/// </summary>
internal static class NoAmbientCloud
{
    [ModuleInitializer]
    internal static void Initialize()
    {
        var empty = Path.Combine(Path.GetTempPath(), "bqx-test-no-gcloud-config");
        Directory.CreateDirectory(empty);
        Environment.SetEnvironmentVariable("NO_GCE_CHECK", "true");
        Environment.SetEnvironmentVariable("CLOUDSDK_CONFIG", empty);
        Environment.SetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS", null);
        Environment.SetEnvironmentVariable("BQXAUDIT_GCP_ENDPOINT", null);
        Environment.SetEnvironmentVariable("STORAGE_EMULATOR_HOST", null);
    }
}
