# Named connections: several per session, chosen per command with -Connection, and each runspace keeps its own.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1)
    Import-Module (Get-FineTuneModulePath) -Force
    Import-Module (Join-Path $PSScriptRoot '../../src/FineTune.Emulator/Emulator.psm1') -Force
    $script:secure = { param($s) ConvertTo-SecureString $s -AsPlainText -Force }
}

Describe 'Connect-FineTune -Name and -Connection' {
    BeforeAll {
        $script:a = Start-LoopbackService -Key 'sk-named-aaaa'
        $script:b = Start-LoopbackService -Key 'sk-named-bbbb'
    }
    AfterAll { $a.Stop(); $b.Stop(); Disconnect-FineTune -Name first, second -ErrorAction SilentlyContinue }

    It 'keeps both, sends each command to the connection it names, and lists them without a secret' {
        $first = Connect-FineTune -Name first -Endpoint $a.Endpoint -ApiKey (& $secure 'sk-named-aaaa') -PassThru
        Connect-FineTune -Name second -Endpoint $b.Endpoint -ApiKey (& $secure 'sk-named-bbbb')
        $first.Name | Should -Be 'first'
        $first.Endpoint | Should -Be $a.Endpoint

        Get-FineTuneModel -WarningAction SilentlyContinue | Out-Null                          # the current one: second
        Get-FineTuneModel -Connection first -WarningAction SilentlyContinue | Out-Null        # by name
        Get-FineTuneModel -Connection $first -WarningAction SilentlyContinue | Out-Null       # by object
        @($a.Requests) | Should -Be @('GET /v1/models Bearer sk-named-aaaa', 'GET /v1/models Bearer sk-named-aaaa')
        @($b.Requests) | Should -Be @('GET /v1/models Bearer sk-named-bbbb')

        $list = Get-FineTuneContext -ListAvailable
        $list.Name | Should -Be @('second', 'first')
        (Get-FineTuneContext).Name | Should -Be 'second'
        ($list | Format-List * | Out-String) + ($list | Format-Table | Out-String -Width 300) | Should -Not -Match 'sk-named'
    }

    It 'fails clearly on a name the session does not know, naming the known ones' {
        $e = { Get-FineTuneModel -Connection nosuch } | Should -Throw "*no connection named 'nosuch'*second, first*" -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'FineTune.InvalidConnection*'
    }

    It 'keeps values only from the connection of the same name, never another one''s key' {
        $saved = $env:OPENAI_API_KEY; $env:OPENAI_API_KEY = $null
        try { { Connect-FineTune -Name keyless -Endpoint $a.Endpoint } | Should -Throw -ErrorId 'FineTune.NoApiKey,FineTune.Commands.ConnectFineTuneCommand' }
        finally { $env:OPENAI_API_KEY = $saved }
        Connect-FineTune -Name first -MaxRetries 5 -PassThru | ForEach-Object { $_.MaxRetries; $_.Endpoint; $_.KeySource } |
            Should -Be @(5, $a.Endpoint, 'Context')
    }

    It 'tab-completes -Connection with the names of this session''s connections' {
        $line = 'Get-FineTuneJob -Connection se'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('second')
    }

    It 'Disconnect-FineTune -Name forgets only that connection' {
        Disconnect-FineTune -Name first
        (Get-FineTuneContext -ListAvailable).Name | Should -Be @('second')
    }
}

Describe 'Each runspace has its own connections' {
    BeforeAll {
        $script:a = Start-LoopbackService -Key 'sk-runspace-aaaa'
        $script:b = Start-LoopbackService -Key 'sk-runspace-bbbb'
    }
    AfterAll { $a.Stop(); $b.Stop() }

    It 'two runspaces connected to two services at once each call only their own' {
        $module = Get-FineTuneModulePath
        $bothConnected = [System.Threading.Barrier]::new(2)
        $seen = @(
            @{ Endpoint = $a.Endpoint; Key = 'sk-runspace-aaaa' }
            @{ Endpoint = $b.Endpoint; Key = 'sk-runspace-bbbb' }
        ) | ForEach-Object -ThrottleLimit 2 -Parallel {
            Import-Module $using:module
            Connect-FineTune -Endpoint $_.Endpoint -ApiKey (ConvertTo-SecureString $_.Key -AsPlainText -Force)
            $null = ($using:bothConnected).SignalAndWait([timespan]::FromSeconds(60))   # both are connected before either calls
            1..3 | ForEach-Object { Get-FineTuneModel -WarningAction SilentlyContinue | Out-Null }
            [pscustomobject]@{ Mine = $_.Endpoint; Used = (Get-FineTuneContext).Endpoint.ToString(); Count = @(Get-FineTuneContext -ListAvailable).Count }
        }
        foreach ($s in $seen) {
            $s.Used | Should -Be $s.Mine
            $s.Count | Should -Be 1
        }
        @($a.Requests) | Should -Be (@('GET /v1/models Bearer sk-runspace-aaaa') * 3)
        @($b.Requests) | Should -Be (@('GET /v1/models Bearer sk-runspace-bbbb') * 3)
        @(Get-FineTuneContext -ListAvailable).Name | Should -Not -Contain 'Default'   # this runspace saw none of theirs
    }
}

Describe 'One script, an OpenAI-flavour and an Azure-flavour service' {
    BeforeAll {
        $script:openai = Start-FineTuneEmulator -Flavor OpenAI -ApiKey 'two-openai'
        $script:azure = Start-FineTuneEmulator -Flavor Azure -ApiKey 'two-azure'
        $script:train = Join-Path $TestDrive 'train.jsonl'
        1..10 | ForEach-Object {
            @{ messages = @(@{ role = 'user'; content = "Ticket $_ : printer offline" }, @{ role = 'assistant'; content = 'hardware' }) } | ConvertTo-Json -Depth 5 -Compress
        } | Set-Content -Path $train -Encoding utf8NoBOM
    }
    AfterAll { $openai | Stop-FineTuneEmulator; $azure | Stop-FineTuneEmulator; Disconnect-FineTune -Name openai, azure -ErrorAction SilentlyContinue }

    It 'reads from one and writes to the other through two named connections' {
        Connect-FineTune -Name openai -Endpoint $openai.Endpoint -ApiKey (& $secure 'two-openai')
        Connect-FineTune -Name azure -Endpoint $azure.Endpoint -Provider Azure -ApiKey (& $secure 'two-azure')

        # Azure hands an uploaded training file out again (OpenAI refuses), so the copy goes Azure -> OpenAI
        $source = Add-FineTuneFile $train -Connection azure
        $copy = Join-Path $TestDrive 'copy.jsonl'
        Save-FineTuneFile $source.Id -Path $copy -Connection azure
        $target = Add-FineTuneFile $copy -Connection openai

        (Get-FileHash $copy).Hash | Should -Be (Get-FileHash $train).Hash
        $source.Status | Should -Be 'processed'                      # Azure's upload waits for processing
        (Get-FineTuneFile -Connection azure).Id | Should -Be @($source.Id)
        (Get-FineTuneFile -Connection openai).Id | Should -Be @($target.Id)
        { Remove-FineTuneModel 'gpt-4o-mini-2024-07-18.ft-0123' -Connection azure -Confirm:$false -ErrorAction Stop } | Should -Throw '*Remove-FineTuneDeployment*'
        { Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $target.Id -TrainingType GlobalStandard -Connection openai -WhatIf -ErrorAction Stop } | Should -Throw '*Azure OpenAI only*'
    }
}
