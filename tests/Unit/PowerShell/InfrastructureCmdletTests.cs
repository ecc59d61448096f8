namespace BqxAudit.Tests.PowerShell;

/// <summary>Test-BqxInfrastructure as PowerShell will see it: -ProbeWrite writes, so the cmdlet offers -WhatIf and -Confirm.</summary>
[Collection(StagedModuleCollection.Name)]
public sealed class InfrastructureCmdletTests
{
    private readonly ModuleMetadata module;

    public InfrastructureCmdletTests(ModuleMetadata module) => this.module = module;

    [Fact]
    public void TestBqxInfrastructure_WhenReadFromTheStagedModule_ShouldSupportShouldProcessAndTakeProbeWriteAsASwitch()
    {
        var cmdlet = Assert.Single(module.Cmdlets, c => c.Name == "Test-BqxInfrastructure");

        Assert.True(cmdlet.SupportsShouldProcess);
        var probe = Assert.Single(cmdlet.Parameters, p => p.Name == "ProbeWrite");
        Assert.Equal("System.Management.Automation.SwitchParameter", probe.Type.FullName);
        Assert.All(probe.Sets, s => Assert.False(s.Mandatory || s.ValueFromPipeline || s.ValueFromPipelineByPropertyName));
        Assert.Contains(cmdlet.AllNamesAndAliases(), n => n.Name == "WhatIf");
        Assert.Equal(
            new[] { "Check", "CredentialPath", "Offline", "Path", "ProbeWrite", "Profile", "ProjectId", "Quiet", "ThrottleLimit", "TimeoutSec" },
            cmdlet.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal));
    }
}
