# The module: isolation of dependencies, the connection context, error records, secrets.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1) -Force
    $script:modulePath = Get-FineTuneModulePath
    Import-Module $script:modulePath -Force
    $script:key = 'sk-loopback-test-key'
    $script:server = Start-LoopbackService -Key $script:key
}
AfterAll {
    $script:server.Stop()
    Disconnect-FineTune
}

Describe 'Dependency isolation' {
    It 'works after another module loaded an older System.ClientModel, and makes a real HTTP call' {
        $old = Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages/system.clientmodel/1.1.0/lib/netstandard2.0/System.ClientModel.dll'
        if ($env:NUGET_PACKAGES) { $old = Join-Path $env:NUGET_PACKAGES 'system.clientmodel/1.1.0/lib/netstandard2.0/System.ClientModel.dll' }
        if (-not (Test-Path $old)) { Set-ItResult -Skipped -Because "System.ClientModel 1.1.0 is not at $old (build.ps1 restores tools/Tools.csproj)" ; return }
        $out = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
`$old = [System.Reflection.Assembly]::LoadFrom('$old')
'old=' + `$old.GetName().Version
Import-Module '$script:modulePath'
Connect-FineTune -Endpoint '$($script:server.Endpoint)' -ApiKey (ConvertTo-SecureString '$script:key' -AsPlainText -Force)
`$models = Get-FineTuneModel
'models=' + (`$models.Id -join ',')
`$ours = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'System.ClientModel' } | ForEach-Object { `$_.GetName().Version.ToString() }
'clientmodel=' + ((`$ours | Sort-Object) -join ',')
"@
        $out | Should -Contain 'old=1.1.0.0'
        $out | Should -Contain 'models=gpt-4o-mini-2024-07-18,ft:gpt-4o-mini-2024-07-18:acme:demo:abc123'
        # both copies live side by side: the other module's 1.1.0 and ours (1.16 or later)
        ($out | Where-Object { $_ -like 'clientmodel=*' }) | Should -Match 'clientmodel=1\.1\.0\.0,1\.(1[6-9]|[2-9]\d)\.'
    }

    It 'keeps the SDK out of the session: [OpenAI.OpenAIClient] does not resolve' {
        $out = Invoke-FreshPwsh @"
Import-Module '$script:modulePath'
Connect-FineTune -Endpoint '$($script:server.Endpoint)' -ApiKey (ConvertTo-SecureString '$script:key' -AsPlainText -Force)
`$null = Get-FineTuneModel -WarningAction SilentlyContinue
'resolves=' + [bool]('OpenAI.OpenAIClient' -as [type])
'engine-context=' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext((Get-FineTuneContext).GetType().Assembly).GetType().Name
"@
        $out | Should -Contain 'resolves=False'
        $out | Should -Contain 'engine-context=DependencyLoadContext'
    }

    It 'exports only approved verbs and lists its exports explicitly' {
        Get-Command -Module FineTune | Where-Object Verb -notin (Get-Verb).Verb | Should -BeNullOrEmpty
        $manifest = Import-PowerShellDataFile $script:modulePath
        $manifest.CmdletsToExport | Should -Not -Contain '*'
        $manifest.CmdletsToExport.Count | Should -Be (Get-Command -Module FineTune).Count
    }
}

