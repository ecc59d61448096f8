@{
    # The module manifest: the source of truth for the version (the build reads ModuleVersion)
    # and for what the module exports.
    RootModule           = 'BqxAudit.dll'
    # The output types load in the default context so scripts can name them; the engine and its
    # packages load from Dependencies/ through the module's own AssemblyLoadContext.
    RequiredAssemblies   = @('BqxAudit.Model.dll')
    ModuleVersion        = '0.1.0'
    GUID                 = '6f1c2a4e-8d3b-4b7a-9a51-2c0e7d9b4f13'
    Author               = 'BqxAudit contributors'
    CompanyName          = 'BqxAudit'
    Copyright            = '(c) BqxAudit contributors'
    Description          = 'Audits a Google Cloud data/ML pipeline project (scripts, BigQuery, Cloud Storage, Cloud Run) for execution readiness and answers GO / CONDITIONAL GO / NO-GO with evidence.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('BqxAudit.Format.ps1xml')
    TypesToProcess       = @('BqxAudit.Types.ps1xml')
    CmdletsToExport      = @(
        'Get-BqxScriptInventory'
        'Test-BqxNamingCompliance'
        'Get-BqxRenamePlan'
        'Test-BqxInfrastructure'
        'Get-BqxDependency'
        'Get-BqxBlocker'
        'Test-BqxPhaseReadiness'
        'Invoke-BqxAudit'
        'Export-BqxAuditReport'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags = @('GoogleCloud', 'BigQuery', 'Audit', 'Readiness', 'CloudRun')
        }
    }
}
