# Dataset builder: ConvertTo-FineTuneExample, New-FineTuneDataset, Split-FineTuneDataset on real inputs from ../shared/data.
# A test whose input is missing is skipped (-Skip is decided at discovery).
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1)
    $noHelpcenter = -not (Test-Path (Get-SharedPath 'data/csv_helpcenter_articles_openai_cookbook.csv'))
    $noTravel = -not (Test-Path (Get-SharedPath 'data/csv_bom_travel_qa_mslearn.csv'))
    $noAlpaca = -not (Test-Path (Get-SharedPath 'data/instruct_alpaca_seed_tasks.jsonl'))
    $noGsm8k = -not (Test-Path (Get-SharedPath 'data/chat_gsm8k_train.jsonl'))
    $noToy = -not (Test-Path (Get-SharedPath 'data/chat_toy_openai_cookbook.jsonl'))
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1)
    Import-Module (Get-FineTuneModulePath) -Force
    $script:helpcenter = Get-SharedPath 'data/csv_helpcenter_articles_openai_cookbook.csv'
    $script:travelCsv = Get-SharedPath 'data/csv_bom_travel_qa_mslearn.csv'
    $script:alpaca = Get-SharedPath 'data/instruct_alpaca_seed_tasks.jsonl'
    $script:gsm8k = Get-SharedPath 'data/chat_gsm8k_train.jsonl'

    # The lines of a written file, split on \n only (a \r would stay visible).
    function script:Get-Line([string] $Path) {
        [System.Text.Encoding]::UTF8.GetString([System.IO.File]::ReadAllBytes($Path)).Split("`n") | Where-Object { $_ -ne '' }
    }
}

