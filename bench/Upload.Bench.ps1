<#
.SYNOPSIS
    Add-FineTuneFile against curl: the same bytes uploaded to the emulator, direct (POST /files) and through the
    Uploads API, with the dataset check (the default) and with -SkipValidation. A measurement, not a test.
.DESCRIPTION
    Data: bench/work/chat-100mb.jsonl and chat-1gb.jsonl (BenchData.ps1, shared with Run-Bench.ps1). A file above
    512 MB (the 1 GB one) goes through the Uploads API only: a direct upload of it is not possible (POST /files takes
    at most 512 MB, for curl as for us), and its table row says so (Goal: impossible).
    Ours: one pwsh session imports the module, connects to a local emulator, uploads a small file once each way and
    checks the 100 MB file twice with Test-FineTuneDataset (start-up and JIT are not timed: the runtime compiles the
    check's code in tiers as it runs, and the first 100 MB checked in a session take several times the CPU of later
    ones; the first checked upload of a fresh session is that much slower), then times each Add-FineTuneFile
    (Stopwatch around the cmdlet; the file is deleted after each run). With the check, the bytes go out while the check runs; the upload ledger's SHA-256 is taken
    in the same read. Every upload is verified: its size, and the SHA-256 of the bytes sent against Get-FileHash.
    curl, direct: curl -F file=@F to POST /files. curl, Uploads API: POST /uploads, then the parts (16 MB each,
    split beforehand, not timed) sent four at a time by one curl -Z while md5sum reads the file (the complete call
    carries the md5, as ours does, so the emulator checks it for both), then POST .../complete.
    Ratio = ours / curl (goals: <= 1.5 with the check, <= 1.2 with -SkipValidation). Each figure is the median of
    -Runs runs; Load is the 1-minute load average when the row's runs ended (2 shared cores: above ~1.5 other work
    takes CPU from both sides and the figures spread), and the load average is printed before and after.
    Run: dotnet pwsh -c './bench/Upload.Bench.ps1 [-ModulePath out/FineTune/0.1.0/FineTune.psd1] [-SizesMB 100,1024] [-Runs 3]'
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path (Split-Path $PSScriptRoot) 'out/FineTune/0.1.0/FineTune.psd1'),
    # Sizes of the files, in MB (at most 8 GB, the Uploads API's limit). From bash, pass a list with -Command (-File reads "100,1024" as one number).
    [ValidateRange(1, 8192)]
    [int[]] $SizesMB = @(100, 1024),
    [int] $Runs = 3
)
$ErrorActionPreference = 'Stop'
$bench = $PSScriptRoot
$root = Split-Path $bench
$work = New-Item -ItemType Directory -Force (Join-Path $bench 'work')
. (Join-Path $bench 'BenchData.ps1')
if (-not (Get-Command curl -CommandType Application -ErrorAction SilentlyContinue)) { throw 'curl is not installed.' }
Import-Module (Resolve-Path $ModulePath).Path -Force
Import-Module (Join-Path $root 'src/FineTune.Emulator/Emulator.psm1') -Force

function Get-Load { ((Get-Content /proc/loadavg) -split ' ' | Select-Object -First 3) -join ' ' }

