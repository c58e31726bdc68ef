<#
    Starts and drives the FineTune emulator for runbook tests, Pester tests, samples/Demo.ps1 and the benches.
    Installed as the module FineTune.Emulator (the emulator in bin/), or from the source tree (built by
    build.ps1 into out/emulator). Typical use:

        BeforeAll { $emu = Start-FineTuneEmulator -TimeScale 0.2 }
        AfterAll  { $emu | Stop-FineTuneEmulator }
        It '...' { Connect-FineTune -Endpoint $emu.Endpoint ...; Get-EmulatorRequestCount -Route 'POST /v1/files' | Should -Be 1 }

    The functions that take -Emulator default to the last one started in this session.
#>

$script:Current = $null

function Start-FineTuneEmulator {
    <#
    .SYNOPSIS
        Starts the emulator on a free port (or -Port), waits until it answers (at most -TimeoutSeconds) and
        returns @{ Endpoint = 'http://127.0.0.1:PORT/v1'; BaseUri = 'http://127.0.0.1:PORT/' (also the ARM endpoint of the
        Azure flavour); Port; Flavor; Process }.
        Throws when the build is missing or the emulator does not answer in time (with its error output).
    #>
    [CmdletBinding()]
    param(
        [int] $Port = 0,
        # Seconds a job phase takes (validating_files, queued, each epoch).
        [double] $TimeScale = 0.2,
        # Moderation flags inputs holding one of these words ('word' or 'word=category').
        [string[]] $TriggerWord,
        # Probability (0..1) of a random fault on a /v1 request.
        [double] $FaultRate = 0,
        [int] $Seed = 42,
        # The exact key to accept; any non-empty key when not given.
        [string] $ApiKey,
        [string] $Organization,
        # The service to imitate: OpenAI (default) or Azure (api-key header, Azure's shapes, ARM deployments on BaseUri).
        [ValidateSet('OpenAI', 'Azure')]
        [string] $Flavor = 'OpenAI',
        # The first day (UTC) on which job creation is refused with 403, as for an organization that can no longer fine-tune.
        [Nullable[datetime]] $NoNewJobsFrom,
        [ValidateRange(0, 1)] [double] $BaseSkill = 0.4,
        [ValidateRange(0, 1)] [double] $TunedSkill = 0.8,
        [int] $TimeoutSeconds = 30
    )
    # installed module: bin/ beside this file; in the source tree: the build's out/emulator
    $dll = Join-Path $PSScriptRoot 'bin/FineTune.Emulator.dll'
    if (-not (Test-Path $dll)) { $dll = Join-Path (Split-Path (Split-Path $PSScriptRoot)) 'out/emulator/FineTune.Emulator.dll' }
    if (-not (Test-Path $dll)) { throw "The emulator is not built ($dll missing): run ./build.ps1 -Task Build first." }

    $arguments = @($dll, '--port', $Port, '--time-scale', $TimeScale.ToString([cultureinfo]::InvariantCulture), '--seed', $Seed,
        '--fault-rate', $FaultRate.ToString([cultureinfo]::InvariantCulture))
    if ($TriggerWord) { $arguments += '--trigger-words', ($TriggerWord -join ',') }
    if ($ApiKey) { $arguments += '--api-key', $ApiKey }
    if ($Organization) { $arguments += '--org', $Organization }
    $arguments += '--flavor', $Flavor.ToLowerInvariant()
    if ($NoNewJobsFrom) { $arguments += '--no-new-jobs-from', $NoNewJobsFrom.Value.ToString('yyyy-MM-dd', [cultureinfo]::InvariantCulture) }
    $arguments += '--base-skill', $BaseSkill.ToString([cultureinfo]::InvariantCulture), '--tuned-skill', $TunedSkill.ToString([cultureinfo]::InvariantCulture)

    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in $arguments) { $info.ArgumentList.Add([string]$a) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($info)
    $stderr = $process.StandardError.ReadToEndAsync()

    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait([timespan]::FromSeconds($TimeoutSeconds)) -or $line.Result -notmatch 'listening on (http://\S+/v1)') {
        if (-not $process.HasExited) { $process.Kill() }
        $process.WaitForExit(5000) | Out-Null
        throw "The emulator did not start within $TimeoutSeconds s (exit code: $(if ($process.HasExited) { $process.ExitCode } else { 'none' })). Output: '$($line.Result)'. Errors: $($stderr.Result)"
    }

    $endpoint = $Matches[1]
    $base = $endpoint.Substring(0, $endpoint.Length - 2)
    $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        try {
            Invoke-RestMethod -Uri "$($base)_emulator/health" -TimeoutSec 5 | Out-Null
            break
        }
        catch {
            if ([datetime]::UtcNow -gt $deadline) {
                $process.Kill()
                throw "The emulator at $endpoint does not answer: $($_.Exception.Message)"
            }
            Start-Sleep -Milliseconds 100
        }
    }

    $script:Current = [pscustomobject]@{
        PSTypeName = 'FineTune.Emulator'
        Endpoint   = $endpoint
        BaseUri    = $base
        Port       = ([uri]$endpoint).Port
        Flavor     = $Flavor
        Process    = $process
    }
    $script:Current
}

