# Test-FineTuneDataset and Measure-FineTuneDataset on real files from ../shared/data.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1)
    Import-Module (Get-FineTuneModulePath) -Force
    $script:gsm8k = Get-SharedPath 'data/chat_gsm8k_train.jsonl'
    $script:quotes = Get-SharedPath 'data/bad_legacy_unescaped_quotes_semaphore.jsonl'
    $script:noAssistant = Get-SharedPath 'data/bad_missing_assistant_ja_lessonplans.jsonl'
}

Describe 'Test-FineTuneDataset' {
    It 'writes only a valid summary for a clean real file' {
        if (-not (Test-Path $gsm8k)) { Set-ItResult -Skipped -Because "input missing: $gsm8k"; return }
        $out = @(Test-FineTuneDataset -Path $gsm8k -Model gpt-4o-mini-2024-07-18)
        $out.Count | Should -Be 1
        $out[0].GetType().Name | Should -Be 'DatasetReport'
        $out[0].Valid | Should -BeTrue
        $out[0].Format | Should -Be 'Chat'
        $out[0].Examples | Should -Be 449
        $out[0].Tokens | Should -BeGreaterThan 449
        $out[0].Bytes | Should -Be (Get-Item $gsm8k).Length
    }

    It 'finds the invalid JSON line and goes on with the others' {
        if (-not (Test-Path $quotes)) { Set-ItResult -Skipped -Because "input missing: $quotes"; return }
        $out = Test-FineTuneDataset $quotes
        $errors = @($out | Where-Object { $_.PSObject.Properties['RuleId'] -and $_.Severity -eq 'Error' })
        $errors.Count | Should -Be 1
        $errors[0].RuleId | Should -Be 'FT013'
        $errors[0].Line | Should -Be 6
        $errors[0].Path | Should -Be (Resolve-Path $quotes).ProviderPath
        $errors[0].Hint | Should -Not -BeNullOrEmpty
        $summary = $out[-1]
        $summary.Examples | Should -Be 10
        $summary.Errors | Should -Be 1
        $summary.Valid | Should -BeFalse
    }

    It '-Quiet returns exactly one boolean per file' {
        if (-not (Test-Path $quotes) -or -not (Test-Path $gsm8k)) { Set-ItResult -Skipped -Because 'inputs missing'; return }
        $bad = @(Test-FineTuneDataset $quotes -Quiet)
        $bad.Count | Should -Be 1
        $bad[0] | Should -BeOfType [bool]
        $bad[0] | Should -BeFalse
        Test-FineTuneDataset $gsm8k -Quiet | Should -BeTrue
    }

    It 'binds Path by property name from a dataset object and FullName from Get-ChildItem' {
        if (-not (Test-Path $gsm8k) -or -not (Test-Path $noAssistant)) { Set-ItResult -Skipped -Because 'inputs missing'; return }
        $datasets = @(
            [pscustomobject]@{ Path = $gsm8k; Format = 'Chat'; ExampleCount = 449; Bytes = 0 }
            [pscustomobject]@{ Path = $noAssistant; Format = 'Chat'; ExampleCount = 3; Bytes = 0 }
        )
        $datasets | Test-FineTuneDataset -Quiet | Should -Be @($true, $false)
        $findings = Get-Item $noAssistant | Test-FineTuneDataset | Where-Object RuleId -eq 'FT130'
        @($findings).Line | Should -Be @(1, 2, 3)
    }

    It 'checks the dataset object that New-FineTuneDataset writes (real Alpaca records)' {
        $alpaca = Get-SharedPath 'data/instruct_alpaca_seed_tasks.jsonl'
        if (-not (Test-Path $alpaca)) { Set-ItResult -Skipped -Because "input missing: $alpaca"; return }
        $out = Get-Content $alpaca | ConvertFrom-Json |
            ForEach-Object { [pscustomobject]@{ Instruction = $_.instruction; Output = $_.instances[0].output } } |
            New-FineTuneDataset -Path (Join-Path $TestDrive 'alpaca.jsonl') |
            Test-FineTuneDataset -Model gpt-4o-mini
        @($out).Count | Should -Be 1
        $out.Valid | Should -BeTrue
        $out.Examples | Should -Be 175
        $out.Format | Should -Be 'Chat'
    }

    It 'depends on -Target for a BOM' {
        if (-not (Test-Path $gsm8k)) { Set-ItResult -Skipped -Because "input missing: $gsm8k"; return }
        $path = Join-Path $TestDrive 'bom.jsonl'
        [IO.File]::WriteAllBytes($path, [byte[]](0xEF, 0xBB, 0xBF) + [IO.File]::ReadAllBytes($gsm8k))
        $openai = Test-FineTuneDataset $path | Where-Object RuleId
        @($openai).RuleId | Should -Be 'FT001'
        @($openai)[0].Severity | Should -Be 'Error'
        Test-FineTuneDataset $path -Target Azure -Quiet | Should -BeTrue
    }

    It 'writes a non-terminating error naming a missing file and goes on' {
        $missing = Join-Path $TestDrive 'nothing-here.jsonl'
        # a real file that needs nothing outside the repository: the project's own sample
        $good = Import-Csv (Join-Path $PSScriptRoot '../../samples/lumen-support-faq.csv') | New-FineTuneDataset -Path (Join-Path $TestDrive 'good.jsonl')
        $out = Test-FineTuneDataset -Path $missing, $good.Path -Quiet -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.FileNotFound*'
        $err[0].Exception.Message | Should -BeLike '*nothing-here.jsonl*'
        $out | Should -Be $true
    }

    It 'gives a CSV one finding that says what it is and how to convert it' {
        $csv = Join-Path $PSScriptRoot '../../samples/support-tickets.csv'
        $out = @(Test-FineTuneDataset -Path $csv)
        $findings = @($out | Where-Object RuleId)
        $findings.Count | Should -Be 1
        $findings[0].RuleId | Should -Be 'FT018'
        $findings[0].Message | Should -BeLike '*CSV, not JSON Lines*(text,category)*'
        $findings[0].Hint | Should -BeLike '*Import-Csv data.csv | New-FineTuneDataset -Path data.jsonl*'
        ($out | Where-Object { $_.PSObject.Properties['Valid'] }).Valid | Should -BeFalse
    }

    It 'formats findings as a table with RuleId and Message' {
        if (-not (Test-Path $noAssistant)) { Set-ItResult -Skipped -Because "input missing: $noAssistant"; return }
        $text = Test-FineTuneDataset $noAssistant | Select-Object -First 1 | Out-String -Width 200
        $text | Should -Match 'RuleId'
        $text | Should -Match 'FT130'
    }
}

