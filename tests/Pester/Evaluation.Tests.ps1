# Compare-FineTuneModel on the emulator: base against fine-tuned, graded, with figures recomputed from the rows.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1)
    Import-Module (Get-FineTuneModulePath) -Force
    Import-Module (Join-Path $PSScriptRoot '../../src/FineTune.Emulator/Emulator.psm1') -Force

    $script:Train = Get-SharedPath 'data/chat_gsm8k_train.jsonl'
    $script:Valid = Get-SharedPath 'data/chat_gsm8k_validation.jsonl'
    $script:Tickets = Get-SharedPath 'data/chat_ticket_classification_train.jsonl'
    $script:Missing = @($script:Train, $script:Valid, $script:Tickets) | Where-Object { -not (Test-Path $_) }
    $script:FinalNumber = '####\s*(-?[\d,.]+)'
    $script:Emu = Start-FineTuneEmulator -TimeScale 0.05
    $global:PSDefaultParameterValues['*-Emulator*:Emulator'] = $script:Emu
    Connect-FineTune -Endpoint $script:Emu.Endpoint -ApiKey (ConvertTo-SecureString 'sk-emu-eval' -AsPlainText -Force) -MaxRetries 2 -MaxRetryDelaySec 1

    function Start-Trained([string] $Training, [string] $Validation) {
        $t = Add-FineTuneFile $Training
        $v = if ($Validation) { (Add-FineTuneFile $Validation).Id }
        Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $t.Id -ValidationFile $v -Confirm:$false | Wait-FineTuneJob
    }

    # McNemar as a statistics textbook states it: exact two-sided binomial below 25 discordant pairs, else chi-square with continuity correction
    function Get-McNemarP([int] $b, [int] $c) {
        $n = $b + $c
        if ($n -eq 0) { return 1.0 }
        if ($n -lt 25) {
            $tail = 0.0; $choose = 1.0
            for ($i = 0; $i -le [math]::Min($b, $c); $i++) { $tail += $choose; $choose = $choose * ($n - $i) / ($i + 1) }
            return [math]::Min(1.0, 2 * $tail / [math]::Pow(2, $n))
        }
        $chi = [math]::Pow([math]::Abs($b - $c) - 1, 2) / $n
        # P(chi2_1 > x) = 2 * (1 - Phi(sqrt(x))): the normal tail by numeric integration
        $z = [math]::Sqrt($chi); $steps = 20000; $upper = 12.0; $h = ($upper - $z) / $steps; $sum = 0.0
        for ($k = 0; $k -le $steps; $k++) { $x = $z + $k * $h; $w = if ($k -eq 0 -or $k -eq $steps) { 1 } elseif ($k % 2) { 4 } else { 2 }; $sum += $w * [math]::Exp(-$x * $x / 2) }
        return 2 * $sum * $h / 3 / [math]::Sqrt(2 * [math]::PI)
    }

    if (-not $script:Missing) {
        $script:Job = Start-Trained $script:Train $script:Valid
        $script:Journal = Join-Path $TestDrive 'gsm8k.journal.jsonl'
        Reset-EmulatorRequestCount
        $script:Summary = $script:Job | Compare-FineTuneModel -Path $script:Valid -Regex $script:FinalNumber -JournalPath $script:Journal
        $script:Sent = Get-EmulatorRequestCount -Route 'POST /v1/chat/completions'
    }
}

AfterAll {
    Stop-FineTuneEmulator $script:Emu
    $global:PSDefaultParameterValues.Remove('*-Emulator*:Emulator')
    Disconnect-FineTune
}

