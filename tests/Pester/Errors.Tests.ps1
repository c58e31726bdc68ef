# One mapper from failures to error records: the same failure has the same ErrorId in every command, and
# docs/ERRORS.md lists every ErrorId the source can raise.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1)
    Import-Module (Join-Path $PSScriptRoot '../../src/FineTune.Emulator/Emulator.psm1') -Force
    Import-Module (Get-FineTuneModulePath) -Force
    $script:emu = Start-FineTuneEmulator
    Connect-FineTune -Endpoint $emu.Endpoint -ApiKey (ConvertTo-SecureString 'sk-emulator-errors' -AsPlainText -Force) -MaxRetries 0
    $script:repo = Join-Path $PSScriptRoot '../..'

    # The ErrorId (without the command part) of the first error a script block writes or throws.
    function script:ErrorIdOf([scriptblock] $Block) {
        try { $out = & $Block 2>&1 } catch { return $_.FullyQualifiedErrorId.Split(',')[0] }
        $errs = @($out | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        if ($errs.Count -eq 0) { return '(no error)' }
        $errs[0].FullyQualifiedErrorId.Split(',')[0]
    }
}

AfterAll {
    Disconnect-FineTune -ErrorAction SilentlyContinue
    if ($script:emu) { $script:emu | Stop-FineTuneEmulator }
}

Describe 'The same failure has the same ErrorId in every command' {
    It 'a missing input file is FineTune.FileNotFound, naming the file, whichever command reads it' {
        $missing = Join-Path $TestDrive 'no-such-file.jsonl'
        $ids = [ordered]@{
            'Test-FineTuneDataset'     = ErrorIdOf { Test-FineTuneDataset -Path $missing }
            'Measure-FineTuneDataset'  = ErrorIdOf { Measure-FineTuneDataset -Path $missing -Model gpt-4o-mini-2024-07-18 }
            'Get-FineTuneCost'         = ErrorIdOf { Get-FineTuneCost -Model gpt-4o-mini-2024-07-18 -Path $missing }
            'Add-FineTuneFile'         = ErrorIdOf { Add-FineTuneFile -Path $missing }
            'Split-FineTuneDataset'    = ErrorIdOf { Split-FineTuneDataset -Path $missing }
            'Test-FineTuneModeration'  = ErrorIdOf { Test-FineTuneModeration -Path $missing }
        }
        foreach ($command in $ids.Keys) { "$command -> $($ids[$command])" | Should -Be "$command -> FineTune.FileNotFound" }
    }

    It 'an output that exists without -Force is FineTune.FileExists and the file is left as it was' {
        $existing = New-ChatFile (Join-Path $TestDrive 'exists.jsonl')
        $svg = Join-Path $TestDrive 'exists.svg'
        Set-Content -LiteralPath $svg -Value 'mine'
        $source = New-ChatFile (Join-Path $TestDrive 'source.jsonl')
        $null = Copy-Item $existing (Join-Path $TestDrive 'source.train.jsonl')
        $file = Add-FineTuneFile -Path $source
        $ids = [ordered]@{
            'New-FineTuneDataset'      = ErrorIdOf { @{ Question = 'q'; Answer = 'a' } | New-FineTuneDataset -Path $existing }
            'Split-FineTuneDataset'    = ErrorIdOf { Split-FineTuneDataset -Path $source -ValidationCount 2 }
            'Export-FineTuneLossChart' = ErrorIdOf { [pscustomobject]@{ Step = 1; TrainLoss = 1.5 } | Export-FineTuneLossChart -Path $svg }
            'Save-FineTuneFile'        = ErrorIdOf { Save-FineTuneFile -Id $file.Id -Path $existing }
            'Test-FineTuneModeration'  = ErrorIdOf { Test-FineTuneModeration -Path $source -OutFile $existing }
        }
        foreach ($command in $ids.Keys) { "$command -> $($ids[$command])" | Should -Be "$command -> FineTune.FileExists" }
        Get-Content -LiteralPath $svg | Should -Be 'mine'
        (Get-Content -LiteralPath $existing).Count | Should -Be 12
    }

    It 'an error record carries the category, the target, the operation and what to do' {
        $missing = Join-Path $TestDrive 'gone.jsonl'
        Test-FineTuneDataset -Path $missing -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$($err[0].TargetObject)" | Should -BeLike '*gone.jsonl'
        $err[0].ErrorDetails.RecommendedAction | Should -BeLike '*Test-Path*'
        $budget = New-ChatFile (Join-Path $TestDrive 'budget.jsonl')
        $thrown = { Start-FineTuneJob -Path $budget -Model gpt-4o-mini-2024-07-18 -MaxCost 0.0001 -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'FineTune.OverBudget,FineTune.Commands.StartFineTuneJobCommand' -PassThru
        $thrown.CategoryInfo.Activity | Should -Be 'StartJob'
        $thrown.CategoryInfo.Category | Should -Be 'LimitsExceeded'
    }
}

Describe 'docs/ERRORS.md lists every ErrorId' {
    BeforeAll {
        $script:doc = Get-Content -Raw (Join-Path $repo 'docs/ERRORS.md')
        $script:documented = [regex]::Matches($doc, '\| `FineTune\.(\w+)` \|') | ForEach-Object { $_.Groups[1].Value }
        # Every way the source names a reason: a failure's kind followed by its reason (service and engine
        # exceptions, the wire's status table, the mapper's table), a command's Failure("Reason", ...), an
        # exception type's fixed Reason, and the copy refusals.
        $patterns = 'ErrorKind\.\w+\s*,\s*"(\w+)"', '\bFailure\(\s*"(\w+)"', '\bReason\s*=>\s*"(\w+)"', 'CopyRefusedException\(\s*"(\w+)"'
        $script:raised = @{}
        foreach ($file in Get-ChildItem (Join-Path $repo 'src/FineTune'), (Join-Path $repo 'src/FineTune.Engine') -Recurse -Filter *.cs) {
            $text = Get-Content -Raw $file.FullName
            foreach ($p in $patterns) {
                foreach ($m in [regex]::Matches($text, $p)) { $raised[$m.Groups[1].Value] = $file.Name }
            }
        }
    }

    It 'finds the reasons in the source (the scan itself works)' {
        $raised.Keys | Should -Contain 'FileExists'
        $raised.Keys | Should -Contain 'InsufficientQuota'
        $raised.Keys | Should -Contain 'InvalidCatalog'
        $raised.Keys | Should -Contain 'NoMapping'
        $raised.Count | Should -BeGreaterThan 40
    }

    It 'has a row for every ErrorId raised in the source' {
        $missing = @($raised.Keys | Where-Object { $_ -notin $documented } | ForEach-Object { "FineTune.$_ ($($raised[$_]))" })
        $missing | Should -BeNullOrEmpty -Because 'every ErrorId needs a row in docs/ERRORS.md'
    }

    It 'has no row for an ErrorId the source never raises' {
        $stale = @($documented | Where-Object { -not $raised.ContainsKey($_) })
        $stale | Should -BeNullOrEmpty
    }

    It 'builds error records in one place only' {
        $sites = @(Get-ChildItem (Join-Path $repo 'src') -Recurse -Filter *.cs | Select-String -SimpleMatch 'new ErrorRecord(' | ForEach-Object { $_.Filename } | Sort-Object -Unique)
        $sites | Should -Be @('ErrorMapper.cs')
    }
}
