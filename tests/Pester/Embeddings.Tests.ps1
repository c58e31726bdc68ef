# Embeddings on the emulator (its /v1/embeddings vectors come from shared words and character trigrams, so
# retrieval here is lexical: the paraphrases below share some words with the article they should find).
# Inputs: ../shared/data's help-center CSV and GSM8K chat files, read in place (skipped when missing).
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1)
    $noHelp = -not (Test-Path (Get-SharedPath 'data/csv_helpcenter_articles_openai_cookbook.csv'))
    $noGsm8k = -not (Test-Path (Get-SharedPath 'data/chat_gsm8k_train.jsonl'))
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1)
    Import-Module (Join-Path $PSScriptRoot '../../src/FineTune.Emulator/Emulator.psm1') -Force
    Import-Module (Get-FineTuneModulePath) -Force
    $script:emu = Start-FineTuneEmulator
    Connect-FineTune -Endpoint $emu.Endpoint -ApiKey (ConvertTo-SecureString 'sk-emulator-embeddings' -AsPlainText -Force)
    $script:help = Get-SharedPath 'data/csv_helpcenter_articles_openai_cookbook.csv'
    function script:Embeddings { Get-EmulatorRequestCount -Route 'POST /v1/embeddings' }
}

AfterAll {
    Disconnect-FineTune -ErrorAction SilentlyContinue
    if ($script:emu) { $script:emu | Stop-FineTuneEmulator }
}