Describe 'New-FineTuneDataset on CSV rows' {
    It 'maps the multi-line cells of the help-center CSV with -UserProperty/-AssistantProperty' -Skip:$noHelpcenter {
        $rows = @(Import-Csv $helpcenter)
        $path = Join-Path $TestDrive 'helpcenter.jsonl'
        $ds = $rows | New-FineTuneDataset -Path $path -UserProperty policy -AssistantProperty content -SystemMessage 'You answer billing questions.'
        $ds.Path | Should -Be $path
        $ds.Format | Should -Be 'Chat'
        $ds.ExampleCount | Should -Be $rows.Count
        $ds.Bytes | Should -Be (Get-Item $path).Length
        $lines = @(Get-Line $path)
        $lines.Count | Should -Be $rows.Count
        $prefix = '{"messages":[{"role":"system","content":"You answer billing questions."},{"role":"user","content":"Delete Payment Method"},{"role":"assistant","content":"How do I delete my payment method?\nUpdated over a week ago\nWe keep your payment method'
        $lines[0].Substring(0, $prefix.Length) | Should -BeExactly $prefix
        $lines[0].Contains('\n\n## API\nWe''ll need to keep a payment method on file') | Should -BeTrue
        $lines[0].EndsWith('You''ll then be able to delete the old payment method.\n"}]}') | Should -BeTrue
        $back = $lines[0] | ConvertFrom-Json
        $back.messages[2].content | Should -BeExactly $rows[0].content
        $back.messages[1].content | Should -BeExactly 'Delete Payment Method'
    }

    It 'stops with ONE error naming the columns and both parameters when no record maps, and writes no file' -Skip:$noHelpcenter {
        $rows = @(Import-Csv $helpcenter)
        $path = Join-Path $TestDrive 'unmapped.jsonl'
        $thrown = $null
        try { $result = $rows | New-FineTuneDataset -Path $path -ErrorVariable errs } catch { $thrown = $_ }
        $result | Should -BeNullOrEmpty
        $thrown | Should -Not -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $thrown.FullyQualifiedErrorId | Should -BeLike 'FineTune.NoMapping,*'
        $thrown.CategoryInfo.Category | Should -Be 'InvalidData'
        $thrown.Exception.Message | Should -BeLike "None of the $($rows.Count) records maps to an example: no property for the user text (prompt): none of Prompt, *, Message is set. The records have: policy, content. Name the columns with -UserProperty and -AssistantProperty (e.g. -UserProperty policy -AssistantProperty content); *unmapped.jsonl was not created."
        Test-Path $path | Should -BeFalse
    }

    It 'still reports each unmapped record, by number, once one record maps' {
        $records = @{ note = 'no text here' }, @{ Question = 'Q?'; Answer = 'A.' }, @{ Question = 'Q2?' }
        $examples = $records | ConvertTo-FineTuneExample -ErrorAction SilentlyContinue -ErrorVariable errs
        @($examples).Count | Should -Be 1
        $errs.Count | Should -Be 2
        $errs[0].Exception.Message | Should -BeLike 'Record 1: no property for the user text*It has: note.*'
        $errs[1].Exception.Message | Should -BeLike 'Record 3: no property for the assistant text*'
    }

    It 'maps classification columns (text/label, review/sentiment) by default' {
        $examples = @{ text = 'Refund me'; label = 'Billing' }, @{ review = 'Great app'; sentiment = 'positive' } | ConvertTo-FineTuneExample
        $examples[0].Messages[0].Content | Should -Be 'Refund me'
        $examples[0].Messages[1].Content | Should -Be 'Billing'
        $examples[1].Messages[1].Content | Should -Be 'positive'
    }

    It 'maps the BOM-headed travel CSV by its default names and says so' -Skip:$noTravel {
        $rows = @(Import-Csv $travelCsv)
        # Import-Csv drops the BOM: the first header is plain 'Question'
        $rows[0].psobject.Properties.Name[0] | Should -BeExactly 'Question'
        $path = Join-Path $TestDrive 'travel.jsonl'
        $ds = $rows | New-FineTuneDataset -Path $path -InformationVariable info -Verbose 4>&1 | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $ds.ExampleCount | Should -Be 5
        @($info).Count | Should -Be 1
        "$($info[0].MessageData)" | Should -BeExactly 'New-FineTuneDataset: user ← Question, assistant ← ExpectedResponse'
        $lines = @(Get-Line $path)
        $prefix = '{"messages":[{"role":"user","content":"What documents are required for international travel?  "},{"role":"assistant","content":"For international travel, the required documents can vary'
        $lines[0].Substring(0, $prefix.Length) | Should -BeExactly $prefix
        $lines[1].Contains('Use the \"flexible dates\" or \"price calendar\" tools') | Should -BeTrue
        ($lines[0] | ConvertFrom-Json).messages[1].content | Should -BeExactly $rows[0].ExpectedResponse
    }

    It 'writes UTF-8 without BOM and with \n line ends only' -Skip:$noTravel {
        $path = Join-Path $TestDrive 'bytes.jsonl'
        $ds = Import-Csv $travelCsv | New-FineTuneDataset -Path $path
        $bytes = [System.IO.File]::ReadAllBytes($path)
        $bytes[0] | Should -Be ([byte][char]'{')
        $bytes -contains 13 | Should -BeFalse
        $bytes[-1] | Should -Be 10
        @($bytes | Where-Object { $_ -eq 10 }).Count | Should -Be $ds.ExampleCount
        { [System.Text.UTF8Encoding]::new($false, $true).GetString($bytes) } | Should -Not -Throw
    }
}