function Stop-FineTuneEmulator {
    <# .SYNOPSIS Stops an emulator started by Start-FineTuneEmulator (default: the last one). #>
    [CmdletBinding()]
    param([Parameter(ValueFromPipeline)] [object] $Emulator = $script:Current)
    process {
        if (-not $Emulator) { return }
        if (-not $Emulator.Process.HasExited) {
            $Emulator.Process.Kill()
            $Emulator.Process.WaitForExit(5000) | Out-Null
        }
        if ($script:Current -and $Emulator.Port -eq $script:Current.Port) { $script:Current = $null }
    }
}

function Get-EmulatorRequestCount {
    <#
    .SYNOPSIS
        How many /v1 requests the emulator received since start or the last reset. -Route 'POST /v1/files'
        gives one route template's count ('/v1/files' alone sums every method; 'GET /v1/fine_tuning/jobs/{fine_tuning_job_id}'
        names a template); without -Route, the total. -Detailed returns every count by route.
    #>
    [CmdletBinding()]
    param(
        [string] $Route,
        [switch] $Detailed,
        [object] $Emulator = $script:Current
    )
    $r = Invoke-RestMethod -Uri "$($Emulator.BaseUri)_emulator/requests"
    if ($Detailed) { return $r.counts }
    if (-not $Route) { return [int]$r.total }
    $sum = 0
    foreach ($p in $r.counts.PSObject.Properties) {
        if ($p.Name -eq $Route -or ($Route -notmatch ' ' -and $p.Name -like "* $Route")) { $sum += [int]$p.Value }
    }
    $sum
}

function Reset-EmulatorRequestCount {
    <# .SYNOPSIS Sets every request count back to 0. #>
    [CmdletBinding()]
    param([object] $Emulator = $script:Current)
    Invoke-RestMethod -Method Post -Uri "$($Emulator.BaseUri)_emulator/reset-counts" | Out-Null
}

function Set-EmulatorFault {
    <#
    .SYNOPSIS
        Queues faults for the next /v1 requests (those under -Route, e.g. '/fine_tuning/jobs', when given), served
        in order: '429' (Retry-After: 1), '500', '503', 'drop' (connection closed), 'drop-after' (the request is
        carried out, then the connection is closed), 'delay:MS', 'cut-after:BYTES' (status, headers and BYTES bytes of the
        body go out, then the connection is closed: a download that breaks off). -Clear empties the queue first
        (alone, it only empties it).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Position = 0)] [AllowEmptyCollection()] [string[]] $Fault = @(),
        [string] $Route,
        [switch] $Clear,
        [object] $Emulator = $script:Current
    )
    if ($Clear) { Invoke-RestMethod -Method Delete -Uri "$($Emulator.BaseUri)_emulator/faults" | Out-Null }
    if ($Fault.Count -eq 0) { return }
    $body = @{ faults = @($Fault) }
    if ($Route) { $body.route = $Route }
    Invoke-RestMethod -Method Post -Uri "$($Emulator.BaseUri)_emulator/faults" -ContentType 'application/json' -Body ($body | ConvertTo-Json) | Out-Null
}