Describe 'Compare-FineTuneModel: gsm8k base against fine-tuned' {
    BeforeEach { if ($script:Missing) { Set-ItResult -Skipped -Because "input missing: $($script:Missing -join ', ')" } }

    It 'compares the job''s base model and its fine-tuned model on every validation example' {
        $script:Summary | Should -HaveCount 2
        $script:Summary[0].Model | Should -Be 'gpt-4o-mini-2024-07-18'
        $script:Summary[1].Model | Should -Be $script:Job.FineTunedModel
        $script:Summary.Examples | Should -Be @(50, 50)
        $script:Sent | Should -Be 100
        # the fine-tuned model learned the task: it beats its base, by more than chance
        $script:Summary[1].PassRate | Should -BeGreaterThan $script:Summary[0].PassRate
        $script:Summary[1].McNemarP | Should -BeLessThan 0.05
    }

    It 'reports figures that equal the values recomputed from the rows' {
        foreach ($s in $script:Summary) {
            $rows = $s.Comparison.Rows | Where-Object Contender -eq $s.Contender
            $rows | Should -HaveCount 50
            $k = @($rows | Where-Object Passed).Count
            $s.Passed | Should -Be $k
            $s.PassRate | Should -Be ($k / 50)
            # Wilson at 95%
            $z = 1.959963984540054; $p = $k / 50; $n = 50
            $centre = ($p + $z * $z / (2 * $n)) / (1 + $z * $z / $n)
            $half = $z * [math]::Sqrt($p * (1 - $p) / $n + $z * $z / (4 * $n * $n)) / (1 + $z * $z / $n)
            $s.PassRateLow | Should -BeLessOrEqual ($centre - $half + 1e-12)
            $s.PassRateLow | Should -BeGreaterOrEqual ($centre - $half - 1e-12)
            $s.PassRateHigh | Should -BeGreaterOrEqual ($centre + $half - 1e-12)
            $s.MeanScore | Should -Be (($rows | Measure-Object Score -Average).Average)
            $s.PromptTokensPerCall | Should -Be (($rows | Measure-Object PromptTokens -Average).Average)
            $s.CompletionTokensPerCall | Should -Be (($rows | Measure-Object CompletionTokens -Average).Average)
            $s.CostPer1000Usd | Should -Be ((($rows | ForEach-Object CostUsd | Measure-Object -Sum).Sum / 50) * 1000)
            $s.FormatValidRate | Should -Be (@($rows | Where-Object FormatValid).Count / 50)
            # latency p50: the mean of the 25th and 26th of 50 sorted values (type 7)
            $sorted = @($rows.LatencySeconds | Sort-Object)
            $s.LatencyP50Seconds | Should -Be (($sorted[24] + $sorted[25]) / 2)
            [math]::Abs($s.LatencyP95Seconds - ($sorted[46] + 0.55 * ($sorted[47] - $sorted[46]))) | Should -BeLessThan 1e-12
        }
    }

    It 'counts the flips both ways and McNemar''s p as a hand computation does' {
        $base = @{}; $script:Summary[0].Rows | ForEach-Object { $base[$_.Line] = $_.Passed }
        $gained = @($script:Summary[1].Rows | Where-Object { $_.Passed -and -not $base[$_.Line] }).Count
        $lost = @($script:Summary[1].Rows | Where-Object { -not $_.Passed -and $base[$_.Line] }).Count
        $script:Summary[1].Gained | Should -Be $gained
        $script:Summary[1].Lost | Should -Be $lost
        $script:Summary[1].McNemarMethod | Should -Be $(if ($gained + $lost -lt 25) { 'exact' } else { 'chi-square' })
        [math]::Abs($script:Summary[1].McNemarP - (Get-McNemarP $lost $gained)) | Should -BeLessThan 1e-6
        $script:Summary[0].Gained | Should -BeNullOrEmpty
    }

    It 'prices the training from the job for the break-even' {
        $expected = $script:Job.TrainedTokens * 3.00 / 1e6   # gpt-4o-mini training: $3.00 per 1M tokens
        [double]$script:Summary[1].TrainingCostUsd | Should -Be $expected
        # the same prompt costs more on the fine-tuned model (fine-tuned rates above the base model's): never paid back
        $script:Summary[1].BreakEven | Should -Be 'never'
    }

    It 'sends 0 requests on a re-run and reports the same figures' {
        Reset-EmulatorRequestCount
        $again = $script:Job | Compare-FineTuneModel -Path $script:Valid -Regex $script:FinalNumber -JournalPath $script:Journal
        Get-EmulatorRequestCount | Should -Be 0
        $again.Passed | Should -Be $script:Summary.Passed
        $again.LatencyP95Seconds | Should -Be $script:Summary.LatencyP95Seconds
    }

    It 'gives the same grades through the Batch API, at half the price' {
        Reset-EmulatorRequestCount
        $batch = $script:Job | Compare-FineTuneModel -Path $script:Valid -Regex $script:FinalNumber -JournalPath (Join-Path $TestDrive 'batch.journal.jsonl') -UseBatch
        Get-EmulatorRequestCount -Route 'POST /v1/chat/completions' | Should -Be 0
        Get-EmulatorRequestCount -Route 'POST /v1/batches' | Should -Be 1
        $batch[0].Comparison.BatchId | Should -Match '^batch_'
        ($batch[0].Comparison.Rows | ForEach-Object { "$($_.Line) $($_.Contender) $($_.Passed)" }) |
            Should -Be ($script:Summary[0].Comparison.Rows | ForEach-Object { "$($_.Line) $($_.Contender) $($_.Passed)" })
        $batch[1].CostPer1000Usd | Should -Be ($script:Summary[1].CostPer1000Usd / 2)
    }

    It 'takes a job''s checkpoints as contenders and diagnoses its training curve' {
        $checkpoints = Get-FineTuneCheckpoint -JobId $script:Job.Id
        $s = $checkpoints | Compare-FineTuneModel -Path $script:Valid -Regex $script:FinalNumber -First 10 -JournalPath (Join-Path $TestDrive 'ckpt.journal.jsonl')
        $s.Model | Should -Be @($checkpoints.FineTunedModelCheckpoint)
        $s.Examples | Should -Be (@(10) * $checkpoints.Count)

        $d = Test-FineTuneJob $script:Job.Id
        $metrics = Get-FineTuneMetric -JobId $script:Job.Id
        $valid = @($metrics | Where-Object { $null -ne $(if ($null -ne $_.FullValidLoss) { $_.FullValidLoss } else { $_.ValidLoss }) } | ForEach-Object {
            [pscustomobject]@{ Step = $_.Step; Loss = $(if ($null -ne $_.FullValidLoss) { $_.FullValidLoss } else { $_.ValidLoss }) } })
        $best = $valid | Sort-Object Loss, Step | Select-Object -First 1
        $d.BestStep | Should -Be $best.Step
        $d.BestValidLoss | Should -Be $best.Loss
        $d.FinalValidLoss | Should -Be $valid[-1].Loss
        $d.Overfitted | Should -Be (($valid[-1].Loss -gt 1.1 * $best.Loss) -or ($valid[-1].Loss -gt 1.5 * $d.FinalTrainLoss))
        $d.FewerEpochs | Should -Be ($script:Job.Epochs - $d.BestEpoch)
        $d.Verdict | Should -Match $(if ($d.Overfitted) { '^Overfitted' } else { '^No overfitting' })
    }

    It 'shows a summary table that fits 80 columns' {
        $lines = ($script:Summary | Format-Table | Out-String -Width 200) -split "`n" | Where-Object { $_.Trim() }
        ($lines | Measure-Object Length -Maximum).Maximum | Should -BeLessOrEqual 80
        $lines[0] | Should -Match 'Contender\s+Pass%\s+95% CI'
    }
}