Describe 'New-FineTuneDataset on JSON records' {
    It 'turns the 175 Alpaca seed tasks into 175 chat examples' -Skip:$noAlpaca {
        $path = Join-Path $TestDrive 'alpaca.jsonl'
        $ds = Get-Content $alpaca | ConvertFrom-Json | New-FineTuneDataset -Path $path
        $ds.ExampleCount | Should -Be 175
        $lines = @(Get-Line $path)
        $lines.Count | Should -Be 175
        $lines[1] | Should -BeExactly '{"messages":[{"role":"user","content":"What is the relation between the given pairs?\n\nNight : Day :: Right : Left"},{"role":"assistant","content":"The relation between the given pairs is that they are opposites."}]}'
    }

    It 'round-trips unicode, quotes, backslashes and new lines' {
        $path = Join-Path $TestDrive 'roundtrip.jsonl'
        $records = @(
            @{ Prompt = "Grüße aus Köln — 日本語 😀`n""quoted"" and \back\slash`ttab"; Completion = "Antwort:`r`n  zwei Zeilen" }
            [pscustomobject]@{ question = 'Ünïcödé ✓'; ANSWER = 'ok' }
        )
        $records | New-FineTuneDataset -Path $path | Out-Null
        $back = @(Get-Content $path -Encoding utf8 | ConvertFrom-Json)
        $back[0].messages[0].content | Should -BeExactly $records[0].Prompt
        $back[0].messages[1].content | Should -BeExactly $records[0].Completion
        $back[1].messages[0].content | Should -BeExactly 'Ünïcödé ✓'
        (Get-Line $path)[1] | Should -BeExactly '{"messages":[{"role":"user","content":"Ünïcödé ✓"},{"role":"assistant","content":"ok"}]}'
    }

    It 'copies a previous dataset''s examples, and appends atomically' -Skip:$noGsm8k {
        $first = Join-Path $TestDrive 'first.jsonl'
        $ds = Get-Content $gsm8k -TotalCount 3 | ConvertFrom-Json | New-FineTuneDataset -Path $first
        $ds.ExampleCount | Should -Be 3
        $lines = @(Get-Line $first)
        for ($i = 0; $i -lt 3; $i++) {
            ($lines[$i] | ConvertFrom-Json | ConvertTo-Json -Depth 10 -Compress) | Should -BeExactly ((Get-Content $gsm8k -TotalCount 3)[$i] | ConvertFrom-Json | ConvertTo-Json -Depth 10 -Compress)
        }
        $copy = $ds | New-FineTuneDataset -Path (Join-Path $TestDrive 'copy.jsonl')
        [System.IO.File]::ReadAllBytes($copy.Path) | Should -Be ([System.IO.File]::ReadAllBytes($first))
        $more = @{ Question = 'one more?'; Answer = 'yes' } | New-FineTuneDataset -Path $first -Append
        $more.ExampleCount | Should -Be 4
        $after = @(Get-Line $first)
        $after[0..2] | Should -Be $lines
        $after[3] | Should -BeExactly '{"messages":[{"role":"user","content":"one more?"},{"role":"assistant","content":"yes"}]}'
    }
}

