# Test-FineTuneModeration against the emulator, whose /v1/moderations flags texts holding a trigger word.
# Input: the real GSM8K chat set from ../shared/data, copied to TestDrive with trigger lines added at known places.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1)
    $noGsm8k = -not (Test-Path (Get-SharedPath 'data/chat_gsm8k_train.jsonl'))
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1)
    Import-Module (Join-Path $PSScriptRoot '../../src/FineTune.Emulator/Emulator.psm1') -Force
    Import-Module (Get-FineTuneModulePath) -Force
    $script:emu = Start-FineTuneEmulator -TriggerWord 'zorgblatt', 'quexhurt=self-harm/intent'
    Connect-FineTune -Endpoint $emu.Endpoint -ApiKey (ConvertTo-SecureString 'sk-emulator-moderation-test' -AsPlainText -Force) -MaxRetryDelaySec 2
    $script:gsm8k = Get-SharedPath 'data/chat_gsm8k_train.jsonl'

    # The flagged lines to add, by their final line number (1-based), each one a different place for the text.
    $script:triggers = @{
        3   = '{"messages":[{"role":"system","content":"Reply user''s question as accurately as possible."},{"role":"user","content":"How far does a zorgblatt travel in 3 hours at 4 miles an hour?"},{"role":"assistant","content":"12"}]}'
        200 = '{"messages":[{"role":"user","content":[{"type":"text","text":"Count the apples."}]},{"role":"assistant","content":"I quexhurt myself counting. 7"}]}'
        452 = '{"messages":[{"role":"user","content":"Weather?"},{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"lookup","arguments":"{\"city\":\"Zorgblatt\"}"}}]},{"role":"tool","tool_call_id":"c1","content":"sunny"},{"role":"assistant","content":"Sunny."}]}'
    }

    # Writes GSM8K with the trigger lines inserted (\n line ends, as the original) and returns its path.
    function script:New-TriggerCopy([string] $Name) {
        $lines = [System.Collections.Generic.List[string]]::new([System.IO.File]::ReadAllText($gsm8k).TrimEnd("`n").Split("`n"))
        foreach ($at in ($triggers.Keys | Sort-Object)) { $lines.Insert($at - 1, $triggers[$at]) }
        $path = Join-Path $TestDrive $Name
        [System.IO.File]::WriteAllText($path, ($lines -join "`n") + "`n", [System.Text.UTF8Encoding]::new($false))
        $path
    }
}

AfterAll {
    Disconnect-FineTune -ErrorAction SilentlyContinue
    if ($script:emu) { $script:emu | Stop-FineTuneEmulator }
}

