@{
    # The module's manifest. build.ps1 copies it into out/FineTune/<version>/ with ModuleVersion set
    # from Directory.Build.props. Exports are listed explicitly (no wildcards): fast import, clear surface.
    RootModule           = 'FineTune.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0f7e0e-2d6c-4f43-9a51-0c1f6c9e7a21'
    Author               = 'FineTune'
    CompanyName          = 'FineTune'
    Copyright            = '(c) FineTune. MIT License.'
    Description          = 'Fine-tuning for OpenAI-compatible services from PowerShell: build, check, count, price, screen and upload training files; start, watch and control jobs; use, keep or delete the fine-tuned models. Works with OpenAI, Azure OpenAI (v1 API) and any compatible base URL.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('FineTune.Format.ps1xml')
    CmdletsToExport      = @(
        'Add-FineTuneFile'
        'Compare-FineTuneModel'
        'Connect-FineTune'
        'ConvertTo-FineTuneExample'
        'Copy-FineTuneJob'
        'Disconnect-FineTune'
        'Export-FineTuneArchive'
        'Export-FineTuneComparison'
        'Export-FineTuneLossChart'
        'Find-FineTuneDuplicate'
        'Get-FineTuneCheckpoint'
        'Get-FineTuneContext'
        'Get-FineTuneCost'
        'Get-FineTuneDeployment'
        'Get-FineTuneEvent'
        'Get-FineTuneFile'
        'Get-FineTuneJob'
        'Get-FineTuneMetric'
        'Get-FineTuneModel'
        'Invoke-FineTuneChat'
        'Measure-FineTuneDataset'
        'Measure-FineTuneToken'
        'New-FineTuneDataset'
        'New-FineTuneDeployment'
        'New-FineTuneKnowledgeIndex'
        'Remove-FineTuneDeployment'
        'Remove-FineTuneFile'
        'Remove-FineTuneModel'
        'Resume-FineTuneJob'
        'Save-FineTuneFile'
        'Search-FineTuneKnowledgeIndex'
        'Show-FineTuneLossChart'
        'Split-FineTuneDataset'
        'Start-FineTuneJob'
        'Stop-FineTuneJob'
        'Suspend-FineTuneJob'
        'Test-FineTuneArchive'
        'Test-FineTuneDataset'
        'Test-FineTuneJob'
        'Test-FineTuneModeration'
        'Wait-FineTuneJob'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('OpenAI', 'FineTuning', 'FineTune', 'Azure', 'AzureOpenAI', 'LLM', 'JSONL', 'Training', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://www.powershellgallery.com/packages/FineTune'
            ReleaseNotes = '0.1.0: first release. Build, check, count, price and screen training files; upload them; start, watch, pause, resume and cancel jobs; events, checkpoints, metrics and loss charts; chat with the fine-tuned model; Azure OpenAI deployments. Get-Help about_FineTune for the workflow. Test runbooks offline with the companion module FineTune.Emulator. OpenAI takes no new fine-tuning jobs from 2027-01-06.'
        }
    }
}