Describe 'New-FineTuneDataset keeps existing files safe' {
    BeforeEach {
        $script:existing = Join-Path $TestDrive 'existing.jsonl'
        $script:original = [System.Text.Encoding]::UTF8.GetBytes("{`"old`":1}`r`nkeep me")
        [System.IO.File]::WriteAllBytes($existing, $original)
    }

    It 'refuses to replace a file without -Force and leaves it byte for byte' {
        { @{ Question = 'q'; Answer = 'a' } | New-FineTuneDataset -Path $existing -ErrorAction Stop } | Should -Throw -ErrorId 'FineTune.FileExists,FineTune.Commands.NewFineTuneDatasetCommand'
        [System.IO.File]::ReadAllBytes($existing) | Should -Be $original
        @(Get-ChildItem $TestDrive -Force).Count | Should -Be 1
    }

    It 'writes nothing with -WhatIf' {
        $out = @{ Question = 'q'; Answer = 'a' } | New-FineTuneDataset -Path $existing -Force -WhatIf
        $out | Should -BeNullOrEmpty
        [System.IO.File]::ReadAllBytes($existing) | Should -Be $original
    }

    It 'leaves no half-written target when the pipeline fails mid-write' {
        $source = { 1..10 | ForEach-Object { if ($_ -eq 6) { throw 'the source failed' }; [pscustomobject]@{ Question = "q$_"; Answer = "a$_" } } }
        { & $source | New-FineTuneDataset -Path $existing -Force } | Should -Throw 'the source failed'
        { & $source | New-FineTuneDataset -Path (Join-Path $TestDrive 'new.jsonl') } | Should -Throw 'the source failed'
        [System.IO.File]::ReadAllBytes($existing) | Should -Be $original
        @(Get-ChildItem $TestDrive -Force).Name | Should -Be @('existing.jsonl')
    }

    It 'replaces it with -Force' {
        $ds = @{ Question = 'q'; Answer = 'a' } | New-FineTuneDataset -Path $existing -Force
        $ds.ExampleCount | Should -Be 1
        Get-Content -Raw $existing | Should -BeExactly "{`"messages`":[{`"role`":`"user`",`"content`":`"q`"},{`"role`":`"assistant`",`"content`":`"a`"}]}`n"
    }
}

Describe 'ConvertTo-FineTuneExample' {
    It 'builds a multi-turn example with a tool call and a tool definition' {
        $tool = '{"type":"function","function":{"name":"get_price","parameters":{"type":"object","properties":{"symbol":{"type":"string"}}}}}'
        $example = ConvertTo-FineTuneExample -SystemMessage 'You quote prices.' -Tools $tool -Messages @(
            @{ role = 'user'; content = 'Price of MSFT?' }
            @{ role = 'assistant'; tool_calls = @(@{ id = 'call_1'; type = 'function'; function = @{ name = 'get_price'; arguments = [ordered]@{ symbol = 'MSFT' } } }) }
            @{ role = 'tool'; tool_call_id = 'call_1'; content = '412.30' }
            @{ role = 'assistant'; content = 'MSFT trades at 412.30 USD.'; weight = 1 }
        )
        $expected = '{"messages":[{"role":"system","content":"You quote prices."},{"role":"user","content":"Price of MSFT?"},{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_price","arguments":"{\"symbol\":\"MSFT\"}"}}]},{"role":"tool","content":"412.30","tool_call_id":"call_1"},{"role":"assistant","content":"MSFT trades at 412.30 USD.","weight":1}],"tools":[{"type":"function","function":{"name":"get_price","parameters":{"type":"object","properties":{"symbol":{"type":"string"}}}}}]}'
        $example.ToJson() | Should -BeExactly $expected
        $ds = $example | New-FineTuneDataset -Path (Join-Path $TestDrive 'tools.jsonl')
        Get-Content -Raw $ds.Path | Should -BeExactly "$expected`n"
    }

    It 'makes DPO pairs, and New-FineTuneDataset takes the format from the examples' {
        $pairs = @(
            [pscustomobject]@{ prompt = 'Hi'; good = 'Hello! How can I help?'; bad = 'What.' }
            [pscustomobject]@{ prompt = 'Bye'; good = 'Goodbye!'; bad = '' }
        )
        $examples = @($pairs | ConvertTo-FineTuneExample -Format Preference -PreferredProperty good -NonPreferredProperty bad -ErrorAction SilentlyContinue -ErrorVariable errs)
        $examples.Count | Should -Be 1
        $errs[0].Exception.Message | Should -BeExactly 'Record 2: property ''bad'' is empty.'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.InvalidRecord,*'
        $ds = $examples | New-FineTuneDataset -Path (Join-Path $TestDrive 'dpo.jsonl')
        $ds.Format | Should -Be 'Preference'
        Get-Content $ds.Path | Should -BeExactly '{"input":{"messages":[{"role":"user","content":"Hi"}]},"preferred_output":[{"role":"assistant","content":"Hello! How can I help?"}],"non_preferred_output":[{"role":"assistant","content":"What."}]}'
    }

    It 'writes legacy prompt/completion pairs and refuses a system message for them' {
        $ds = @{ Prompt = 'Q ->'; Completion = ' A' } | New-FineTuneDataset -Path (Join-Path $TestDrive 'legacy.jsonl') -Format Completion
        Get-Content $ds.Path | Should -BeExactly '{"prompt":"Q ->","completion":" A"}'
        { @{ Prompt = 'Q' ; Completion = 'A' } | ConvertTo-FineTuneExample -Format Completion -SystemMessage 'x' -ErrorAction Stop } | Should -Throw -ErrorId 'FineTune.InvalidArgument,*'
    }

    It 'reads .NET objects through their properties and sets weight, tools and parallel_tool_calls' {
        $row = [System.Collections.Generic.KeyValuePair[string, string]]::new('What is 2+2?', 'Four.')
        $tool = [ordered]@{ type = 'function'; function = [ordered]@{ name = 'add'; parameters = @{ type = 'object' } } }
        $example = $row | ConvertTo-FineTuneExample -UserProperty Key -AssistantProperty Value -Weight 0 -Tools $tool -ParallelToolCalls:$false
        $example.ToJson() | Should -BeExactly '{"messages":[{"role":"user","content":"What is 2+2?"},{"role":"assistant","content":"Four.","weight":0}],"tools":[{"type":"function","function":{"name":"add","parameters":{"type":"object"}}}],"parallel_tool_calls":false}'
        { 'just a string' | ConvertTo-FineTuneExample -ErrorAction Stop } | Should -Throw 'Record 1 is a String, not an object with properties*'
    }

    It 'has a table view and declares its output type' {
        (Get-Command ConvertTo-FineTuneExample).OutputType.Name | Should -Be 'FineTune.Engine.Datasets.FineTuneExample'
        (Get-Command New-FineTuneDataset).OutputType.Name | Should -Be 'FineTune.Engine.Datasets.FineTuneDataset'
        $text = @{ Question = 'What is 2+2?'; Answer = 'Four.' } | ConvertTo-FineTuneExample | Format-Table | Out-String
        $text | Should -Match 'Format\s+Messages\s+Tools\s+User\s+Assistant'
        $text | Should -Match 'Chat\s+2\s+0 What is 2\+2\?\s+Four\.'
    }
}

Describe 'Split-FineTuneDataset' {
    It 'splits a piped dataset with no example lost or duplicated, reproducibly with a seed' -Skip:$noGsm8k {
        $all = Join-Path $TestDrive 'gsm8k.jsonl'
        $ds = Get-Content $gsm8k | ConvertFrom-Json | New-FineTuneDataset -Path $all
        $ds.ExampleCount | Should -Be 449
        $parts = @($ds | Split-FineTuneDataset -ValidationFraction 0.1 -Seed 42)
        $parts.Count | Should -Be 2
        $parts[0].Path | Should -Be (Join-Path $TestDrive 'gsm8k.train.jsonl')
        $parts[1].Path | Should -Be (Join-Path $TestDrive 'gsm8k.validation.jsonl')
        $parts[0].ExampleCount | Should -Be 404
        $parts[1].ExampleCount | Should -Be 45
        $source = @(Get-Line $all) | Sort-Object -CaseSensitive
        $split = @(Get-Line $parts[0].Path) + @(Get-Line $parts[1].Path) | Sort-Object -CaseSensitive
        $split.Count | Should -Be 449
        ($split -join "`n") -ceq ($source -join "`n") | Should -BeTrue
        $hash = (Get-FileHash $parts[1].Path).Hash
        { $ds | Split-FineTuneDataset -ValidationFraction 0.1 -Seed 42 -ErrorAction Stop } | Should -Throw -ErrorId 'FineTune.FileExists,*'
        $again = @(Split-FineTuneDataset -Path $all -ValidationFraction 0.1 -Seed 42 -Force)
        (Get-FileHash $again[1].Path).Hash | Should -Be $hash
        $other = @(Split-FineTuneDataset -Path $all -ValidationCount 45 -Seed 43 -TrainingPath (Join-Path $TestDrive 't.jsonl') -ValidationPath (Join-Path $TestDrive 'v.jsonl'))
        (Get-FileHash $other[1].Path).Hash | Should -Not -Be $hash
    }

    It 'writes nothing with -WhatIf and explains an impossible count' -Skip:$noToy {
        $toy = Get-SharedPath 'data/chat_toy_openai_cookbook.jsonl'
        $out = Split-FineTuneDataset -Path $toy -TrainingPath (Join-Path $TestDrive 'a.jsonl') -ValidationPath (Join-Path $TestDrive 'b.jsonl') -WhatIf
        $out | Should -BeNullOrEmpty
        Test-Path (Join-Path $TestDrive 'a.jsonl') | Should -BeFalse
        Split-FineTuneDataset -Path $toy -ValidationCount 5 -TrainingPath (Join-Path $TestDrive 'a.jsonl') -ValidationPath (Join-Path $TestDrive 'b.jsonl') -ErrorAction SilentlyContinue -ErrorVariable errs | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.InvalidSplit,*'
        $errs[0].Exception.Message | Should -BeLike '*has 5 examples; 5 for validation would leave the training file empty*'
    }
}