Describe 'Compare-FineTuneModel: retrieval as a contender' {
    BeforeAll {
        if (-not $script:Missing) {
            $script:Kb = New-FineTuneKnowledgeIndex -Path $script:Train -IndexPath (Join-Path $TestDrive 'gsm8k.ftidx') -Confirm:$false
            $script:RJournal = Join-Path $TestDrive 'retrieval.journal.jsonl'
            $base = $script:Job.BaseModel; $tuned = $script:Job.FineTunedModel
            Reset-EmulatorRequestCount
            $script:R = Compare-FineTuneModel -Path $script:Valid -Model $base, $tuned -IndexPath $script:Kb.Path -RetrievalModel $base, $tuned -Regex $script:FinalNumber -JournalPath $script:RJournal
            $script:REmbeds = Get-EmulatorRequestCount -Route 'POST /v1/embeddings'
        }
    }
    BeforeEach { if ($script:Missing) { Set-ItResult -Skipped -Because "input missing: $($script:Missing -join ', ')" } }

    It 'grades base, fine-tuned, base + retrieval and fine-tuned + retrieval on the same examples' {
        $script:Kb.Records | Should -Be 449
        $script:R.Contender | Should -Be @($script:Job.BaseModel, $script:Job.FineTunedModel, "$($script:Job.BaseModel) + retrieval", "$($script:Job.FineTunedModel) + retrieval")
        $script:R.Examples | Should -Be @(50, 50, 50, 50)
        $script:REmbeds | Should -Be 1 -Because 'the 50 questions are embedded in one request'
        foreach ($s in $script:R) { $s.PassRate | Should -Be ($s.Passed / 50) }
        foreach ($row in $script:R[2].Rows + $script:R[3].Rows) {
            $row.Passages | Should -HaveCount 3
            $row.Passages | ForEach-Object { $_ | Should -Match '^chat_gsm8k_train\.jsonl:\d+$' }
        }
        $script:R[0].Rows[0].Passages | Should -BeNullOrEmpty
        # the passages go with the question: a retrieval call has more prompt tokens than the same model's plain call
        $script:R[2].PromptTokensPerCall | Should -BeGreaterThan ($script:R[0].PromptTokensPerCall + 50)
    }

    It 'prices a retrieval call with the question''s embedding, per call and per 1,000 calls' {
        foreach ($i in 2, 3) {
            $fineTuned = $i -eq 3
            $in = if ($fineTuned) { 0.30 } else { 0.15 }; $out = if ($fineTuned) { 1.20 } else { 0.60 }
            foreach ($row in $script:R[$i].Rows) {
                $tokens = (Measure-FineTuneToken -Text $row.Question -Encoding cl100k_base).Tokens
                $expected = ([decimal]$row.PromptTokens * $in + [decimal]$row.CompletionTokens * $out + [decimal]$tokens * 0.02) / 1000000
                $row.CostUsd | Should -Be $expected
            }
            $perCall = ($script:R[$i].Rows | Measure-Object CostUsd -Sum).Sum / 50
            [double]$script:R[$i].CostPer1000Usd | Should -BeGreaterThan 0
            [math]::Abs([double]$script:R[$i].CostPer1000Usd - $perCall * 1000) | Should -BeLessThan 1e-9
        }
        $script:R[2].CostPer1000Usd | Should -BeGreaterThan $script:R[0].CostPer1000Usd
        $table = $script:R | Format-Table | Out-String -Width 80
        $table | Should -Match 'retrieval'
    }

    It 'sends nothing on a re-run' {
        Reset-EmulatorRequestCount
        $again = Compare-FineTuneModel -Path $script:Valid -Model $script:Job.BaseModel, $script:Job.FineTunedModel -IndexPath $script:Kb.Path -RetrievalModel $script:Job.BaseModel, $script:Job.FineTunedModel -Regex $script:FinalNumber -JournalPath $script:RJournal
        Get-EmulatorRequestCount | Should -Be 0
        $again.PassRate | Should -Be $script:R.PassRate
        $again.CostPer1000Usd | Should -Be $script:R.CostPer1000Usd
    }

    It 'asks for an index when a contender uses retrieval' {
        { Compare-FineTuneModel -Path $script:Valid -RetrievalModel gpt-4o-mini -Exact -First 1 -ErrorAction Stop } | Should -Throw -ErrorId 'FineTune.NoIndex*'
    }
}

