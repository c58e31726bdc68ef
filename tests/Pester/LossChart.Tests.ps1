# Show-FineTuneLossChart and Export-FineTuneLossChart over metric objects from the pipeline.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1) -Force
    Import-Module (Get-FineTuneModulePath) -Force
    # a falling training loss over 40 steps, validation every 10 steps
    $script:metrics = 1..40 | ForEach-Object {
        [pscustomobject]@{ JobId = 'ftjob-test1'; Step = $_; TrainLoss = 3.0 - $_ * 0.05; ValidLoss = if ($_ % 10 -eq 0) { 3.6 - $_ * 0.05 } else { $null } }
    }
    $script:dir = New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) "ft-chart-$([guid]::NewGuid())")
}
AfterAll { Remove-Item -Recurse -Force $script:dir -ErrorAction SilentlyContinue }

Describe 'Show-FineTuneLossChart' {
    It 'draws the range of the losses and the steps, with the job in the title' {
        $lines = $script:metrics | Show-FineTuneLossChart -Width 40 -Height 10
        $lines[0] | Should -Be 'Loss of ftjob-test1'
        $lines[1] | Should -BeLike '3.1 ┤*'      # highest: validation loss at step 10 = 3.6 - 0.5
        $lines[10] | Should -BeLike '  1 ┤*'     # lowest: training loss at step 40 = 1.0
        ($lines -join "`n") | Should -Match 'step 1\s+40'
        (($lines[1..10] -join '') -split '' | Where-Object { $_ -eq '·' }).Count | Should -Be 4
    }
}

Describe 'Export-FineTuneLossChart' {
    It 'writes a self-contained SVG with both series' {
        $file = $script:metrics | Export-FineTuneLossChart -Path (Join-Path $script:dir 'loss.svg') -PassThru
        $file.Name | Should -Be 'loss.svg'
        $svg = [xml](Get-Content -Raw $file.FullName)
        $svg.svg.polyline.Count | Should -Be 2
        ($svg.svg.polyline[0].points -split ' ').Count | Should -Be 40
        ($svg.svg.polyline[1].points -split ' ').Count | Should -Be 4
        (Get-Content -Raw $file.FullName) | Should -Not -Match '<script|href='
    }

    It 'refuses to replace a file without -Force and leaves it untouched' {
        $path = Join-Path $script:dir 'keep.html'
        Set-Content -Path $path -Value 'original' -NoNewline
        { $script:metrics | Export-FineTuneLossChart -Path $path -ErrorAction Stop } | Should -Throw -ErrorId 'FineTune.FileExists*'
        Get-Content -Raw $path | Should -Be 'original'
        $script:metrics | Export-FineTuneLossChart -Path $path -Force
        Get-Content -Raw $path | Should -Match '<!DOCTYPE html>[\s\S]*<svg'
    }

    It 'sends nothing to disk with -WhatIf and rejects other extensions' {
        $path = Join-Path $script:dir 'whatif.svg'
        $script:metrics | Export-FineTuneLossChart -Path $path -WhatIf
        Test-Path $path | Should -BeFalse
        { $script:metrics | Export-FineTuneLossChart -Path (Join-Path $script:dir 'x.png') -ErrorAction Stop } | Should -Throw -ErrorId 'FineTune.UnknownExtension*'
    }
}
