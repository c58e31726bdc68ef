# Measure-FineTuneToken and Get-FineTuneCost against real values (tiktoken ids, the catalog's prices).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1)
    Import-Module (Get-FineTuneModulePath) -Force
}

Describe 'Measure-FineTuneToken' {
    It 'gives the ids tiktoken gives for hello world in o200k_base' {
        $r = Measure-FineTuneToken -Text 'hello world' -Model gpt-4o-mini -Ids
        $r.Ids | Should -Be @(24912, 2375)
        $r.Tokens | Should -Be 2
        $r.Encoding | Should -Be 'o200k_base'
        $r.Model | Should -Be 'gpt-4o-mini'
        $r.Approximate | Should -BeFalse
    }

    It 'counts with an encoding given by name' {
        $r = Measure-FineTuneToken 'hello world' -Encoding cl100k_base -Ids
        $r.Ids | Should -Be @(15339, 1917)
        $r.Model | Should -BeNullOrEmpty
    }

    It 'maps a fine-tuned gpt-4.1 name to o200k_base' {
        (Measure-FineTuneToken 'hello world' -Model 'ft:gpt-4.1-mini-2025-04-14:acme:demo:abc123').Encoding | Should -Be 'o200k_base'
    }

    It 'takes strings from the pipeline, one result each, and counts special-token strings as text' {
        $r = 'hello world', '', '<|endoftext|>' | Measure-FineTuneToken -Model gpt-3.5-turbo
        $r.Count | Should -Be 3
        $r[0].Tokens | Should -Be 2
        $r[1].Tokens | Should -Be 0
        $r[2].Tokens | Should -BeGreaterThan 1
    }

    It 'equals tiktoken on the first 300 lines of the shared corpus' {
        $corpus = Get-SharedPath 'tokens/corpus.jsonl'
        $expected = Get-SharedPath 'tokens/corpus.o200k_base.tiktoken.jsonl'
        if (-not ((Test-Path $corpus) -and (Test-Path $expected))) { Set-ItResult -Skipped -Because "input missing: $corpus"; return }
        $texts = Get-Content $corpus -TotalCount 300 | ForEach-Object {
            $hex = ($_ | ConvertFrom-Json).u16
            if ($hex.Length -eq 0) { '' }
            else { -join (0..($hex.Length / 4 - 1) | ForEach-Object { [char][Convert]::ToUInt16($hex.Substring($_ * 4, 4), 16) }) }
        }
        $want = Get-Content $expected -TotalCount 300 | ForEach-Object { ($_ | ConvertFrom-Json).ids.Count }
        $got = $texts | Measure-FineTuneToken -Encoding o200k_base | ForEach-Object Tokens
        $got.Count | Should -Be 300
        for ($i = 0; $i -lt 300; $i++) { $got[$i] | Should -Be $want[$i] -Because "corpus line $($i + 1)" }
    }

    It 'says which model it does not know' {
        { Measure-FineTuneToken 'x' -Model 'llama-3' -ErrorAction Stop } | Should -Throw -ErrorId 'FineTune.UnknownModel,*'
    }

    It 'names the close model for a mistyped one' {
        $e = { Measure-FineTuneToken 'x' -Model 'gtp-4o-mini' -ErrorAction Stop } | Should -Throw -ErrorId 'FineTune.UnknownModel,*' -PassThru
        $e.ErrorDetails.Message | Should -Be "No known encoding for model 'gtp-4o-mini'. Did you mean 'gpt-4o-mini'?"
        $e.ErrorDetails.RecommendedAction | Should -Be 'Give a model such as gpt-4o-mini or gpt-3.5-turbo (Measure-FineTuneToken also takes -Encoding o200k_base or cl100k_base).'
    }

    It 'shows a table' {
        Measure-FineTuneToken 'hello world' -Model gpt-4o -Ids | Out-String | Should -Match '24912,2375'
    }
}

