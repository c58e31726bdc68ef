# Shared helpers for the Pester suites: where the built module and shared/ are.

function Get-FineTuneModulePath {
    if ($env:FINETUNE_MODULE) { return $env:FINETUNE_MODULE }
    $root = Split-Path (Split-Path $PSScriptRoot)
    $built = Get-ChildItem (Join-Path $root 'out/FineTune') -Filter FineTune.psd1 -Recurse -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $built) { throw 'The module is not built: run ./build.ps1 -Task Build first.' }
    $built.FullName
}

# ../shared beside the repository (read in place, never copied).
function Get-SharedPath([string] $Relative) {
    $root = Split-Path (Split-Path $PSScriptRoot)
    Join-Path (Join-Path (Split-Path $root) 'shared') $Relative
}

Export-ModuleMember -Function Get-FineTuneModulePath, Get-SharedPath
