# Tab completion: -Model completes from the price catalog, offline.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1) -Force
    Import-Module (Get-FineTuneModulePath) -Force
}

Describe '-Model completion' {
    It 'completes <Line> with the catalog''s models' -ForEach @(
        @{ Line = 'Get-FineTuneCost -Model gpt-4o-m'; Expected = 'gpt-4o-mini-2024-07-18', 'gpt-4o-mini' }
        @{ Line = 'Measure-FineTuneToken -Text x -Model gpt-4.1-n'; Expected = 'gpt-4.1-nano-2025-04-14', 'gpt-4.1-nano' }
    ) {
        $result = TabExpansion2 -inputScript $Line -cursorColumn $Line.Length
        $result.CompletionMatches.CompletionText | Should -Be $Expected
    }

    It 'lists models that can still be trained before retired ones' {
        $line = 'Get-FineTuneCost -Model '
        $all = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $all.IndexOf('gpt-4o-mini-2024-07-18') | Should -BeLessThan $all.IndexOf('gpt-3.5-turbo-0125')
    }
}

Describe '-JobId completion' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot '../../src/FineTune.Emulator/Emulator.psm1') -Force
        $script:emulator = Start-FineTuneEmulator -TimeScale 0.2
        Connect-FineTune -Endpoint $script:emulator.Endpoint -ApiKey (ConvertTo-SecureString 'completion-key' -AsPlainText -Force)
        $file = Import-Csv (Join-Path $PSScriptRoot '../../samples/lumen-support-faq.csv') | New-FineTuneDataset -Path (Join-Path $TestDrive 'faq.jsonl') | Add-FineTuneFile
        $script:job = Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $file -Suffix compl -Confirm:$false
    }
    AfterAll {
        Disconnect-FineTune
        $script:emulator | Stop-FineTuneEmulator
    }

    It 'completes job ids from the service, with status and model as the tooltip' {
        $line = 'Wait-FineTuneJob -JobId ftjob-'
        $matches = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $matches.CompletionText | Should -Contain $script:job.Id
        ($matches | Where-Object CompletionText -eq $script:job.Id).ToolTip | Should -Match 'gpt-4o-mini-2024-07-18 compl'
    }

    It 'offers nothing, and does not fail, without a key' {
        Disconnect-FineTune
        $saved = $env:OPENAI_API_KEY; Remove-Item Env:OPENAI_API_KEY -ErrorAction SilentlyContinue
        try {
            $line = 'Get-FineTuneEvent -JobId ftjob-'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | Should -BeNullOrEmpty
        }
        finally { $env:OPENAI_API_KEY = $saved }
    }
}

Describe 'Completion from the service: fine-tuned models, file ids by purpose, jobs by state' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot '../../src/FineTune.Emulator/Emulator.psm1') -Force
        # one second a phase: a job of 20 epochs stays running long enough to be seen running or paused
        $script:emu = Start-FineTuneEmulator -TimeScale 1
        Connect-FineTune -Endpoint $script:emu.Endpoint -ApiKey (ConvertTo-SecureString 'completion-key' -AsPlainText -Force)
        $script:file = Import-Csv (Join-Path $PSScriptRoot '../../samples/lumen-support-faq.csv') | New-FineTuneDataset -Path (Join-Path $TestDrive 'faq.jsonl') | Add-FineTuneFile
        $script:done = Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $file -Epochs 1 -Suffix done -Confirm:$false | Wait-FineTuneJob -InformationAction SilentlyContinue
        $script:paused = Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $file -Epochs 20 -Confirm:$false
        $script:running = Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $file -Epochs 20 -Confirm:$false
        function Wait-Status([string] $Id, [string] $Status) {
            $deadline = [datetime]::UtcNow.AddSeconds(30)
            while ((Get-FineTuneJob $Id).Status -ne $Status) {
                if ([datetime]::UtcNow -gt $deadline) { throw "Job $Id did not reach $Status." }
                Start-Sleep -Milliseconds 200
            }
        }
        Wait-Status $paused.Id running
        Wait-Status $running.Id running
        Suspend-FineTuneJob $paused.Id -Confirm:$false
        Wait-Status $paused.Id paused
        function Complete([string] $Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches }
    }
    AfterAll {
        Stop-FineTuneJob $script:paused.Id, $script:running.Id -Confirm:$false -ErrorAction SilentlyContinue
        Disconnect-FineTune
        $script:emu | Stop-FineTuneEmulator
    }

    It 'offers the jobs each verb applies to' {
        (Complete 'Stop-FineTuneJob -JobId ').CompletionText | Sort-Object | Should -Be (@($paused.Id, $running.Id) | Sort-Object)
        (Complete 'Suspend-FineTuneJob ').CompletionText | Should -Be $running.Id
        (Complete 'Resume-FineTuneJob -JobId ftjob-').CompletionText | Should -Be $paused.Id
        (Complete 'Get-FineTuneJob -JobId ').CompletionText | Should -Contain $done.Id
    }

    It 'offers fine-tuned models for -Model of Invoke-FineTuneChat and Remove-FineTuneModel' {
        $done.FineTunedModel | Should -BeLike 'ft:*'
        foreach ($line in "Invoke-FineTuneChat 'hi' -Model ", 'Remove-FineTuneModel -Model ft:') {
            $matches = Complete $line
            $matches.CompletionText | Should -Be $done.FineTunedModel -Because $line
            $matches[0].ToolTip | Should -BeLike 'fine-tuned from gpt-4o-mini-2024-07-18, 20*'
        }
    }

    It 'offers training files for -TrainingFile, and every file with its purpose for -Id' {
        $results = @($done.ResultFiles)
        $results.Count | Should -BeGreaterThan 0
        $training = Complete 'Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -TrainingFile '
        $training.CompletionText | Should -Be $file.Id
        $training[0].ToolTip | Should -BeLike 'faq.????????.jsonl (fine-tune, * bytes, processed)'
        $all = Complete 'Save-FineTuneFile -Id file-'
        $all.CompletionText | Should -Contain $file.Id
        foreach ($r in $results) {
            $all.CompletionText | Should -Contain $r
            ($all | Where-Object CompletionText -eq $r).ToolTip | Should -BeLike '* (fine-tune-results, * bytes, *)'
        }
    }
}

Describe '-Model completion tooltips' {
    It 'marks models retired for fine-tuning' {
        $line = 'Get-FineTuneCost -Model gpt-3.5-turbo-0125'
        $match = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | Where-Object CompletionText -eq 'gpt-3.5-turbo-0125'
        $match.ToolTip | Should -Be 'gpt-3.5-turbo-0125: retired for fine-tuning'
    }
}