Describe 'Test-FineTuneModeration on GSM8K with trigger lines' {
    It 'finds exactly the added lines, with categories, role, place and excerpt' -Skip:$noGsm8k {
        $path = New-TriggerCopy 'flagged.jsonl'
        $before = (Get-FileHash $path).Hash
        Reset-EmulatorRequestCount
        $out = @(Test-FineTuneModeration -Path $path -ResumeFile (Join-Path $TestDrive 'flagged.journal.jsonl'))
        $findings = @($out | Where-Object { $_.PSObject.TypeNames[0] -eq 'FineTune.Engine.Moderation.ModerationFinding' })
        $summary = $out[-1]
        @($findings.Line) | Should -Be @(3, 200, 452)
        @($findings.ExampleIndex) | Should -Be @(2, 199, 451)
        $findings[0].Categories | Should -Be @('violence')
        $findings[0].Role | Should -Be 'user'
        $findings[0].Source | Should -Be 'messages[1].content'
        $findings[0].Excerpt | Should -Be 'How far does a zorgblatt travel in 3 hours at 4 miles an hour?'
        $findings[0].TopScores['violence'] | Should -Be 0.97
        $findings[1].Categories | Should -Be @('self-harm/intent')
        $findings[1].Role | Should -Be 'assistant'
        $findings[1].Source | Should -Be 'messages[1].content'
        $findings[2].Role | Should -Be 'assistant'
        $findings[2].Source | Should -Be 'messages[1].tool_calls[0].function.arguments'
        $summary.PSObject.TypeNames[0] | Should -Be 'FineTune.Engine.Moderation.ModerationSummary'
        $summary.Examples | Should -Be 452
        $summary.Screened | Should -Be 452
        $summary.Flagged | Should -Be 3
        $summary.ByCategory['violence'] | Should -Be 2
        $summary.ByCategory['self-harm/intent'] | Should -Be 1
        $summary.Note | Should -BeLike 'Passing this screen does not guarantee*'
        # 449 GSM8K examples x 3 texts (system, user, assistant) + 3 + 2 + 4 (user, tool-call arguments, tool result, assistant); at most 32 a request
        $summary.Inputs | Should -Be 1356
        $summary.Requests | Should -Be (Get-EmulatorRequestCount -Route 'POST /v1/moderations')
        $summary.Requests | Should -BeGreaterOrEqual ([math]::Ceiling(1356 / 32))
        (Get-FileHash $path).Hash | Should -Be $before
    }

    It 'writes a clean copy that is the original GSM8K file byte for byte' -Skip:$noGsm8k {
        $path = New-TriggerCopy 'clean-source.jsonl'
        $clean = Join-Path $TestDrive 'clean.jsonl'
        $summary = Test-FineTuneModeration -Path $path -OutFile $clean | Select-Object -Last 1
        $summary.OutFile | Should -Be $clean
        $summary.CleanExamples | Should -Be 449
        (Get-Item $clean).Length | Should -Be (Get-Item $gsm8k).Length
        (Get-FileHash $clean).Hash | Should -Be (Get-FileHash $gsm8k).Hash
        Test-Path "$clean.moderation-journal.jsonl" | Should -BeTrue
        Get-ChildItem $TestDrive -Filter '.clean.jsonl.*.tmp' -Force | Should -BeNullOrEmpty
    }

    It 'refuses to replace an existing -OutFile without -Force, before any request' -Skip:$noGsm8k {
        $path = New-TriggerCopy 'exists-source.jsonl'
        $clean = Join-Path $TestDrive 'exists.jsonl'
        Set-Content -Path $clean -Value 'keep me'
        Reset-EmulatorRequestCount
        $out = Test-FineTuneModeration -Path $path -OutFile $clean -ErrorAction SilentlyContinue -ErrorVariable errs
        $out | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.FileExists,*'
        Get-Content $clean | Should -Be 'keep me'
        Get-EmulatorRequestCount -Route 'POST /v1/moderations' | Should -Be 0
    }

    It 'binds Path by property name from a file object' -Skip:$noGsm8k {
        $path = New-TriggerCopy 'piped.jsonl'
        $findings = @(Get-Item $path | Test-FineTuneModeration -ResumeFile (Join-Path $TestDrive 'piped.journal.jsonl') | Where-Object Line)
        @($findings.Line) | Should -Be @(3, 200, 452)
    }
}

