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


# Runs a script in a fresh pwsh (same PowerShell as this one) and returns its output lines.
function Invoke-FreshPwsh([string] $Script) {
    $file = Join-Path ([IO.Path]::GetTempPath()) "finetune-$([guid]::NewGuid()).ps1"
    Set-Content -Path $file -Value $Script -Encoding utf8NoBOM
    try { & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File $file 2>&1 | ForEach-Object { "$_" } }
    finally { Remove-Item $file -ErrorAction SilentlyContinue }
}

# Runs a script block as an unattended runbook does: in a new runspace with no host to answer a prompt, the
# built module imported, its arguments passed. Returns Output and Errors (terminating ones too).
function Invoke-Unattended([scriptblock] $Script, [object[]] $ArgumentList = @()) {
    $ps = [powershell]::Create()
    try {
        $null = $ps.AddScript("Import-Module '$(Get-FineTuneModulePath)'").AddStatement().AddScript($Script.ToString())
        foreach ($a in $ArgumentList) { $null = $ps.AddArgument($a) }
        $output = $ps.Invoke()
        [pscustomobject]@{ Output = @($output); Errors = @($ps.Streams.Error) }
    }
    finally { $ps.Dispose() }
}

# A loopback HTTP server that answers GET .../models as the service would (or, with -Body, every request with status
# 200, that body and -ContentType) and 401 for any key but $Key. Returns an object with Endpoint (…/v1), Requests (a
# list of 'METHOD path auth[ api-key:KEY]' strings) and Stop().
function Start-LoopbackService([string] $Key = 'sk-loopback-test-key', [string] $Body, [string] $ContentType = 'application/json') {
    $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
    $listener = [System.Net.HttpListener]::new()
    $listener.Prefixes.Add("http://127.0.0.1:$port/")
    $listener.Start()
    $requests = [System.Collections.Concurrent.ConcurrentQueue[string]]::new()
    $ps = [powershell]::Create()
    $null = $ps.AddScript({
        param($listener, $requests, $key, $answer, $type)
        while ($listener.IsListening) {
            try { $ctx = $listener.GetContext() } catch { break }
            $auth = $ctx.Request.Headers['Authorization']
            $apiKey = $ctx.Request.Headers['api-key']
            $requests.Enqueue("$($ctx.Request.HttpMethod) $($ctx.Request.Url.AbsolutePath) $auth$(if ($apiKey) { " api-key:$apiKey" })")
            $ctx.Response.Headers.Add('x-request-id', 'req_loopback_1')
            $ctx.Response.ContentType = if ($answer) { $type } else { 'application/json' }
            if ($auth -ne "Bearer $key") {
                $ctx.Response.StatusCode = 401
                $body = '{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}'
            }
            elseif ($answer) { $body = $answer }
            else {
                $body = '{"object":"list","data":[{"id":"gpt-4o-mini-2024-07-18","object":"model","created":1721172741,"owned_by":"system","shutdown_date":"2027-01-14"},{"id":"ft:gpt-4o-mini-2024-07-18:acme:demo:abc123","object":"model","created":1764000000,"owned_by":"acme"}]}'
            }
            $bytes = [Text.Encoding]::UTF8.GetBytes($body)
            $ctx.Response.OutputStream.Write($bytes, 0, $bytes.Length)
            $ctx.Response.Close()
        }
    }).AddArgument($listener).AddArgument($requests).AddArgument($Key).AddArgument($Body).AddArgument($ContentType)
    $handle = $ps.BeginInvoke()
    $server = [pscustomobject]@{ Endpoint = "http://127.0.0.1:$port/v1"; Requests = $requests; Listener = $listener; Shell = $ps; Handle = $handle }
    $server | Add-Member -MemberType ScriptMethod -Name Stop -Value { $this.Listener.Stop(); $this.Listener.Close(); $this.Shell.Dispose() }
    $server
}

# One clean chat example (user then assistant); $Number makes it distinct.
function New-ChatLine([int] $Number) {
    '{"messages":[{"role":"user","content":"Question ' + $Number + '?"},{"role":"assistant","content":"Answer ' + $Number + '."}]}'
}

# Writes $Count clean chat examples (and the $Extra lines) to $Path as UTF-8 without a BOM, one per LF-ended line; returns $Path.
function New-ChatFile([string] $Path, [int] $Count = 12, [string[]] $Extra = @()) {
    $lines = @(1..$Count | ForEach-Object { New-ChatLine $_ }) + @($Extra | Where-Object { $_ })
    [IO.File]::WriteAllText($Path, ($lines -join "`n") + "`n", [Text.UTF8Encoding]::new($false))
    $Path
}

Export-ModuleMember -Function Get-FineTuneModulePath, Get-SharedPath, Invoke-FreshPwsh, Invoke-Unattended, Start-LoopbackService, New-ChatLine, New-ChatFile
