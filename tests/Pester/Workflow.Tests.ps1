# Steps 2-4 of the workflow (issue 5) against the emulator: files, jobs, waiting, control, metrics, models, chat.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1)
    Import-Module (Get-FineTuneModulePath) -Force
    Import-Module (Join-Path $PSScriptRoot '../../src/FineTune.Emulator/Emulator.psm1') -Force

    $script:Train = Get-SharedPath 'data/chat_ticket_classification_train.jsonl'
    $script:Scratch = New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "finetune-workflow-$([guid]::NewGuid().ToString('N'))")
    if (-not (Test-Path $script:Train)) {
        # without ../shared: support data from the project's own samples (58 examples: more than 100 job events)
        $samples = Join-Path $PSScriptRoot '../../samples'
        $script:Train = (@(Import-Csv (Join-Path $samples 'support-tickets.csv')) + @(Import-Csv (Join-Path $samples 'lumen-support-faq.csv')) |
            New-FineTuneDataset -Path (Join-Path $script:Scratch 'tickets.jsonl') -SystemMessage 'You are the support assistant of Lumen Backup.').Path
    }
    $script:Bad = Get-SharedPath 'data/bad_legacy_unescaped_quotes_semaphore.jsonl'
    $script:Model = 'gpt-4o-mini-2024-07-18'
    # tickets of the training file and their labels: the emulator's fine-tuned model answers with the label of
    # the training example whose question shares the most words with the one asked
    # (one ticket of each of three labels)
    $script:Tickets = Get-Content $script:Train | ConvertFrom-Json | ForEach-Object {
        [pscustomobject]@{ User = @($_.messages | Where-Object role -eq 'user')[-1].content; Label = @($_.messages | Where-Object role -eq 'assistant')[-1].content }
    } | Group-Object Label | ForEach-Object { $_.Group[0] } | Select-Object -First 3
    # a key that must never show up anywhere
    $script:Key = 'sk-emu-' + [guid]::NewGuid().ToString('N')

    $script:Fast = Start-FineTuneEmulator -TimeScale 0.05
    $script:Slow = Start-FineTuneEmulator -TimeScale 2 -ApiKey $script:Key

    # Use-Emulator connects to one emulator and points the Emulator.psm1 helpers (counts, faults) at it
    function Use-Emulator($emulator, [int] $MaxRetries = 2, [string] $ApiKey = $script:Key) {
        $global:PSDefaultParameterValues['*-Emulator*:Emulator'] = $emulator
        Connect-FineTune -Endpoint $emulator.Endpoint -ApiKey (ConvertTo-SecureString $ApiKey -AsPlainText -Force) -MaxRetries $MaxRetries -MaxRetryDelaySec 1
    }
    function Wait-Status([string] $JobId, [string] $Status, [int] $Seconds = 30) {
        $deadline = [datetime]::UtcNow.AddSeconds($Seconds)
        while ((Get-FineTuneJob $JobId).Status -ne $Status) {
            if ([datetime]::UtcNow -gt $deadline) { throw "Job $JobId did not reach $Status in $Seconds s." }
            Start-Sleep -Milliseconds 100
        }
    }
    Use-Emulator $script:Fast
    $script:File = Add-FineTuneFile $script:Train
    # OpenAI hands out no fine-tune file's content: the download tests use the same bytes uploaded as a batch file
    $script:Batch = Add-FineTuneFile $script:Train -Purpose batch
    $script:Job = Start-FineTuneJob -Model $script:Model -TrainingFile $script:File.Id -Confirm:$false | Wait-FineTuneJob
}

AfterAll {
    Remove-Item -Recurse -Force $script:Scratch -ErrorAction SilentlyContinue
    Stop-FineTuneEmulator $script:Fast
    Stop-FineTuneEmulator $script:Slow
    $global:PSDefaultParameterValues.Remove('*-Emulator*:Emulator')
    Disconnect-FineTune
}

