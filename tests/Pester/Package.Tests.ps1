# The packages of build.ps1 -Task Package (build.ps1 -Task Test makes them first and names their folder in
# FINETUNE_PACKAGES): installed by name from a local folder repository in a fresh pwsh whose user folders
# (modules, PSResourceGet's repository list) are a temporary folder, imported by name and used.
BeforeDiscovery {
    $script:noPackages = -not ($env:FINETUNE_PACKAGES -and (Test-Path (Join-Path $env:FINETUNE_PACKAGES 'FineTune.*.nupkg')))
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1) -Force
}

Describe 'Installing FineTune by name' {
    It 'installs FineTune and FineTune.Emulator from a repository, imports them by name and runs a cmdlet on the emulator' -Skip:$noPackages {
        $home2 = New-Item -ItemType Directory (Join-Path $TestDrive 'user-data')
        $script = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name LocalFineTune -Uri '$($env:FINETUNE_PACKAGES)' -Trusted
Install-PSResource -Name FineTune, FineTune.Emulator -Repository LocalFineTune -Scope CurrentUser
Import-Module FineTune
Import-Module FineTune.Emulator
'module: ' + (Get-Module FineTune).ModuleBase
'version: ' + (Get-Module FineTune).Version
'emulator: ' + (Get-Module FineTune.Emulator).ModuleBase
'cost: ' + (Get-FineTuneCost -Model gpt-4o-mini-2024-07-18 -TrainingTokens 100000 -Epochs 3).EstimatedUsd
`$emu = Start-FineTuneEmulator
try {
    Connect-FineTune -Endpoint `$emu.Endpoint -ApiKey (ConvertTo-SecureString 'package-key' -AsPlainText -Force)
    'models: ' + ((Get-FineTuneModel).Id -join ',')
}
finally { `$emu | Stop-FineTuneEmulator }
'help: ' + (Get-Help about_FineTune | Out-String).Contains('2027-01-06')
"@
        # the child's user data folder (modules of -Scope CurrentUser, PSResourceGet's repository list), and
        # no inherited PSModulePath: the child computes its own from that folder
        $data = New-Item -ItemType Directory (Join-Path $home2 '.local/share')
        $saved = $env:HOME, $env:XDG_DATA_HOME, $env:PSModulePath
        $env:HOME = $home2.FullName
        $env:XDG_DATA_HOME = $data.FullName
        $env:PSModulePath = $null
        try { $out = Invoke-FreshPwsh $script }
        finally { $env:HOME, $env:XDG_DATA_HOME, $env:PSModulePath = $saved }
        $text = $out -join "`n"
        $text | Should -Match "module: $([regex]::Escape($data.FullName))/powershell/Modules/FineTune/0\.1\.0" -Because $text
        $text | Should -Match "emulator: $([regex]::Escape($data.FullName))/powershell/Modules/FineTune\.Emulator/0\.1\.0"
        $text | Should -Match 'cost: 0\.9'   # 300,000 trained tokens at $3.00 per 1M
        $text | Should -Match 'models: .*gpt-4o-mini-2024-07-18'
        $text | Should -Match 'help: True'
    }

    It 'packs a complete manifest' -Skip:$noPackages {
        $nupkg = Get-Item (Join-Path $env:FINETUNE_PACKAGES 'FineTune.0.*.nupkg')
        $zip = [IO.Compression.ZipFile]::OpenRead($nupkg.FullName)
        try {
            $entry = $zip.Entries | Where-Object FullName -eq 'FineTune.psd1'
            $reader = [IO.StreamReader]::new($entry.Open())
            $manifestText = $reader.ReadToEnd(); $reader.Dispose()
            $zip.Entries.FullName | Should -Contain 'en-US/about_FineTune.help.txt'
            $zip.Entries.FullName | Should -Contain 'en-US/FineTune.dll-Help.xml'
            $zip.Entries.FullName | Should -Contain 'dependencies/FineTune.Engine.dll'
        }
        finally { $zip.Dispose() }
        Set-Content -Path (Join-Path $TestDrive 'packed.psd1') -Value $manifestText
        $manifest = Import-PowerShellDataFile (Join-Path $TestDrive 'packed.psd1')
        $manifest.Description | Should -Not -BeNullOrEmpty
        $manifest.PowerShellVersion | Should -Be '5.1'
        $manifest.CompatiblePSEditions | Should -Be 'Desktop', 'Core'
        foreach ($k in 'ProjectUri', 'LicenseUri', 'Tags', 'ReleaseNotes') { $manifest.PrivateData.PSData[$k] | Should -Not -BeNullOrEmpty -Because "the manifest has $k" }
    }
}