Describe 'Compare-FineTuneModel: ticket classification and JSON output' {
    BeforeAll {
        if (-not $script:Missing) { $script:TicketJob = Start-Trained $script:Tickets $null }
    }
    BeforeEach { if ($script:Missing) { Set-ItResult -Skipped -Because "input missing: $($script:Missing -join ', ')" } }

    It 'gives accuracy and a confusion matrix for a label set' {
        $labels = 'Technical', 'Billing', 'Account', 'Product', 'Other'
        $s = $script:TicketJob | Compare-FineTuneModel -Path $script:Tickets -Label $labels -JournalPath (Join-Path $TestDrive 'tickets.jsonl')
        foreach ($one in $s) {
            $r = $one.Labels
            $r.Labels | Should -Be ($labels + '(none)')
            ($r.Matrix | ForEach-Object { $_ } | Measure-Object -Sum).Sum | Should -Be 50
            $correct = @($one.Rows | Where-Object { $_.Label -eq $_.ReferenceLabel }).Count
            $r.Accuracy | Should -Be ($correct / 50)
            $diagonal = 0; for ($i = 0; $i -lt 5; $i++) { $diagonal += $r.Matrix[$i][$i] }
            $diagonal | Should -Be $correct
            # recall of Technical: Technical answered Technical / every Technical reference
            $tech = @($one.Rows | Where-Object ReferenceLabel -eq 'Technical')
            $r.Recall['Technical'] | Should -Be (@($tech | Where-Object Label -eq 'Technical').Count / $tech.Count)
        }
        # the fine-tuned model was trained on these very tickets: every one right; the base only sometimes
        $s[1].Labels.Accuracy | Should -Be 1
        $s[0].Labels.Accuracy | Should -BeLessThan 1
    }

    It 'grades a JSON-output set with -Schema and a multi grader to the expected pass counts' {
        # a JSON-output set built from the shared ticket file: the answer is {"category","summary"}
        $path = Join-Path $TestDrive 'tickets-json.jsonl'
        $lines = Get-Content $script:Tickets | ForEach-Object {
            $o = $_ | ConvertFrom-Json
            $user = ($o.messages | Where-Object role -eq 'user').content
            $label = ($o.messages | Where-Object role -eq 'assistant').content
            $answer = [ordered]@{ category = $label; summary = $user } | ConvertTo-Json -Compress
            [ordered]@{
                messages = @(@{ role = 'system'; content = 'Answer in JSON.' }, @{ role = 'user'; content = $user }, @{ role = 'assistant'; content = $answer })
                label = $label; summary = $user
            } | ConvertTo-Json -Compress -Depth 5
        }
        [IO.File]::WriteAllLines($path, [string[]]$lines)
        $job = Start-Trained $path $null
        $schema = '{"type":"object","required":["category","summary"],"properties":{"category":{"enum":["Technical","Billing","Account","Product","Other"]},"summary":{"type":"string"}},"additionalProperties":false}'
        $multi = '{"type":"multi","name":"content","pass_threshold":0.99,"graders":{' +
            '"category":{"type":"string_check","name":"category","input":"{{sample.output_json.category}}","reference":"{{item.label}}","operation":"eq"},' +
            '"summary":{"type":"text_similarity","name":"summary","input":"{{sample.output_json.summary}}","reference":"{{item.summary}}","evaluation_metric":"fuzzy_match"}},' +
            '"calculate_output":"0.5 * category + 0.5 * summary"}'
        $s = $job | Compare-FineTuneModel -Path $path -Schema $schema -Grader $multi -JournalPath (Join-Path $TestDrive 'json.journal.jsonl')
        # expected: the schema passes every answer that is such a JSON object; the multi grader only the exact answers
        foreach ($one in $s) {
            $json = @($one.Rows | Where-Object { try { $null -ne ($_.Answer | ConvertFrom-Json -ErrorAction Stop).category } catch { $false } }).Count
            $exact = @($one.Rows | Where-Object { $_.Answer -eq $_.Reference }).Count
            $one.GraderPassed['schema'] | Should -Be $json
            $one.GraderPassed['content'] | Should -Be $exact
            $one.FormatValidRate | Should -Be ($json / 50)
        }
        $s[1].GraderPassed['content'] | Should -Be 50
        $s[0].GraderPassed['content'] | Should -BeLessThan 50
        $s[0].GraderPassed['schema'] | Should -BeLessThan 50
    }

    It 'writes a report that a real browser shows: chart, confusion matrices, flips side by side' {
        $chromium = '/usr/bin/chromium'
        if (-not (Test-Path $chromium)) { Set-ItResult -Skipped -Because "$chromium is missing (.ci/run installs Debian's chromium)"; return }
        $labels = 'Technical', 'Billing', 'Account', 'Product', 'Other'
        $s = $script:TicketJob | Compare-FineTuneModel -Path $script:Tickets -Label $labels -JournalPath (Join-Path $TestDrive 'tickets.jsonl')
        $file = $s | Export-FineTuneComparison -Path (Join-Path $TestDrive 'report.html')
        $file.Name | Should -Be 'report.html'
        { $s | Export-FineTuneComparison -Path $file.FullName -ErrorAction Stop } | Should -Throw -ErrorId 'FineTune.FileExists*'
        $userData = Join-Path $TestDrive 'chromium-profile'
        $url = [uri]::new($file.FullName).AbsoluteUri   # file:///...; the [uri] cast makes a relative Uri of a Unix path
        $dom = & $chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run `
            --user-data-dir=$userData --dump-dom $url 2>$null | Out-String
        $dom | Should -Match '<svg id="chart"'
        # the browser's DOM, read as XML: the only void element of the page is its <meta>
        $doc = [xml]($dom -replace '<!DOCTYPE html>', '' -replace '<meta[^>]*>', '')
        # the chart: one point per contender, inside the picture, the better contender higher up
        $points = @($doc.SelectNodes("//*[local-name()='g'][@class='point']"))
        $points | Should -HaveCount 2
        $cy = $points | ForEach-Object { [double]$_.circle.cy }
        $cy | ForEach-Object { $_ | Should -BeGreaterThan 0; $_ | Should -BeLessThan 360 }
        $cy[1] | Should -BeLessThan $cy[0]
        # each contender's confusion matrix holds the counts of its rows
        $tables = @($doc.SelectNodes("//table[@class='confusion']"))
        $tables | Should -HaveCount 2
        for ($k = 0; $k -lt 2; $k++) {
            $cells = @($tables[$k].SelectNodes('.//tr[position()>1 and position()<8]/td[position()<7]') | ForEach-Object { [int]$_.InnerText })
            $cells | Should -Be @($s[$k].Labels.Matrix | ForEach-Object { $_ })
        }
        # the flips, both answers side by side
        $flips = @($doc.SelectNodes("//table[@class='flips']//tr[@class='gained' or @class='lost']"))
        $flips | Should -HaveCount ($s[1].Gained + $s[1].Lost)
        @($flips | Where-Object class -eq 'gained') | Should -HaveCount $s[1].Gained
        $row = $flips[0]
        $line = [int]$row.td[0].InnerText
        $row.td[4].InnerText | Should -Be ($s[0].Rows | Where-Object Line -eq $line).Answer
        $row.td[5].InnerText | Should -Be ($s[1].Rows | Where-Object Line -eq $line).Answer
        # self-contained: nothing is fetched from anywhere
        (Get-Content $file.FullName -Raw) | Should -Not -Match '(src|href)\s*=\s*"(https?:)?//'
    }

    It 'stops with a clear error for a grader file it cannot use' {
        { Compare-FineTuneModel -Path $script:Tickets -Model gpt-4o-mini -Grader '{"type":"python","name":"p","source":"x"}' -ErrorAction Stop } |
            Should -Throw -ErrorId 'FineTune.InvalidGrader*'
        { Compare-FineTuneModel -Path $script:Tickets -Model gpt-4o-mini -ErrorAction Stop } | Should -Throw -ErrorId 'FineTune.NoGrader*'
    }
}

Describe 'Compare-FineTuneModel: contenders on two connections' {
    BeforeAll {
        # a second service that was never given these tickets: its base model cannot answer them
        $script:Other = Start-FineTuneEmulator -TimeScale 0.05
        $script:Set = Join-Path $TestDrive 'two-services.jsonl'
        Import-Csv (Join-Path $PSScriptRoot '../../samples/support-tickets.csv') | Select-Object -First 20 |
            New-FineTuneDataset -Path $script:Set -UserProperty text -AssistantProperty category | Out-Null
        $null = Add-FineTuneFile $script:Set
        $key = ConvertTo-SecureString 'sk-emu-eval' -AsPlainText -Force
        $null = Connect-FineTune -Name eval-other -Endpoint $script:Other.Endpoint -ApiKey $key -PassThru
        # back to the first service, by name (without -Name, Connect-FineTune re-configures the current connection)
        Connect-FineTune -Name Default -Endpoint $script:Emu.Endpoint -ApiKey $key -MaxRetries 2 -MaxRetryDelaySec 1
        $script:Contenders = @{ Model = 'gpt-4o-mini'; Name = 'here' }, @{ Model = 'gpt-4o-mini'; Name = 'there'; Connection = 'eval-other' }
        $script:Labels = 'Technical', 'Billing', 'Account', 'Product', 'Other'
        $script:TwoJournal = Join-Path $TestDrive 'two-services.journal.jsonl'
    }
    AfterAll {
        Disconnect-FineTune -Name eval-other
        Stop-FineTuneEmulator $script:Other
    }

    It 'sends each contender''s calls to its own connection, journals them apart and refuses one batch for two services' {
        Reset-EmulatorRequestCount; Reset-EmulatorRequestCount -Emulator $script:Other
        $s = Compare-FineTuneModel -Path $script:Set -Contender $script:Contenders -Label $script:Labels -JournalPath $script:TwoJournal
        Get-EmulatorRequestCount -Route 'POST /v1/chat/completions' | Should -Be 20
        Get-EmulatorRequestCount -Emulator $script:Other -Route 'POST /v1/chat/completions' | Should -Be 20
        # the same model and prompts, two services: the one that knows the tickets answers them (at its skill
        # level), the other only echoes each question
        $s.Contender | Should -Be 'here', 'there'
        $s[0].Rows | Where-Object Answer -like 'This is the emulated base model*' | Should -BeNullOrEmpty
        $s[1].Rows | Where-Object Answer -notlike 'This is the emulated base model*' | Should -BeNullOrEmpty
        $s[0].Passed | Should -BeGreaterThan $s[1].Passed
        # a re-run answers both from the journal, each under its own service
        $again = Compare-FineTuneModel -Path $script:Set -Contender $script:Contenders -Label $script:Labels -JournalPath $script:TwoJournal
        Get-EmulatorRequestCount -Route 'POST /v1/chat/completions' | Should -Be 20
        Get-EmulatorRequestCount -Emulator $script:Other -Route 'POST /v1/chat/completions' | Should -Be 20
        $again.Passed | Should -Be $s.Passed
        { Compare-FineTuneModel -Path $script:Set -Contender $script:Contenders -Label $script:Labels -UseBatch -ErrorAction Stop } |
            Should -Throw -ErrorId 'FineTune.InvalidArgument,*'
        { Compare-FineTuneModel -Path $script:Set -Contender @{ Model = 'gpt-4o-mini'; Connection = 'nowhere' } -Exact -ErrorAction Stop } |
            Should -Throw -ErrorId 'FineTune.InvalidConnection,*'
    }
}
