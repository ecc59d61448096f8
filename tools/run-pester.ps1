#Requires -Version 7.4
<#
.SYNOPSIS
    Runs the Pester suite (tests/Pester) against the staged module and prints one line
    "PESTER <passed> <failed>" that tools/test.sh adds to the run's closing count.
.PARAMETER PesterManifest
    Pester.psd1 of the restored NuGet package (the package keeps the module under tools/).
.PARAMETER ResultPath
    Where the NUnit XML result goes.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $ResultPath
)

$ErrorActionPreference = 'Stop'
# CI logs are plain text: no ANSI colour sequences.
$PSStyle.OutputRendering = 'PlainText'
Import-Module -Name $PesterManifest -Force

$configuration = New-PesterConfiguration
$configuration.Run.Path = Join-Path $PSScriptRoot '../tests/Pester'
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Normal'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = $ResultPath

$result = Invoke-Pester -Configuration $configuration
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
# A skipped or not-run test is not a pass: count it apart so the closing line shows it.
'PESTER {0} {1} {2}' -f $result.PassedCount, $failed, ($result.SkippedCount + $result.NotRunCount)
