<#
.SYNOPSIS
    Builds, tests and demonstrates the FineTune module.
.DESCRIPTION
    Tasks:
      Build  publishes the module into out/FineTune/<version>/ (FineTune.psd1, FineTune.dll,
             FineTune.Format.ps1xml, dependencies/ with the engine and every third-party DLL).
      Test   Build, then the xunit suites (tests/*/*.Tests.csproj), then Pester (tests/**/*.Tests.ps1)
             in a child pwsh against the built module. Ends with one line 'N passed, N failed, N skipped'
             that counts every suite; exits non-zero on any failure.
      Package  Build, then out/packages/FineTune.<version>.nupkg and FineTune.Emulator.<version>.nupkg
             with PSResourceGet (Publish-PSResource to a local folder repository); install them
             by name from any repository that serves them (Install-PSResource FineTune).
      Demo   Build, then runs the main job end to end (on the emulator unless -Endpoint is given).
      Bench  Build, then the benchmarks in bench/ against their peers.
      Clean  Removes out/ and every bin/ and obj/.
    Run it with the pinned PowerShell: dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Demo', 'Bench', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',

    # Demo: a CSV or JSON Lines file to train on (default: samples/).
    [string] $Path,

    # Demo: a real endpoint instead of the emulator (with -ApiKey). Never used in CI.
    [uri] $Endpoint,

    # Demo: the key for -Endpoint.
    [securestring] $ApiKey,

    # Demo: OpenAI (default) or Azure flavour of the emulator.
    [ValidateSet('OpenAI', 'Azure')]
    [string] $Flavor = 'OpenAI',

    # Demo: the column that holds the user text, the one that holds the reply (or label), and the system
    # message of every example (default: recognized by name; the Lumen Backup support message).
    [string] $UserProperty,
    [string] $AssistantProperty,
    [string] $SystemMessage,

    # Test: only Pester files whose path matches this wildcard (e.g. '*Dataset*').
    [string] $Filter = '*'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = $PSScriptRoot
$version = ([xml](Get-Content -Raw (Join-Path $root 'Directory.Build.props'))).Project.PropertyGroup.Version
$moduleDir = Join-Path $root "out/FineTune/$version"
$results = Join-Path $root 'out/test-results'
$packages = Join-Path $root 'out/packages'

# The DLLs the module cannot work without; the build fails when one is missing.
$requiredDependencies = @(
    'FineTune.Engine', 'OpenAI', 'System.ClientModel', 'System.Text.Json',
    'Microsoft.ML.Tokenizers', 'Microsoft.ML.Tokenizers.Data.O200kBase', 'Microsoft.ML.Tokenizers.Data.Cl100kBase',
    'System.Numerics.Tensors'
)

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-Build {
    $staging = Join-Path $root 'out/staging'
    Remove-Item -Recurse -Force $staging, $moduleDir -ErrorAction SilentlyContinue
    Invoke-Dotnet publish (Join-Path $root 'src/FineTune.Engine') -c $Configuration -o (Join-Path $staging 'engine') --nologo -v q
    Invoke-Dotnet build (Join-Path $root 'src/FineTune') -c $Configuration -o (Join-Path $staging 'module') --nologo -v q
    Invoke-Dotnet build (Join-Path $root 'src/FineTune.Emulator') -c $Configuration -o (Join-Path $root 'out/emulator') --nologo -v q

    $deps = New-Item -ItemType Directory -Force (Join-Path $moduleDir 'dependencies')
    Copy-Item (Join-Path $staging 'engine/*.dll') $deps
    foreach ($name in $requiredDependencies) {
        if (-not (Test-Path (Join-Path $deps "$name.dll"))) { throw "The build lost $name.dll: dependencies/ must hold it." }
    }
    Copy-Item (Join-Path $staging 'module/FineTune.dll') $moduleDir
    Merge-FormatFile -Destination (Join-Path $moduleDir 'FineTune.Format.ps1xml')
    $manifest = (Get-Content -Raw (Join-Path $root 'FineTune.psd1')) -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion        = '$version'"
    Set-Content -Path (Join-Path $moduleDir 'FineTune.psd1') -Value $manifest -Encoding utf8NoBOM
    # Get-Help's MAML, from the doc comments (a child pwsh: the module is loaded to read its parameters).
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tools/New-MamlHelp.ps1') -ModuleDirectory $moduleDir `
        -ModuleDoc (Join-Path $staging 'module/FineTune.xml') -EngineDoc (Join-Path $staging 'engine/FineTune.Engine.xml')
    if ($LASTEXITCODE -ne 0) { throw 'Writing the help (tools/New-MamlHelp.ps1) failed.' }
    Copy-Item (Join-Path $root 'src/FineTune/en-US/about_*.help.txt') (Join-Path $moduleDir 'en-US')
    Remove-Item -Recurse -Force $staging
    Write-Host "Built $(Join-Path $moduleDir 'FineTune.psd1')"
}

# The companion module FineTune.Emulator (the emulator and the PowerShell functions that start and drive
# it) laid out as an installable module in out/FineTune.Emulator/<version>/, the emulator in bin/.
function Invoke-EmulatorModule {
    $dir = Join-Path $root "out/FineTune.Emulator/$version"
    Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
    $bin = New-Item -ItemType Directory -Force (Join-Path $dir 'bin')
    Copy-Item (Join-Path $root 'out/emulator/*') $bin -Recurse
    Copy-Item (Join-Path $root 'src/FineTune.Emulator/Emulator.psm1') (Join-Path $dir 'FineTune.Emulator.psm1')
    $manifest = (Get-Content -Raw (Join-Path $root 'src/FineTune.Emulator/FineTune.Emulator.psd1')) -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion     = '$version'"
    Set-Content -Path (Join-Path $dir 'FineTune.Emulator.psd1') -Value $manifest -Encoding utf8NoBOM
    $dir
}