Describe 'Rate limits and resume' {
    It 'survives a run of five 429s (Retry-After honoured) and the request count shows the retries' -Skip:$noGsm8k {
        $path = Join-Path $TestDrive 'small.jsonl'
        $lines = [System.IO.File]::ReadAllText($gsm8k).Split("`n") | Select-Object -First 20
        [System.IO.File]::WriteAllText($path, (($lines + $triggers[3]) -join "`n") + "`n")
        Reset-EmulatorRequestCount
        Set-EmulatorFault -Clear -Fault '429', '429', '429', '429', '429' -Route '/moderations'
        $out = @(Test-FineTuneModeration -Path $path -ThrottleLimit 1 -ResumeFile (Join-Path $TestDrive 'small.journal.jsonl'))
        $summary = $out[-1]
        @($out | Where-Object Line).Line | Should -Be 21
        $summary.Screened | Should -Be 21
        # 21 examples x 3 texts = 63 texts: 2 requests of 32 and 31, the first one tried 6 times
        $summary.Requests | Should -Be 2
        Get-EmulatorRequestCount -Route 'POST /v1/moderations' | Should -Be 7
    }

    It 'a re-run sends no request for screened lines; only edited or new lines are sent' -Skip:$noGsm8k {
        $path = New-TriggerCopy 'resume.jsonl'
        $journal = Join-Path $TestDrive 'resume.journal.jsonl'
        # the "interrupted" run screened only the first 100 lines (the journal is keyed by content, not position)
        $first = Join-Path $TestDrive 'resume-first.jsonl'
        [System.IO.File]::WriteAllText($first, ((Get-Content $path -TotalCount 100) -join "`n") + "`n")
        Test-FineTuneModeration -Path $first -ResumeFile $journal | Out-Null
        Reset-EmulatorRequestCount
        $summary = Test-FineTuneModeration -Path $path -ResumeFile $journal | Select-Object -Last 1
        $summary.Resumed | Should -Be 100
        $summary.Screened | Should -Be 352
        $summary.Flagged | Should -Be 3
        Get-EmulatorRequestCount -Route 'POST /v1/moderations' | Should -Be $summary.Requests

        Reset-EmulatorRequestCount
        $again = @(Test-FineTuneModeration -Path $path -ResumeFile $journal)
        Get-EmulatorRequestCount -Route 'POST /v1/moderations' | Should -Be 0
        @($again | Where-Object Line).Line | Should -Be @(3, 200, 452)
        ($again | Where-Object Line | ForEach-Object FromJournal) | Should -Be @($true, $true, $true)
        $again[-1].Resumed | Should -Be 452
        $again[-1].Screened | Should -Be 0

        # edit one line: only it is sent again
        $text = [System.IO.File]::ReadAllText($path).Replace('How far does a zorgblatt travel', 'How far does a cyclist travel')
        [System.IO.File]::WriteAllText($path, $text)
        Reset-EmulatorRequestCount
        $edited = @(Test-FineTuneModeration -Path $path -ResumeFile $journal)
        Get-EmulatorRequestCount -Route 'POST /v1/moderations' | Should -Be 1
        $edited[-1].Screened | Should -Be 1
        @($edited | Where-Object Line).Line | Should -Be @(200, 452)
    }
}

Describe 'Help' {
    It 'says that passing the screen is no guarantee' {
        $help = Get-Help Test-FineTuneModeration -Full | Out-String
        $help | Should -Match 'Passing this screen does not guarantee'
        (Get-Command Test-FineTuneModeration).OutputType.Name | Should -Contain 'FineTune.Engine.Moderation.ModerationFinding'
    }
}

Describe '-Moderate on Add-FineTuneFile and Start-FineTuneJob' {
    It 'Add-FineTuneFile -Moderate uploads nothing when an example is flagged, and uploads with -Force' -Skip:$noGsm8k {
        $path = New-TriggerCopy 'upload.jsonl'
        Reset-EmulatorRequestCount
        $file = Add-FineTuneFile -Path $path -Moderate -ErrorAction SilentlyContinue -ErrorVariable errs -WarningVariable warns -WarningAction SilentlyContinue
        $file | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.Flagged,*'
        $errs[0].Exception.Message | Should -BeLike '3 of 452 examples in * were flagged by moderation (lines 3, 200, 452); nothing was uploaded.'
        @($warns).Count | Should -Be 3
        Get-EmulatorRequestCount -Route 'POST /v1/files' | Should -Be 0
        Get-EmulatorRequestCount -Route 'POST /v1/moderations' | Should -BeGreaterThan 0

        Reset-EmulatorRequestCount
        $file = Add-FineTuneFile -Path $path -Moderate -Force -WarningAction SilentlyContinue
        $file.Id | Should -BeLike 'file-*'
        Get-EmulatorRequestCount -Route 'POST /v1/files' | Should -Be 1
        Get-EmulatorRequestCount -Route 'POST /v1/moderations' | Should -Be 0   # every example came from the journal
    }

    It 'Start-FineTuneJob -Moderate starts nothing for a flagged file and starts a job for the clean copy' -Skip:$noGsm8k {
        $path = New-TriggerCopy 'job.jsonl'
        $clean = Join-Path $TestDrive 'job.clean.jsonl'
        Reset-EmulatorRequestCount
        $job = Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -Path $path -Moderate -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable errs -WarningAction SilentlyContinue
        $job | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.Flagged,*'
        Get-EmulatorRequestCount -Route '/v1/files' | Should -Be 0
        Get-EmulatorRequestCount -Route '/v1/fine_tuning/jobs' | Should -Be 0

        Test-FineTuneModeration -Path $path -OutFile $clean | Out-Null
        $job = Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -Path $clean -Moderate -Confirm:$false
        $job.Id | Should -BeLike 'ftjob-*'
        Get-EmulatorRequestCount -Route 'POST /v1/files' | Should -Be 1
    }
}
