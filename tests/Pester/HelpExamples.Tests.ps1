# Every example of every cmdlet's help runs as written, on the emulator: in a folder that holds the files the
# examples name (train.jsonl, faq.csv, kb.ftidx, ...), with the variables they use set to real things of the emulator
# ($jobId, $fileId, $model, $key, $azureKey, $openAiKey, $azure, $sub, $armToken, $pairs, $more,
# $getPriceTool, $longInstructions), confirmations answered yes ($ConfirmPreference None), and stand-ins for
# what needs a person, an Azure account or the internet (Read-Host, Get-Credential, Connect-AzAccount,
# Invoke-Item; OPENAI_BASE_URL and the RESOURCE endpoint point at the emulators). An example passes when it
# writes no error.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1) -Force
    Import-Module (Get-FineTuneModulePath) -Force
    $script:examples = @(foreach ($c in Get-Command -Module FineTune -CommandType Cmdlet | Sort-Object Name) {
        $n = 0
        foreach ($e in (Get-Help $c.Name).examples.example) { $n++; @{ Name = $c.Name; N = $n; Code = ($e.code -join "`n").Trim() } }
    })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1) -Force
    Import-Module (Get-FineTuneModulePath) -Force
    Import-Module (Join-Path $PSScriptRoot '../../src/FineTune.Emulator/Emulator.psm1') -Force
    $repo = Split-Path (Split-Path $PSScriptRoot)
    $script:work = New-Item -ItemType Directory (Join-Path $TestDrive 'work')
    $script:emuOpenAI = Start-FineTuneEmulator -TimeScale 0.05
    $script:emuAzure = Start-FineTuneEmulator -TimeScale 0.05 -Flavor Azure
    # one second a phase, jobs of 20 epochs: long enough to be stopped, paused or resumed
    $script:emuSlow = Start-FineTuneEmulator -TimeScale 1
    $script:secure = ConvertTo-SecureString 'example-key' -AsPlainText -Force

    # the files the examples name
    Copy-Item (Join-Path $repo 'samples/lumen-support-faq.csv') $work
    Copy-Item (Join-Path $repo 'samples/lumen-support-faq.csv') (Join-Path $work 'faq.csv')
    $faq = Import-Csv (Join-Path $work 'faq.csv')
    $null = $faq | New-FineTuneDataset -Path (Join-Path $work 'train.jsonl') -SystemMessage 'You answer questions about Lumen Backup.'
    foreach ($copy in 'all.jsonl', 'big.jsonl') { Copy-Item (Join-Path $work 'train.jsonl') (Join-Path $work $copy) }
    $null = New-Item -ItemType Directory (Join-Path $work 'data')
    Copy-Item (Join-Path $work 'train.jsonl') (Join-Path $work 'data/support.jsonl')
    $faq | Select-Object -First 3 | ForEach-Object { @{ instruction = $_.Question; instances = @(@{ input = ''; output = $_.Answer }) } | ConvertTo-Json -Compress -Depth 5 } |
        Set-Content (Join-Path $work 'seed_tasks.jsonl')
    $faq | Select-Object -First 3 | ForEach-Object Question | Set-Content (Join-Path $work 'prompts.txt')
    $faq | Select-Object -First 2 Question | Export-Csv (Join-Path $work 'questions.csv')
    Import-Csv (Join-Path $repo 'samples/support-tickets.csv') | Select-Object -First 12 |
        New-FineTuneDataset -Path (Join-Path $work 'tickets.jsonl') -UserProperty text -AssistantProperty category | Out-Null
    foreach ($copy in 'val.jsonl', 'eval.jsonl') { Copy-Item (Join-Path $work 'tickets.jsonl') (Join-Path $work $copy) }
    $null = New-Item -ItemType Directory (Join-Path $work 'split')
    Copy-Item (Join-Path $work 'tickets.jsonl') (Join-Path $work 'split/validation.jsonl')
    '{"type":"string_check","name":"label","input":"{{sample.output_text}}","reference":"{{item.reference}}","operation":"eq"}' | Set-Content (Join-Path $work 'graders.json')
    '{"type":"string"}' | Set-Content (Join-Path $work 'answer.schema.json')
    foreach ($catalog in 'our-prices.json', 'azure-contract.json') { Copy-Item (Join-Path $repo 'src/FineTune.Engine/Models/models.json') (Join-Path $work $catalog) }

    # a finished job on each flavour, for the examples that read or use one
    function Use-Emulator($emulator, [string] $Provider = 'OpenAI') {
        $global:PSDefaultParameterValues['*-Emulator*:Emulator'] = $emulator
        $global:PSDefaultParameterValues['*-FineTuneDeployment:ArmEndpoint'] = $script:emuAzure.BaseUri
        $global:PSDefaultParameterValues['*-FineTuneDeployment:ArmToken'] = $script:secure
        # by name: Connect-FineTune without -Name would re-configure whichever named connection an example left current
        Connect-FineTune -Name Default -Endpoint $emulator.Endpoint -ApiKey $script:secure -Provider $Provider
    }
    function Start-Finished {
        $file = Add-FineTuneFile (Join-Path $script:work 'train.jsonl')
        $job = Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $file -Suffix support -Metadata @{ team = 'support' } -Confirm:$false | Wait-FineTuneJob -InformationAction SilentlyContinue
        [pscustomobject]@{ FileId = $file.Id; JobId = $job.Id; Model = $job.FineTunedModel }
    }
    Use-Emulator $script:emuOpenAI
    $script:done = Start-Finished
    Use-Emulator $script:emuAzure Azure
    $script:azureDone = Start-Finished
    $arm = @{ SubscriptionId = 'sub-1'; ResourceGroupName = 'rg-ai'; AccountName = 'contoso' }
    $null = New-FineTuneDeployment -Name support-bot -Model $azureDone.Model @arm -Confirm:$false
    Use-Emulator $script:emuOpenAI
    $null = Export-FineTuneArchive (Join-Path $work 'ft-archive')
    $null = New-FineTuneKnowledgeIndex -Path (Join-Path $work 'faq.csv') -IndexPath (Join-Path $work 'kb.ftidx') -Confirm:$false

    # a job on the slow emulator in a given state: running, or paused
    function Start-Slow([string] $State) {
        Use-Emulator $script:emuSlow
        $job = Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -TrainingFile (Add-FineTuneFile (Join-Path $script:work 'train.jsonl')) -Epochs 20 -Confirm:$false
        $deadline = [datetime]::UtcNow.AddSeconds(30)
        while ((Get-FineTuneJob $job.Id).Status -ne 'running') {
            if ([datetime]::UtcNow -gt $deadline) { throw "Job $($job.Id) did not start running." }
            Start-Sleep -Milliseconds 200
        }
        if ($State -eq 'paused') { $null = Suspend-FineTuneJob $job.Id -Confirm:$false -PassThru }
        $job.Id
    }

    # stand-ins for what needs a person at the keyboard or an Azure account
    function global:Read-Host { param([Parameter(Position = 0)] $Prompt, [switch] $AsSecureString) ConvertTo-SecureString 'example-key' -AsPlainText -Force }
    function global:Get-Credential { param([string] $UserName) [pscredential]::new($UserName, (ConvertTo-SecureString 'example-key' -AsPlainText -Force)) }
    function global:Connect-AzAccount { }
    function global:Invoke-Item { param([Parameter(ValueFromPipeline)] $InputObject) process { } }
}

