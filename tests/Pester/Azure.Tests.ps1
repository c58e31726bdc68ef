# Azure OpenAI (issue 8): connecting (key, Entra ID token, Get-AzAccessToken), deployments over ARM, and
# one runbook that passes on the emulator's OpenAI and Azure flavours with only Connect-FineTune's arguments changed.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1)
    Import-Module (Join-Path $PSScriptRoot '../../src/FineTune.Emulator/Emulator.psm1') -Force
    Import-Module (Get-FineTuneModulePath) -Force
    $script:secure = { param($s) ConvertTo-SecureString $s -AsPlainText -Force }
}

Describe 'Connect-FineTune for Azure' {
    BeforeAll { $script:server = Start-LoopbackService -Key 'az-secret-key-1' }
    AfterAll { $script:server.Stop(); Disconnect-FineTune -ErrorAction SilentlyContinue }

    It 'sends an Azure key as bearer and as the api-key header, and shows Provider and AuthKind but never the key' {
        $ctx = Connect-FineTune -Endpoint $server.Endpoint -Provider Azure -ApiKey (& $secure 'az-secret-key-1') -PassThru
        $ctx.Provider | Should -Be 'Azure'
        $ctx.AuthKind | Should -Be 'ApiKey'
        (Get-FineTuneModel).Id | Should -Contain 'gpt-4o-mini-2024-07-18'
        @($server.Requests)[-1] | Should -Be 'GET /v1/models Bearer az-secret-key-1 api-key:az-secret-key-1'
        (Get-FineTuneContext | Format-Table | Out-String -Width 300) | Should -Match 'Azure\s.*ApiKey\s+Parameter'
        (Get-FineTuneContext | Format-List * | Out-String) | Should -Not -Match 'az-secret-key-1'
    }

    It 'sends no api-key header to OpenAI or an other URL' {
        Connect-FineTune -Endpoint $server.Endpoint -ApiKey (& $secure 'az-secret-key-1')
        (Get-FineTuneContext).Provider | Should -Be 'Other'
        Get-FineTuneModel | Out-Null
        @($server.Requests)[-1] | Should -Be 'GET /v1/models Bearer az-secret-key-1'
    }

    It 'sends an -AccessToken as bearer only, with AuthKind AccessToken' {
        Connect-FineTune -Endpoint $server.Endpoint -Provider Azure -AccessToken (& $secure 'az-secret-key-1')
        (Get-FineTuneContext).AuthKind | Should -Be 'AccessToken'
        Get-FineTuneModel | Out-Null
        @($server.Requests)[-1] | Should -Be 'GET /v1/models Bearer az-secret-key-1'
    }

    It 'takes the token from Get-AzAccessToken for the -TokenScope when no key is given for Azure' {
        function global:Get-AzAccessToken([string] $ResourceUrl) {
            $global:askedResource = $ResourceUrl
            [pscustomobject]@{ Token = (ConvertTo-SecureString 'az-secret-key-1' -AsPlainText -Force); ExpiresOn = [datetimeoffset]::UtcNow.AddHours(1) }
        }
        try {
            Disconnect-FineTune
            $ctx = Connect-FineTune -Endpoint $server.Endpoint -Provider Azure -TokenScope 'https://cognitiveservices.azure.com/.default' -PassThru
            $global:askedResource | Should -Be 'https://cognitiveservices.azure.com'
            $ctx.AuthKind | Should -Be 'AccessToken'
            $ctx.KeySource | Should -Be 'AzAccounts'
            Get-FineTuneModel | Out-Null
            @($server.Requests)[-1] | Should -Be 'GET /v1/models Bearer az-secret-key-1'
        }
        finally { Remove-Item Function:\Get-AzAccessToken -ErrorAction Stop; Remove-Variable askedResource -Scope Global -ErrorAction SilentlyContinue }
    }

    It 'makes Test-FineTuneDataset check for the connected provider by default (a BOM is an error for OpenAI only)' {
        $gsm8k = Get-SharedPath 'data/chat_gsm8k_train.jsonl'
        if (-not (Test-Path $gsm8k)) { Set-ItResult -Skipped -Because "input missing: $gsm8k"; return }
        $path = Join-Path $TestDrive 'bom.jsonl'
        [IO.File]::WriteAllBytes($path, [byte[]](0xEF, 0xBB, 0xBF) + [IO.File]::ReadAllBytes($gsm8k))
        Connect-FineTune -Endpoint $server.Endpoint -Provider Azure -ApiKey (& $secure 'k')
        Test-FineTuneDataset $path -Quiet | Should -BeTrue
        Test-FineTuneDataset $path -Target OpenAI -Quiet | Should -BeFalse
        Connect-FineTune -Endpoint 'https://api.openai.com/v1' -ApiKey (& $secure 'k')
        (Test-FineTuneDataset $path | Where-Object RuleId).RuleId | Should -Contain 'FT001'
    }

    It 'tells Azure from the URL' {
        $ctx = Connect-FineTune -Endpoint 'https://contoso.openai.azure.com/openai/v1/' -ApiKey (& $secure 'k') -PassThru
        $ctx.Provider | Should -Be 'Azure'
    }
}