# out/packages/*.nupkg for FineTune and FineTune.Emulator, made by PSResourceGet's Publish-PSResource into a
# local folder repository registered for this run only.
function Invoke-Package {
    $emulatorDir = Invoke-EmulatorModule
    Remove-Item -Recurse -Force $packages -ErrorAction SilentlyContinue
    $null = New-Item -ItemType Directory -Force $packages
    $name = "FineTuneBuild$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    Register-PSResourceRepository -Name $name -Uri $packages -Trusted
    try {
        Publish-PSResource -Path $moduleDir -Repository $name
        Publish-PSResource -Path $emulatorDir -Repository $name
    }
    finally {
        Unregister-PSResourceRepository -Name $name
    }
    Get-ChildItem $packages -Filter *.nupkg | ForEach-Object { Write-Host "Packed $($_.FullName)" }
}

# One FineTune.Format.ps1xml from the views of src/FineTune/Formats/*.Format.ps1xml (one file an area).
function Merge-FormatFile([string] $Destination) {
    $views = foreach ($file in Get-ChildItem (Join-Path $root 'src/FineTune/Formats') -Filter '*.Format.ps1xml' | Sort-Object Name) {
        ([xml](Get-Content -Raw $file.FullName)).Configuration.ViewDefinitions.View | ForEach-Object { $_.OuterXml }
    }
    $xml = "<?xml version=`"1.0`" encoding=`"utf-8`"?>`n<Configuration><ViewDefinitions>`n$($views -join "`n")`n</ViewDefinitions></Configuration>`n"
    ([xml]$xml).Save($Destination)
}

function Get-TrxCount([string] $file) {
    $counters = ([xml](Get-Content -Raw $file)).TestRun.ResultSummary.Counters
    # xunit's skipped tests are not 'notExecuted' in the trx: they are the ones counted in total but not executed.
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout; Skipped = [int]$counters.total - [int]$counters.executed }
}

function Invoke-Test {
    Invoke-Build
    Remove-Item -Recurse -Force $results -ErrorAction SilentlyContinue
    New-Item -ItemType Directory -Force $results | Out-Null
    $passed = 0; $failed = 0; $skipped = 0

    foreach ($project in Get-ChildItem (Join-Path $root 'tests') -Recurse -Filter '*.Tests.csproj') {
        $trx = "$($project.BaseName).trx"
        & dotnet test $project.FullName -c $Configuration --nologo --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal' --results-directory $results
        $file = Join-Path $results $trx
        if (Test-Path $file) {
            $c = Get-TrxCount $file
            $passed += $c.Passed; $failed += $c.Failed; $skipped += $c.Skipped
            Write-Host "$($project.BaseName): $($c.Passed) passed, $($c.Failed) failed, $($c.Skipped) skipped"
        }
        else {
            Write-Host "$($project.BaseName): did not run (build or host failure)" -ForegroundColor Red
            $failed++
        }
    }

    Invoke-Package   # Package.Tests installs the packages by name
    $env:FINETUNE_PACKAGES = $packages

    # Pester in a child pwsh: a loaded binary module cannot be unloaded, so the tests get a fresh process.
    Invoke-Dotnet restore (Join-Path $root 'tools/Tools.csproj') --nologo -v q
    $pesterJson = Join-Path $results 'pester.json'
    $env:FINETUNE_MODULE = Join-Path $moduleDir 'FineTune.psd1'
    $env:FINETUNE_TEST_FILTER = $Filter   # not an argument: pwsh on Unix would expand a bare '*' for a native command
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tests/Invoke-Pester.ps1') -ResultPath $pesterJson
    if (Test-Path $pesterJson) {
        $p = Get-Content -Raw $pesterJson | ConvertFrom-Json
        $passed += $p.Passed; $failed += $p.Failed; $skipped += $p.Skipped
        Write-Host "Pester: $($p.Passed) passed, $($p.Failed) failed, $($p.Skipped) skipped"
    }
    else {
        Write-Host 'Pester: did not run' -ForegroundColor Red
        $failed++
    }

    Write-Host ''
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { exit 1 }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Package' {
        Invoke-Build
        Invoke-Package
    }
    'Demo' {
        Invoke-Build
        $demoArgs = @{}
        foreach ($name in 'UserProperty', 'AssistantProperty', 'SystemMessage') { if ($PSBoundParameters.ContainsKey($name)) { $demoArgs[$name] = $PSBoundParameters[$name] } }
        & (Join-Path $root 'samples/Demo.ps1') -ModulePath (Join-Path $moduleDir 'FineTune.psd1') -Path $Path -Endpoint $Endpoint -ApiKey $ApiKey -Flavor $Flavor @demoArgs
        if (-not $?) { exit 1 }
    }
    'Bench' {
        Invoke-Build
        & (Join-Path $root 'bench/Run-Bench.ps1') -ModulePath (Join-Path $moduleDir 'FineTune.psd1')
    }
    'Clean' {
        Remove-Item -Recurse -Force (Join-Path $root 'out') -ErrorAction SilentlyContinue
        Get-ChildItem $root -Recurse -Directory -Include bin, obj | Remove-Item -Recurse -Force
    }
}
