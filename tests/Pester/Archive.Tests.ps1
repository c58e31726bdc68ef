# Keeping what an account holds and leaving a provider that stops training: the upload ledger, the closure
# error, the archive (Export-FineTuneArchive, Test-FineTuneArchive, index.html) and Copy-FineTuneJob, on the emulator.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1)
    Import-Module (Get-FineTuneModulePath) -Force
    Import-Module (Join-Path $PSScriptRoot '../../src/FineTune.Emulator/Emulator.psm1') -Force

    $script:Train = Get-SharedPath 'data/chat_ticket_classification_train.jsonl'
    $script:DataHome = $env:FINETUNE_DATA_HOME
    $env:FINETUNE_DATA_HOME = Join-Path $TestDrive 'data-home'
    $script:Emu = Start-FineTuneEmulator -TimeScale 0.05
    $global:PSDefaultParameterValues['*-Emulator*:Emulator'] = $script:Emu
    Connect-FineTune -Endpoint $script:Emu.Endpoint -ApiKey (ConvertTo-SecureString 'sk-archive-test' -AsPlainText -Force) -MaxRetries 1 -MaxRetryDelaySec 1
}

AfterAll {
    Stop-FineTuneEmulator $script:Emu
    $global:PSDefaultParameterValues.Remove('*-Emulator*:Emulator')
    $env:FINETUNE_DATA_HOME = $script:DataHome
    # every connection this file made (named ones too): the session is shared with the other test files
    @(Get-FineTuneContext -ListAvailable).Name | ForEach-Object { Disconnect-FineTune -Name $_ -ErrorAction SilentlyContinue }
}

Describe 'The upload ledger' {
    BeforeAll {
        if (-not (Test-Path $script:Train)) { return }
        $script:Copy = Join-Path $TestDrive 'tickets.jsonl'
        Copy-Item $script:Train $script:Copy
        $script:Uploaded = Add-FineTuneFile $script:Copy
    }

    It 'records path, size, SHA-256 and file id under FINETUNE_DATA_HOME' {
        if (-not (Test-Path $script:Train)) { Set-ItResult -Skipped -Because "input missing: $script:Train"; return }
        $ledger = Join-Path $env:FINETUNE_DATA_HOME 'uploads.jsonl'
        $entry = Get-Content $ledger | ConvertFrom-Json | Where-Object fileId -eq $script:Uploaded.Id
        $entry.path | Should -Be (Resolve-Path $script:Copy).Path
        $entry.bytes | Should -Be (Get-Item $script:Copy).Length
        $entry.sha256 | Should -Be (Get-FileHash $script:Copy -Algorithm SHA256).Hash.ToLowerInvariant()
    }

    It 'records the SHA-256 of an Uploads API upload, hashed in the read that sent it, as sha256sum gives it' {
        if (-not (Test-Path $script:Train)) { Set-ItResult -Skipped -Because "input missing: $script:Train"; return }
        $parts = Add-FineTuneFile $script:Copy -UseUploadApi
        $entry = Get-Content (Join-Path $env:FINETUNE_DATA_HOME 'uploads.jsonl') | ConvertFrom-Json | Where-Object fileId -eq $parts.Id
        $expected = if (Get-Command sha256sum -ErrorAction SilentlyContinue) { (-split (& sha256sum $script:Copy))[0] } else { (Get-FileHash $script:Copy -Algorithm SHA256).Hash.ToLowerInvariant() }
        $entry.sha256 | Should -Be $expected
        $parts.Sha256 | Should -Be $expected
        Remove-FineTuneFile $parts.Id -Confirm:$false
    }

    It 'lets Get-FineTuneFile show the local path while the file still matches, and names it when the download is refused' {
        if (-not (Test-Path $script:Train)) { Set-ItResult -Skipped -Because "input missing: $script:Train"; return }
        (Get-FineTuneFile $script:Uploaded.Id).LocalPath | Should -Be (Resolve-Path $script:Copy).Path
        (Get-FineTuneFile -Purpose fine-tune | Where-Object Id -eq $script:Uploaded.Id).LocalPath | Should -Be (Resolve-Path $script:Copy).Path
        Save-FineTuneFile $script:Uploaded.Id -Path (Join-Path $TestDrive 'again.jsonl') -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.DownloadNotAllowed*'
        $refused[0].Exception.Message | Should -BeLike "*$((Resolve-Path $script:Copy).Path)*"

        # one byte changed, same size: the copy no longer counts
        $bytes = [IO.File]::ReadAllBytes($script:Copy)
        $bytes[10] = if ($bytes[10] -eq 65) { 66 } else { 65 }
        [IO.File]::WriteAllBytes($script:Copy, $bytes)
        (Get-FineTuneFile $script:Uploaded.Id).LocalPath | Should -BeNullOrEmpty
        Copy-Item $script:Train $script:Copy -Force
    }
}

