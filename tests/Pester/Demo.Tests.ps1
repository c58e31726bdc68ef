# The main job (build.ps1 -Task Demo runs samples/Demo.ps1): end to end on the emulator, on the
# project's own sample and on a real public file from ../shared/data.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1) -Force
    $script:modulePath = Get-FineTuneModulePath
    $script:demo = Join-Path (Split-Path (Split-Path $PSScriptRoot)) 'samples/Demo.ps1'

    function Invoke-Demo([string[]] $Arguments) {
        $output = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File $script:demo -ModulePath $script:modulePath @Arguments 2>&1 | ForEach-Object { "$_" }
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = ($output -join "`n") -replace '\x1b\[[0-9;]*m', '' }
    }
}

Describe 'The demo' {
    It 'runs the whole workflow on the built-in sample and prints the report' {
        $run = Invoke-Demo @()
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.Text | Should -Match 'Data\s+: lumen-support-faq\.csv: 30 examples, 0 errors'
        $run.Text | Should -Match 'Files\s+: training 20 examples, validation 10 examples'
        $run.Text | Should -Match 'Job\s+: ftjob-\S+ succeeded'
        $run.Text | Should -Match 'Model\s+: ft:gpt-4o-mini-2024-07-18:'
        $run.Text | Should -Match 'Cleaned up\s+: 3 files and the model'
        # it ends with the comparison on the validation split: the summary table and the report's path
        $run.Text | Should -Match 'Contender\s+Pass%\s+95% CI'
        $run.Text | Should -Match 'Comparison\s+: \d+ ?% -> \d+ ?% passed \(base -> fine-tuned\)'
        $run.Text | Should -Match 'Comparison report\s+: \S*comparison\.html'
        $run.Text | Should -Match 'What if: Performing the operation "Start a paid fine-tuning job \(estimated cost \$'
        # the fine-tuned model answers a training question with its trained answer
        $run.Text | Should -Match 'Answer\s+: Open the Lumen Backup app, choose Account > Security > Reset'
    }

    It 'runs on a real public instruction file' {
        $alpaca = Get-SharedPath 'data/instruct_alpaca_seed_tasks.jsonl'
        if (-not (Test-Path $alpaca)) { Set-ItResult -Skipped -Because "input missing: $alpaca"; return }
        $run = Invoke-Demo @('-Path', $alpaca, '-SystemMessage', 'You are a helpful assistant.')
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.Text | Should -Match 'Data\s+: instruct_alpaca_seed_tasks\.jsonl: 175 examples, 0 errors'
        $run.Text | Should -Match 'Files\s+: training 140 examples, validation 35 examples'
        $run.Text | Should -Match 'Job\s+: ftjob-\S+ succeeded'
    }

    It 'takes a text/category CSV with -UserProperty, -AssistantProperty and a system message' {
        $tickets = Join-Path (Split-Path (Split-Path $PSScriptRoot)) 'samples/support-tickets.csv'
        $system = 'Answer with one of: Technical, Billing, Account, Product, Other.'
        $run = Invoke-Demo @('-Path', $tickets, '-UserProperty', 'text', '-AssistantProperty', 'category', '-SystemMessage', $system)
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.Text | Should -Match 'Data\s+: support-tickets\.csv: 28 examples, 0 errors'
        $run.Text | Should -Match 'Files\s+: training 18 examples, validation 10 examples'
        $run.Text | Should -Match 'Job\s+: ftjob-\S+ succeeded'
    }

    It 'maps the same CSV by default, and stops with one error and a non-zero exit when no column maps' {
        $tickets = Join-Path (Split-Path (Split-Path $PSScriptRoot)) 'samples/support-tickets.csv'
        $run = Invoke-Demo @('-Path', $tickets, '-WorkDirectory', (Join-Path $TestDrive 'default'))
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.Text | Should -Match 'Data\s+: support-tickets\.csv: 28 examples, 0 errors'
        $first = Get-Content (Join-Path $TestDrive 'default/all.jsonl') -TotalCount 1 | ConvertFrom-Json
        $first.messages.role -join ',' | Should -Be 'system,user,assistant'
        $first.messages[1].content | Should -Be 'Getting error 500 when I open the dashboard, can someone help?'
        $first.messages[2].content | Should -Be 'Technical'

        $odd = Join-Path $TestDrive 'odd.csv'
        Import-Csv $tickets | Select-Object @{ n = 'ticket'; e = { $_.text } }, @{ n = 'queue'; e = { $_.category } } | Export-Csv $odd
        $run = Invoke-Demo @('-Path', $odd, '-WorkDirectory', (Join-Path $TestDrive 'odd'))
        $run.ExitCode | Should -Not -Be 0
        ([regex]::Matches($run.Text, 'None of the 28 records maps to an example')).Count | Should -Be 1 -Because $run.Text
        $flat = $run.Text -replace '\n\s*\|\s*', ' '   # the host wraps the error message
        $flat | Should -Match 'The records have: ticket, queue\. Name the columns with -UserProperty and -AssistantProperty'
        $run.Text | Should -Not -Match 'Record 2:'
    }

    It 'runs the same story on the Azure flavour, with the deployment step' {
        $run = Invoke-Demo @('-Flavor', 'Azure')
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.Text | Should -Match 'Provider\s+: Azure'
        $run.Text | Should -Match '== Deploy \(Azure serves a fine-tuned model only through a deployment\)'
        $run.Text | Should -Match 'Model\s+: gpt-4o-mini-2024-07-18\.ft-[0-9a-f]{32}'
        $run.Text | Should -Match 'Answer\s+: Open the Lumen Backup app, choose Account > Security > Reset'
        $run.Text | Should -Match 'Cleaned up\s+: 3 files and the deployment'
    }
}