function Set-EmulatorClosure {
    <#
    .SYNOPSIS
        Sets the first day (UTC) from which the emulator refuses to create fine-tuning jobs (403, as for an organization
        that can no longer fine-tune); -Open takes jobs again. Returns the day set (yyyy-MM-dd) or $null.
    #>
    [CmdletBinding(DefaultParameterSetName = 'Date')]
    param(
        [Parameter(ParameterSetName = 'Date', Mandatory, Position = 0)] [datetime] $NoNewJobsFrom,
        [Parameter(ParameterSetName = 'Open', Mandatory)] [switch] $Open,
        [object] $Emulator = $script:Current
    )
    $date = if ($Open) { $null } else { $NoNewJobsFrom.ToString('yyyy-MM-dd', [cultureinfo]::InvariantCulture) }
    (Invoke-RestMethod -Method Post -Uri "$($Emulator.BaseUri)_emulator/closure" -ContentType 'application/json' -Body (@{ noNewJobsFrom = $date } | ConvertTo-Json)).noNewJobsFrom
}

function Start-FineTunePrism {
    <#
    .SYNOPSIS
        Puts Prism (npm @stoplight/prism-cli 5.16.0, installed once into out/prism) in proxy mode with the official
        OpenAPI description (../shared/openapi/openai-openapi.yaml) in front of an emulator, with --errors. Returns
        @{ Endpoint = 'http://127.0.0.1:PORT' (no /v1: the spec's paths have none); Process; LogPath }. A request or
        response violation becomes a 500 problem answer (or, for warnings, an sl-violations header) and a line in
        LogPath. Returns $null with a warning when the spec, node or npm is missing. Loading the spec takes ~40-60 s.
        Prism's multipart parser needs quoted part parameters (name="file"); an unquoted one stops Prism.
    #>
    [CmdletBinding()]
    param([object] $Emulator = $script:Current, [int] $TimeoutSeconds = 180)
    $root = Split-Path (Split-Path $PSScriptRoot)
    $spec = Join-Path (Split-Path $root) 'shared/openapi/openai-openapi.yaml'
    if (-not (Test-Path $spec)) { Write-Warning "The OpenAPI description is missing: $spec"; return $null }
    if (-not (Get-Command node -ErrorAction SilentlyContinue) -or -not (Get-Command npm -ErrorAction SilentlyContinue)) { Write-Warning 'node/npm are not installed: no Prism.'; return $null }
    $dir = Join-Path $root 'out/prism'
    $cli = Join-Path $dir 'node_modules/@stoplight/prism-cli/dist/index.js'
    if (-not (Test-Path $cli)) {
        New-Item -ItemType Directory -Force $dir | Out-Null
        if (-not (Test-Path (Join-Path $dir 'package.json'))) { Set-Content (Join-Path $dir 'package.json') '{"name":"finetune-prism","private":true}' }
        Push-Location $dir
        try { & npm install --no-audit --no-fund '@stoplight/prism-cli@5.16.0' 2>&1 | Out-Null } finally { Pop-Location }
        if (-not (Test-Path $cli)) { Write-Warning 'npm could not install @stoplight/prism-cli@5.16.0: no Prism.'; return $null }
    }

    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    $log = Join-Path ([System.IO.Path]::GetTempPath()) "finetune-prism-$port.log"
    $process = Start-Process node -ArgumentList @("`"$cli`"", 'proxy', "`"$spec`"", $Emulator.Endpoint, '--errors', '-h', '127.0.0.1', '-p', $port) `
        -WorkingDirectory $dir -RedirectStandardOutput $log -RedirectStandardError "$log.err" -PassThru
    $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not (Select-String -Path $log -Pattern 'Prism is listening' -Quiet -ErrorAction SilentlyContinue)) {
        if ($process.HasExited -or [datetime]::UtcNow -gt $deadline) {
            if (-not $process.HasExited) { $process.Kill() }
            throw "Prism did not start within $TimeoutSeconds s: $(Get-Content -Raw "$log.err" -ErrorAction SilentlyContinue)"
        }
        Start-Sleep -Milliseconds 500
    }
    [pscustomobject]@{ PSTypeName = 'FineTune.Prism'; Endpoint = "http://127.0.0.1:$port"; Process = $process; LogPath = $log }
}

function Stop-FineTunePrism {
    <# .SYNOPSIS Stops a Prism started by Start-FineTunePrism. #>
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] [object] $Prism)
    process { if (-not $Prism.Process.HasExited) { $Prism.Process.Kill(); $Prism.Process.WaitForExit(5000) | Out-Null } }
}

Export-ModuleMember -Function Start-FineTuneEmulator, Stop-FineTuneEmulator, Get-EmulatorRequestCount, Reset-EmulatorRequestCount, Set-EmulatorFault, Set-EmulatorClosure, Start-FineTunePrism, Stop-FineTunePrism