Describe 'The archive of an account' {
    BeforeAll {
        $script:HasData = Test-Path $script:Train
        if (-not $script:HasData) { return }
        $tag = @{ batch = 'archive' }
        $script:Ok = Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -Path $script:Train -Metadata $tag -Suffix kept -Confirm:$false -Wait
        $few = Join-Path $TestDrive 'three.jsonl'
        Get-Content $script:Train -TotalCount 3 | Set-Content $few   # fewer than 10 examples: the service fails the job
        $script:Failed = Add-FineTuneFile $few -SkipValidation | Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -Metadata $tag -Confirm:$false -Wait -WarningAction SilentlyContinue
        $script:Cancelled = Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $script:Ok.TrainingFile -Epochs 50 -Metadata $tag -Confirm:$false |
            Stop-FineTuneJob -Confirm:$false -PassThru
        $script:Folder = Join-Path $TestDrive 'archive'
        $script:First = Export-FineTuneArchive $script:Folder -Metadata $tag
    }

    It 'holds every chosen job with its events, checkpoints, metrics and model, and verifies against its manifest' {
        if (-not $script:HasData) { Set-ItResult -Skipped -Because "input missing: $script:Train"; return }
        $script:Failed.Status | Should -Be 'failed'
        $script:Cancelled.Status | Should -Be 'cancelled'
        $script:First.Jobs | Should -Be 3
        $ok = Join-Path $script:Folder "jobs/$($script:Ok.Id)"
        (Get-Content (Join-Path $ok 'job.json') -Raw | ConvertFrom-Json).fine_tuned_model | Should -Be $script:Ok.FineTunedModel
        (Get-Content (Join-Path $ok 'events.jsonl')).Count | Should -Be (Get-FineTuneEvent $script:Ok.Id).Count
        (Get-Content (Join-Path $ok 'checkpoints.json') -Raw | ConvertFrom-Json).Count | Should -Be (Get-FineTuneCheckpoint $script:Ok.Id).Count
        $metrics = Import-Csv (Join-Path $ok 'metrics.csv')
        $metrics.Count | Should -Be (Get-FineTuneMetric $script:Ok.Id).Count
        (Get-Content (Join-Path $ok 'loss.svg') -Raw) | Should -BeLike '*<polyline*'
        $model = Get-Content (Join-Path $ok 'model.json') -Raw | ConvertFrom-Json
        $model.status | Should -Be 'serving'
        $model.shutdownDate | Should -Be '2027-01-14'
        Test-Path (Join-Path $script:Folder "jobs/$($script:Failed.Id)/job.json") | Should -BeTrue
        Test-Path (Join-Path $script:Folder "jobs/$($script:Cancelled.Id)/events.jsonl") | Should -BeTrue

        $manifest = Get-Content (Join-Path $script:Folder 'manifest.json') -Raw | ConvertFrom-Json
        $entry = $manifest.files | Where-Object path -eq "jobs/$($script:Ok.Id)/metrics.csv"
        $entry.bytes | Should -Be (Get-Item (Join-Path $ok 'metrics.csv')).Length
        $entry.sha256 | Should -Be (Get-FileHash (Join-Path $ok 'metrics.csv')).Hash.ToLowerInvariant()
        @(Test-FineTuneArchive $script:Folder) | Should -HaveCount 0
        Test-FineTuneArchive $script:Folder -Quiet | Should -BeTrue
    }

    It 'records plainly that the service keeps the training file, and where the local copy is' {
        if (-not $script:HasData) { Set-ItResult -Skipped -Because "input missing: $script:Train"; return }
        $content = Get-Content (Join-Path $script:Folder "files/$($script:Ok.TrainingFile)/content.json") -Raw | ConvertFrom-Json
        $content.downloaded | Should -BeFalse
        $content.refusedByService | Should -Be 'HTTP 400: Not allowed to download files of purpose: fine-tune'
        $content.localCopy.path | Should -Be (Resolve-Path $script:Train).Path
        $content.localCopy.stillMatches | Should -BeTrue
        $result = $script:Ok.ResultFiles[0]
        (Get-Content (Join-Path $script:Folder "files/$result/content.json") -Raw | ConvertFrom-Json).downloaded | Should -BeTrue
        $script:First.NotDownloadable | Should -Not -BeNullOrEmpty
    }

    It 'writes nothing on a second export, and rewrites only a file that changed' {
        if (-not $script:HasData) { Set-ItResult -Skipped -Because "input missing: $script:Train"; return }
        $before = Get-ChildItem $script:Folder -Recurse -File | ForEach-Object { "$($_.FullName)|$($_.LastWriteTimeUtc.Ticks)" }
        $second = Export-FineTuneArchive $script:Folder -Metadata @{ batch = 'archive' }
        $second.Written | Should -HaveCount 0
        $second.Unchanged | Should -BeGreaterThan 10
        Get-ChildItem $script:Folder -Recurse -File | ForEach-Object { "$($_.FullName)|$($_.LastWriteTimeUtc.Ticks)" } | Should -Be $before
    }

    It 'catches one changed byte and names the file' {
        if (-not $script:HasData) { Set-ItResult -Skipped -Because "input missing: $script:Train"; return }
        $events = Join-Path $script:Folder "jobs/$($script:Failed.Id)/events.jsonl"
        $bytes = [IO.File]::ReadAllBytes($events)
        $bytes[5] = $bytes[5] -bxor 1
        [IO.File]::WriteAllBytes($events, $bytes)
        $problems = Test-FineTuneArchive $script:Folder -WarningVariable warned -WarningAction SilentlyContinue
        $problems | Should -HaveCount 1
        $problems[0].Path | Should -Be "jobs/$($script:Failed.Id)/events.jsonl"
        $problems[0].Problem | Should -Be 'ContentChanged'
        $warned[0] | Should -BeLike "jobs/$($script:Failed.Id)/events.jsonl: ContentChanged*"
        Test-FineTuneArchive $script:Folder -Quiet -WarningAction SilentlyContinue | Should -BeFalse

        Remove-Item (Join-Path $script:Folder "jobs/$($script:Cancelled.Id)/job.json")
        (Test-FineTuneArchive $script:Folder -WarningAction SilentlyContinue | Sort-Object Problem).Problem | Should -Be @('ContentChanged', 'Missing')

        # an export brings back exactly what changed
        (Export-FineTuneArchive $script:Folder -Metadata @{ batch = 'archive' }).Written | Sort-Object | Should -Be (@("jobs/$($script:Cancelled.Id)/job.json", "jobs/$($script:Failed.Id)/events.jsonl") | Sort-Object)
        @(Test-FineTuneArchive $script:Folder) | Should -HaveCount 0
    }

    It 'with -WhatIf writes nothing; with -JobId takes only the chosen job' {
        if (-not $script:HasData) { Set-ItResult -Skipped -Because "input missing: $script:Train"; return }
        $other = Join-Path $TestDrive 'what-if'
        Export-FineTuneArchive $other -JobId $script:Ok.Id -WhatIf | Should -BeNullOrEmpty
        Test-Path $other | Should -BeFalse
        $one = $script:Ok | Export-FineTuneArchive $other
        $one.Jobs | Should -Be 1
        (Get-ChildItem (Join-Path $other 'jobs')).Name | Should -Be $script:Ok.Id
        (Get-ChildItem (Join-Path $other 'files')).Name | Sort-Object | Should -Be (@($script:Ok.TrainingFile) + $script:Ok.ResultFiles | Sort-Object)
    }

    It 'opens as a self-contained page in headless Chromium showing every job, its status, cost, model, last day and loss chart' {
        if (-not $script:HasData) { Set-ItResult -Skipped -Because "input missing: $script:Train"; return }
        $chromium = '/usr/bin/chromium'
        if (-not (Test-Path $chromium)) { Set-ItResult -Skipped -Because "Chromium is missing ($chromium): apt-get install chromium"; return }
        $index = Join-Path $script:Folder 'index.html'
        $html = Get-Content $index -Raw
        $html | Should -Not -Match '<script|<link|<img|(src|href)="https?:|url\('
        $profile = Join-Path $TestDrive 'chromium-profile'
        $dom = & $chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run `
            --user-data-dir=$profile --dump-dom "file://$index" 2>$null | Out-String
        $dom | Should -Match '<table id="jobs">'
        foreach ($job in $script:Ok, $script:Failed, $script:Cancelled) {
            $dom | Should -Match ('<tr id="{0}" data-status="{1}">' -f $job.Id, $job.Status)
        }
        $row = [regex]::Match($dom, "<tr id=""$($script:Ok.Id)"".*?</tr>", 'Singleline').Value
        $cost = [decimal]$script:Ok.TrainedTokens * 3.00 / 1000000   # gpt-4o-mini: $3.00 per 1M trained tokens
        $row | Should -Match ([regex]::Escape('<td class="n cost">$' + $cost.ToString('N2', [cultureinfo]::InvariantCulture) + '</td>'))
        $row | Should -Match ([regex]::Escape($script:Ok.FineTunedModel))
        $row | Should -Match '<td class="serving">serving</td>'
        $row | Should -Match '<td class="lastday">2027-01-13'
        $row | Should -Match '(?s)<svg[^>]*>.*<polyline'
        $dom | Should -Match ([regex]::Escape((Resolve-Path $script:Train).Path))
        [regex]::Match($dom, "<tr id=""$($script:Failed.Id)"".*?</tr>", 'Singleline').Value | Should -Match 'class="error"'
    }
}

Describe 'Fine-tuned models joined with their jobs' {
    It 'shows which models still exist, which were deleted, the job that made each and when it stops serving' {
        if (-not (Test-Path $script:Train)) { Set-ItResult -Skipped -Because "input missing: $script:Train"; return }
        $gone = Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -Path $script:Train -Suffix gone -Confirm:$false -Wait
        $kept = Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $gone.TrainingFile -Suffix kept -Confirm:$false -Wait
        Remove-FineTuneModel $gone.FineTunedModel -Confirm:$false
        $models = Get-FineTuneModel -FineTuned -WithJobs -WarningAction SilentlyContinue
        $deleted = $models | Where-Object Id -eq $gone.FineTunedModel
        $deleted.Exists | Should -BeFalse
        $deleted.JobId | Should -Be $gone.Id
        $deleted.ShutdownDate | Should -Be ([datetime]'2027-01-14')
        $alive = $models | Where-Object Id -eq $kept.FineTunedModel
        $alive.Exists | Should -BeTrue
        $alive.JobId | Should -Be $kept.Id
        (Get-FineTuneModel -FineTuned -WarningAction SilentlyContinue).Id | Should -Not -Contain $gone.FineTunedModel
    }
}

Describe 'Copying a job to a provider that still trains' {
    BeforeAll {
        $script:HasData = Test-Path $script:Train
        if (-not $script:HasData) { return }
        $script:Azure = Start-FineTuneEmulator -TimeScale 0.05 -Flavor Azure   # side by side with the OpenAI flavour
        $key = ConvertTo-SecureString 'sk-archive-test' -AsPlainText -Force
        $script:ToAzure = Connect-FineTune -Name azure-dest -Endpoint $script:Azure.Endpoint -ApiKey $key -Provider Azure -PassThru
        Connect-FineTune -Name source -Endpoint $script:Emu.Endpoint -ApiKey $key -MaxRetries 1 -MaxRetryDelaySec 1
        $script:Source = Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -Path $script:Train -Epochs 2 -Suffix moved -Seed 7 -Metadata @{ team = 'support' } -Confirm:$false -Wait
    }

    AfterAll {
        if ($script:Azure) { Stop-FineTuneEmulator $script:Azure }
        Connect-FineTune -Endpoint $script:Emu.Endpoint -ApiKey (ConvertTo-SecureString 'sk-archive-test' -AsPlainText -Force) -MaxRetries 1 -MaxRetryDelaySec 1
        Set-EmulatorClosure -Open -Emulator $script:Emu | Out-Null
    }

    It 'prints the destination''s estimate with -WhatIf, then copies the job in one command: same bytes, same settings, linked' {
        if (-not $script:HasData) { Set-ItResult -Skipped -Because "input missing: $script:Train"; return }
        $transcript = Join-Path $TestDrive 'whatif.txt'
        Start-Transcript -Path $transcript | Out-Null
        try { Copy-FineTuneJob $script:Source.Id -Destination azure-dest -WhatIf | Should -BeNullOrEmpty }
        finally { Stop-Transcript | Out-Null }
        $billed = (Measure-FineTuneDataset $script:Train -Model gpt-4o-mini-2024-07-18).BilledTokensPerEpoch
        $azure = Get-FineTuneCost -Model gpt-4o-mini-2024-07-18 -Provider Azure -TrainingTokens $billed -Epochs 2 -WarningAction SilentlyContinue
        $usd = $azure.EstimatedUsd
        $usd | Should -BeGreaterThan 0
        (Get-Content $transcript -Raw) -replace '\s+', ' ' | Should -Match ([regex]::Escape("Azure estimated cost `$$($usd.ToString('0.00', [cultureinfo]::InvariantCulture)): $(($billed * 2).ToString('N0')) tokens = $($billed.ToString('N0')) x 2 epochs at `$$($azure.PricePerMillion.ToString('0.00', [cultureinfo]::InvariantCulture)) per 1M"))
        Get-EmulatorRequestCount -Emulator $script:Azure -Route 'POST /v1/files' | Should -Be 0

        # the budget refuses a copy above -MaxCost before anything is uploaded (the engine's one budget rule)
        Copy-FineTuneJob $script:Source.Id -Destination $script:ToAzure -MaxCost 0.001 -Confirm:$false -ErrorVariable over -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $over[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.OverBudget,*'
        $over[0].Exception.Message | Should -BeLike ("The copy would cost about `${0} (Azure estimated cost*above -MaxCost `$0.001. Nothing was uploaded or started." -f $usd.ToString('0.00', [cultureinfo]::InvariantCulture))
        Get-EmulatorRequestCount -Emulator $script:Azure -Route 'POST /v1/files' | Should -Be 0

        $copy = Copy-FineTuneJob $script:Source.Id -Destination $script:ToAzure -MaxCost 1 -Confirm:$false
        $copy.SourceJobId | Should -Be $script:Source.Id
        $copy.DestinationEndpoint | Should -Be $script:ToAzure.Endpoint.AbsoluteUri
        $copy.EstimatedUsd | Should -Be $usd
        Get-EmulatorRequestCount -Emulator $script:Azure -Route 'POST /v1/fine_tuning/jobs' | Should -Be 1

        # on the destination: the same bytes, epochs, batch size, learning rate, suffix, seed, and the link back
        Connect-FineTune -Endpoint $script:Azure.Endpoint -ApiKey (ConvertTo-SecureString 'sk-archive-test' -AsPlainText -Force) -Provider Azure
        $job = Wait-FineTuneJob $copy.JobId
        $job.Status | Should -Be 'succeeded'
        $job.Metadata['source_job_id'] | Should -Be $script:Source.Id
        $job.Metadata['team'] | Should -Be 'support'
        $job.Epochs | Should -Be $script:Source.Epochs
        $job.BatchSize | Should -Be $script:Source.BatchSize
        $job.LearningRateMultiplier | Should -Be $script:Source.LearningRateMultiplier
        $job.Seed | Should -Be 7
        $job.Suffix | Should -Be 'moved'
        $saved = Save-FineTuneFile $job.TrainingFile -Path (Join-Path $TestDrive 'on-azure.jsonl')
        (Get-FileHash $saved.FullName).Hash | Should -Be (Get-FileHash $script:Train).Hash

        # a second copy is refused: the destination has one
        Connect-FineTune -Endpoint $script:Emu.Endpoint -ApiKey (ConvertTo-SecureString 'sk-archive-test' -AsPlainText -Force)
        Copy-FineTuneJob $script:Source.Id -Destination $script:ToAzure -Confirm:$false -ErrorVariable again -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $again[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.AlreadyCopied*'
        $again[0].Exception.Message | Should -BeLike "*$($copy.JobId)*"
    }

    It 'says where to find the data when the ledger has no copy, and uploads nothing' {
        if (-not $script:HasData) { Set-ItResult -Skipped -Because "input missing: $script:Train"; return }
        $elsewhere = Join-Path $TestDrive 'moved.jsonl'
        Copy-Item $script:Train $elsewhere
        $job = Add-FineTuneFile $elsewhere | Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -Confirm:$false -Wait
        Remove-Item $elsewhere -Force   # a copy of a read-only file is read-only
        Reset-EmulatorRequestCount -Emulator $script:Azure
        Copy-FineTuneJob $job.Id -Destination $script:ToAzure -Confirm:$false -ErrorVariable nodata -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $nodata[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.NoData*'
        $nodata[0].Exception.Message | Should -BeLike '*-TrainingPath*'
        Get-EmulatorRequestCount -Emulator $script:Azure -Route 'POST /v1/files' | Should -Be 0
    }
    It 'refuses new jobs on the source after the closure date with the error that names Copy-FineTuneJob' {
        if (-not $script:HasData) { Set-ItResult -Skipped -Because "input missing: $script:Train"; return }
        Set-EmulatorClosure ([datetime]::UtcNow.Date.AddDays(-1)) -Emulator $script:Emu | Out-Null
        Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $script:Source.TrainingFile -Confirm:$false -ErrorVariable closed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $closed[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.TrainingClosed*'
        $closed[0].Exception.Message | Should -BeLike '*2027-01-06*Copy-FineTuneJob*'
    }
}
