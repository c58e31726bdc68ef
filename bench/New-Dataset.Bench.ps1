<#
.SYNOPSIS
    Times New-FineTuneDataset against an idiomatic PowerShell script (ConvertTo-Json -Compress | Set-Content)
    over the same pipeline objects, in the same run, and prints the ratio (goal: at least 10x).
.DESCRIPTION
    The objects are real text: the 175 Alpaca seed tasks of ../shared/data (instruction + input as
    Question, output as Answer), repeated to -Count objects with the record number appended so no two
    are equal. Both sides write one chat example a line (system, user, assistant) to a file in a temporary
    folder; the script checks that both files hold the same examples (parsed) before it prints figures.
    Each timed pass gets freshly built objects (PowerShell caches member lookups on an object the first
    time a pipeline reads it, so reusing objects would favour whichever side runs second), after a full
    GC. -Rounds rounds alternate which side goes first; the best time of each side counts.
    Run: dotnet pwsh ./bench/New-Dataset.Bench.ps1 [-Count 100000] [-ModulePath out/FineTune/<v>/FineTune.psd1]
#>
[CmdletBinding()]
param(
    [int] $Count = 100000,
    [int] $Rounds = 2,
    [string] $ModulePath
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot
if (-not $ModulePath) { $ModulePath = (Get-ChildItem (Join-Path $root 'out/FineTune') -Filter FineTune.psd1 -Recurse | Select-Object -First 1).FullName }
else { $ModulePath = (Resolve-Path $ModulePath).Path }
Import-Module $ModulePath -Force

$seed = Join-Path (Split-Path $root) 'shared/data/instruct_alpaca_seed_tasks.jsonl'
if (-not (Test-Path $seed)) { throw "Input missing: $seed" }
$tasks = @(Get-Content $seed | ConvertFrom-Json)
function New-BenchObject {
    $objects = [System.Collections.Generic.List[object]]::new($Count)
    for ($i = 0; $i -lt $Count; $i++) {
        $t = $tasks[$i % $tasks.Count]
        $question = if ($t.instances[0].input) { "$($t.instruction)`n`n$($t.instances[0].input)" } else { $t.instruction }
        $objects.Add([pscustomobject]@{ Question = "$question (#$i)"; Answer = $t.instances[0].output })
    }
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    , $objects
}
$system = 'You are a helpful assistant that follows instructions precisely.'
$dir = Join-Path ([System.IO.Path]::GetTempPath()) ("ft-bench-" + [guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory $dir | Out-Null
$ours = Join-Path $dir 'ours.jsonl'
$peer = Join-Path $dir 'peer.jsonl'
try {
    $runOurs = {
        $objects = New-BenchObject
        Measure-Command { $objects | New-FineTuneDataset -Path $ours -SystemMessage $system -Force | Out-Null }
    }
    $runPeer = {
        $objects = New-BenchObject
        Measure-Command {
            $objects | ForEach-Object {
                [ordered]@{ messages = @(
                        [ordered]@{ role = 'system'; content = $system }
                        [ordered]@{ role = 'user'; content = $_.Question }
                        [ordered]@{ role = 'assistant'; content = $_.Answer }
                    ) } | ConvertTo-Json -Compress -Depth 5
            } | Set-Content -Path $peer -Encoding utf8NoBOM
        }
    }
    $oursTimes = @(); $peerTimes = @()
    for ($r = 0; $r -lt $Rounds; $r++) {
        if ($r % 2 -eq 0) { $oursTimes += & $runOurs; $peerTimes += & $runPeer }
        else { $peerTimes += & $runPeer; $oursTimes += & $runOurs }
        Write-Host ("round {0}: ours {1:N2} s, peer {2:N2} s" -f ($r + 1), $oursTimes[-1].TotalSeconds, $peerTimes[-1].TotalSeconds)
    }
    $tOurs = $oursTimes | Sort-Object TotalSeconds | Select-Object -First 1
    $tPeer = $peerTimes | Sort-Object TotalSeconds | Select-Object -First 1

    # Same examples on both sides (compare a sample of parsed lines and the counts).
    $a = [System.IO.File]::ReadAllLines($ours); $b = [System.IO.File]::ReadAllLines($peer)
    if ($a.Count -ne $Count -or $b.Count -ne $Count) { throw "Line counts differ: ours $($a.Count), peer $($b.Count), expected $Count." }
    foreach ($i in 0, 1, 2, ($Count - 1)) {
        if (($a[$i] | ConvertFrom-Json | ConvertTo-Json -Depth 5 -Compress) -cne ($b[$i] | ConvertFrom-Json | ConvertTo-Json -Depth 5 -Compress)) { throw "Line $($i + 1) differs:`n$($a[$i])`n$($b[$i])" }
    }

    $mb = (Get-Item $ours).Length / 1MB
    [pscustomobject]@{
        Objects        = $Count
        MB             = [math]::Round($mb, 1)
        OursSeconds    = [math]::Round($tOurs.TotalSeconds, 2)
        PeerSeconds    = [math]::Round($tPeer.TotalSeconds, 2)
        OursObjectsSec = [math]::Round($Count / $tOurs.TotalSeconds)
        PeerObjectsSec = [math]::Round($Count / $tPeer.TotalSeconds)
        OursMBs        = [math]::Round($mb / $tOurs.TotalSeconds, 1)
        PeerMBs        = [math]::Round((Get-Item $peer).Length / 1MB / $tPeer.TotalSeconds, 1)
        Ratio          = [math]::Round($tPeer.TotalSeconds / $tOurs.TotalSeconds, 1)
    } | Format-List
    Write-Host ("New-FineTuneDataset is {0:N1}x the ConvertTo-Json | Set-Content script over {1:N0} objects (goal: 10x)." -f ($tPeer.TotalSeconds / $tOurs.TotalSeconds), $Count)
}
finally {
    Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
}