Describe 'Measure-FineTuneDataset' {
    It 'counts every example of a real file for a model' {
        if (-not (Test-Path $gsm8k)) { Set-ItResult -Skipped -Because "input missing: $gsm8k"; return }
        $m = Measure-FineTuneDataset -Path $gsm8k -Model gpt-4o-mini-2024-07-18
        $m.Examples | Should -Be 449
        $m.CountedExamples | Should -Be 449
        $m.Encoding | Should -Be 'o200k_base'
        $m.TokenLimit | Should -Be 65536
        $m.MinTokens | Should -BeLessOrEqual $m.MedianTokens
        $m.MedianTokens | Should -BeLessOrEqual $m.P95Tokens
        $m.P95Tokens | Should -BeLessOrEqual $m.MaxTokens
        $m.BilledTokensPerEpoch | Should -Be $m.TotalTokens
        ($m | Format-Table | Out-String) | Should -Match ([regex]::Escape((Split-Path $gsm8k -Leaf)))
        $check = Test-FineTuneDataset $gsm8k -Model gpt-4o-mini-2024-07-18
        $check.Tokens | Should -Be $m.TotalTokens
    }

    It '-PerExample writes one count per example, then the summary' {
        if (-not (Test-Path $gsm8k)) { Set-ItResult -Skipped -Because "input missing: $gsm8k"; return }
        $out = @(Get-Item $gsm8k | Measure-FineTuneDataset -Model gpt-3.5-turbo -PerExample)
        $out.Count | Should -Be 450
        ($out[0..448] | Measure-Object Tokens -Sum).Sum | Should -Be $out[449].TotalTokens
        $out[0].Line | Should -Be 1
        $out[449].Encoding | Should -Be 'cl100k_base'
    }

    It 'stops with a clear error for an unknown model' {
        if (-not (Test-Path $gsm8k)) { Set-ItResult -Skipped -Because "input missing: $gsm8k"; return }
        { Measure-FineTuneDataset $gsm8k -Model llama-3 -ErrorAction Stop } | Should -Throw -ErrorId 'FineTune.UnknownModel*'
    }

    It 'names the close model for a mistyped one, and no -Encoding that Test- and Measure-FineTuneDataset do not have' {
        if (-not (Test-Path $gsm8k)) { Set-ItResult -Skipped -Because "input missing: $gsm8k"; return }
        $m = { Measure-FineTuneDataset $gsm8k -Model gtp-4.1-mini -ErrorAction Stop } | Should -Throw -ErrorId 'FineTune.UnknownModel*' -PassThru
        $m.ErrorDetails.Message | Should -Be "No known encoding for model 'gtp-4.1-mini'. Did you mean 'gpt-4.1-mini'?"
        $t = { Test-FineTuneDataset $gsm8k -Model gpt4o-mini -ErrorAction Stop } | Should -Throw -ErrorId 'FineTune.UnknownModel*' -PassThru
        $t.ErrorDetails.Message | Should -Be "No known encoding for model 'gpt4o-mini'. Did you mean 'gpt-4o-mini'?"
    }
}