Describe 'A knowledge index of the help-center articles' {
    BeforeAll {
        if (-not $noHelp) {
            $script:csv = Join-Path $TestDrive 'helpcenter.csv'
            Copy-Item $help $csv
            $script:index = Join-Path $TestDrive 'help.ftidx'
        }
    }

    It 'says what it would cost with -WhatIf, sends nothing and writes nothing' -Skip:$noHelp {
        Reset-EmulatorRequestCount
        New-FineTuneKnowledgeIndex -Path $csv -IndexPath $index -ChunkTokens 120 -OverlapTokens 20 -WhatIf | Should -BeNullOrEmpty
        Embeddings | Should -Be 0
        Test-Path $index | Should -BeFalse
    }

    It 'chunks every article, keeps source and position, and writes the documented format' -Skip:$noHelp {
        Reset-EmulatorRequestCount
        $built = New-FineTuneKnowledgeIndex -Path $csv -IndexPath $index -ChunkTokens 120 -OverlapTokens 20 -Confirm:$false
        $built.Records | Should -Be 4
        $built.Chunks | Should -BeGreaterThan 8 -Because 'four articles of about 1,500 characters make several chunks of 120 tokens'
        $built.Requests | Should -Be 1 -Because 'a few thousand tokens fit one request'
        Embeddings | Should -Be 1
        $built.Reused | Should -Be 0
        $built.CostUsd | Should -BeGreaterThan 0
        $built.CostUsd | Should -Be ([decimal]$built.Tokens * 0.02 / 1000000) -Because 'text-embedding-3-small costs $0.02 per 1M tokens'
        Test-Path "$index.journal.jsonl" | Should -BeFalse -Because 'the journal goes once the index is written'

        # header line (JSON), then count x dimensions float32 little-endian values
        $bytes = [System.IO.File]::ReadAllBytes($index)
        $end = [array]::IndexOf($bytes, [byte]10)
        $header = [System.Text.Encoding]::UTF8.GetString($bytes, 0, $end) | ConvertFrom-Json
        $header.format | Should -Be 'finetune-knowledge-index'
        $header.version | Should -Be 1
        $header.model | Should -Be 'text-embedding-3-small'
        $header.dimensions | Should -Be 1536
        $header.count | Should -Be $built.Chunks
        $bytes.Length | Should -Be ($end + 1 + 4 * $header.count * $header.dimensions)
        $first = [System.BitConverter]::ToSingle($bytes, $end + 1)
        [math]::Abs($first) | Should -BeLessThan 1
        $sum = 0.0; for ($i = 0; $i -lt 1536; $i++) { $v = [System.BitConverter]::ToSingle($bytes, $end + 1 + 4 * $i); $sum += $v * $v }
        [math]::Round($sum, 4) | Should -Be 1 -Because 'vectors are stored at unit length'
        $header.chunks[0].source | Should -Be 'helpcenter.csv'
        $header.chunks[0].record | Should -Be 1
        $header.chunks[0].line | Should -Be 2 -Because 'the first article starts on line 2, after the header'
        $header.chunks[0].text | Should -Match '^policy: Delete Payment Method'
        @($header.chunks | Where-Object record -eq 2)[0].line | Should -BeGreaterThan 2
    }

    It 'finds the right article for a paraphrased question in the top 3' -Skip:$noHelp -TestCases @(
        @{ Question = 'How can I remove the payment method from my account?'; Record = 1; Title = 'Delete Payment Method' }
        @{ Question = 'Will OpenAI sign a BAA so we can stay HIPAA compliant?'; Record = 2; Title = 'Business Associate Agreement' }
        @{ Question = 'Can I pay for API credits in advance with prepaid billing?'; Record = 3; Title = 'Set up prepaid billing' }
        @{ Question = 'My organization is exempt from VAT: how do I request the exemption?'; Record = 4; Title = 'VAT Exemption request' }
    ) {
        $hits = @(Search-FineTuneKnowledgeIndex -IndexPath $index -Query $Question -Top 3)
        $hits.Count | Should -Be 3
        $hits.Record | Should -Contain $Record
        $hits[0].Record | Should -Be $Record -Because "'$Question' is about '$Title'"
        $hits[0].Source | Should -Be 'helpcenter.csv'
        $hits[0].Score | Should -BeGreaterThan $hits[2].Score
        $hits[0].Query | Should -Be $Question
        @($hits | ForEach-Object { [math]::Round($_.Score, 6) }) | Should -Be @($hits.Score | Sort-Object -Descending)
    }

    It 're-indexes an unchanged file with 0 embedding requests, and one changed row with 1' -Skip:$noHelp {
        Reset-EmulatorRequestCount
        $again = New-FineTuneKnowledgeIndex -Path $csv -IndexPath $index -ChunkTokens 120 -OverlapTokens 20 -Confirm:$false
        Embeddings | Should -Be 0
        $again.Reused | Should -Be $again.Chunks
        $again.Embedded | Should -Be 0
        $again.CostUsd | Should -Be 0

        $text = [System.IO.File]::ReadAllText($csv)
        $text.Contains('Click on ''My Plan'' in the ChatGPT sidebar.') | Should -BeTrue
        [System.IO.File]::WriteAllText($csv, $text.Replace('Click on ''My Plan'' in the ChatGPT sidebar.', 'Open the Settings page and click on ''My Plan''.'))
        Reset-EmulatorRequestCount
        $changed = New-FineTuneKnowledgeIndex -Path $csv -IndexPath $index -ChunkTokens 120 -OverlapTokens 20 -Confirm:$false
        Embeddings | Should -Be 1
        $changed.Requests | Should -Be 1
        $changed.Embedded | Should -BeGreaterThan 0
        $changed.Embedded | Should -BeLessOrEqual 2 -Because 'only the chunks holding the changed sentence (and its overlap) are new'
        $changed.Reused | Should -Be ($changed.Chunks - $changed.Embedded)
        (Search-FineTuneKnowledgeIndex -IndexPath $index -Query 'Open the Settings page' -Top 1).Text | Should -Match 'Open the Settings page'
    }

    It 'refuses a build above -MaxCost and sends nothing' -Skip:$noHelp {
        Reset-EmulatorRequestCount
        New-FineTuneKnowledgeIndex -Path $csv -IndexPath (Join-Path $TestDrive 'other.ftidx') -MaxCost 0.0000001 -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.OverBudget*'
        Embeddings | Should -Be 0
    }

    It 'names a missing column and a file that is not an index' -Skip:$noHelp {
        { New-FineTuneKnowledgeIndex -Path $csv -IndexPath (Join-Path $TestDrive 'x.ftidx') -Column title -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "*no column 'title'*policy, content*"
        { Search-FineTuneKnowledgeIndex -IndexPath $csv -Query 'x' -ErrorAction Stop } | Should -Throw -ExpectedMessage '*is not a knowledge index*'
    }
}

Describe 'A folder of text and markdown files' {
    It 'indexes each file with its relative path and the line each chunk starts on' {
        $docs = New-Item -ItemType Directory (Join-Path $TestDrive 'docs')
        $null = New-Item -ItemType Directory (Join-Path $docs 'guides')
        Set-Content (Join-Path $docs 'restore.md') "# Restore`n`nTo restore a folder, open Restore and pick the date.`n" -NoNewline
        $long = (1..60 | ForEach-Object { "Line $_ explains the retention of backups; its code word is w$_." }) -join "`n"
        Set-Content (Join-Path $docs 'guides/retention.txt') $long -NoNewline
        Set-Content (Join-Path $docs 'ignored.bin') 'not text'
        $built = New-FineTuneKnowledgeIndex -Path $docs -IndexPath (Join-Path $TestDrive 'docs.ftidx') -ChunkTokens 100 -OverlapTokens 10 -Confirm:$false
        $built.Files | Should -Be 2
        $hit = Search-FineTuneKnowledgeIndex -IndexPath $built.Path -Query 'how to restore a folder' -Top 1
        $hit.Source | Should -Be 'restore.md'
        $hit.Line | Should -Be 1
        # each chunk of the long file starts on the line its text starts in (the overlap may start mid-line)
        $chunks = @(Search-FineTuneKnowledgeIndex -IndexPath $built.Path -Query 'code word w55' -Top 100 | Where-Object Source -eq 'guides/retention.txt')
        $chunks.Count | Should -BeGreaterThan 2
        foreach ($c in $chunks) { "Line $($c.Line) explains the retention of backups; its code word is w$($c.Line)." | Should -BeLike "*$(($c.Text -split "`n")[0])" }
        @($chunks | Where-Object Text -match 'w55\.').Count | Should -BeGreaterThan 0
        ($chunks.Line | Measure-Object -Maximum).Maximum | Should -BeGreaterThan 40
    }
}

Describe 'Find-FineTuneDuplicate' {
    It 'finds a training example copied into the validation file (leakage), with both lines' -Skip:$noGsm8k {
        $train = Join-Path $TestDrive 'gsm8k_train.jsonl'
        Copy-Item (Get-SharedPath 'data/chat_gsm8k_train.jsonl') $train
        $trainLines = [System.IO.File]::ReadAllLines($train)
        $valid = Join-Path $TestDrive 'gsm8k_valid.jsonl'
        $validLines = @([System.IO.File]::ReadAllLines((Get-SharedPath 'data/chat_gsm8k_validation.jsonl')) | Select-Object -First 20) + $trainLines[9]
        [System.IO.File]::WriteAllLines($valid, [string[]]$validLines)

        Reset-EmulatorRequestCount
        $pairs = @(Find-FineTuneDuplicate -Path $train -ValidationPath $valid -Confirm:$false)
        Embeddings | Should -Be 1 -Because '470 examples fit one request'
        $copied = @($pairs | Where-Object { $_.Line -eq 21 })
        $copied.Count | Should -Be 1
        $copied[0].Kind | Should -Be 'Leakage'
        $copied[0].OtherLine | Should -Be 10
        $copied[0].Path | Should -Be $valid
        $copied[0].OtherPath | Should -Be $train
        $copied[0].Identical | Should -BeTrue
        $copied[0].Similarity | Should -BeGreaterOrEqual 0.9999
        @($pairs | Where-Object Kind -ne 'Leakage').Count | Should -Be 0

        # the journal keeps the vectors: another threshold sends nothing
        Reset-EmulatorRequestCount
        $looser = @(Find-FineTuneDuplicate -Path $train -ValidationPath $valid -Threshold 0.9 -Confirm:$false)
        Embeddings | Should -Be 0
        $looser.Count | Should -BeGreaterOrEqual $pairs.Count
    }

    It 'finds a near-duplicate within a file, and -WhatIf sends nothing' -Skip:$noGsm8k {
        $lines = [System.IO.File]::ReadAllLines((Get-SharedPath 'data/chat_gsm8k_validation.jsonl'))
        $near = $lines[4].Replace('"}]}', ' Please."}]}')
        $path = Join-Path $TestDrive 'within.jsonl'
        [System.IO.File]::WriteAllLines($path, [string[]](@($lines) + $near))
        Reset-EmulatorRequestCount
        Find-FineTuneDuplicate -Path $path -WhatIf | Should -BeNullOrEmpty
        Embeddings | Should -Be 0
        $pairs = @(Find-FineTuneDuplicate -Path $path -Threshold 0.95 -Confirm:$false)
        $pair = @($pairs | Where-Object { $_.Line -eq 5 -and $_.OtherLine -eq ($lines.Count + 1) })
        $pair.Count | Should -Be 1
        $pair[0].Kind | Should -Be 'Within'
        $pair[0].Identical | Should -BeFalse
        $pair[0].Similarity | Should -BeLessThan 1
    }
}

Describe 'Through the Batch API (-UseBatch)' {
    BeforeAll {
        $script:faq = Join-Path $PSScriptRoot '../../samples/lumen-support-faq.csv'
        function script:Vectors([string] $Path) {
            $bytes = [System.IO.File]::ReadAllBytes($Path)
            $end = [array]::IndexOf($bytes, [byte]10)
            [Convert]::ToBase64String($bytes, $end + 1, $bytes.Length - $end - 1)
        }
    }

    It 'builds the index a direct build does at half the price, and a re-run picks the batch up instead of sending it again' {
        $direct = New-FineTuneKnowledgeIndex -Path $faq -IndexPath (Join-Path $TestDrive 'direct.ftidx') -Confirm:$false
        $direct.CostUsd | Should -BeGreaterThan 0
        $index = Join-Path $TestDrive 'batched.ftidx'
        Reset-EmulatorRequestCount

        # the estimate before sending: the tokens counted here, priced at half
        $estimate = { param($switch) (New-FineTuneKnowledgeIndex -Path $faq -IndexPath $index -UseBatch:$switch -WhatIf -Verbose 4>&1 | Out-String) -match 'to send: (.*), \$([\d.]+)\.' | Should -BeTrue; $Matches }
        $full = & $estimate $false
        $half = & $estimate $true
        $half[1] | Should -Match "^$($direct.Embedded) embedding requests in 1 batch\(es\), half price \(Batch API\)"
        [decimal]$half[2] | Should -Be ([decimal]$full[2] / 2)
        Get-EmulatorRequestCount | Should -Be 0

        # the wait ends before the batch does: an error naming it, nothing written, the batch journaled
        { New-FineTuneKnowledgeIndex -Path $faq -IndexPath $index -UseBatch -BatchWaitSec 0 -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'FineTune.BatchPending*'
        Test-Path $index | Should -BeFalse
        Get-EmulatorRequestCount -Route 'POST /v1/batches' | Should -Be 1
        Embeddings | Should -Be 0

        $batched = New-FineTuneKnowledgeIndex -Path $faq -IndexPath $index -UseBatch -Confirm:$false
        $batched.Requests | Should -Be 0 -Because 'the re-run picks up the journaled batch'
        Get-EmulatorRequestCount -Route 'POST /v1/batches' | Should -Be 1
        Embeddings | Should -Be 0
        $batched.Embedded | Should -Be $direct.Embedded
        $batched.Tokens | Should -Be $direct.Tokens
        $batched.CostUsd | Should -Be ($direct.CostUsd / 2) -Because 'the Batch API costs half'
        (Vectors $batched.Path) | Should -Be (Vectors $direct.Path) -Because 'the batch answers with the vectors of the direct route'
        $q = 'How do I reset my password?'
        (Search-FineTuneKnowledgeIndex -IndexPath $batched.Path -Query $q -Top 3).Score | Should -Be (Search-FineTuneKnowledgeIndex -IndexPath $direct.Path -Query $q -Top 3).Score

        (New-FineTuneKnowledgeIndex -Path $faq -IndexPath $index -UseBatch -Confirm:$false).Requests | Should -Be 0
        Get-EmulatorRequestCount -Route 'POST /v1/batches' | Should -Be 1
    }

    It 'finds duplicates through a batch as it does directly' {
        $train = Join-Path $TestDrive 'dup-train.jsonl'
        $lines = 'How do I reset my password?', 'Where are my backups kept?', 'How do I reset my password?' | ForEach-Object { @{ messages = @(@{ role = 'user'; content = $_ }, @{ role = 'assistant'; content = 'See the help page.' }) } | ConvertTo-Json -Depth 5 -Compress }
        Set-Content $train $lines
        Reset-EmulatorRequestCount
        $pairs = @(Find-FineTuneDuplicate -Path $train -UseBatch -Confirm:$false)
        Get-EmulatorRequestCount -Route 'POST /v1/batches' | Should -Be 1
        Embeddings | Should -Be 0
        $pairs.Count | Should -Be 1
        $pairs[0].Line, $pairs[0].OtherLine | Sort-Object | Should -Be 1, 3
    }
}

Describe 'On Azure OpenAI' {
    It 'embeds through a deployment of an embedding model, with the cost unknown (no Azure price in the catalog)' {
        $azure = Start-FineTuneEmulator -TimeScale 0.05 -Flavor Azure
        try {
            Connect-FineTune -Endpoint $azure.Endpoint -ApiKey (ConvertTo-SecureString 'sk-azure-embeddings' -AsPlainText -Force) -Provider Azure
            $arm = @{ SubscriptionId = 'sub-1'; ResourceGroupName = 'rg-1'; AccountName = 'acct-1'; ArmEndpoint = $azure.BaseUri; ArmToken = (ConvertTo-SecureString 'arm-token' -AsPlainText -Force) }
            $null = New-FineTuneDeployment -Name embed-small -Model text-embedding-3-small @arm -Confirm:$false
            $faq = Join-Path $PSScriptRoot '../../samples/lumen-support-faq.csv'
            $kb = New-FineTuneKnowledgeIndex -Path $faq -IndexPath (Join-Path $TestDrive 'azure.ftidx') -EmbeddingModel embed-small -Confirm:$false
            $kb.Model | Should -Be 'embed-small'
            $kb.Dimensions | Should -Be 1536
            $kb.CostUsd | Should -BeNullOrEmpty
            Get-EmulatorRequestCount -Route 'POST /v1/embeddings' -Emulator $azure | Should -Be 1
            (Search-FineTuneKnowledgeIndex -IndexPath $kb.Path -Query 'How do I reset my password?' -Top 1).Text | Should -Match 'reset my Lumen Backup password'
            { New-FineTuneKnowledgeIndex -Path $faq -IndexPath (Join-Path $TestDrive 'capped.ftidx') -EmbeddingModel embed-small -MaxCost 1 -Confirm:$false -ErrorAction Stop } |
                Should -Throw -ErrorId 'FineTune.CostUnknown*'
            { New-FineTuneKnowledgeIndex -Path $faq -IndexPath (Join-Path $TestDrive 'batch.ftidx') -EmbeddingModel embed-small -UseBatch -Confirm:$false -ErrorAction Stop } |
                Should -Throw -ErrorId 'FineTune.BatchNotOnAzure*'
        }
        finally {
            Connect-FineTune -Endpoint $emu.Endpoint -ApiKey (ConvertTo-SecureString 'sk-emulator-embeddings' -AsPlainText -Force)
            $azure | Stop-FineTuneEmulator
        }
    }
}
