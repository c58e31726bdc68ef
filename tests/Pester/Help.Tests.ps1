# Every cmdlet has full help (synopsis, description, every parameter, at least two examples, outputs)
# through Get-Help on the built module, and every output type has a default table view that renders.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1) -Force
    Import-Module (Get-FineTuneModulePath) -Force
    $script:cmdlets = @(Get-Command -Module FineTune -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
    $script:common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $script:parameters = @(foreach ($c in Get-Command -Module FineTune -CommandType Cmdlet) {
        foreach ($p in $c.Parameters.Keys | Where-Object { $_ -notin $script:common }) { @{ Name = $c.Name; Parameter = $p } }
    })
    $script:outputTypes = @(Get-Command -Module FineTune -CommandType Cmdlet | ForEach-Object OutputType |
        Where-Object { $_.Type -and $_.Type -ne [void] -and $_.Type.Namespace -like 'FineTune*' } |
        Sort-Object { $_.Type.FullName } -Unique | ForEach-Object { @{ Type = $_.Type } })
}
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1) -Force
    Import-Module (Get-FineTuneModulePath) -Force
}

Describe 'Help of <Name>' -ForEach $script:cmdlets {
    BeforeAll { $script:help = Get-Help $Name -Full }
    It 'has a synopsis of its own' {
        $script:help.Synopsis | Should -Not -BeNullOrEmpty
        $script:help.Synopsis | Should -Not -Match "^\s*$Name\s*(\[|$)"
    }
    It 'has a description' {
        ($script:help.description.Text -join ' ') | Should -Not -BeNullOrEmpty
    }
    It 'has at least two examples with code and an explanation' {
        @($script:help.examples.example).Count | Should -BeGreaterOrEqual 2
        foreach ($e in $script:help.examples.example) {
            $e.code | Should -Not -BeNullOrEmpty
            ($e.remarks.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty
        }
    }
    It 'names what it outputs' {
        (Get-Command $Name).OutputType.Count | Should -BeGreaterThan 0
    }
}

Describe 'Parameter -<Parameter> of <Name>' -ForEach $script:parameters {
    It 'has a description' {
        ((Get-Help $Name -Parameter $Parameter).description.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty
    }
}

Describe 'Table view of <Type>' -ForEach $script:outputTypes {
    It 'exists and renders an instance' {
        $data = Get-FormatData -TypeName $Type.FullName
        $data | Should -Not -BeNullOrEmpty -Because "every output type needs a table view in src/FineTune/Formats"
        ($data.FormatViewDefinition.Control | Where-Object { $_ -is [System.Management.Automation.TableControl] }) | Should -Not -BeNullOrEmpty
        $table = @($data.FormatViewDefinition.Control | Where-Object { $_ -is [System.Management.Automation.TableControl] })[0]
        # each column's header: its label, else the property it shows
        $names = for ($i = 0; $i -lt $table.Headers.Count; $i++) {
            if ($table.Headers[$i].Label) { $table.Headers[$i].Label } else { $table.Rows[0].Columns[$i].DisplayEntry.Value }
        }
        $instance = [System.Runtime.Serialization.FormatterServices]::GetUninitializedObject($Type)
        $lines = @(($instance | Format-Table | Out-String -Width 400) -split '\r?\n' | Where-Object { $_.Trim() })
        $lines[0].Trim() | Should -Match ('^' + (($names | ForEach-Object { [regex]::Escape($_) }) -join '\s+') + '$')
        @($lines[1].Trim() -split '\s+').Count | Should -Be $names.Count -Because 'every column has its underline'
    }
}

Describe 'about_FineTune and what help names' {
    It 'Get-Help about_FineTune works and covers the workflow, connecting, cost, runbooks and the OpenAI dates' {
        $text = Get-Help about_FineTune | Out-String
        foreach ($part in 'THE WORKFLOW', 'CONNECTING', 'COST AND SAFETY', 'RUNBOOK PATTERNS', '2027-01-06', '2027-01-14', 'Start-FineTuneEmulator', '-MaxCost') {
            $text | Should -BeLikeExactly "*$part*"
        }
        # an 80-column log or terminal shows it without wrapping
        $file = Join-Path (Split-Path (Get-Module FineTune).Path) 'en-US/about_FineTune.help.txt'
        Get-Content $file | Where-Object { $_.Length -gt 80 } | Should -BeNullOrEmpty
    }

    It 'names no file a user does not have and no issue number, in any help or the price catalog it shows' {
        $text = @(foreach ($c in Get-Command -Module FineTune) { Get-Help $c.Name -Full | Out-String -Width 200 }) + (Get-Help about_FineTune | Out-String) +
            ((Get-FineTuneCost -Model gpt-4o-mini-2024-07-18 -TrainingTokens 1000 -Epochs 1) | Format-List * | Out-String)
        $text -join "`n" | Should -Not -Match 'DESIGN\.md|OPENAI-FACTS|\.\./shared|STYLE\.md|SOURCES\.md|\bissue \d+'
    }
}