Describe 'The pipeline from a file to an answer' {
    BeforeEach { Use-Emulator $script:Fast }

    It 'runs Add-FineTuneFile | Start-FineTuneJob | Wait-FineTuneJob | Invoke-FineTuneChat as written' {
        $answer = Get-Item $script:Train | Add-FineTuneFile | Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -Confirm:$false | Wait-FineTuneJob | Invoke-FineTuneChat $script:Tickets[0].User
        $answer | Should -HaveCount 1
        $answer.Model | Should -BeLike 'ft:gpt-4o-mini-2024-07-18:*'
        $answer.Answer | Should -Be $script:Tickets[0].Label
        $answer.TotalTokens | Should -Be ($answer.PromptTokens + $answer.CompletionTokens)
        $answer.PromptTokens | Should -BeGreaterThan 0
        # fine-tuned gpt-4o-mini: $0.30 in, $1.20 out per 1M tokens
        $answer.CostUsd | Should -Be (($answer.PromptTokens * 0.30d + $answer.CompletionTokens * 1.20d) / 1000000d)
    }

    It 'runs from New-FineTuneDataset to an answer, as the issue writes it' {
        $alpaca = Get-SharedPath 'data/instruct_alpaca_seed_tasks.jsonl'
        if (-not (Test-Path $alpaca)) { Set-ItResult -Skipped -Because "input missing: $alpaca"; return }
        $question = (Get-Content $alpaca -TotalCount 1 | ConvertFrom-Json).instruction
        $answer = Get-Content $alpaca -TotalCount 30 | ConvertFrom-Json | New-FineTuneDataset -Path (Join-Path $TestDrive 'travel.jsonl') | Add-FineTuneFile | Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -Confirm:$false | Wait-FineTuneJob | Invoke-FineTuneChat $question
        $answer.Model | Should -BeLike 'ft:gpt-4o-mini-2024-07-18:*'
        $answer.Question | Should -Be $question
        # the first record's example, as New-FineTuneDataset wrote it, holds the answer
        $first = Get-Content (Join-Path $TestDrive 'travel.jsonl') -TotalCount 1 | ConvertFrom-Json
        $answer.Answer | Should -Be @($first.messages | Where-Object role -eq 'assistant')[-1].content
    }

    It 'keeps the job it waited for: succeeded, with a fine-tuned model, a result file and our request id' {
        $script:Job.Status | Should -Be 'succeeded'
        $script:Job.FineTunedModel | Should -BeLike 'ft:gpt-4o-mini-2024-07-18:*'
        $script:Job.ResultFiles | Should -HaveCount 1
        $script:Job.Metadata['finetune_request_id'] | Should -Match '^ftreq_[0-9a-f]{32}$'
        $script:Job.TrainingFile | Should -Be $script:File.Id
    }

    It 'asks once for every string or object with a User property' {
        $answers = @($script:Tickets[1].User, [pscustomobject]@{ User = $script:Tickets[2].User }) | Invoke-FineTuneChat -Model $script:Job.FineTunedModel -SystemMessage 'Classify the ticket.'
        $answers.Question | Should -Be @($script:Tickets[1].User, $script:Tickets[2].User)
        $answers.Answer | Should -Be @($script:Tickets[1].Label, $script:Tickets[2].Label)
    }
}