AfterAll {
    foreach ($e in $script:emuOpenAI, $script:emuAzure, $script:emuSlow) { $e | Stop-FineTuneEmulator }
    foreach ($name in 'Read-Host', 'Get-Credential', 'Connect-AzAccount', 'Invoke-Item') { Remove-Item "function:global:$name" -ErrorAction SilentlyContinue }
    foreach ($k in '*-Emulator*:Emulator', '*-FineTuneDeployment:ArmEndpoint', '*-FineTuneDeployment:ArmToken') { $global:PSDefaultParameterValues.Remove($k) }
    Disconnect-FineTune
}

Describe 'Help example <N> of <Name>' -ForEach $examples {
    It 'runs as written: <Code>' {
        $azureExample = $Code -match 'FineTuneDeployment|-TrainingType|-Provider Azure'
        $src = if ($azureExample) { $azureDone } else { $done }
        $jobId = $src.JobId; $fileId = $src.FileId; $model = $src.Model
        if ($Name -in 'Stop-FineTuneJob', 'Suspend-FineTuneJob' -or $Code -match 'Get-FineTuneJob -Status running') { $jobId = Start-Slow running }
        elseif ($Name -eq 'Resume-FineTuneJob') { $jobId = Start-Slow paused }
        elseif ($azureExample) { Use-Emulator $emuAzure Azure }
        else { Use-Emulator $emuOpenAI }
        if ($Code -match 'Remove-FineTuneModel') { $model = (Start-Finished).Model }
        if ($Code -match 'Remove-FineTuneFile') { $fileId = (Add-FineTuneFile (Join-Path $work 'train.jsonl')).Id }
        if ($Code -match 'Remove-FineTuneDeployment') { $null = New-FineTuneDeployment -Name support-bot -Model $azureDone.Model -SubscriptionId sub-1 -ResourceGroupName rg-ai -AccountName contoso -Confirm:$false }
        $key = $secure; $sub = 'sub-1'; $armToken = $secure
        $pairs = @{ prompt = 'How do I restore a file?'; good = 'Open Restore, pick the file and the date.'; bad = 'Reinstall the app.' }
        $more = $faq | Select-Object -First 2
        $getPriceTool = @{ type = 'function'; function = @{ name = 'get_price'; description = 'Price of a stock'; parameters = @{ type = 'object'; properties = @{ symbol = @{ type = 'string' } } } } }
        $azureKey = $secure; $openAiKey = $secure
        $longInstructions = 'You classify support tickets. Answer with one word: Technical, Billing, Account, Product or Other.'
        if ($Code -match 'Copy-FineTuneJob') {
            # a job of its own on OpenAI (the source), copied to Azure (-TrainingType is Azure's word, not the source's)
            if ($Code -notmatch '\$azure =') { $azure = Connect-FineTune -Name azure -Endpoint $emuAzure.Endpoint -Provider Azure -ApiKey $secure -PassThru }
            Use-Emulator $emuOpenAI
            $jobId = (Start-Finished).JobId
        }
        # no internet here: the OpenAI endpoint and the placeholder Azure resource are the emulators
        $env:OPENAI_BASE_URL = $emuOpenAI.Endpoint
        $Code = $Code.Replace('https://RESOURCE.openai.azure.com/openai/v1/', "$($emuAzure.Endpoint) -Provider Azure")
        $ConfirmPreference = 'None'
        # a folder of its own with the files, less the one the example makes
        $folder = Join-Path $TestDrive "example-$Name-$N"
        Copy-Item $work $folder -Recurse
        if ($Code -match 'New-FineTuneDataset -Path (\S+)' -and $Code -notmatch '-Append|-Force') { Remove-Item (Join-Path $folder $Matches[1]) }
        Push-Location $folder
        try {
            $records = try { & ([scriptblock]::Create($Code)) *>&1 } catch { $_ }
            $errors = @($records | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
            $errors | Should -BeNullOrEmpty -Because ($errors | Out-String)
        }
        finally {
            Pop-Location
            $env:OPENAI_BASE_URL = $null
            # the named connections an example made go; the next example connects Default again
            foreach ($c in @(Get-FineTuneContext -ListAvailable)) { if ($c.Name -ne 'Default') { Disconnect-FineTune -Name $c.Name } }
            # the examples after this one get a job, a model and a file that exist
            if ($Code -match 'Remove-FineTune(File|Model)') { Use-Emulator $emuOpenAI; $script:done = Start-Finished }
        }
    }
}
