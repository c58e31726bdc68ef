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
