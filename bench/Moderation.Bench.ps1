<#
.SYNOPSIS
    Times Test-FineTuneModeration against a plain PowerShell peer (Invoke-RestMethod, one request per example,
    the text of all its messages joined) over the same file, against the emulator, and prints examples per second.
.DESCRIPTION
    The file is the real GSM8K chat set of ../shared/data repeated -Repeat times (each copy's lines made distinct,
    so the resume journal does not answer for them). Both sides find the same flagged lines before figures are
    printed (one trigger word is put into every 100th example). Loopback emulator: the figures measure the client's
    batching and concurrency, not the real service's latency, which makes batching matter more.
    Run: dotnet pwsh ./bench/Moderation.Bench.ps1 [-Repeat 4] [-ModulePath out/FineTune/<v>/FineTune.psd1]
#>
[CmdletBinding()]
param(
    [int] $Repeat = 4,
    [string] $ModulePath
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot
if (-not $ModulePath) { $ModulePath = (Get-ChildItem (Join-Path $root 'out/FineTune') -Filter FineTune.psd1 -Recurse | Select-Object -First 1).FullName }
Import-Module $ModulePath -Force
Import-Module (Join-Path $root 'src/FineTune.Emulator/Emulator.psm1') -Force
$source = Join-Path (Split-Path $root) 'shared/data/chat_gsm8k_train.jsonl'
if (-not (Test-Path $source)) { throw "Input missing: $source" }

$dir = Join-Path ([System.IO.Path]::GetTempPath()) ("ft-bench-" + [guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory $dir | Out-Null
$emu = Start-FineTuneEmulator -TriggerWord 'zorgblatt'
try {
    $lines = [System.IO.File]::ReadAllText($source).TrimEnd("`n").Split("`n")
    $out = [System.Collections.Generic.List[string]]::new()
    for ($r = 0; $r -lt $Repeat; $r++) {
        foreach ($l in $lines) {
            $n = $out.Count
            $word = if ($n % 100 -eq 99) { ' zorgblatt' } else { '' }
            $out.Add($l.Replace('"role": "user", "content": "', "`"role`": `"user`", `"content`": `"(copy $r)$word "))
        }
    }
    $path = Join-Path $dir 'bench.jsonl'
    [System.IO.File]::WriteAllText($path, ($out -join "`n") + "`n")
    $key = 'sk-bench-moderation'
    Connect-FineTune -Endpoint $emu.Endpoint -ApiKey (ConvertTo-SecureString $key -AsPlainText -Force)

    $results = foreach ($throttle in 1, 4) {
        $journal = Join-Path $dir "journal-$throttle.jsonl"
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $report = @(Test-FineTuneModeration -Path $path -ThrottleLimit $throttle -ResumeFile $journal -ProgressAction SilentlyContinue)
        $watch.Stop()
        $summary = $report[-1]
        [pscustomobject]@{ Side = "Test-FineTuneModeration -ThrottleLimit $throttle"; Examples = $summary.Examples; Flagged = $summary.Flagged; Requests = $summary.Requests; Seconds = [math]::Round($watch.Elapsed.TotalSeconds, 2); ExamplesPerSecond = [math]::Round($summary.Examples / $watch.Elapsed.TotalSeconds, 1); Lines = ($report | Where-Object Line).Line -join ',' }
    }

    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $flagged = [System.Collections.Generic.List[int]]::new()
    $i = 0
    foreach ($l in $out) {
        $i++
        $text = (($l | ConvertFrom-Json).messages | ForEach-Object content) -join "`n"
        $answer = Invoke-RestMethod -Method Post -Uri "$($emu.Endpoint)/moderations" -Headers @{ Authorization = "Bearer $key" } -ContentType 'application/json' -Body (@{ input = $text; model = 'omni-moderation-latest' } | ConvertTo-Json)
        if ($answer.results[0].flagged) { $flagged.Add($i) }
    }
    $watch.Stop()
    $peer = [pscustomobject]@{ Side = 'Invoke-RestMethod, one request per example'; Examples = $out.Count; Flagged = $flagged.Count; Requests = $out.Count; Seconds = [math]::Round($watch.Elapsed.TotalSeconds, 2); ExamplesPerSecond = [math]::Round($out.Count / $watch.Elapsed.TotalSeconds, 1); Lines = $flagged -join ',' }
    foreach ($r in $results) { if ($r.Lines -ne $peer.Lines) { throw "The sides disagree on the flagged lines: '$($r.Lines)' vs '$($peer.Lines)'" } }
    @($results) + $peer | Format-Table Side, Examples, Flagged, Requests, Seconds, ExamplesPerSecond -AutoSize | Out-String -Width 200 | Write-Host
    Write-Host ("Ratio (ThrottleLimit 4 / peer): {0:0.0}x" -f ($results[-1].ExamplesPerSecond / $peer.ExamplesPerSecond))
}
finally {
    $emu | Stop-FineTuneEmulator
    Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
}
