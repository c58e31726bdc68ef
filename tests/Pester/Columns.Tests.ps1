# Every output type of the module, rendered by its default table view at 80 columns (a runbook log, a
# scheduled task, redirected output): no line over 80, the header on one line (no 'Cr/ea/te/dA/t'), every
# column of the view shown, and the figures that matter (cost, status, ids) shown in full.
BeforeDiscovery {
    # the key columns of each type: each must be in the view, and each object's value must show in full
    $script:Keys = [ordered]@{
        'FineTune.Engine.Providers.FineTuneConnection' = 'Provider', 'Endpoint', 'KeySource'
        'FineTune.Engine.Datasets.FineTuneExample'    = 'Format', 'Messages'
        'FineTune.Engine.Datasets.FineTuneDataset'    = 'Format', 'ExampleCount', 'Bytes'
        'FineTune.Engine.Datasets.DatasetReport'      = 'Valid', 'Format', 'Examples', 'Errors', 'Warnings', 'Tokens'
        'FineTune.Engine.Datasets.DatasetFinding'     = 'Line', 'RuleId', 'Severity'
        'FineTune.Engine.Datasets.DatasetMeasurement' = 'File', 'Model', 'Examples', 'TotalTokens', 'Billed/Epoch'
        'FineTune.Engine.Datasets.ExampleTokenCount'  = 'Line', 'Tokens', 'OverLimit'
        'FineTune.Engine.Tokens.TokenMeasurement'     = 'Tokens', 'Encoding'
        'FineTune.Engine.Pricing.CostEstimate'        = 'Model', 'TrainedTokens', 'EstimatedUsd', 'CanTrain', 'Shutdown'
        'FineTune.Engine.Service.FineTuneFile'        = 'Id', 'Bytes', 'Purpose', 'Status'
        'FineTune.Engine.Service.FineTuneJob'         = 'Id', 'Status', 'FineTunedModel'
        'FineTune.Engine.Service.FineTuneEvent'       = 'CreatedAt', 'Level'
        'FineTune.Engine.Service.FineTuneCheckpoint'  = 'Step', 'TrainLoss', 'FineTunedModelCheckpoint'
        'FineTune.Engine.Jobs.FineTuneMetric'         = 'Step', 'TrainLoss', 'ValidLoss'
        'FineTune.Engine.Service.FineTuneModel'       = 'Id', 'ShutdownDate'
        'FineTune.Engine.Service.ChatAnswer'          = 'Model', 'Tokens', 'CostUsd'
        'FineTune.Engine.Moderation.ModerationFinding' = 'Line', 'Categories', 'Role'
        'FineTune.Engine.Moderation.ModerationSummary' = 'Examples', 'Screened', 'Flagged'
        'FineTune.Engine.Service.AzureDeployment'     = 'Name', 'ProvisioningState', 'Capacity'
        'FineTune.Engine.Evaluation.ContenderSummary' = 'Contender', 'Pass%', '$/1k'
        'FineTune.Engine.Evaluation.CurveDiagnosis'   = 'Overfitted', 'BestStep', 'Checkpoint'
        'FineTune.Engine.Archive.ArchiveReport'       = 'Jobs', 'Files', 'BytesWritten'
        'FineTune.Engine.Archive.ArchiveProblem'      = 'Problem', 'Path'
        'FineTune.Engine.Archive.JobCopy'             = 'SourceJobId', 'JobId', 'Status', 'EstUsd'
        'FineTune.Engine.Embeddings.KnowledgeIndexInfo' = 'Index', 'Chunks', 'Requests', 'CostUsd'
        'FineTune.Engine.Embeddings.KnowledgeHit'     = 'Rank', 'Score', 'Source', 'Line'
        'FineTune.Engine.Embeddings.DuplicatePair'    = 'Kind', 'Similarity', 'Line', 'OtherLine'
    }
    $script:Cases = foreach ($k in $script:Keys.Keys) { @{ Type = $k; Key = $script:Keys[$k] } }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1) -Force
    Import-Module (Get-FineTuneModulePath) -Force
    Import-Module (Join-Path $PSScriptRoot '../../src/FineTune.Emulator/Emulator.psm1') -Force
    $samples = Join-Path $PSScriptRoot '../../samples'
    $model = 'gpt-4o-mini-2024-07-18'
    $out = [System.Collections.Generic.List[object]]::new()
    function Keep { process { $out.Add($_) } }

    # every output type, made by the cmdlets themselves on the emulator (OpenAI, then Azure flavour)
    $script:emu = Start-FineTuneEmulator -TimeScale 0.05 -TriggerWord 'Restore=violence'
    $script:azure = Start-FineTuneEmulator -TimeScale 0.05 -Flavor Azure
    Connect-FineTune -Endpoint $emu.Endpoint -ApiKey (ConvertTo-SecureString 'columns-key' -AsPlainText -Force)
    Get-FineTuneContext | Keep
    $rows = Import-Csv (Join-Path $samples 'lumen-support-faq.csv')
    $rows | Select-Object -First 2 | ConvertTo-FineTuneExample -SystemMessage 'You are terse.' | Keep
    $data = $rows | New-FineTuneDataset -Path (Join-Path $TestDrive 'faq.jsonl') -SystemMessage 'You answer questions about Lumen Backup.'
    $data | Keep
    Test-FineTuneDataset -Path (Join-Path $samples 'support-tickets.csv') | Keep
    Test-FineTuneDataset -Path $data.Path -Model $model | Keep
    Measure-FineTuneDataset -Path $data.Path -Model $model -PerExample | Select-Object -Last 3 | Keep
    Measure-FineTuneToken -Text 'How do I restore a folder from last week?' -Model $model | Keep
    'gpt-4o-mini-2024-07-18', 'gpt-4.1-mini-2025-04-14', 'gpt-3.5-turbo-0125' | ForEach-Object { Get-FineTuneCost -Path $data.Path -Model $_ -WarningAction SilentlyContinue } | Keep
    Test-FineTuneModeration -Path $data.Path | Keep
    $file = $data | Add-FineTuneFile
    $file | Keep
    $job = Start-FineTuneJob -Model $model -TrainingFile $file -Suffix columns -Confirm:$false | Wait-FineTuneJob -InformationAction SilentlyContinue
    $job | Keep
    Get-FineTuneEvent -JobId $job.Id -First 5 | Keep
    Get-FineTuneCheckpoint -JobId $job.Id | Keep
    Get-FineTuneMetric -JobId $job.Id | Select-Object -Last 5 | Keep
    Get-FineTuneModel | Keep
    'How do I reset my password?' | Invoke-FineTuneChat -Model $job.FineTunedModel | Keep
    Compare-FineTuneModel -Path $data.Path -Model $model, $job.FineTunedModel -Contains | Keep
    Test-FineTuneJob -JobId $job.Id | Keep
    $archive = Join-Path $TestDrive 'archive'
    Export-FineTuneArchive $archive | Keep
    Get-ChildItem $archive -Recurse -File -Filter '*.json' | Where-Object Name -ne 'manifest.json' | Select-Object -First 1 | Add-Content -Value ' '
    Test-FineTuneArchive $archive | Keep
    $kb = New-FineTuneKnowledgeIndex -Path (Join-Path $samples 'lumen-support-faq.csv') -IndexPath (Join-Path $TestDrive 'kb.ftidx') -Confirm:$false
    $kb | Keep
    Search-FineTuneKnowledgeIndex -IndexPath $kb.Path -Query 'How do I reset my password?' -Top 3 | Keep
    Find-FineTuneDuplicate -Path $data.Path -Threshold 0.3 -Confirm:$false | Select-Object -First 3 | Keep
    # a copy of the job on Azure: both connections by name (without -Name, Connect-FineTune re-configures the current one)
    $dest = Connect-FineTune -Name columns-azure -Endpoint $azure.Endpoint -ApiKey (ConvertTo-SecureString 'columns-key' -AsPlainText -Force) -Provider Azure -PassThru
    Connect-FineTune -Name Default -Endpoint $emu.Endpoint -ApiKey (ConvertTo-SecureString 'columns-key' -AsPlainText -Force)
    Copy-FineTuneJob $job.Id -Destination $dest -Confirm:$false | Keep
    Disconnect-FineTune -Name columns-azure

    Connect-FineTune -Endpoint $azure.Endpoint -ApiKey (ConvertTo-SecureString 'columns-key' -AsPlainText -Force) -Provider Azure
    $azureJob = $data | Add-FineTuneFile | Start-FineTuneJob -Model $model -Confirm:$false | Wait-FineTuneJob -InformationAction SilentlyContinue
    $arm = @{ SubscriptionId = 'sub-1'; ResourceGroupName = 'rg-1'; AccountName = 'acct-1'; ArmEndpoint = $azure.BaseUri; ArmToken = (ConvertTo-SecureString 'arm-token' -AsPlainText -Force) }
    $azureJob | New-FineTuneDeployment -Name 'columns-demo' @arm -Confirm:$false | Keep
    Disconnect-FineTune

    $script:Objects = $out | Group-Object { $_.PSObject.TypeNames[0] } -AsHashTable -AsString

    # the labels of a type's default table view
    function Get-ViewLabel([string] $Type) {
        $view = (Get-FormatData -TypeName $Type).FormatViewDefinition | Where-Object { $_.Control -is [System.Management.Automation.TableControl] } | Select-Object -First 1
        $view.Control.Headers | ForEach-Object { $_.Label }
    }
}

