# The helpers the suites, the demo and the benches use to run the emulator (src/FineTune.Emulator/Emulator.psm1).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1)
    Import-Module (Join-Path $PSScriptRoot '../../src/FineTune.Emulator/Emulator.psm1') -Force
    $script:emu = Start-FineTuneEmulator -TimeScale 0.1 -TriggerWord 'explode' -ApiKey 'sk-pester'
    $script:headers = @{ Authorization = 'Bearer sk-pester' }
}

AfterAll {
    $script:emu | Stop-FineTuneEmulator
}

Describe 'Start-FineTuneEmulator' {
    It 'returns a /v1 endpoint on 127.0.0.1 that answers with the configured key only' {
        $emu.Endpoint | Should -Match '^http://127\.0\.0\.1:\d+/v1$'
        $emu.BaseUri | Should -Be ($emu.Endpoint -replace 'v1$', '')
        (Invoke-RestMethod "$($emu.Endpoint)/models" -Headers $headers).data.id | Should -Contain 'gpt-4o-mini-2024-07-18'
        $r = Invoke-WebRequest "$($emu.Endpoint)/models" -Headers @{ Authorization = 'Bearer wrong' } -SkipHttpErrorCheck
        $r.StatusCode | Should -Be 401
        ($r.Content | ConvertFrom-Json).error.code | Should -Be 'invalid_api_key'
    }

    It 'passes the trigger words to moderation' {
        $body = @{ input = @('a calm sentence', 'it will explode') } | ConvertTo-Json
        $r = Invoke-RestMethod "$($emu.Endpoint)/moderations" -Method Post -Headers $headers -ContentType 'application/json' -Body $body
        $r.results.flagged | Should -Be @($false, $true)
    }

    It 'says clearly when the emulator cannot start' {
        { Start-FineTuneEmulator -Port $emu.Port -TimeoutSeconds 10 } | Should -Throw '*did not start*'
    }
}

Describe 'Set-EmulatorFault and Get-EmulatorRequestCount' {
    It 'serves the queued faults in order on the given route and counts every request' {
        Reset-EmulatorRequestCount
        Set-EmulatorFault -Fault '503', '429' -Route '/models' -Clear
        $codes = foreach ($i in 1..3) { (Invoke-WebRequest "$($emu.Endpoint)/models" -Headers $headers -SkipHttpErrorCheck).StatusCode }
        $codes | Should -Be @(503, 429, 200)
        Invoke-RestMethod "$($emu.Endpoint)/files" -Headers $headers | Out-Null
        Get-EmulatorRequestCount -Route 'GET /v1/models' | Should -Be 3
        Get-EmulatorRequestCount -Route '/v1/files' | Should -Be 1
        Get-EmulatorRequestCount | Should -Be 4
    }

    It 'empties the queue with -Clear alone' {
        Set-EmulatorFault -Fault '500', '500' -Route '/models'
        Set-EmulatorFault -Clear
        (Invoke-WebRequest "$($emu.Endpoint)/models" -Headers $headers -SkipHttpErrorCheck).StatusCode | Should -Be 200
    }

    It 'drops the connection when asked' {
        Set-EmulatorFault -Fault 'drop' -Clear
        { Invoke-RestMethod "$($emu.Endpoint)/models" -Headers $headers } | Should -Throw
        (Invoke-WebRequest "$($emu.Endpoint)/models" -Headers $headers).StatusCode | Should -Be 200
    }
}
