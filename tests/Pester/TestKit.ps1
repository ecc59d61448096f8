# What the Pester files share (dot-source it in BeforeAll): where the staged module and the example are,
# fresh copies of the example (tests that write files never write into the repository), and a small fixture.

$RepoRoot = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../..')).ProviderPath
$ModuleManifest = Join-Path $RepoRoot 'out/BqxAudit/BqxAudit.psd1'
$Example = Join-Path $RepoRoot 'examples/bqx-ml-v3'

# A copy of examples/bqx-ml-v3 under $Destination (outside git, so dates come from the file system).
function Copy-Example {
    param([Parameter(Mandatory)] [string] $Destination)

    New-Item -ItemType Directory -Path (Split-Path -Parent $Destination) -Force | Out-Null
    Copy-Item -LiteralPath $Example -Destination $Destination -Recurse -Force
    (Resolve-Path -LiteralPath $Destination).ProviderPath
}

# Two scripts and (unless -WithoutProfile) a bqxaudit.yaml with one phase whose one task the Python script
# implements, so no Missing record is added; offline, the phase is NO-GO only for the unverified cloud.
function New-ScriptFixture {
    param([Parameter(Mandatory)] [string] $Root, [switch] $WithoutProfile, [switch] $Interactive)

    New-Item -ItemType Directory -Path (Join-Path $Root 'scripts') -Force | Out-Null
    # -Interactive: the phase script waits for input(), a P1 blocker (CONDITIONAL GO when the cloud is Ready).
    $prompt = if ($Interactive) { "input('continue? ')" } else { 'print(os.getcwd())' }
    Set-Content -LiteralPath (Join-Path $Root 'scripts/generate_a.py') -Value @('import os', '', $prompt)
    Set-Content -LiteralPath (Join-Path $Root 'scripts/run.sh') -Value @('#!/bin/bash', 'set -e', 'echo hi')
    if (-not $WithoutProfile) {
        Set-Content -LiteralPath (Join-Path $Root 'bqxaudit.yaml') -Value @(
            'name: pester'
            'gcp: { project: bqx-ml, serviceAccount: codespace-bqx-ml@bqx-ml.iam.gserviceaccount.com }'
            'phases:'
            '  - id: P1'
            '    name: Phase 1'
            '    tasks:'
            '      - { name: Generate, scriptGlobs: [ "scripts/generate_*" ] }'
        )
    }

    (Resolve-Path -LiteralPath $Root).ProviderPath
}

# The rows of a table as Format-Table prints it: the header line split into its column labels.
function Get-TableHeader {
    param([Parameter(Mandatory, ValueFromPipeline)] $InputObject, [int] $Width = 250)

    begin { $items = [System.Collections.Generic.List[object]]::new() }
    process { $items.Add($InputObject) }
    end {
        $text = $items | Format-Table | Out-String -Width $Width
        $lines = $text -split "`r?`n" | Where-Object { $_.Trim() }
        $header = $lines | Where-Object { $_ -notmatch '^\s*Priority: ' } | Select-Object -First 1
        -split $header
    }
}

# Every .ps1, .psd1 and .psm1 of the repository (not build output), as @{ Path; Name } with Name relative to the root.
function Find-PowerShellFile {
    param([string] $Folder = $RepoRoot)

    foreach ($item in Get-ChildItem -LiteralPath $Folder -Force) {
        if ($item.PSIsContainer) {
            if ($item.Name -notin '.git', 'bin', 'obj', 'out', 'TestResults', 'node_modules') { Find-PowerShellFile $item.FullName }
        }
        elseif ($item.Extension -in '.ps1', '.psd1', '.psm1') {
            @{ Path = $item.FullName; Name = [System.IO.Path]::GetRelativePath($RepoRoot, $item.FullName).Replace('\', '/') }
        }
    }
}

# The distinct table names of a listing file (one a line, # comments): what the example's counts follow.
function Get-ListedNameCount {
    param([string] $Path = (Join-Path $Example 'tables.txt'))

    @(Get-Content -LiteralPath $Path | Where-Object { $_.Trim() -and $_ -notmatch '^\s*#' } | ForEach-Object Trim | Sort-Object -Unique -CaseSensitive).Count
}