$emu = Start-FineTuneEmulator -TimeScale 0.05
$key = 'sk-bench'
$auth = "Authorization: Bearer $key"
$scratch = New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "upload-bench-$([guid]::NewGuid().ToString('N').Substring(0, 8))")
try {
    Connect-FineTune -Endpoint $emu.Endpoint -ApiKey (ConvertTo-SecureString $key -AsPlainText -Force)
    $warm = Join-Path $scratch 'warm.jsonl'
    Get-Content (Get-BenchFile 100) -TotalCount 2000 | Set-Content $warm
    Add-FineTuneFile $warm | Remove-FineTuneFile -Confirm:$false
    Add-FineTuneFile $warm -UseUploadApi | Remove-FineTuneFile -Confirm:$false
    # The check's code is compiled in tiers as it runs: the first 100 MB checked in a session take several times the
    # CPU of later ones, so the check runs over the 100 MB file twice before anything is timed.
    foreach ($i in 1..2) { $null = Test-FineTuneDataset (Get-BenchFile 100) | Select-Object -Last 1 }

    function Invoke-Ours([string] $file, [bool] $uploadApi, [bool] $skip) {
        $t = [Diagnostics.Stopwatch]::StartNew()
        $f = Add-FineTuneFile $file -UseUploadApi:$uploadApi -SkipValidation:$skip
        $t.Stop()
        if ($f.Bytes -ne (Get-Item $file).Length) { throw "Uploaded $($f.Bytes) bytes of $((Get-Item $file).Length)." }
        if ($f.Sha256 -ne $script:Sha[$file]) { throw "The SHA-256 of the bytes sent ($($f.Sha256)) is not the file's." }
        Remove-FineTuneFile $f.Id -Confirm:$false
        $t.Elapsed.TotalSeconds
    }

    function Invoke-CurlDirect([string] $file) {
        $t = [Diagnostics.Stopwatch]::StartNew()
        $out = curl -sS -H $auth -F purpose=fine-tune -F "file=@$file;type=application/jsonl" "$($emu.Endpoint)/files"
        $t.Stop()
        $id = ($out | ConvertFrom-Json).id
        if (-not $id) { throw "curl's upload failed: $out" }
        Remove-FineTuneFile $id -Confirm:$false
        $t.Elapsed.TotalSeconds
    }

    function Invoke-CurlParts([string] $file, [string[]] $parts) {
        $t = [Diagnostics.Stopwatch]::StartNew()
        $md5 = Start-ThreadJob { (-split (& md5sum $using:file))[0] }
        $create = @{ filename = (Split-Path $file -Leaf); purpose = 'fine-tune'; bytes = (Get-Item $file).Length; mime_type = 'text/jsonl' } | ConvertTo-Json -Compress
        $upload = (curl -sS -H $auth -H 'Content-Type: application/json' -d $create "$($emu.Endpoint)/uploads" | ConvertFrom-Json).id
        $curlArgs = [Collections.Generic.List[string]]::new()
        $curlArgs.AddRange([string[]]@('-sS', '--no-progress-meter', '-Z', '--parallel-max', '4'))
        for ($i = 0; $i -lt $parts.Count; $i++) {
            if ($i -gt 0) { $curlArgs.Add('--next') }
            $curlArgs.AddRange([string[]]@('-H', $auth, '-F', "data=@$($parts[$i])", '-o', "$($parts[$i]).json", "$($emu.Endpoint)/uploads/$upload/parts"))
        }
        & curl @curlArgs
        $ids = foreach ($p in $parts) { (Get-Content "$p.json" -Raw | ConvertFrom-Json).id }
        $complete = @{ part_ids = @($ids); md5 = (Receive-Job $md5 -Wait -AutoRemoveJob) } | ConvertTo-Json -Compress
        $done = curl -sS -H $auth -H 'Content-Type: application/json' -d $complete "$($emu.Endpoint)/uploads/$upload/complete" | ConvertFrom-Json
        $t.Stop()
        if ($done.status -ne 'completed') { throw "curl's upload did not complete: $($done | ConvertTo-Json -Compress)" }
        Remove-FineTuneFile $done.file.id -Confirm:$false
        $t.Elapsed.TotalSeconds
    }

    Write-Host "Load before: $(Get-Load)   ($([Environment]::ProcessorCount) cores)"
    $script:Sha = @{}
    $rows = foreach ($size in $SizesMB) {
        $file = Get-BenchFile $size
        $script:Sha[$file] = (Get-FileHash $file -Algorithm SHA256).Hash.ToLowerInvariant()
        $mb = (Get-Item $file).Length / 1MB
        $partDir = New-Item -ItemType Directory -Force (Join-Path $scratch "parts-$size")
        & split -b 16M -d -a 3 $file (Join-Path $partDir 'part-')
        $parts = @(Get-ChildItem $partDir -Filter 'part-*' | Where-Object Extension -ne '.json' | Sort-Object Name | ForEach-Object FullName)
        if ($mb -gt 512) {
            [pscustomobject]@{ MB = [math]::Round($mb); Route = 'direct'; Check = '-'; 'ours s' = $null; 'curl s' = $null; 'ours/curl' = $null; Goal = 'impossible'; Load = $null }
        }
        $routes = if ($mb -le 512) { @($false, $true) } else { @($true) }
        foreach ($uploadApi in $routes) {
            $curl = Get-Median @(foreach ($r in 1..$Runs) { if ($uploadApi) { Invoke-CurlParts $file $parts } else { Invoke-CurlDirect $file } })
            foreach ($skip in @($false, $true)) {
                $ours = Get-Median @(foreach ($r in 1..$Runs) { Invoke-Ours $file $uploadApi $skip })
                [pscustomobject]@{
                    MB         = [math]::Round($mb)
                    Route      = if ($uploadApi) { 'Uploads API' } else { 'direct' }
                    Check      = if ($skip) { '-SkipValidation' } else { 'checked' }
                    'ours s'   = [math]::Round($ours, 2)
                    'curl s'   = [math]::Round($curl, 2)
                    'ours/curl' = [math]::Round($ours / $curl, 2)
                    Goal       = if ($skip) { '<= 1.2' } else { '<= 1.5' }
                    Load       = (Get-Load) -replace ' .*'
                }
            }
        }
        Remove-Item -Recurse -Force $partDir
    }
    $rows | Format-Table -AutoSize | Out-Host
    Write-Host "Load after: $(Get-Load)"
}
finally {
    Remove-Item -Recurse -Force $scratch -ErrorAction SilentlyContinue
    Disconnect-FineTune -ErrorAction SilentlyContinue
    Stop-FineTuneEmulator $emu
}