Describe 'New-, Get-, Remove-FineTuneDeployment' {
    BeforeAll {
        $script:emu = Start-FineTuneEmulator -Flavor Azure -TimeScale 0.2 -ApiKey 'az-emu-key'
        $script:arm = @{ SubscriptionId = 'sub-1'; ResourceGroupName = 'rg-ai'; AccountName = 'contoso'; ArmEndpoint = $emu.BaseUri; ArmToken = (& $secure 'arm-token') }
        Connect-FineTune -Endpoint $emu.Endpoint -Provider Azure -ApiKey (& $secure 'az-emu-key')
    }
    AfterAll { $script:emu | Stop-FineTuneEmulator; Disconnect-FineTune -ErrorAction SilentlyContinue }

    It 'deploys nothing under -WhatIf' {
        New-FineTuneDeployment -Name whatif -Model 'gpt-4o-mini-2024-07-18' @arm -WhatIf
        @(Get-FineTuneDeployment @arm).Count | Should -Be 0
    }

    It 'deploys (hourly cost in the ShouldProcess message), waits for Succeeded with a 15-day warning, lists, gets and removes' {
        $all = New-FineTuneDeployment -Name base-bot -Model 'gpt-4o-mini-2024-07-18' -SkuName GlobalStandard -Capacity 2 @arm -Confirm:$false -WarningVariable w -WarningAction SilentlyContinue -Verbose 4>&1
        ($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Match 'hosting costs \$1\.70 an hour'
        $d = $all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $d.ProvisioningState | Should -Be 'Succeeded'
        $d.Name | Should -Be 'base-bot'
        $d.DeploymentName | Should -Be 'base-bot'
        $d.SkuName | Should -Be 'GlobalStandard'
        $d.Capacity | Should -Be 2
        "$w" | Should -Match '15 days'
        (Get-FineTuneDeployment @arm).Name | Should -Be @('base-bot')
        (Get-FineTuneDeployment base-bot @arm).ModelName | Should -Be 'gpt-4o-mini-2024-07-18'
        $d | Remove-FineTuneDeployment -ArmEndpoint $emu.BaseUri -ArmToken (& $secure 'arm-token') -Confirm:$false
        @(Get-FineTuneDeployment @arm).Count | Should -Be 0
        Get-FineTuneDeployment base-bot @arm -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.NotFound*'
    }

    It 'keeps the ARM endpoint and token of deployments piped from Get-FineTuneDeployment to Remove-FineTuneDeployment' {
        New-FineTuneDeployment -Name piped-bot -Model 'gpt-4o-mini-2024-07-18' @arm -Confirm:$false -WarningAction SilentlyContinue | Out-Null
        $d = Get-FineTuneDeployment piped-bot @arm
        $d.ArmAccess.ToString() | Should -Be $emu.BaseUri
        ($d | Format-List * | Out-String) | Should -Not -Match 'arm-token'
        Get-FineTuneDeployment @arm | Remove-FineTuneDeployment -Confirm:$false -ErrorAction Stop
        @(Get-FineTuneDeployment @arm).Count | Should -Be 0
    }

    It 'reports ARM errors clearly (an unknown model) and needs a token' {
        { New-FineTuneDeployment -Name x -Model 'gpt-4o-mini.ft-nothere' @arm -Confirm:$false -ErrorAction Stop -WarningAction SilentlyContinue } | Should -Throw '*does not exist*'
        $noToken = $arm.Clone(); $noToken.Remove('ArmToken')
        { Get-FineTuneDeployment @noToken -ErrorAction Stop } | Should -Throw '*-ArmToken*'
    }
}

# The done-when of issue 8: one runbook, both flavours, only Connect-FineTune's arguments differ.
Describe 'One runbook on the <Flavor> flavour' -ForEach @(
    @{ Flavor = 'OpenAI'; ConnectArgs = @{} }
    @{ Flavor = 'Azure'; ConnectArgs = @{ Provider = 'Azure' } }
) {
    BeforeAll {
        $script:emu = Start-FineTuneEmulator -Flavor $Flavor -TimeScale 0.2 -ApiKey 'runbook-key'
        $script:train = Get-SharedPath 'data/chat_gsm8k_train.jsonl'
    }
    AfterAll { $script:emu | Stop-FineTuneEmulator; Disconnect-FineTune -ErrorAction SilentlyContinue }

    It 'uploads, trains, waits, deploys where the provider needs it, chats and cleans up' {
        if (-not (Test-Path $train)) { Set-ItResult -Skipped -Because "input missing: $train"; return }
        if (-not (Get-Command Add-FineTuneFile -ErrorAction SilentlyContinue)) { Set-ItResult -Skipped -Because 'the workflow cmdlets (branch service) are not merged yet'; return }
        Connect-FineTune -Endpoint $emu.Endpoint -ApiKey (ConvertTo-SecureString 'runbook-key' -AsPlainText -Force) @ConnectArgs

        # ---- the runbook: nothing below changes with the flavour ----
        $arm = @{ SubscriptionId = 'sub-1'; ResourceGroupName = 'rg-ai'; AccountName = 'contoso'; ArmEndpoint = $emu.BaseUri; ArmToken = (ConvertTo-SecureString 'arm-token' -AsPlainText -Force) }
        $file = Add-FineTuneFile $train
        $job = $file | Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -Confirm:$false | Wait-FineTuneJob
        $needsDeployment = (Get-FineTuneContext).Provider -eq 'Azure'
        $model = if ($needsDeployment) { $job | New-FineTuneDeployment -Name support-bot @arm -Confirm:$false -WarningAction SilentlyContinue } else { $job }
        $first = Get-Content $train -TotalCount 1 | ConvertFrom-Json
        $answer = $model | Invoke-FineTuneChat ($first.messages | Where-Object role -eq 'user')[0].content
        if ($needsDeployment) { $model | Remove-FineTuneDeployment @arm -Confirm:$false }
        else { Remove-FineTuneModel $job.FineTunedModel -Confirm:$false }
        Remove-FineTuneFile $file.Id -Confirm:$false
        # ---- end of the runbook ----

        $job.Status | Should -Be 'succeeded'
        if ($Flavor -eq 'Azure') {
            $job.FineTunedModel | Should -Match '^gpt-4o-mini-2024-07-18\.ft-[0-9a-f]{32}$'
            $model.ProvisioningState | Should -Be 'Succeeded'
            @(Get-FineTuneDeployment @arm).Count | Should -Be 0
        }
        else {
            $job.FineTunedModel | Should -BeLike 'ft:gpt-4o-mini-2024-07-18:*'
            (Get-FineTuneModel).Id | Should -Not -Contain $job.FineTunedModel
        }
        $answer.Answer | Should -Be ($first.messages | Where-Object role -eq 'assistant')[-1].content
        (Get-FineTuneFile -Purpose fine-tune).Id | Should -Not -Contain $file.Id
    }
}

Describe 'Azure shapes in the workflow cmdlets' {
    BeforeAll {
        $script:emu = Start-FineTuneEmulator -Flavor Azure -TimeScale 0.2 -ApiKey 'shape-key'
        $script:arm = @{ SubscriptionId = 'sub-1'; ResourceGroupName = 'rg-ai'; AccountName = 'contoso'; ArmEndpoint = $emu.BaseUri; ArmToken = (& $secure 'arm-token') }
        $gsm8k = Get-SharedPath 'data/chat_gsm8k_train.jsonl'
        $script:small = Join-Path $TestDrive 'small.jsonl'
        if (Test-Path $gsm8k) { Get-Content $gsm8k -TotalCount 12 | Set-Content $small -Encoding utf8NoBOM }
        Connect-FineTune -Endpoint $emu.Endpoint -Provider Azure -ApiKey (& $secure 'shape-key')
    }
    AfterAll { $script:emu | Stop-FineTuneEmulator; Disconnect-FineTune -ErrorAction SilentlyContinue }

    It 'waits for the file to be processed, trains with -TrainingType, and chats through a deployment that is not ready yet' {
        if (-not (Test-Path $small)) { Set-ItResult -Skipped -Because 'input missing: data/chat_gsm8k_train.jsonl'; return }
        $file = Add-FineTuneFile $small
        $file.Status | Should -Be 'processed'
        $job = $file | Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -TrainingType Developer -Confirm:$false
        $job.Status | Should -Be 'pending'
        $job.Epochs | Should -BeNullOrEmpty   # -1 means auto: not a number of epochs
        $job = $job | Wait-FineTuneJob
        $job.Status | Should -Be 'succeeded'
        $job.Epochs | Should -Be 8            # 12 examples: min(25, 100 / 12)
        $d = $job | New-FineTuneDeployment -Name early-bot @arm -NoWait -Confirm:$false -WarningAction SilentlyContinue
        $d.ProvisioningState | Should -Be 'Accepted'
        $answer = $d | Invoke-FineTuneChat 'How many clips did Natalia sell?'
        $answer.Answer | Should -Not -BeNullOrEmpty
    }

    It 'prices -MaxCost with Azure''s rows for the -TrainingType, as Get-FineTuneCost -Provider Azure does' {
        if (-not (Test-Path $small)) { Set-ItResult -Skipped -Because 'input missing: data/chat_gsm8k_train.jsonl'; return }
        # OpenAI's price (3.00) differs from Azure's Global Standard price (2.70) in this catalog
        $catalog = Join-Path $TestDrive 'contract.json'
        Set-Content -Path $catalog -Encoding utf8NoBOM -Value '{ "date": "2027-02", "source": "our contract", "models": [
            { "model": "gpt-4o-mini-2024-07-18", "provider": "OpenAI", "trainingPerMillion": 3.00, "maxTokensPerExample": 65536, "verified": true },
            { "model": "gpt-4o-mini-2024-07-18", "provider": "Azure", "trainingPerMillion": 3.30, "trainingPerMillionByType": { "GlobalStandard": 2.70 }, "verified": true } ] }'
        $saved = $env:FINETUNE_PRICE_CATALOG
        $env:FINETUNE_PRICE_CATALOG = $catalog
        try {
            $expected = Get-FineTuneCost -Model gpt-4o-mini-2024-07-18 -Path $small -Provider Azure -TrainingType GlobalStandard
            $expected.PricePerMillion | Should -Be 2.70
            $err = $null
            try { Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -Path $small -TrainingType GlobalStandard -MaxCost 0 -Confirm:$false -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'FineTune.OverBudget,*'
            $err.Exception.Message | Should -BeLike ("The job would cost about `${0:0.00} (estimated cost `${0:0.00}: {1:N0} tokens = {2:N0} x {3} epochs at `$2.70 per 1M (GlobalStandard)), above -MaxCost*" -f $expected.EstimatedUsd, $expected.TrainedTokens, $expected.BilledTokensPerEpoch, $expected.Epochs)
        }
        finally { $env:FINETUNE_PRICE_CATALOG = $saved }
    }

    It 'asks before it deploys: an unattended run without -Confirm:$false deploys nothing and names the hourly cost' {
        $run = Invoke-Unattended {
            param($endpoint, $arm)
            Connect-FineTune -Endpoint $endpoint -Provider Azure -ApiKey (ConvertTo-SecureString 'shape-key' -AsPlainText -Force)
            New-FineTuneDeployment -Name unattended-bot -Model gpt-4.1-mini-2025-04-14.ft-0123abcd @arm -WarningAction SilentlyContinue
        } -ArgumentList $emu.Endpoint, $arm
        $run.Output | Should -BeNullOrEmpty
        $run.Errors.FullyQualifiedErrorId | Should -Be 'FineTune.ConfirmationNeeded,FineTune.Commands.NewFineTuneDeploymentCommand'
        $run.Errors[0].Exception.Message | Should -BeLike 'New-FineTuneDeployment asks for confirmation before it deploys gpt-4.1-mini-2025-04-14.ft-0123abcd (hosting costs $1.70 an hour while it exists (price catalog 2026-11, unverified)), and this session cannot ask. In a runbook pass -Confirm:$false*'
        (Get-FineTuneDeployment @arm).Name | Should -Not -Contain 'unattended-bot'
    }

    It 'says at once that a fine-tuned model without a deployment needs New-FineTuneDeployment (one request, no retries)' {
        Reset-EmulatorRequestCount -Emulator $emu
        Invoke-FineTuneChat -Model 'gpt-4o-mini-2024-07-18.ft-0123456789abcdef' 'hello' -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.NoDeployment*'
        $e[0].Exception.Message | Should -BeLike '*New-FineTuneDeployment -Model gpt-4o-mini-2024-07-18.ft-0123456789abcdef*'
        $e[0].ErrorDetails.RecommendedAction | Should -BeLike '*New-FineTuneDeployment*'
        $e[0].ErrorDetails.RecommendedAction | Should -Not -BeLike '*Get-FineTuneJob*'
        Get-EmulatorRequestCount -Route 'POST /v1/chat/completions' -Emulator $emu | Should -Be 1
    }

    It 'says what to use instead of the routes Azure lacks, and refuses -TrainingType elsewhere' {
        { Remove-FineTuneModel 'gpt-4o-mini-2024-07-18.ft-0123' -Confirm:$false -ErrorAction Stop } | Should -Throw '*Remove-FineTuneDeployment*'
        if (Test-Path $small) { { Add-FineTuneFile $small -UseUploadApi -ErrorAction Stop } | Should -Throw '*Uploads API*' }
        Connect-FineTune -Endpoint $emu.Endpoint -Provider Other
        { Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -TrainingFile file-abc -TrainingType GlobalStandard -Confirm:$false -ErrorAction Stop } | Should -Throw '*Azure OpenAI only*'
        Connect-FineTune -Endpoint $emu.Endpoint -Provider Azure
    }
}
