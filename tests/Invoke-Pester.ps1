<#
.SYNOPSIS
    Runs every Pester test file under tests/ against the built module (build.ps1 -Task Test calls it
    in a fresh pwsh). Pester 5.7.1 comes from NuGet through tools/Tools.csproj. Writes the counts to
    -ResultPath as JSON.
#>
param(
    [string] $Filter = $(if ($env:FINETUNE_TEST_FILTER) { $env:FINETUNE_TEST_FILTER } else { '*' }),
    [Parameter(Mandatory)] [string] $ResultPath
)
$ErrorActionPreference = 'Stop'
$packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
Import-Module (Join-Path $packages 'pester/5.7.1/tools/Pester.psd1') -Force

# Uploads are recorded in the user's data folder (upload ledger): the tests keep theirs in a folder of their own.
$env:FINETUNE_DATA_HOME = Join-Path ([IO.Path]::GetTempPath()) "finetune-test-data-$PID"

$config = New-PesterConfiguration
$config.Run.Path = @(Get-ChildItem $PSScriptRoot -Recurse -Filter '*.Tests.ps1' | Where-Object FullName -like $Filter | ForEach-Object FullName)
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.Output.CIFormat = 'None'
$result = Invoke-Pester -Configuration $config
[pscustomobject]@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount + $result.NotRunCount + $result.InconclusiveCount
} | ConvertTo-Json | Set-Content -Path $ResultPath -Encoding utf8NoBOM
Remove-Item -Recurse -Force $env:FINETUNE_DATA_HOME -ErrorAction SilentlyContinue
