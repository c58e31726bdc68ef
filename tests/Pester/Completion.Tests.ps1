# Tab completion: -Model completes from the price catalog, offline.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1) -Force
    Import-Module (Get-FineTuneModulePath) -Force
}

Describe '-Model completion' {
    It 'completes <Line> with the catalog''s models' -ForEach @(
        @{ Line = 'Get-FineTuneCost -Model gpt-4o-m'; Expected = 'gpt-4o-mini-2024-07-18', 'gpt-4o-mini' }
        @{ Line = 'Measure-FineTuneToken -Text x -Model gpt-4.1-n'; Expected = 'gpt-4.1-nano-2025-04-14', 'gpt-4.1-nano' }
    ) {
        $result = TabExpansion2 -inputScript $Line -cursorColumn $Line.Length
        $result.CompletionMatches.CompletionText | Should -Be $Expected
    }

    It 'lists models that can still be trained before retired ones' {
        $line = 'Get-FineTuneCost -Model '
        $all = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $all.IndexOf('gpt-4o-mini-2024-07-18') | Should -BeLessThan $all.IndexOf('gpt-3.5-turbo-0125')
    }
}
