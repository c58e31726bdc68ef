<#
    Save-FineTuneFile against its peer, curl: a file of -MB megabytes (default 100) downloaded three times from the
    emulator; prints seconds, MB/s, the managed bytes allocated in this process during each call and the peak working
    set. A measurement, not a test (the figures depend on the machine). Not part of Run-Bench.ps1.
    Run: dotnet pwsh ./bench/Download.Bench.ps1 [-ModulePath out/FineTune/0.1.0/FineTune.psd1] [-MB 100]
#>
param([string] $ModulePath = (Join-Path (Split-Path $PSScriptRoot) 'out/FineTune/0.1.0/FineTune.psd1'), [int] $MB = 100)
$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).Path -Force
Import-Module (Join-Path (Split-Path $PSScriptRoot) 'src/FineTune.Emulator/Emulator.psm1') -Force
$emu = Start-FineTuneEmulator -TimeScale 0.05
try {
    $dir = Join-Path ([IO.Path]::GetTempPath()) ('dlm-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory $dir | Out-Null
    $src = Join-Path $dir 'big.jsonl'
    $line = '{"messages":[{"role":"user","content":"' + ('x' * 200) + '"},{"role":"assistant","content":"y"}]}' + "`n"
    $w = [IO.StreamWriter]::new($src, $false, [Text.UTF8Encoding]::new($false))
    try { $chunk = $line * 4096; while ($w.BaseStream.Length -lt $MB * 1MB) { $w.Write($chunk); $w.Flush() } } finally { $w.Dispose() }
    Connect-FineTune -Endpoint $emu.Endpoint -ApiKey (ConvertTo-SecureString 'any' -AsPlainText -Force)
    $f = Add-FineTuneFile $src -SkipValidation -Purpose batch  # OpenAI hands out no fine-tune file's content
    $bytes = (Get-Item $src).Length
    foreach ($i in 1..3) {
        $target = Join-Path $dir "copy$i.jsonl"
        [GC]::Collect(); $p = [Diagnostics.Process]::GetCurrentProcess(); $p.Refresh(); $ws0 = $p.WorkingSet64
        $alloc0 = [GC]::GetTotalAllocatedBytes($true)
        $t = [Diagnostics.Stopwatch]::StartNew()
        Save-FineTuneFile $f.Id -Path $target | Out-Null
        $t.Stop()
        $alloc = [GC]::GetTotalAllocatedBytes($true) - $alloc0
        $p.Refresh()
        $same = (Get-FileHash $target).Hash -eq (Get-FileHash $src).Hash
        '{0}: Save-FineTuneFile {1:N1} MB in {2:N2} s = {3:N1} MB/s; managed allocations {4:N1} MB; peak working set {5:N0} MB; identical {6}' -f $i, ($bytes / 1MB), $t.Elapsed.TotalSeconds, ($bytes / 1MB / $t.Elapsed.TotalSeconds), ($alloc / 1MB), ($p.PeakWorkingSet64 / 1MB), $same
        Remove-Item $target
    }
    $url = "$($emu.Endpoint)/files/$($f.Id)/content"
    if (-not (Get-Command curl -CommandType Application -ErrorAction SilentlyContinue)) { Write-Warning 'curl is not installed: no reference figures.' }
    else { foreach ($i in 1..3) {
        $t = [Diagnostics.Stopwatch]::StartNew()
        curl -s -o (Join-Path $dir 'curl.jsonl') -H 'Authorization: Bearer any' $url
        $t.Stop()
        '{0}: curl {1:N1} MB in {2:N2} s = {3:N1} MB/s' -f $i, ($bytes / 1MB), $t.Elapsed.TotalSeconds, ($bytes / 1MB / $t.Elapsed.TotalSeconds)
    } }
    Remove-Item -Recurse $dir
}
finally { Stop-FineTuneEmulator $emu }
