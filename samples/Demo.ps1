<#
.SYNOPSIS
    The main job, end to end, as a runbook would run it: data -> checked, priced training file ->
    fine-tuned model in use -> cleaned up, with a short report at the end.
.DESCRIPTION
    Runs on the FineTune emulator (started and stopped here) unless -Endpoint is given. The default data
    is samples/lumen-support-faq.csv, written for this project; -Path takes any CSV (question/answer-like
    columns) or JSON Lines file (records or chat examples).
    Against a real endpoint this costs money: the job is started with -MaxCost, and the script stops
    before starting it when the estimate is higher.
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Demo
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Demo -Path ../shared/data/instruct_alpaca_seed_tasks.jsonl
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Demo -Path tickets.csv -UserProperty text -AssistantProperty category -SystemMessage 'Answer with one of: Technical, Billing, Account, Product, Other.'
.EXAMPLE
    dotnet pwsh ./samples/Demo.ps1 -ModulePath ./out/FineTune/0.1.0/FineTune.psd1 -Endpoint https://api.openai.com/v1 -ApiKey (Read-Host -AsSecureString) -MaxCost 1
#>
[CmdletBinding()]
param(
    # The built module's manifest.
    [string] $ModulePath = (Get-ChildItem (Join-Path (Split-Path $PSScriptRoot) 'out/FineTune') -Filter FineTune.psd1 -Recurse | Select-Object -First 1).FullName,

    # A CSV or JSON Lines file to train on (default: samples/lumen-support-faq.csv).
    [string] $Path,

    # A real endpoint (with -ApiKey) instead of the emulator.
    [uri] $Endpoint,

    # The key for -Endpoint.
    [securestring] $ApiKey,

    # The emulator's flavour: OpenAI (default) or Azure.
    [ValidateSet('OpenAI', 'Azure')]
    [string] $Flavor = 'OpenAI',

    # The base model to fine-tune, and a second model to compare the price with.
    [string] $Model = 'gpt-4o-mini-2024-07-18',
    [string] $CompareModel = 'gpt-4.1-mini-2025-04-14',

    # The system message of every example.
    [string] $SystemMessage = 'You are the support assistant of Lumen Backup. Answer briefly and exactly.',

    # The column (property) that holds the user text, and the one that holds the reply or label. Default:
    # recognized by name (question/answer-like, or text/label-like for classification data).
    [string] $UserProperty,
    [string] $AssistantProperty,

    # Azure (a real -Endpoint): the account's ARM coordinates for the deployment step (ARM token from Get-AzAccessToken).
    [string] $SubscriptionId = 'demo-subscription',
    [string] $ResourceGroupName = 'demo-rg',
    [string] $AccountName = 'demo-account',

    # The most the job may cost, in USD (the estimate is checked before anything is started).
    [decimal] $MaxCost = 5,

    # Where the training files and the chart go (default: a new temporary folder).
    [string] $WorkDirectory = (Join-Path ([IO.Path]::GetTempPath()) "finetune-demo-$([guid]::NewGuid().ToString('N').Substring(0, 8))")
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$repo = Split-Path $PSScriptRoot
if (-not $Path) { $Path = Join-Path $PSScriptRoot 'lumen-support-faq.csv' }
$Path = (Resolve-Path $Path).Path
Import-Module $ModulePath -Force
$null = New-Item -ItemType Directory -Force $WorkDirectory
$started = Get-Date
$report = [ordered]@{}

function Step([string] $text) { Write-Host "`n== $text" -ForegroundColor Cyan }
function Is([object] $o, [string] $typeName) { $o.PSObject.TypeNames[0] -eq $typeName }

$emulator = $null
try {
    Step 'Connect'
    if ($Endpoint) {
        Connect-FineTune -Endpoint $Endpoint -ApiKey $ApiKey
    }
    else {
        Import-Module (Join-Path $repo 'src/FineTune.Emulator/Emulator.psm1') -Force
        $emulatorArgs = @{ TimeScale = 0.3 }
        if ($Flavor -eq 'Azure') { $emulatorArgs.Flavor = 'Azure' }
        $emulator = Start-FineTuneEmulator @emulatorArgs
        $providerArgs = if ($Flavor -eq 'Azure') { @{ Provider = 'Azure' } } else { @{} }
        Connect-FineTune -Endpoint $emulator.Endpoint -ApiKey (ConvertTo-SecureString 'demo-key' -AsPlainText -Force) @providerArgs
    }
    $arm = @{ SubscriptionId = $SubscriptionId; ResourceGroupName = $ResourceGroupName; AccountName = $AccountName }
    if ($emulator) { $arm.ArmEndpoint = $emulator.BaseUri; $arm.ArmToken = ConvertTo-SecureString 'demo-arm-token' -AsPlainText -Force }
    Get-FineTuneContext | Format-List Provider, Endpoint, AuthKind, KeySource | Out-Host

    Step "Prepare: $([IO.Path]::GetFileName($Path)) -> chat examples with a system message"
    $records = if ($Path -like '*.csv') { Import-Csv -Path $Path } else { Get-Content -Path $Path | ConvertFrom-Json }
    $mapping = @{}
    if ($UserProperty) { $mapping.UserProperty = $UserProperty }
    if ($AssistantProperty) { $mapping.AssistantProperty = $AssistantProperty }
    $dataset = $records | New-FineTuneDataset -Path (Join-Path $WorkDirectory 'all.jsonl') -SystemMessage $SystemMessage @mapping -Force -Verbose:$false
    $dataset | Format-Table | Out-Host

    Step "Check against the service's rules for $Model"
    $check = Test-FineTuneDataset -Path $dataset.Path -Model $Model
    $findings = @($check | Where-Object { Is $_ 'FineTune.Engine.Datasets.DatasetFinding' })
    $summary = $check | Where-Object { Is $_ 'FineTune.Engine.Datasets.DatasetReport' }
    if ($findings) { $findings | Format-Table | Out-Host }
    $summary | Format-Table | Out-Host
    if (-not $summary.Valid) { throw "The training file has errors (see above): fix the data, then run again." }

    Step "Count and price: $Model and $CompareModel"
    $Model, $CompareModel | ForEach-Object { Measure-FineTuneDataset -Path $dataset.Path -Model $_ } | Format-Table | Out-Host
    $costs = $Model, $CompareModel | ForEach-Object { Get-FineTuneCost -Path $dataset.Path -Model $_ -WarningAction SilentlyContinue }
    $costs | Format-Table | Out-Host

    # Both files need at least 10 examples (rule FT400), so a file under 20 examples trains without validation.
    $training, $validation = $dataset, $null
    if ($dataset.ExampleCount -ge 20) {
        Step 'Split into training and validation files (20%, at least 10, seeded)'
        $validationCount = [math]::Max(10, [int]($dataset.ExampleCount * 0.2))
        $training, $validation = Split-FineTuneDataset -Path $dataset.Path -ValidationCount $validationCount -Seed 7 -Force
        $training, $validation | Format-Table | Out-Host
    }

    Step 'Upload the files'
    $trainingFile = $training | Add-FineTuneFile
    $validationFile = if ($validation) { $validation | Add-FineTuneFile }
    @($trainingFile, $validationFile) -ne $null | Format-Table | Out-Host

    Step 'Start the job: first -WhatIf (sends nothing), then for real'
    $jobArgs = @{ Model = $Model; TrainingFile = $trainingFile; Suffix = 'lumen'; Seed = 7; MaxCost = $MaxCost }
    if ($validationFile) { $jobArgs.ValidationFile = $validationFile }
    Start-FineTuneJob @jobArgs -WhatIf
    $job = Start-FineTuneJob @jobArgs -Confirm:$false

    Step 'Wait for it (progress bar; events on the information stream)'
    $job = $job | Wait-FineTuneJob -TimeoutSec 600 -InformationAction SilentlyContinue
    $job | Format-Table | Out-Host
    if ($job.Status -ne 'succeeded') { throw "The job ended $($job.Status): $($job.ErrorMessage)" }

    Step 'The six newest events (oldest first) and the checkpoints'
    Get-FineTuneEvent -JobId $job.Id -First 6 | Format-Table | Out-Host
    Get-FineTuneCheckpoint -JobId $job.Id | Format-Table | Out-Host

    Step 'Training metrics'
    $metrics = Get-FineTuneMetric -JobId $job.Id
    $metrics | Show-FineTuneLossChart -Width 60 -Height 10 | Out-Host
    $chart = $metrics | Export-FineTuneLossChart -Path (Join-Path $WorkDirectory 'loss.svg') -Force -PassThru

    $model = $job.FineTunedModel
    if ((Get-FineTuneContext).Provider -eq 'Azure' -and (Get-Command New-FineTuneDeployment -ErrorAction SilentlyContinue)) {
        Step 'Deploy (Azure serves a fine-tuned model only through a deployment)'
        $deployment = $job | New-FineTuneDeployment -Name 'lumen-demo' @arm -Confirm:$false
        $model = $deployment.Name
    }

    Step "Ask $model two questions from the training data and one from outside"
    $trained = Get-Content $training.Path -TotalCount 2 | ConvertFrom-Json | ForEach-Object { ($_.messages | Where-Object role -eq 'user' | Select-Object -First 1).content }
    $questions = @($trained) + 'What is the capital of Australia?'
    $answers = $questions | Invoke-FineTuneChat -Model $model -SystemMessage $SystemMessage
    $answers | Format-List | Out-Host

    if ($validation) {
        Step "Did it pay off? $($job.BaseModel) against $model on the validation split"
        # answers graded by character similarity to the reference (the service's text_similarity grader)
        $grader = '{"type":"text_similarity","name":"similar","input":"{{sample.output_text}}","reference":"{{item.reference}}","evaluation_metric":"fuzzy_match","pass_threshold":0.8}'
        # (PowerShell names are case-insensitive: $model, the fine-tuned model or deployment, has replaced -Model)
        $contenders = if ((Get-FineTuneContext).Provider -eq 'Azure') { @($model) } else { @($job.BaseModel, $model) }
        $trainingCost = @($costs)[0].EstimatedUsd   # the estimate for the base model (the first of the two)
        $comparison = Compare-FineTuneModel -Path $validation.Path -Model $contenders -Grader $grader -TrainingCost $trainingCost -JournalPath (Join-Path $WorkDirectory 'compare-journal.jsonl')
        $comparison | Format-Table | Out-Host
        $comparisonReport = $comparison | Export-FineTuneComparison -Path (Join-Path $WorkDirectory 'comparison.html') -Force
    }

    Step 'Clean up: the model and the files'
    if (Get-Variable deployment -ErrorAction SilentlyContinue) { $deployment | Remove-FineTuneDeployment @arm -Confirm:$false }
    elseif ((Get-FineTuneContext).Provider -ne 'Azure') { Remove-FineTuneModel -Model $job.FineTunedModel -Confirm:$false }
    $fileIds = @(@($trainingFile, $validationFile) -ne $null | ForEach-Object Id) + @($job.ResultFiles)
    Remove-FineTuneFile -Id $fileIds -Confirm:$false

    $report['Data'] = "$([IO.Path]::GetFileName($Path)): $($dataset.ExampleCount) examples, $($summary.Errors) errors, $($summary.Warnings) warnings"
    $report['Cost estimate'] = ($costs | ForEach-Object { '{0}: ${1} ({2:N0} tokens x {3} epochs)' -f $_.Model, $_.EstimatedUsd, $_.BilledTokensPerEpoch, $_.Epochs }) -join '; '
    $report['Files'] = "training $($training.ExampleCount) examples, validation $(if ($validation) { "$($validation.ExampleCount) examples" } else { 'none (under 20 examples in all)' })"
    $report['Job'] = "$($job.Id) $($job.Status), $($job.TrainedTokens) trained tokens"
    $report['Model'] = $job.FineTunedModel
    $report['Final loss'] = ($metrics | Where-Object TrainLoss | Select-Object -Last 1).TrainLoss
    $chatCost = [decimal]0
    $answers | ForEach-Object { if ($null -ne $_.CostUsd) { $chatCost += $_.CostUsd } }
    $report['Chat cost'] = '${0}' -f $chatCost
    $report['Chart'] = $chart.FullName
    if ($comparison) {
        $report['Comparison'] = '{0} passed ({1})' -f (($comparison | ForEach-Object { $_.PassRate.ToString('P0', [cultureinfo]::InvariantCulture) }) -join ' -> '), $(if (@($comparison).Count -gt 1) { 'base -> fine-tuned' } else { 'fine-tuned' })
        $report['Comparison report'] = $comparisonReport.FullName
    }
    $report['Cleaned up'] = "$($fileIds.Count) files and the $(if (Get-Variable deployment -ErrorAction SilentlyContinue) { 'deployment (Azure keeps the model)' } else { 'model' })"
    $report['Time'] = '{0:N1} s' -f ((Get-Date) - $started).TotalSeconds
}
finally {
    if ($emulator) { $emulator | Stop-FineTuneEmulator }
}

Step 'Report'
[pscustomobject]$report | Format-List | Out-Host
