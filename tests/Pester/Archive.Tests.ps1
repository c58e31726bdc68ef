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
    Disconnect-FineTune
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

    It 'lets Get-FineTuneFile show the local path while the file still matches, and names it when the download is refused' {
        if (-not (Test-Path $script:Train)) { Set-ItResult -Skipped -Because "input missing: $script:Train"; return }
        (Get-FineTuneFile $script:Uploaded.Id).LocalPath | Should -Be (Resolve-Path $script:Copy).Path
        (Get-FineTuneFile -Purpose fine-tune | Where-Object Id -eq $script:Uploaded.Id).LocalPath | Should -Be (Resolve-Path $script:Copy).Path
        Save-FineTuneFile $script:Uploaded.Id -Path (Join-Path $TestDrive 'again.jsonl') -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.SaveFile.DownloadNotAllowed*'
        $refused[0].Exception.Message | Should -BeLike "*$((Resolve-Path $script:Copy).Path)*"

        # one byte changed, same size: the copy no longer counts
        $bytes = [IO.File]::ReadAllBytes($script:Copy)
        $bytes[10] = if ($bytes[10] -eq 65) { 66 } else { 65 }
        [IO.File]::WriteAllBytes($script:Copy, $bytes)
        (Get-FineTuneFile $script:Uploaded.Id).LocalPath | Should -BeNullOrEmpty
        Copy-Item $script:Train $script:Copy -Force
    }
}

Describe 'A provider that stops training' {
    AfterEach { Set-EmulatorClosure -Open | Out-Null }

    It 'turns the refused create into an error naming the date and Copy-FineTuneJob' {
        if (-not (Test-Path $script:Train)) { Set-ItResult -Skipped -Because "input missing: $script:Train"; return }
        $file = Add-FineTuneFile $script:Train
        Set-EmulatorClosure ([datetime]::UtcNow.Date) | Should -Be ([datetime]::UtcNow.ToString('yyyy-MM-dd'))
        Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $file.Id -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.StartJob.TrainingClosed*'
        $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err[0].Exception.Message | Should -BeLike '*2027-01-06*Copy-FineTuneJob*'
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
        (Test-FineTuneArchive $script:Folder -WarningAction SilentlyContinue).Problem | Should -Be @('ContentChanged', 'Missing')

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
