<#
.SYNOPSIS
    Times Compare-FineTuneModel at its default concurrency against a one-call-at-a-time Invoke-RestMethod loop
    over the same examples on the emulator, and prints examples per second for each and their ratio (goal: >= 10x).
.DESCRIPTION
    Examples: the real GSM8K validation set of ../shared/data repeated -Repeat times (each copy's questions made
    distinct, so the journal answers none of them), sent to one base model (gpt-4o-mini) and graded with the regex
    on the final '#### <number>'. Both sides grade the same answers: the peer applies the same regex, and the
    pass counts must agree before any figure is printed. The emulator answers each call after -LatencyMs (a
    scripted delay fault queued for every request of both sides), standing in for a service's latency: on loopback
    without it the figures would measure PowerShell's per-call overhead only.
    Run: dotnet pwsh ./bench/Compare.Bench.ps1 [-Repeat 4] [-LatencyMs 200] [-ModulePath out/FineTune/<v>/FineTune.psd1]
    Do not take figures while the machine is busy: print the load (uptime) beside them.
#>
[CmdletBinding()]
param(
    [int] $Repeat = 4,
    [int] $LatencyMs = 200,
    [string] $ModulePath
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot
if (-not $ModulePath) { $ModulePath = (Get-ChildItem (Join-Path $root 'out/FineTune') -Filter FineTune.psd1 -Recurse | Select-Object -First 1).FullName }
Import-Module $ModulePath -Force
Import-Module (Join-Path $root 'src/FineTune.Emulator/Emulator.psm1') -Force
$source = Join-Path (Split-Path $root) 'shared/data/chat_gsm8k_validation.jsonl'
if (-not (Test-Path $source)) { throw "Input missing: $source" }

$dir = Join-Path ([System.IO.Path]::GetTempPath()) ("ft-bench-" + [guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory $dir | Out-Null
$emu = Start-FineTuneEmulator
try {
    $lines = [System.IO.File]::ReadAllText($source).TrimEnd("`n").Split("`n")
    $out = for ($r = 0; $r -lt $Repeat; $r++) { foreach ($l in $lines) { $l.Replace('"role": "user", "content": "', "`"role`": `"user`", `"content`": `"(copy $r) ") } }
    $path = Join-Path $dir 'bench.jsonl'
    [System.IO.File]::WriteAllText($path, ($out -join "`n") + "`n")
    $key = 'sk-bench-compare'
    Connect-FineTune -Endpoint $emu.Endpoint -ApiKey (ConvertTo-SecureString $key -AsPlainText -Force)
    # the emulator knows the answers of the files uploaded to it: a base model then answers right at its skill level
    $null = Add-FineTuneFile -Path $path
    $pattern = '####\s*(-?[\d,.]+)'
    $global:PSDefaultParameterValues['*-Emulator*:Emulator'] = $emu
    # every answer of both sides waits LatencyMs on the emulator (a scripted delay queued per request)
    Set-EmulatorFault -Fault (@("delay:$LatencyMs") * $out.Count) -Route '/chat/completions'
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $ours = Compare-FineTuneModel -Path $path -Model gpt-4o-mini -Regex $pattern -JournalPath (Join-Path $dir 'journal.jsonl') -ProgressAction SilentlyContinue
    $watch.Stop()
    $oursSeconds = $watch.Elapsed.TotalSeconds

    # the peer: one Invoke-RestMethod at a time, the same regex on answer and reference
    Set-EmulatorFault -Fault (@("delay:$LatencyMs") * $out.Count) -Route '/chat/completions'
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $passed = 0
    foreach ($l in $out) {
        $o = $l | ConvertFrom-Json
        $reference = $o.messages[-1].content
        $messages = @($o.messages | Select-Object -SkipLast 1 | ForEach-Object { @{ role = $_.role; content = $_.content } })
        $answer = Invoke-RestMethod -Method Post -Uri "$($emu.Endpoint)/chat/completions" -Headers @{ Authorization = "Bearer $key" } -ContentType 'application/json' -Body (@{ model = 'gpt-4o-mini'; messages = $messages; temperature = 0 } | ConvertTo-Json -Depth 5)
        $a = [regex]::Matches($answer.choices[0].message.content, $pattern); $b = [regex]::Matches($reference, $pattern)
        if ($a.Count -and $b.Count -and ($a[$a.Count - 1].Groups[1].Value -replace ',') -eq ($b[$b.Count - 1].Groups[1].Value -replace ',')) { $passed++ }
    }
    $watch.Stop()
    $peerSeconds = $watch.Elapsed.TotalSeconds
    if ($passed -ne $ours.Passed) { throw "The sides disagree: $($ours.Passed) passed (ours) vs $passed (peer)." }

    $rows = @(
        [pscustomobject]@{ Side = 'Compare-FineTuneModel (default ThrottleLimit)'; Examples = $out.Count; Passed = $ours.Passed; Seconds = [math]::Round($oursSeconds, 2); ExamplesPerSecond = [math]::Round($out.Count / $oursSeconds, 1) }
        [pscustomobject]@{ Side = 'Invoke-RestMethod, one call at a time'; Examples = $out.Count; Passed = $passed; Seconds = [math]::Round($peerSeconds, 2); ExamplesPerSecond = [math]::Round($out.Count / $peerSeconds, 1) }
    )
    $rows | Format-Table -AutoSize | Out-String -Width 120 | Write-Host
    $load = ((Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -split ' ')[0..2] -join ' '
    Write-Host ("Ratio (ours / peer): {0:0.0}x   latency per call {1} ms   load: {2}" -f ($peerSeconds / $oursSeconds), $LatencyMs, $load)
}
finally {
    $emu | Stop-FineTuneEmulator
    $global:PSDefaultParameterValues.Remove('*-Emulator*:Emulator')
    Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
}