Describe 'Connect-FineTune and Get-FineTuneContext' {
    BeforeEach {
        Disconnect-FineTune
        $script:savedKey = $env:OPENAI_API_KEY; $script:savedUrl = $env:OPENAI_BASE_URL
        Remove-Item Env:OPENAI_API_KEY, Env:OPENAI_BASE_URL -ErrorAction SilentlyContinue
    }
    AfterEach {
        $env:OPENAI_API_KEY = $script:savedKey; $env:OPENAI_BASE_URL = $script:savedUrl
    }

    It 'takes the key from the parameter, then the context, then OPENAI_API_KEY' {
        $env:OPENAI_API_KEY = 'sk-from-environment-000000000000'
        (Get-FineTuneContext).KeySource | Should -Be 'Environment'
        Connect-FineTune -ApiKey (ConvertTo-SecureString 'sk-param-1111111111111111' -AsPlainText -Force) -Endpoint $script:server.Endpoint
        (Get-FineTuneContext).KeySource | Should -Be 'Parameter'
        Connect-FineTune -MaxRetries 5
        $ctx = Get-FineTuneContext
        $ctx.KeySource | Should -Be 'Context'
        $ctx.MaxRetries | Should -Be 5
        $ctx.Endpoint | Should -Be ([uri]$script:server.Endpoint)
    }

    It 'takes the endpoint from OPENAI_BASE_URL, else the OpenAI default, and tells the provider' {
        (Get-FineTuneContext).Endpoint | Should -Be ([uri]'https://api.openai.com/v1')
        (Get-FineTuneContext).Provider | Should -Be 'OpenAI'
        $env:OPENAI_BASE_URL = 'https://contoso.openai.azure.com/openai/v1/'
        (Get-FineTuneContext).Provider | Should -Be 'Azure'
    }

    It 'without any key, fails with an AuthenticationError that names the three ways to give one' {
        $err = { Connect-FineTune -Endpoint $script:server.Endpoint } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'FineTune.NoApiKey*'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -Match '-ApiKey'
        $err.Exception.Message | Should -Match '-Credential'
        $err.Exception.Message | Should -Match 'OPENAI_API_KEY'
    }

    It 'accepts the key as the password of a credential' {
        $cred = [pscredential]::new('ignored', (ConvertTo-SecureString $script:key -AsPlainText -Force))
        Connect-FineTune -Credential $cred -Endpoint $script:server.Endpoint
        (Get-FineTuneModel).Count | Should -Be 2
    }
}

Describe 'Service failures and secrets' {
    It 'maps a 401 to an AuthenticationError record with the service message and request id, and never shows the key' {
        $bad = 'sk-wrong-key-abcdefghijklmnopqrstuv'
        Connect-FineTune -Endpoint $script:server.Endpoint -ApiKey (ConvertTo-SecureString $bad -AsPlainText -Force) -MaxRetries 0
        $streams = Get-FineTuneModel -Verbose -Debug -ErrorVariable errs -ErrorAction SilentlyContinue *>&1 | Out-String
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.Unauthorized*'
        $errs[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $errs[0].Exception.Message | Should -Match 'Incorrect API key provided'
        $errs[0].Exception.Message | Should -Match 'req_loopback_1'
        $errs[0].Exception.RequestId | Should -Be 'req_loopback_1'
        ($streams + ($errs | Out-String) + ($errs[0] | Format-List * -Force | Out-String) + (Get-FineTuneContext | Format-List * | Out-String)) | Should -Not -Match ([regex]::Escape($bad))
    }

    It 'maps a refused connection to a ConnectionError record' {
        $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
        Connect-FineTune -Endpoint "http://127.0.0.1:$port/v1" -ApiKey (ConvertTo-SecureString $script:key -AsPlainText -Force) -MaxRetries 0
        Get-FineTuneModel -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.ConnectionFailed*'
        $errs[0].CategoryInfo.Category | Should -Be 'ConnectionError'
    }

    It 'sends the key as a bearer token and reads shutdown dates' {
        Connect-FineTune -Endpoint $script:server.Endpoint -ApiKey (ConvertTo-SecureString $script:key -AsPlainText -Force)
        $models = Get-FineTuneModel -WarningVariable warns -WarningAction SilentlyContinue
        $models[0].ShutdownDate | Should -Be ([datetime]'2027-01-14')
        $models[1].BaseModel | Should -Be 'gpt-4o-mini-2024-07-18'
        @($script:server.Requests)[-1] | Should -Be "GET /v1/models Bearer $script:key"
        (Get-FineTuneModel -FineTuned).Id | Should -Be 'ft:gpt-4o-mini-2024-07-18:acme:demo:abc123'
    }
}