AfterAll {
    $script:emu | Stop-FineTuneEmulator
    $script:azure | Stop-FineTuneEmulator
}

Describe 'Default views at 80 columns' {
    It 'every output type of every cmdlet is covered here' -TestCases @(@{ Covered = @($script:Keys.Keys) }) {
        $types = Get-Command -Module FineTune | ForEach-Object { $_.OutputType.Name } | Where-Object { $_ -like 'FineTune.*' } | Sort-Object -Unique
        $types | Should -Be (@($Covered) | Sort-Object)
    }

    It '<Type> fits 80 columns with its key columns whole' -ForEach $Cases {
        $objects = @($script:Objects[$Type])
        $objects.Count | Should -BeGreaterThan 0 -Because "the setup made no $Type"
        $labels = @(Get-ViewLabel $Type)
        $labels.Count | Should -BeGreaterThan 0 -Because "$Type has a default table view"
        foreach ($k in $Key) { $labels | Should -Contain $k -Because "$Type's table keeps $k" }

        $text = $objects | Format-Table | Out-String -Width 80
        $lines = @($text -split '\r?\n' | ForEach-Object { $_.TrimEnd() } | Where-Object { $_ })
        foreach ($line in $lines) { $line.Length | Should -BeLessOrEqual 80 -Because "'$line' is a line of $Type" }
        # one header line, then the dashes: a wrapped header would put letters on the second line
        $lines[1] | Should -Match '^[- ]+$' -Because "$Type's header is one line:`n$text"
        # every label whole, in order (a label may hold a space: '95% CI'), and nothing else on the header line
        $starts = @(); $at = 0
        foreach ($label in $labels) {
            $i = $lines[0].IndexOf($label, $at, [StringComparison]::Ordinal)
            $i | Should -BeGreaterOrEqual 0 -Because "no column of $Type is dropped or cut ('$label'):`n$text"
            $starts += $i; $at = $i + $label.Length
        }
        ($lines[0] -replace '\s', '') | Should -Be (-join $labels -replace '\s', '') -Because "$Type's header holds its labels only:`n$text"

        # each key column's value shows in full (the text the view computes for it), on one line or wrapped
        # within its column: the column's slices of every row, joined, hold it
        $view = (Get-FormatData -TypeName $Type).FormatViewDefinition | Where-Object { $_.Control -is [System.Management.Automation.TableControl] } | Select-Object -First 1
        foreach ($k in $Key) {
            $i = [array]::IndexOf($labels, $k)
            $from = if ($i -eq 0) { 0 } else { $starts[$i - 1] + $labels[$i - 1].Length + 1 }
            $to = if ($i -eq $labels.Count - 1) { 80 } else { $starts[$i + 1] - 1 }
            $column = -join ($lines | Select-Object -Skip 2 | ForEach-Object { if ($_.Length -gt $from) { $_.Substring($from, [math]::Min($to, $_.Length) - $from) } }) -replace '\s', ''
            $item = $view.Control.Rows[0].Columns[$i].DisplayEntry
            foreach ($o in $objects) {
                $value = if ($item.ValueType -eq 'ScriptBlock') { $o | ForEach-Object ([scriptblock]::Create($item.Value)) } else { $o.($item.Value) }
                if ($null -eq $value -or "$value" -eq '') { continue }
                $column.Contains(("$value" -replace '\s', '')) | Should -BeTrue -Because "$Type shows $k '$value' whole:`n$text"
            }
        }
    }
}
