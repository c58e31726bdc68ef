<#
.SYNOPSIS
    Import-Module FineTune in fresh pwsh processes: how long it takes, and that no engine assembly is loaded by it.
.DESCRIPTION
    Each of -Runs child processes (dotnet pwsh -NoProfile) times Import-Module with a Stopwatch, then lists the
    assemblies loaded in any AssemblyLoadContext whose name starts with FineTune.Engine, or that come from the
    module's dependencies/ folder (the engine and its libraries load in a private context on first use, never at
    import). Prints the median, the fastest and the slowest import and the load average. Goal: under 150 ms on a
    quiet machine, nothing of the engine loaded. A measurement, not a test.
    Run: dotnet pwsh ./bench/Import.Bench.ps1 [-ModulePath out/FineTune/0.1.0/FineTune.psd1] [-Runs 10]
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path (Split-Path $PSScriptRoot) 'out/FineTune/0.1.0/FineTune.psd1'),
    [int] $Runs = 10
)
$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path $ModulePath).Path
$child = @'
param($ModulePath)
$t = [Diagnostics.Stopwatch]::StartNew()
Import-Module $ModulePath
$t.Stop()
$deps = Join-Path (Split-Path $ModulePath) 'dependencies'
$engine = foreach ($alc in [Runtime.Loader.AssemblyLoadContext]::All) {
    foreach ($a in $alc.Assemblies) {
        if ($a.GetName().Name -like 'FineTune.Engine*' -or (-not $a.IsDynamic -and $a.Location -and $a.Location.StartsWith($deps))) { "$($a.GetName().Name) ($($alc.Name ?? $alc.GetType().Name))" }
    }
}
[pscustomobject]@{ Ms = $t.Elapsed.TotalMilliseconds; Engine = @($engine) -join ', ' } | ConvertTo-Json -Compress
'@
$script = Join-Path ([IO.Path]::GetTempPath()) "import-bench-$PID.ps1"
Set-Content -Path $script -Value $child -Encoding utf8NoBOM
Write-Host "Load before: $(((Get-Content /proc/loadavg) -split ' ' | Select-Object -First 3) -join ' ')"
$results = foreach ($i in 1..$Runs) {
    & dotnet pwsh -NoProfile -NonInteractive -File $script -ModulePath $ModulePath | Select-Object -Last 1 | ConvertFrom-Json
}
Remove-Item $script
$ms = $results.Ms | Sort-Object
$loaded = @($results.Engine | Where-Object { $_ }) | Select-Object -Unique
Write-Host ("Import-Module FineTune over {0} fresh processes: median {1:N0} ms, fastest {2:N0} ms, slowest {3:N0} ms (goal: under 150 ms)." -f `
        $Runs, $ms[[int][math]::Floor(($Runs - 1) / 2)], $ms[0], $ms[-1])
Write-Host ("Engine assemblies loaded by the import: {0}" -f $(if ($loaded) { $loaded -join '; ' } else { 'none' }))
Write-Host "Load after: $(((Get-Content /proc/loadavg) -split ' ' | Select-Object -First 3) -join ' ')"
