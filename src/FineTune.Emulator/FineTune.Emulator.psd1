@{
    # The companion module: the FineTune emulator (an OpenAI-compatible fine-tuning service on loopback,
    # no account, no cost) and the functions that start and drive it, for runbook tests. build.ps1 -Task
    # Package lays it out as out/FineTune.Emulator/<version>/ (the emulator in bin/) and packs it.
    RootModule           = 'FineTune.Emulator.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '3d6f1c52-8a47-4c1e-9e0b-6a2f4d7b9c13'
    Author               = 'FineTune'
    CompanyName          = 'FineTune'
    Copyright            = '(c) FineTune. MIT License.'
    Description          = 'An offline emulator of an OpenAI-compatible fine-tuning service (files, jobs, events, checkpoints, models, chat, moderation; OpenAI or Azure OpenAI flavour; injectable faults) for testing runbooks that use the FineTune module. Start-FineTuneEmulator starts it on a free loopback port. Needs the .NET 10 runtime with ASP.NET Core (dotnet on PATH).'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FunctionsToExport    = @('Start-FineTuneEmulator', 'Stop-FineTuneEmulator', 'Get-EmulatorRequestCount', 'Reset-EmulatorRequestCount', 'Set-EmulatorFault', 'Start-FineTunePrism', 'Stop-FineTunePrism')
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('OpenAI', 'FineTuning', 'Emulator', 'Testing', 'Pester', 'PSEdition_Core')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://www.powershellgallery.com/packages/FineTune'
            ReleaseNotes = '0.1.0: first release, packed with the FineTune module of the same version.'
        }
    }
}
