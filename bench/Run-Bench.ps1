<#
.SYNOPSIS
    Times Test-FineTuneDataset + Measure-FineTuneDataset against a Node.js peer (npm tiktoken, OpenAI's
    reference tokenizer) on the same 100 MB chat JSONL, checks that memory does not grow with the file
    (a 1 GB run), then runs New-Dataset.Bench.ps1 (New-FineTuneDataset against ConvertTo-Json | Set-Content).
.DESCRIPTION
    Data: bench/work/chat-100mb.jsonl and chat-1gb.jsonl (git-ignored, built once and reused) repeat the
    lines of the ../shared/data chat files (chat_*.jsonl: grade-school maths, ticket classification, tool
    calls, travel, toy) in their order, each copy with its number put in front of the first user message
    ("[copy 17] What was ...") so the copies are distinct examples, as in a real file; the system messages
    stay as they are (five variants, as in a file merged from several sources).
    Ours: a child `dotnet pwsh` imports the module and runs
        Test-FineTuneDataset -Path F -Model M | Select-Object -Last 1
        Measure-FineTuneDataset -Path F -Model M
    timing each (Measure-Command, module import not included) and reporting its own peak resident set
    (VmHWM of /proc/self/status: the whole pwsh process, runtime and PowerShell included).
    Peer: `node bench/peer/check-dataset.js F` (same rules, tiktoken o200k_base, same chat token formula),
    which reports its elapsed time (encoder load included, as ours includes the first cmdlet's) and peak RSS.
    Figures: MB/s = file MB / seconds (wall clock); tokens/s = tokens counted / seconds; CPU s = user +
    system CPU time (ours uses every core, the peer one; on a busy machine wall time favours the peer). Ours = both cmdlets together
    (the checker counts tokens too, so ours reads the file twice); each cmdlet is also shown alone.
    One pass: a child of its own runs only Test-FineTuneDataset -Path F -Model M, whose report carries the
    measurement (findings and token counts from one read, each repeated text counted on its first two sightings only). It and the peer run
    -Runs times (5) in turn, each in a new process; the one-pass figure is the ratio of the two medians, and every
    run's time is printed (on a 2-core VM one run of either side moves by a quarter from the next). The 1 GB memory
    run is a one-pass run. Peak memory is compared as the lowest peak of the one-pass runs of each file (-MemoryRuns
    of the 1 GB file, run in turn with 100 MB ones; the timed runs count among the 100 MB ones): a peak is only ever raised by noise
    (when a collection happens, how many pool threads start), so one run each spread the 1 GB/100 MB ratio by
    several points either way.
    Goals: one pass >= 10x the peer; Test + Measure >= 3x; the 1 GB peak within 15% of the 100 MB peak; the pwsh
    process under 400 MB; New-FineTuneDataset >= 10x the idiomatic script.
    Run: dotnet pwsh ./build.ps1 -Task Bench     (or: dotnet pwsh ./bench/Run-Bench.ps1 -ModulePath out/FineTune/<v>/FineTune.psd1 [-Quick])
    Needs node and `npm install --no-audit --no-fund` in bench/peer (done here when node_modules is missing).
#>
[CmdletBinding()]
param(
    # The built module manifest (build.ps1 -Task Bench passes it).
    [Parameter(Mandatory)]
    [string] $ModulePath,

    # Skips the 1 GB memory run.
    [switch] $Quick,

    # The model whose encoding and limit both sides use.
    [string] $Model = 'gpt-4o-mini-2024-07-18',

    # Size of the speed file and of the memory file, in MB.
    [ValidateRange(1, 8192)]
    [int] $SizeMB = 100,
    [ValidateRange(1, 8192)]
    [int] $LargeSizeMB = 1024,

    # One-pass runs of each file for the memory comparison (the lowest peak of each is compared).
    [ValidateRange(1, 10)]
    [int] $MemoryRuns = 3,

    # Timed runs of the one-pass check and of the peer, in turn; the one-pass figure is the ratio of their medians.
    [ValidateRange(1, 15)]
    [int] $Runs = 5,

    # Objects for New-Dataset.Bench.ps1.
    [int] $DatasetObjects = 100000
)
$ErrorActionPreference = 'Stop'
$bench = $PSScriptRoot
$root = Split-Path $bench
$ModulePath = (Resolve-Path $ModulePath).Path
$work = New-Item -ItemType Directory -Force (Join-Path $bench 'work')
$peerDir = Join-Path $bench 'peer'

# ---- data (Get-BenchFile: bench/work/chat-<size>.jsonl, built once) ----
. (Join-Path $bench 'BenchData.ps1')

# ---- the two sides ----
function Invoke-Ours([string] $file, [switch] $OnePass) {
    $child = @'
param($ModulePath, $File, $Model, [switch] $OnePass)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$summary = $null; $measurement = $null
$me = [System.Diagnostics.Process]::GetCurrentProcess()
$c0 = $me.TotalProcessorTime
$t1 = Measure-Command { $script:summary = Test-FineTuneDataset -Path $File -Model $Model | Select-Object -Last 1 }
$me.Refresh(); $c1 = $me.TotalProcessorTime
# one pass: the findings and the measurement from the same read (the report's Measurement); else Measure reads again
$t2 = if ($OnePass) { $script:measurement = $summary.Measurement; [timespan]::Zero } else { Measure-Command { $script:measurement = Measure-FineTuneDataset -Path $File -Model $Model } }
$me.Refresh(); $c2 = $me.TotalProcessorTime
$hwm = (Get-Content /proc/self/status | Where-Object { $_ -like 'VmHWM:*' }) -replace '\D', ''
[pscustomobject]@{
    TestSeconds = $t1.TotalSeconds; MeasureSeconds = $t2.TotalSeconds
    TestCpu = ($c1 - $c0).TotalSeconds; MeasureCpu = ($c2 - $c1).TotalSeconds
    Examples = $summary.Examples; Errors = $summary.Errors; Warnings = $summary.Warnings; SummaryTokens = $summary.Tokens
    TotalTokens = $measurement.TotalTokens; AssistantTokens = $measurement.AssistantTokens
    PeakMB = [double]$hwm / 1024
} | ConvertTo-Json -Compress
'@
    $script = Join-Path $work 'ours-child.ps1'
    Set-Content -Path $script -Value $child -Encoding utf8NoBOM
    $out = & dotnet pwsh -NoProfile -NonInteractive -File $script -ModulePath $ModulePath -File $file -Model $Model -OnePass:$OnePass
    if ($LASTEXITCODE -ne 0) { throw "The child pwsh failed ($LASTEXITCODE): $out" }
    $out | Select-Object -Last 1 | ConvertFrom-Json
}

function Invoke-Peer([string] $file) {
    if (-not (Test-Path (Join-Path $peerDir 'node_modules/tiktoken'))) {
        Push-Location $peerDir
        try { & npm install --no-audit --no-fund | Out-Host } finally { Pop-Location }
        if ($LASTEXITCODE -ne 0) { throw 'npm install in bench/peer failed.' }
    }
    $out = & node (Join-Path $peerDir 'check-dataset.js') $file
    if ($LASTEXITCODE -ne 0) { throw "The peer failed ($LASTEXITCODE): $out" }
    $out | Select-Object -Last 1 | ConvertFrom-Json
}

function Format-Row([string] $side, [double] $mb, [double] $seconds, [double] $tokens, [double] $peak, [double] $cpu) {
    [pscustomobject]@{
        Side       = $side
        Seconds    = [math]::Round($seconds, 2)
        'CPU s'    = [math]::Round($cpu, 2)
        'MB/s'     = [math]::Round($mb / $seconds, 2)
        'tokens/s' = [math]::Round($tokens / $seconds)
        'Peak MB'  = if ($peak) { [math]::Round($peak, 1) } else { $null }
    }
}

Write-Host "Load before: $((Get-Content /proc/loadavg) -split ' ' | Select-Object -First 3)   ($([Environment]::ProcessorCount) cores)"
$file = Get-BenchFile $SizeMB
$mb = (Get-Item $file).Length / 1MB

# The one pass and the peer in turn, -Runs times each (a cold process either way): a 2-core VM's noise moves
# one run of either side by a quarter, so the figure is the ratio of the two medians; every run is printed.
$ones = @(); $peers = @()
foreach ($r in 1..$Runs) {
    $ones += Invoke-Ours $file -OnePass
    $peers += Invoke-Peer $file
}
$one = Get-Median $ones 'TestSeconds'
$peer = Get-Median $peers 'elapsedSeconds'
$ours = Invoke-Ours $file
Write-Host "Load after:  $((Get-Content /proc/loadavg) -split ' ' | Select-Object -First 3)"

$oursSeconds = $ours.TestSeconds + $ours.MeasureSeconds
# Ours counts the tokens twice (the checker and Measure); tokens/s is per pass, as the peer's.
$rows = @(
    Format-Row 'ours: one pass (Test -Model)' $mb $one.TestSeconds $one.TotalTokens $one.PeakMB $one.TestCpu
    Format-Row 'ours: Test + Measure' $mb $oursSeconds (2 * $ours.TotalTokens) $ours.PeakMB ($ours.TestCpu + $ours.MeasureCpu)
    Format-Row '  Test-FineTuneDataset -Model' $mb $ours.TestSeconds $ours.SummaryTokens $null $ours.TestCpu
    Format-Row '  Measure-FineTuneDataset' $mb $ours.MeasureSeconds $ours.TotalTokens $null $ours.MeasureCpu
    Format-Row 'peer: node + tiktoken' $mb $peer.elapsedSeconds $peer.totalTokens $peer.peakRssMB $peer.cpuSeconds
)
Write-Host ("File: {0} ({1:N1} MB, {2:N0} examples)" -f $file, $mb, $ours.Examples)
$rows | Format-Table -AutoSize | Out-Host
Write-Host ("Examples ours {0:N0} / peer {1:N0}; tokens ours {2:N0} / peer {3:N0}{4}; findings ours {5:N0} errors + {6:N0} warnings / peer {7:N0} errors + {8:N0} warnings." -f `
        $ours.Examples, $peer.examples, $ours.TotalTokens, $peer.totalTokens, $(if ($ours.TotalTokens -eq $peer.totalTokens) { ' (equal)' } else { ' (DIFFER)' }),
    $ours.Errors, $ours.Warnings, $peer.errors, $peer.warnings)
$ratio = $peer.elapsedSeconds / $oursSeconds
Write-Host ("Runs in turn: one pass {0} s; peer {1} s (the rows above are the medians)." -f (($ones | ForEach-Object { '{0:N2}' -f $_.TestSeconds }) -join ', '), (($peers | ForEach-Object { '{0:N2}' -f $_.elapsedSeconds }) -join ', '))
Write-Host ("One pass: Test-FineTuneDataset -Model (findings and measurement from one read) is {0:N2}x the peer, median of {3} runs each (goal: 10x); tokens {1:N0}{2}." -f ($peer.elapsedSeconds / $one.TestSeconds), $one.TotalTokens, $(if (@($ones | Where-Object { $_.TotalTokens -ne $peer.totalTokens }).Count -eq 0) { ' (equal to the peer in every run)' } else { ' (DIFFER from the peer)' }), $Runs)
Write-Host ("Throughput: ours (Test + Measure, two reads) is {0:N2}x the peer (goal: 3x); Test alone {1:N2}x, Measure alone {2:N2}x." -f $ratio, ($peer.elapsedSeconds / $ours.TestSeconds), ($peer.elapsedSeconds / $ours.MeasureSeconds))
Write-Host ("CPU time (user + system; less sensitive to other load than wall time): the peer used {0:N2}x ours." -f ($peer.cpuSeconds / ($ours.TestCpu + $ours.MeasureCpu)))
Write-Host ("Memory: the pwsh process peaked at {0:N1} MB (goal: under 400 MB); the peer at {1:N1} MB." -f $ours.PeakMB, $peer.peakRssMB)

if (-not $Quick) {
    $large = Get-BenchFile $LargeSizeMB
    $smallPeaks = @($ones.PeakMB)
    $bigRuns = foreach ($r in 1..$MemoryRuns) {
        Invoke-Ours $large -OnePass
        if ($r -lt $MemoryRuns) { $smallPeaks += (Invoke-Ours $file -OnePass).PeakMB }
    }
    $big = $bigRuns[0]
    $bigPeak = ($bigRuns.PeakMB | Measure-Object -Minimum).Minimum
    $smallPeak = ($smallPeaks | Measure-Object -Minimum).Minimum
    $largeMB = (Get-Item $large).Length / 1MB
    Write-Host ("File: {0} ({1:N1} MB, {2:N0} examples)" -f $large, $largeMB, $big.Examples)
    @(Format-Row 'ours: one pass (1 GB)' $largeMB $big.TestSeconds $big.TotalTokens $big.PeakMB $big.TestCpu) | Format-Table -AutoSize | Out-Host
    Write-Host ("Peaks of {0} one-pass runs each: {1} MB file {2} MB; {3} MB file {4} MB." -f $MemoryRuns, $SizeMB, (($smallPeaks | ForEach-Object { '{0:N1}' -f $_ }) -join ', '), $LargeSizeMB, (($bigRuns.PeakMB | ForEach-Object { '{0:N1}' -f $_ }) -join ', '))
    Write-Host ("Memory (one pass, lowest peaks): {0} MB file {1:N1} MB vs {2} MB file {3:N1} MB: {4:+0.0;-0.0}% (goal: within 15%); under 400 MB: {5}." -f `
            $LargeSizeMB, $bigPeak, $SizeMB, $smallPeak, (100 * ($bigPeak / $smallPeak - 1)), (($bigRuns.PeakMB | Measure-Object -Maximum).Maximum -lt 400))
}

Write-Host ''
Write-Host 'New-FineTuneDataset against ConvertTo-Json -Compress | Set-Content:'
& (Join-Path $bench 'New-Dataset.Bench.ps1') -ModulePath $ModulePath -Count $DatasetObjects
Write-Host "Load at the end: $((Get-Content /proc/loadavg) -split ' ' | Select-Object -First 3)"