Describe 'Get-FineTuneCost' {
    It 'warns within 60 days of gpt-4o-mini''s last day of new jobs (2027-01-06) or its shutdown (2027-01-14)' {
        $r = Get-FineTuneCost -Model gpt-4o-mini -TrainingTokens 1000 -Epochs 1 -WarningVariable w -WarningAction SilentlyContinue
        $days = ([datetime]'2027-01-06' - [datetime]::UtcNow.Date).Days
        if ($days -gt 60) { "$w" | Should -BeNullOrEmpty } else { "$w" | Should -Match 'gpt-4o-mini-2024-07-18 .*2027-01-06' }
        $r.ShutdownDate | Should -Be ([datetime]'2027-01-14')
    }

    It 'prices 100,000 tokens for 3 epochs of gpt-3.5-turbo at exactly 2.40 and warns that it is retired' {
        $r = Get-FineTuneCost -Model gpt-3.5-turbo -TrainingTokens 100000 -Epochs 3 -WarningVariable w -WarningAction SilentlyContinue
        $r.EstimatedUsd | Should -Be ([decimal]'2.40')
        $r.TrainedTokens | Should -Be 300000
        $r.PricePerMillion | Should -Be ([decimal]'8.00')
        $r.Encoding | Should -Be 'cl100k_base'
        $r.CatalogDate | Should -Be '2026-11'
        $r.CanTrain | Should -BeFalse
        "$w" | Should -Match 'retired'
        $r | Out-String | Should -Match '2\.40'
    }

    It 'works out auto epochs from the examples' {
        $r = Get-FineTuneCost -Model gpt-4o-mini -TrainingTokens 1000 -Examples 10
        $r.Epochs | Should -Be 10
        $r.EpochsAuto | Should -BeTrue
        $r.CatalogModel | Should -Be 'gpt-4o-mini-2024-07-18'
        (Get-FineTuneCost -Model gpt-4o-mini -TrainingTokens 1000 -Examples 8334 -Epochs Auto).Epochs | Should -Be 2
    }

    It 'binds tokens and examples by property name from the pipeline' {
        $r = [pscustomobject]@{ Model = 'gpt-4o-mini'; BilledTokens = 1000000; ExampleCount = 100 } | Get-FineTuneCost
        $r.Epochs | Should -Be 3
        $r.EstimatedUsd | Should -Be ([decimal]'9.00')
    }

    It 'asks for examples when epochs are auto' {
        { Get-FineTuneCost -Model gpt-4o-mini -TrainingTokens 1000 -ErrorAction Stop } | Should -Throw -ErrorId 'FineTune.ExamplesNeeded,*'
    }

    It 'refuses epochs outside 1-50' {
        { Get-FineTuneCost -Model gpt-4o-mini -TrainingTokens 1000 -Epochs 51 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'names a model it has no price for' {
        Get-FineTuneCost -Model gpt-9 -TrainingTokens 1 -Epochs 1 -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.UnknownModel,*'
        "$($e[0])" | Should -Match 'gpt-4o-mini-2024-07-18'
    }

    It 'names the close model for a typo' {
        Get-FineTuneCost -Model gpt-4.1-mni -TrainingTokens 1 -Epochs 1 -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        "$($e[0])" | Should -BeLike "*no OpenAI price for 'gpt-4.1-mni'. Did you mean 'gpt-4.1-mini'? Known:*"
    }

    It 'reads a catalog file given by -PriceCatalog or FINETUNE_PRICE_CATALOG' {
        $file = Join-Path $TestDrive 'prices.json'
        '{"date": "2027-02", "source": "our contract", "models": [{"model": "gpt-4.1-mini-2025-04-14", "provider": "Azure", "trainingPerMillion": 4.5, "verified": true}]}' | Set-Content $file
        $r = Get-FineTuneCost -Model gpt-4.1-mini -Provider Azure -TrainingTokens 1000000 -Epochs 2 -PriceCatalog $file
        $r.EstimatedUsd | Should -Be ([decimal]'9.00')
        $r.CatalogSource | Should -Be 'our contract'
        $env:FINETUNE_PRICE_CATALOG = $file
        try { (Get-FineTuneCost -Model gpt-4.1-mini -Provider Azure -TrainingTokens 1000000 -Epochs 1).CatalogDate | Should -Be '2027-02' }
        finally { Remove-Item Env:FINETUNE_PRICE_CATALOG }
    }

    It 'names the file and field of a bad catalog' {
        $file = Join-Path $TestDrive 'bad.json'
        '{"date": "2026-11", "source": "x", "models": [{"model": "m", "trainingPerMillion": "eight"}]}' | Set-Content $file
        $err = $null
        try { Get-FineTuneCost -Model m -TrainingTokens 1 -Epochs 1 -PriceCatalog $file } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'FineTune.InvalidCatalog,*'
        "$err" | Should -Match 'models\[0\]\.trainingPerMillion'
        "$err" | Should -Match ([regex]::Escape($file))
    }
}

Describe 'Get-FineTuneCost of a training file' {
    BeforeAll {
        $script:ticket = Get-SharedPath 'data/chat_ticket_classification_train.jsonl'
        $script:travel = Get-SharedPath 'data/chat_travel_assistant_mslearn_small.jsonl'
    }

    It 'measures the file with the model''s encoding and prices it with auto epochs' {
        if (-not (Test-Path $script:ticket)) { Set-ItResult -Skipped -Because "input missing: $script:ticket"; return }
        $measured = Measure-FineTuneDataset -Path $script:ticket -Model gpt-4o-mini-2024-07-18
        $cost = Get-FineTuneCost -Path $script:ticket -Model gpt-4o-mini-2024-07-18
        $cost.Examples | Should -Be 50
        $cost.BilledTokensPerEpoch | Should -Be $measured.BilledTokensPerEpoch
        $cost.BilledTokensPerEpoch | Should -BeGreaterThan 0
        $cost.Epochs | Should -Be 3          # 50 examples x 3 = 150, inside [100, 25000]
        $cost.TrainedTokens | Should -Be ($measured.BilledTokensPerEpoch * 3)
        $cost.EstimatedUsd | Should -Be ([math]::Round([decimal]$measured.BilledTokensPerEpoch * 3 * 3 / 1000000, 2, [MidpointRounding]::AwayFromZero))
    }

    It 'takes New-FineTuneDataset''s output from the pipeline and reports validation tokens unbilled' {
        if (-not (Test-Path $script:travel)) { Set-ItResult -Skipped -Because "input missing: $script:travel"; return }
        $cost = Get-Item $script:ticket | Get-FineTuneCost -Model gpt-4o-mini-2024-07-18 -ValidationPath $script:travel -Epochs 2
        $cost.ValidationTokens | Should -Be (Measure-FineTuneDataset -Path $script:travel -Model gpt-4o-mini-2024-07-18).TotalTokens
        $cost.TrainedTokens | Should -Be ($cost.BilledTokensPerEpoch * 2)
    }

    It 'writes a FileNotFound error naming the file' {
        Get-FineTuneCost -Path ./no-such-file.jsonl -Model gpt-4o-mini -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.FileNotFound*'
        $errs[0].Exception.Message | Should -Match 'no-such-file\.jsonl'
    }
}

Describe 'Get-FineTuneCost on Azure' {
    It 'prices hosting by the hour and applies a catalog''s training discount' {
        $catalog = Join-Path ([IO.Path]::GetTempPath()) "azure-contract-$([guid]::NewGuid()).json"
        Set-Content -Path $catalog -Encoding utf8NoBOM -Value '{ "date": "2026-11", "source": "our contract", "models": [ { "model": "gpt-4o-mini-2024-07-18", "provider": "Azure", "trainingPerMillion": 3.30, "hostingPerHour": 1.70, "verified": true, "discounts": { "GlobalStandard": 0.10 } } ] }'
        try {
            $cost = Get-FineTuneCost -Model gpt-4o-mini -Provider Azure -TrainingTokens 1000000 -Epochs 3 -TrainingType GlobalStandard -HostingHours 720 -PriceCatalog $catalog
            $cost.EstimatedUsd | Should -Be 8.91
            $cost.HostingUsd | Should -Be 1224.00
        }
        finally { Remove-Item $catalog }
    }

    It 'prices Azure training per training type from the built-in catalog, marked unverified' {
        $standard = Get-FineTuneCost -Model gpt-4o-mini-2024-07-18 -Provider Azure -TrainingTokens 1000000 -Epochs 3 -HostingHours 10 -WarningVariable warns -WarningAction SilentlyContinue
        $standard.EstimatedUsd | Should -Be 9.90     # 3M tokens x $3.30 (Global Standard $3.00 + about 10%)
        $standard.HostingUsd | Should -Be 17.00
        ($warns -join ' ') | Should -Match 'gpt-4o-mini-2024-07-18 is not verified'
        (Get-FineTuneCost -Model gpt-4o-mini -Provider Azure -TrainingTokens 1000000 -Epochs 3 -TrainingType GlobalStandard -WarningAction SilentlyContinue).EstimatedUsd | Should -Be 9.00
        (Get-FineTuneCost -Model gpt-4o-mini -Provider Azure -TrainingTokens 1000000 -Epochs 3 -TrainingType Developer -WarningAction SilentlyContinue).EstimatedUsd | Should -Be 4.50
    }
}