Describe 'Files' {
    BeforeEach { Use-Emulator $script:Fast }

    It 'uploads a file with its size and name, and lists and gets it' {
        $script:File.Bytes | Should -Be (Get-Item $script:Train).Length
        # stored under the local name with this upload's marker before the extension; LocalPath is the local file
        $stem = [IO.Path]::GetFileNameWithoutExtension($script:Train)
        $script:File.Filename | Should -MatchExactly ('^' + [regex]::Escape($stem) + '\.[0-9a-f]{8}\.jsonl$')
        $script:File.LocalPath | Should -Be (Get-Item $script:Train).FullName
        $script:File.Purpose | Should -Be 'fine-tune'
        (Get-FineTuneFile -Purpose fine-tune).Id | Should -Contain $script:File.Id
        (Get-FineTuneFile $script:File.Id).Bytes | Should -Be $script:File.Bytes
    }

    It 'refuses a file with errors, naming the file and line, and leaves no file on the service (-UseUploadApi: <UploadApi>)' -ForEach @(
        @{ UploadApi = $false }, @{ UploadApi = $true }
    ) {
        if (-not (Test-Path $script:Bad)) { Set-ItResult -Skipped -Because "input missing: $script:Bad"; return }
        $before = @(Get-FineTuneFile).Id
        Reset-EmulatorRequestCount
        Add-FineTuneFile $script:Bad -UseUploadApi:$UploadApi -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.InvalidFile*'
        $err[0].Exception.Message | Should -Match 'bad_legacy_unescaped_quotes_semaphore\.jsonl: line \d+'
        @(Get-FineTuneFile | Where-Object { $_.Id -notin $before }) | Should -BeNullOrEmpty
        Get-EmulatorRequestCount -Route 'POST /v1/uploads/{upload_id}/complete' | Should -Be 0
        Get-EmulatorRequestCount -Route 'POST /v1/uploads/{upload_id}/cancel' | Should -Be (Get-EmulatorRequestCount -Route 'POST /v1/uploads')
    }

    It 'stops an upload already under way when the check fails at the end of a large file, and leaves no file (-UseUploadApi: <UploadApi>)' -ForEach @(
        @{ UploadApi = $false }, @{ UploadApi = $true }
    ) {
        # 40 MB of good examples, then one line that is not JSON: the bytes go out while the check reads up to it
        $late = Join-Path $TestDrive "late-error-$UploadApi.jsonl"
        $chunk = ([string]::Join("`n", (Get-Content $script:Train)) + "`n") * 64
        $writer = [System.IO.StreamWriter]::new($late, $false, [System.Text.UTF8Encoding]::new($false))
        try { while ($writer.BaseStream.Length -lt 40MB) { $writer.Write($chunk); $writer.Flush() }; $writer.Write("{not json`n") } finally { $writer.Dispose() }
        $before = @(Get-FineTuneFile).Id
        Reset-EmulatorRequestCount
        Add-FineTuneFile $late -UseUploadApi:$UploadApi -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.InvalidFile*'
        $err[0].Exception.Message | Should -Match "late-error-$UploadApi\.jsonl: line \d+"
        @(Get-FineTuneFile | Where-Object { $_.Id -notin $before }) | Should -BeNullOrEmpty
        Get-EmulatorRequestCount -Route 'POST /v1/uploads/{upload_id}/complete' | Should -Be 0
    }

    It 'uploads through the Uploads API with -UseUploadApi (parts, then complete with md5)' {
        Reset-EmulatorRequestCount
        $f = Add-FineTuneFile $script:Train -UseUploadApi -Purpose batch
        $f.Bytes | Should -Be (Get-Item $script:Train).Length
        Get-EmulatorRequestCount -Route 'POST /v1/uploads' | Should -Be 1
        Get-EmulatorRequestCount -Route 'POST /v1/uploads/{upload_id}/parts' | Should -Be 1
        Get-EmulatorRequestCount -Route 'POST /v1/uploads/{upload_id}/complete' | Should -Be 1
        Get-EmulatorRequestCount -Route 'POST /v1/files' | Should -Be 0
        $saved = Save-FineTuneFile $f.Id -Path (Join-Path $TestDrive 'via-uploads.jsonl')
        (Get-FileHash $saved.FullName).Hash | Should -Be (Get-FileHash $script:Train).Hash
    }

    It 'sends a 70 MB file in parts of 16 MB (five) in parallel from one read, in order, with the md5 the service checks' {
        $big = Join-Path $TestDrive 'big.jsonl'
        $chunk = ([string]::Join("`n", (Get-Content $script:Train)) + "`n") * 64
        $writer = [System.IO.StreamWriter]::new($big, $false, [System.Text.UTF8Encoding]::new($false))
        try { while ($writer.BaseStream.Length -lt 70MB) { $writer.Write($chunk); $writer.Flush() } } finally { $writer.Dispose() }
        Reset-EmulatorRequestCount
        $f = Add-FineTuneFile $big -UseUploadApi -SkipValidation -Purpose batch
        $f.Bytes | Should -Be (Get-Item $big).Length
        Get-EmulatorRequestCount -Route 'POST /v1/uploads/{upload_id}/parts' | Should -Be 5
        $f.Sha256 | Should -Be (Get-FileHash $big -Algorithm SHA256).Hash.ToLowerInvariant()
        Get-EmulatorRequestCount -Route 'POST /v1/uploads/{upload_id}/complete' | Should -Be 1
        $saved = Save-FineTuneFile $f.Id -Path (Join-Path $TestDrive 'big-copy.jsonl')
        (Get-FileHash $saved.FullName).Hash | Should -Be (Get-FileHash $big).Hash
        Remove-FineTuneFile $f.Id -Confirm:$false
    }

    It 'cancels the upload on the service when a part fails' {
        Use-Emulator $script:Fast -MaxRetries 0
        Reset-EmulatorRequestCount
        Set-EmulatorFault '500' -Route '/uploads/' -Clear
        Add-FineTuneFile $script:Train -UseUploadApi -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.ServerError*'
        Get-EmulatorRequestCount -Route 'POST /v1/uploads/{upload_id}/cancel' | Should -Be 1
        Get-EmulatorRequestCount -Route 'POST /v1/uploads/{upload_id}/complete' | Should -Be 0
    }

    It 'saves a file byte for byte, refuses to overwrite without -Force, and deletes it' {
        $target = Join-Path $TestDrive 'copy.jsonl'
        $saved = $script:Batch | Save-FineTuneFile -Path $target
        (Get-FileHash $saved.FullName).Hash | Should -Be (Get-FileHash $script:Train).Hash
        Save-FineTuneFile $script:Batch.Id -Path $target -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.FileExists*'
        Save-FineTuneFile $script:Batch.Id -Path $target -Force | Should -Not -BeNullOrEmpty
        (Get-FileHash $target).Hash | Should -Be (Get-FileHash $script:Train).Hash
        Get-ChildItem $TestDrive -Filter '*.tmp' -Force | Should -BeNullOrEmpty

        # OpenAI refuses to hand out a training file's content: the error says so and nothing is written
        Save-FineTuneFile $script:File.Id -Path (Join-Path $TestDrive 'training.jsonl') -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused[0].Exception.Message | Should -BeLike '*Not allowed to download files of purpose: fine-tune*'
        Test-Path (Join-Path $TestDrive 'training.jsonl') | Should -BeFalse

        $doomed = Add-FineTuneFile $script:Train
        $doomed | Remove-FineTuneFile -Confirm:$false
        Get-FineTuneFile $doomed.Id -ErrorVariable gone -ErrorAction SilentlyContinue
        $gone[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.NotFound*'
        $gone[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'saves a result file as CSV into a folder under the service''s name' {
        $saved = Save-FineTuneFile $script:Job.ResultFiles[0] -Path $TestDrive
        $saved.Name | Should -BeLike '*.csv'
        (Get-Content $saved.FullName -TotalCount 1) | Should -BeLike 'step,*'
    }

    It 'saves into a folder that does not exist yet when -Path ends with a separator, under the service''s name' {
        $folder = Join-Path $TestDrive 'results-new'
        $saved = Save-FineTuneFile $script:Job.ResultFiles[0] -Path ($folder + [IO.Path]::DirectorySeparatorChar)
        $saved.DirectoryName | Should -Be $folder
        $saved.Name | Should -Be (Get-FineTuneFile $script:Job.ResultFiles[0]).Filename
        (Get-Content $saved.FullName -TotalCount 1) | Should -BeLike 'step,*'
    }

    It 'decodes a base64-encoded result file and leaves other base64 as it is' {
        $csv = "step,train_loss,train_accuracy`n1,1.5,0.5`n2,0.9,0.625`n"
        $encoded = Join-Path $TestDrive 'metrics.b64'
        [IO.File]::WriteAllText($encoded, [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($csv)))
        $f = Add-FineTuneFile $encoded -Purpose user_data -SkipValidation
        $saved = Save-FineTuneFile $f.Id -Path (Join-Path $TestDrive 'metrics.csv')
        [IO.File]::ReadAllText($saved.FullName) | Should -BeExactly $csv

        $other = Join-Path $TestDrive 'other.b64'
        [IO.File]::WriteAllText($other, [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('not a result file, just text')))
        $g = Add-FineTuneFile $other -Purpose user_data -SkipValidation
        $copy = Save-FineTuneFile $g.Id -Path (Join-Path $TestDrive 'other-copy.b64')
        (Get-FileHash $copy.FullName).Hash | Should -Be (Get-FileHash $other).Hash
        Remove-FineTuneFile $f.Id, $g.Id -Confirm:$false
    }

    It 'streams a 70 MB download to disk byte for byte, allocating far less than the file''s size' {
        $big = Join-Path $TestDrive 'big-download.jsonl'
        $chunk = ([string]::Join("`n", (Get-Content $script:Train)) + "`n") * 64
        $writer = [System.IO.StreamWriter]::new($big, $false, [System.Text.UTF8Encoding]::new($false))
        try { while ($writer.BaseStream.Length -lt 70MB) { $writer.Write($chunk); $writer.Flush() } } finally { $writer.Dispose() }
        $f = Add-FineTuneFile $big -SkipValidation -Purpose batch
        $target = Join-Path $TestDrive 'big-download-copy.jsonl'
        Save-FineTuneFile $f.Id -Path (Join-Path $TestDrive 'warm-up.jsonl') | Remove-Item  # JIT and first-call costs out of the figure

        [GC]::Collect()
        $before = [GC]::GetTotalAllocatedBytes($true)
        $saved = Save-FineTuneFile $f.Id -Path $target
        $allocated = [GC]::GetTotalAllocatedBytes($true) - $before
        # every managed allocation in this process during the call: a buffered download took about 3.5 times the file's size
        $allocated | Should -BeLessThan 16MB -Because "a 70 MB download allocated $([math]::Round($allocated / 1MB, 1)) MB"
        $saved.Length | Should -Be (Get-Item $big).Length
        (Get-FileHash $saved.FullName).Hash | Should -Be (Get-FileHash $big).Hash
        Get-ChildItem $TestDrive -Filter '*.tmp' -Force | Should -BeNullOrEmpty
        Remove-FineTuneFile $f.Id -Confirm:$false
    }

    It 'leaves no file when the download breaks off, and keeps an existing one even with -Force' {
        Use-Emulator $script:Fast -MaxRetries 2
        $half = [int]((Get-Item $script:Train).Length / 2)
        $target = Join-Path $TestDrive 'cut.jsonl'
        Set-EmulatorFault "cut-after:$half" -Route '/files/' -Clear
        Save-FineTuneFile $script:Batch.Id -Path $target -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.DownloadInterrupted*'
        $err[0].Exception.Message | Should -BeLike "*after $($half.ToString('N0')) of $((Get-Item $script:Train).Length.ToString('N0')) bytes*"
        Test-Path $target | Should -BeFalse

        Set-Content $target 'the copy from last week'
        Set-EmulatorFault "cut-after:$half" -Route '/files/'
        Save-FineTuneFile $script:Batch.Id -Path $target -Force -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.DownloadInterrupted*'
        Get-Content $target | Should -Be 'the copy from last week'

        # a connection dropped before any answer is retried like any other call; the copy is replaced only when complete
        Set-EmulatorFault 'drop' -Route '/files/'
        $saved = Save-FineTuneFile $script:Batch.Id -Path $target -Force
        (Get-FileHash $saved.FullName).Hash | Should -Be (Get-FileHash $script:Train).Hash
        Get-ChildItem $TestDrive -Filter '*.tmp' -Force | Should -BeNullOrEmpty
    }
}

Describe 'Jobs' {
    BeforeEach { Use-Emulator $script:Fast }

    It 'lists jobs across pages (20 a page) with -All and -First' {
        1..21 | ForEach-Object { Start-FineTuneJob -Model $script:Model -TrainingFile $script:File.Id -Metadata @{ batch = 'paging' } -Confirm:$false } | Out-Null
        Reset-EmulatorRequestCount
        $all = Get-FineTuneJob -All
        $all.Count | Should -BeGreaterThan 22
        ($all.Id | Select-Object -Unique).Count | Should -Be $all.Count
        Get-EmulatorRequestCount -Route 'GET /v1/fine_tuning/jobs' | Should -Be ([math]::Ceiling($all.Count / 20))
        Reset-EmulatorRequestCount
        (Get-FineTuneJob -First 22).Count | Should -Be 22
        Get-EmulatorRequestCount -Route 'GET /v1/fine_tuning/jobs' | Should -Be 2
        (Get-FineTuneJob -All -Metadata @{ batch = 'paging' }).Count | Should -Be 21
        (Get-FineTuneJob $script:Job.Id).Status | Should -Be 'succeeded'
        (Get-FineTuneJob -All -Status succeeded).Id | Should -Contain $script:Job.Id
    }

    It 'reads the events of a job across pages, oldest first; -First keeps the newest' {
        Reset-EmulatorRequestCount
        $events = Get-FineTuneEvent $script:Job.Id
        $events.Count | Should -BeGreaterThan 100
        Get-EmulatorRequestCount -Route 'GET /v1/fine_tuning/jobs/{fine_tuning_job_id}/events' | Should -BeGreaterOrEqual 2
        $times = $events.CreatedAt
        for ($i = 1; $i -lt $times.Count; $i++) { $times[$i] | Should -BeGreaterOrEqual $times[$i - 1] }
        $last = Get-FineTuneEvent $script:Job.Id -First 3
        $last.Id | Should -Be ($events | Select-Object -Last 3).Id
        ($events | Where-Object Type -eq 'metrics' | Select-Object -First 1).Step | Should -Be 1
    }

    It 'gets the checkpoints, each a callable model name' {
        $checkpoints = $script:Job | Get-FineTuneCheckpoint
        $checkpoints.Count | Should -BeGreaterThan 0
        $checkpoints | ForEach-Object { $_.FineTunedModelCheckpoint | Should -BeLike "$($script:Job.FineTunedModel):ckpt-step-*" }
        ($checkpoints | Select-Object -First 1 | Invoke-FineTuneChat $script:Tickets[1].User).Answer | Should -Be $script:Tickets[1].Label
    }

    It 'turns the result file into one metric a step, matching the CSV' {
        $metrics = $script:Job | Get-FineTuneMetric
        $csv = Import-Csv (Save-FineTuneFile $script:Job.ResultFiles[0] -Path (Join-Path $TestDrive 'm.csv') -Force).FullName
        $metrics.Count | Should -Be $csv.Count
        $metrics[0].Step | Should -Be 1
        $metrics[-1].Step | Should -Be ([int]$csv[-1].step)
        $metrics[0].TrainLoss | Should -Be ([double]$csv[0].train_loss)
        $metrics[-1].TrainLoss | Should -BeLessThan $metrics[0].TrainLoss
    }

    It 'writes events to the information stream while waiting' {
        $job = Start-FineTuneJob -Model $script:Model -TrainingFile $script:File.Id -Confirm:$false
        $final = Wait-FineTuneJob $job.Id -InformationVariable info
        $final.Status | Should -Be 'succeeded'
        $info.Count | Should -BeGreaterThan 10
        $info[0].MessageData.GetType().Name | Should -Be 'FineTuneEvent'
        $info[-1].MessageData.Message | Should -Match 'completed|succeeded'
    }

    It 'refuses a job above -MaxCost before sending anything' {
        Reset-EmulatorRequestCount
        { Start-FineTuneJob -Model $script:Model -Path $script:Train -MaxCost 0.001 -Confirm:$false } | Should -Throw -ErrorId 'FineTune.OverBudget*'
        Get-EmulatorRequestCount | Should -Be 0
    }

    It 'says under -MaxCost why the cost is unknown and what to fix, and names a missing -Path before any estimate' {
        Reset-EmulatorRequestCount
        $typo = { Start-FineTuneJob -Model gtp-4.1-mini -Path $script:Train -MaxCost 5 -Confirm:$false } | Should -Throw -ErrorId 'FineTune.CostUnknown*' -PassThru
        $typo.Exception.Message | Should -Be "-MaxCost 5 was given but the cost cannot be estimated (estimated cost unknown: gtp-4.1-mini is not in the price catalog. Did you mean 'gpt-4.1-mini'?). Correct -Model, or add the model to a price catalog (-PriceCatalog or FINETUNE_PRICE_CATALOG; about_FineTune shows its shape), or leave out -MaxCost."
        $missing = Join-Path $TestDrive 'no-such-file.jsonl'
        $gone = { Start-FineTuneJob -Model $script:Model -Path $missing -MaxCost 5 -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'FineTune.FileNotFound,*' -PassThru
        $gone.Exception.Message | Should -Be "-Path '$missing': the file does not exist."
        Get-EmulatorRequestCount | Should -Be 0
    }

    It 'starts from a local -Path: checks, uploads, then starts' {
        Reset-EmulatorRequestCount
        $job = Start-FineTuneJob -Model $script:Model -Path $script:Train -Epochs 2 -Suffix 'frompath' -MaxCost 1 -Confirm:$false
        $job.Id | Should -BeLike 'ftjob-*'
        $job.Epochs | Should -Be 2
        Get-EmulatorRequestCount -Route 'POST /v1/files' | Should -Be 1
        Get-EmulatorRequestCount -Route 'POST /v1/fine_tuning/jobs' | Should -Be 1
        Get-EmulatorRequestCount -Route 'GET /v1/models/{model}' | Should -Be 1
    }

    It 'stops before uploading when the service rejects the key on the model check' {
        Use-Emulator $script:Slow -ApiKey 'sk-wrong-0123456789abcdef'
        try {
            Reset-EmulatorRequestCount
            { Start-FineTuneJob -Model $script:Model -Path $script:Train -Confirm:$false -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'FineTune.Unauthorized*'
            Get-EmulatorRequestCount -Route 'GET /v1/models/{model}' | Should -Be 1
            Get-EmulatorRequestCount | Should -Be 1
        }
        finally { Use-Emulator $script:Fast }
    }

    It 'stops before uploading when the service has no such model, and names the close one' {
        Reset-EmulatorRequestCount
        $err = { Start-FineTuneJob -Model gpt-4o-mni -Path $script:Train -Confirm:$false } | Should -Throw -ErrorId 'FineTune.UnknownModel*' -PassThru
        $err.Exception.Message | Should -BeLike "*no model 'gpt-4o-mni'*nothing was uploaded*Did you mean 'gpt-4o-mini'?*"
        Get-EmulatorRequestCount -Route 'GET /v1/models/{model}' | Should -Be 1
        Get-EmulatorRequestCount | Should -Be 1
    }
}

Describe '-WhatIf' {
    BeforeEach { Use-Emulator $script:Fast }

    It 'sends zero requests from every state change' {
        Reset-EmulatorRequestCount
        Start-FineTuneJob -Model $script:Model -Path $script:Train -WhatIf
        Start-FineTuneJob -Model $script:Model -TrainingFile $script:File -WhatIf
        Add-FineTuneFile $script:Train -WhatIf
        Remove-FineTuneFile $script:File.Id -WhatIf
        Save-FineTuneFile $script:File.Id -Path (Join-Path $TestDrive 'w.jsonl') -WhatIf
        Stop-FineTuneJob $script:Job.Id -WhatIf
        Suspend-FineTuneJob $script:Job.Id -WhatIf
        Resume-FineTuneJob $script:Job.Id -WhatIf
        Remove-FineTuneModel $script:Job.FineTunedModel -WhatIf
        Get-EmulatorRequestCount | Should -Be 0
        Test-Path (Join-Path $TestDrive 'w.jsonl') | Should -BeFalse
    }

    It 'asks before it spends money: an unattended run without -Confirm:$false sends nothing and says what to pass' {
        $estimate = Get-FineTuneCost -Model $script:Model -Path $script:Train -WarningAction SilentlyContinue
        Reset-EmulatorRequestCount
        $run = Invoke-Unattended {
            param($endpoint, $key, $model, $train, $jobId)
            Connect-FineTune -Endpoint $endpoint -ApiKey (ConvertTo-SecureString $key -AsPlainText -Force)
            Start-FineTuneJob -Model $model -Path $train -WarningAction SilentlyContinue
            Resume-FineTuneJob $jobId
        } -ArgumentList $script:Fast.Endpoint, $script:Key, $script:Model, $script:Train, $script:Job.Id
        $run.Output | Should -BeNullOrEmpty
        $run.Errors.FullyQualifiedErrorId | Should -Be @('FineTune.ConfirmationNeeded,FineTune.Commands.StartFineTuneJobCommand', 'FineTune.ConfirmationNeeded,FineTune.Commands.ResumeFineTuneJobCommand')
        $run.Errors[0].Exception.Message | Should -BeLike ("Start-FineTuneJob asks for confirmation before it starts a paid job (estimated cost `${0:0.00}: {1:N0} tokens = *), and this session cannot ask. In a runbook pass -Confirm:`$false (with -MaxCost to cap the estimate)*" -f $estimate.EstimatedUsd, $estimate.TrainedTokens)
        $run.Errors[1].Exception.Message | Should -BeLike "Resume-FineTuneJob asks for confirmation before it does 'Resume fine-tuning job (its training is billed again)' on $($script:Job.Id)*In a runbook pass -Confirm:`$false*"
        Get-EmulatorRequestCount | Should -Be 0
    }
}

Describe 'Faults' {
    It 'creates exactly one job when the connection drops after the service created it' {
        Use-Emulator $script:Fast
        $before = (Get-FineTuneJob -All).Count
        Reset-EmulatorRequestCount
        Set-EmulatorFault 'drop-after' -Route '/fine_tuning/jobs' -Clear
        $job = Start-FineTuneJob -Model $script:Model -TrainingFile $script:File.Id -Confirm:$false -Verbose 4>&1 | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $job.Id | Should -BeLike 'ftjob-*'
        Get-EmulatorRequestCount -Route 'POST /v1/fine_tuning/jobs' | Should -Be 1
        (Get-FineTuneJob -All).Count | Should -Be ($before + 1)
    }

    It 'creates exactly one file when the upload''s connection drops after the service stored it' {
        Use-Emulator $script:Fast
        $before = @(Get-FineTuneFile -Purpose fine-tune).Count
        Reset-EmulatorRequestCount
        Set-EmulatorFault 'drop-after' -Route '/files' -Clear
        $f = Add-FineTuneFile $script:Train
        $f.Id | Should -BeLike 'file-*'
        $f.Filename | Should -MatchExactly '^[^.]+\.[0-9a-f]{8}\.jsonl$'
        Get-EmulatorRequestCount -Route 'POST /v1/files' | Should -Be 1
        @(Get-FineTuneFile -Purpose fine-tune).Count | Should -Be ($before + 1)
    }

    It 'looks the job up, then creates it again, after a <fault> that created nothing' -ForEach @(@{ fault = 'drop' }, @{ fault = '500' }) {
        Use-Emulator $script:Fast
        Reset-EmulatorRequestCount
        Set-EmulatorFault $fault -Route '/fine_tuning/jobs' -Clear
        $job = Start-FineTuneJob -Model $script:Model -TrainingFile $script:File.Id -Confirm:$false
        $job.Id | Should -BeLike 'ftjob-*'
        Get-EmulatorRequestCount -Route 'POST /v1/fine_tuning/jobs' | Should -Be 2
        Get-EmulatorRequestCount -Route 'GET /v1/fine_tuning/jobs' | Should -Be 1 # the look-up by request id
        (Get-FineTuneJob -All -Metadata @{ finetune_request_id = $job.Metadata['finetune_request_id'] }).Count | Should -Be 1
    }

    It 'starts the job, with a warning, when the model check before the upload keeps failing with <fault>' -ForEach @(@{ fault = '503' }, @{ fault = '429' }, @{ fault = 'drop' }) {
        # the check only saves an upload for a mistyped model; a service that cannot answer it must not stop the job
        Use-Emulator $script:Fast
        Reset-EmulatorRequestCount
        Set-EmulatorFault $fault, $fault, $fault -Route '/models/' -Clear
        $job = Start-FineTuneJob -Model $script:Model -Path $script:Train -Confirm:$false -WarningVariable warned -WarningAction SilentlyContinue
        $job.Id | Should -BeLike 'ftjob-*'
        Get-EmulatorRequestCount -Route 'GET /v1/models/{model}' | Should -Be 3
        Get-EmulatorRequestCount -Route 'POST /v1/files' | Should -Be 1
        Get-EmulatorRequestCount -Route 'POST /v1/fine_tuning/jobs' | Should -Be 1
        @($warned | Where-Object { "$_" -like "*whether it serves '$($script:Model)'*uploading anyway*" }).Count | Should -Be 1
    }

    It 'completes the whole workflow with 30% injected faults, with exactly one file and one job' {
        $faulty = Start-FineTuneEmulator -TimeScale 0.05 -FaultRate 0.3 -Seed 7
        try {
            Use-Emulator $faulty -MaxRetries 8
            $answer = Get-Item $script:Train | Add-FineTuneFile | Start-FineTuneJob -Model $script:Model -Confirm:$false | Wait-FineTuneJob -PollIntervalSec 0.2 | Invoke-FineTuneChat $script:Tickets[2].User
            $answer.Answer | Should -Be $script:Tickets[2].Label
            Get-EmulatorRequestCount -Emulator $faulty | Should -BeGreaterThan 5
            @(Get-FineTuneFile -Purpose fine-tune).Count | Should -Be 1
            @(Get-FineTuneJob -All).Count | Should -Be 1
        }
        finally {
            Stop-FineTuneEmulator $faulty
        }
    }
}

Describe 'Waiting and control on a slow job' {
    BeforeEach { Use-Emulator $script:Slow }

    It 'Stop() during Wait-FineTuneJob returns at once and leaves the job running' {
        $job = Start-FineTuneJob -Model $script:Model -Path $script:Train -Confirm:$false
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($module, $endpoint, $key, $id)
                    Import-Module $module
                    Connect-FineTune -Endpoint $endpoint -ApiKey (ConvertTo-SecureString $key -AsPlainText -Force)
                    Wait-FineTuneJob $id -PollIntervalSec 30
                }).AddArgument((Get-FineTuneModulePath)).AddArgument($script:Slow.Endpoint).AddArgument($script:Key).AddArgument($job.Id)
            Reset-EmulatorRequestCount -Emulator $script:Slow
            $handle = $ps.BeginInvoke()
            $deadline = [datetime]::UtcNow.AddSeconds(20)
            while ((Get-EmulatorRequestCount -Emulator $script:Slow -Route 'GET /v1/fine_tuning/jobs/{fine_tuning_job_id}') -lt 1 -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Start-Sleep -Milliseconds 300 # now inside the 30 s pause between polls
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Stop()
            Write-Host "Stop() during Wait-FineTuneJob returned in $($watch.ElapsedMilliseconds) ms"
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10 # generous: the measured figure is printed above
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            (Get-FineTuneJob $job.Id).Status | Should -BeIn @('validating_files', 'queued', 'running')
        }
        finally {
            $ps.Dispose()
            Stop-FineTuneJob $job.Id -Confirm:$false -ErrorAction SilentlyContinue
        }
    }

    It 'gives up after -TimeoutSec with an OperationTimeout error, leaving the job running' {
        $job = Start-FineTuneJob -Model $script:Model -TrainingFile (Add-FineTuneFile $script:Train) -Confirm:$false
        $out = Wait-FineTuneJob $job.Id -TimeoutSec 1 -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.Timeout*'
        $err[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        (Get-FineTuneJob $job.Id).IsTerminal | Should -BeFalse
        $job | Stop-FineTuneJob -Confirm:$false -PassThru | ForEach-Object Status | Should -Be 'cancelled'
        ($job | Wait-FineTuneJob -WarningVariable warn -WarningAction SilentlyContinue).Status | Should -Be 'cancelled'
        $warn | Should -Match 'cancelled'
    }

    It 'pauses and resumes a job; a paused job ends the wait instead of hanging' {
        $job = Start-FineTuneJob -Model $script:Model -TrainingFile (Add-FineTuneFile $script:Train) -Confirm:$false
        Wait-Status $job.Id 'running'
        ($job | Suspend-FineTuneJob -Confirm:$false -PassThru).Status | Should -BeIn @('pausing', 'paused')
        $waited = Wait-FineTuneJob $job.Id -PollIntervalSec 0.2 -WarningVariable warn -WarningAction SilentlyContinue
        $waited.Status | Should -Be 'paused'
        $warn | Should -Match 'Resume-FineTuneJob'
        ($job | Resume-FineTuneJob -Confirm:$false -PassThru).Status | Should -Not -Be 'paused'
        $job | Stop-FineTuneJob -Confirm:$false
    }
}

Describe 'Models' {
    BeforeEach { Use-Emulator $script:Fast }

    It 'lists the fine-tuned model with its base model and shutdown date, then deletes it' {
        $job = Get-Item $script:Train | Add-FineTuneFile | Start-FineTuneJob -Model $script:Model -Confirm:$false | Wait-FineTuneJob
        $model = Get-FineTuneModel -FineTuned -WarningAction SilentlyContinue | Where-Object Id -eq $job.FineTunedModel
        $model.BaseModel | Should -Be $script:Model
        $model.ShutdownDate | Should -Be ([datetime]'2027-01-14')
        $job | Remove-FineTuneModel -Confirm:$false
        Get-FineTuneModel $job.FineTunedModel -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.NotFound*'
    }
}

Describe 'Secrets' {
    It 'never shows the key in any stream with -Verbose -Debug, nor in error records' {
        Use-Emulator $script:Slow
        $all = & {
            $f = Add-FineTuneFile $script:Train -Verbose -Debug
            $j = Start-FineTuneJob -Model $script:Model -TrainingFile $f.Id -Confirm:$false -Verbose -Debug
            Get-FineTuneJob $j.Id -Verbose -Debug
            Stop-FineTuneJob $j.Id -Confirm:$false -Verbose -Debug
            Get-FineTuneJob 'ftjob-missing' -Verbose -Debug -ErrorAction Continue
            Get-FineTuneContext
        } *>&1 | Out-String -Width 500
        $all | Should -Match 'ftjob-missing'
        $all | Should -Not -Match $script:Key

        Use-Emulator $script:Slow -ApiKey 'sk-wrong-0123456789abcdef'
        Get-FineTuneFile 'file-x' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.Unauthorized*'
        $err[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        try { Get-FineTuneJob -All -Verbose -Debug *>$null } catch { $err += $_ }
        $err[-1].FullyQualifiedErrorId | Should -BeLike 'FineTune.Unauthorized*'
        $text = ($err | Format-List * -Force | Out-String) + ($err | ForEach-Object { $_.Exception.ToString() + $_.ErrorDetails.Message + $_.ScriptStackTrace } | Out-String)
        $text | Should -Not -Match 'sk-wrong-0123456789abcdef'
        $text | Should -Not -Match $script:Key
    }
}

Describe 'The wire log (-Debug)' {
    It 'shows each try of each request: method, URL, status, request id, duration and retry, the key masked' {
        Use-Emulator $script:Slow
        Set-EmulatorFault 503 -Route '/fine_tuning/jobs'
        $records = @(Get-FineTuneJob -First 2 -Debug 5>&1 | Where-Object { $_ -is [System.Management.Automation.DebugRecord] })
        $wire = @($records.Message | Where-Object { $_ -like 'HTTP GET *' })
        $wire.Count | Should -Be 2 -Because ($records.Message -join "`n")
        $wire[0] | Should -Match "^HTTP GET $([regex]::Escape($script:Slow.Endpoint))/fine_tuning/jobs\?limit=2 -> 503 Service Unavailable, \d+ ms, retry 0, request id \S+"
        $wire[1] | Should -Match "^HTTP GET $([regex]::Escape($script:Slow.Endpoint))/fine_tuning/jobs\?limit=2 -> 200 OK, \d+ ms, retry 1, request id req_[0-9a-f]{32}"
        $wire[1] | Should -Match 'Authorization: Bearer \*\*\*'
        ($records.Message -join "`n") | Should -Not -Match $script:Key
        # without -Debug, nothing
        @(Get-FineTuneJob -First 2 5>&1 | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Count | Should -Be 0
    }

    It 'masks the ARM token of the Azure deployment calls' {
        $azure = Start-FineTuneEmulator -TimeScale 0.05 -Flavor Azure
        try {
            $global:PSDefaultParameterValues['*-Emulator*:Emulator'] = $azure
            Connect-FineTune -Endpoint $azure.Endpoint -ApiKey (ConvertTo-SecureString $script:Key -AsPlainText -Force) -Provider Azure
            $armToken = 'arm-' + [guid]::NewGuid().ToString('N')
            $arm = @{ SubscriptionId = 'sub-1'; ResourceGroupName = 'rg-1'; AccountName = 'acct-1'; ArmEndpoint = $azure.BaseUri; ArmToken = (ConvertTo-SecureString $armToken -AsPlainText -Force) }
            $records = @(Get-FineTuneDeployment @arm -Debug 5>&1 | Where-Object { $_ -is [System.Management.Automation.DebugRecord] })
            $text = $records.Message -join "`n"
            $text | Should -Match 'HTTP GET \S+/subscriptions/sub-1/resourceGroups/rg-1/\S+/deployments\S* -> 200 OK'
            $text | Should -Match 'Authorization: Bearer \*\*\*'
            $text | Should -Not -Match $armToken
            $text | Should -Not -Match $script:Key
        }
        finally {
            Stop-FineTuneEmulator $azure
        }
    }
}

Describe 'Formatting' {
    It 'has a table view for every output type' {
        Use-Emulator $script:Fast
        ($script:Job | Format-Table | Out-String) | Should -Match 'FineTunedModel'
        ($script:File | Format-Table | Out-String) | Should -Match 'Filename'
        (Get-FineTuneEvent $script:Job.Id -First 1 | Format-Table | Out-String) | Should -Match 'Level'
        (Get-FineTuneCheckpoint $script:Job.Id | Format-Table | Out-String) | Should -Match 'FineTunedModelCheckpoint'
        (Get-FineTuneMetric $script:Job.Id | Select-Object -First 1 | Format-Table | Out-String) | Should -Match 'TrainLoss'
        foreach ($name in 'FineTuneFile', 'FineTuneJob', 'FineTuneEvent', 'FineTuneCheckpoint', 'FineTuneMetric', 'ChatAnswer') {
            Get-FormatData -TypeName "FineTune.Engine.*.$name" | Should -Not -BeNullOrEmpty -Because "$name needs a view"
        }
    }
}
