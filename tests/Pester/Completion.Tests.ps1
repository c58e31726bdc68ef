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

Describe '-Model completion tooltips' {
    It 'marks models retired for fine-tuning' {
        $line = 'Get-FineTuneCost -Model gpt-3.5-turbo-0125'
        $match = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | Where-Object CompletionText -eq 'gpt-3.5-turbo-0125'
        $match.ToolTip | Should -Be 'gpt-3.5-turbo-0125: retired for fine-tuning'
    }
}
