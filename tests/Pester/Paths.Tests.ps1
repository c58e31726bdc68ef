# PowerShell's path conventions: -Path takes wildcards and provider paths, -LiteralPath (alias PSPath) takes a name as
# it is, output paths are relative to the current PowerShell location, and a path that is not a file is refused by name.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1)
    Import-Module (Get-FineTuneModulePath) -Force
    $script:dir = Join-Path $TestDrive 'paths'
    $null = New-Item -ItemType Directory -Path $dir
    $script:a1 = New-ChatFile (Join-Path $dir 'a1.jsonl') 12
    $script:a2 = New-ChatFile (Join-Path $dir 'a2.jsonl') 13
    $script:bracket = New-ChatFile (Join-Path $dir 'data[1].jsonl') 14
}

Describe '-Path takes wildcards and provider paths' {
    It 'reads every file a wildcard matches, in order' {
        $m = Measure-FineTuneDataset -Path (Join-Path $dir 'a?.jsonl') -Model gpt-4o-mini-2024-07-18
        $m.Count | Should -Be 2
        ($m | ForEach-Object Examples) -join ',' | Should -Be '12,13'
    }

    It 'screens a wildcard into one -OutFile only when it matches one file' {
        $out = Join-Path $TestDrive 'clean.jsonl'
        Test-FineTuneModeration -Path (Join-Path $dir 'a?.jsonl') -OutFile $out -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.AmbiguousPath,*'
        "$err" | Should -BeLike '*matches 2 files*'
        Test-Path $out | Should -BeFalse
    }

    It 'says which pattern matched nothing' {
        $pattern = Join-Path $dir 'zz*.jsonl'
        Test-FineTuneDataset -Path $pattern -Quiet -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.FileNotFound,*'
        "$err" | Should -BeLike "*-Path '$pattern' matches no file*"
    }

    It 'resolves a relative path against the current PowerShell location, not the process working folder' {
        Push-Location $dir
        try {
            [Environment]::CurrentDirectory | Should -Not -Be (Get-Location).ProviderPath
            (Measure-FineTuneDataset -Path ./a2.jsonl -Model gpt-4o-mini-2024-07-18).Examples | Should -Be 13
            @{ Question = 'q'; Answer = 'a' } | New-FineTuneDataset -Path made.jsonl | Out-Null
            Test-Path -LiteralPath (Join-Path $dir 'made.jsonl') | Should -BeTrue
            [pscustomobject]@{ Step = 1; TrainLoss = 1.5 } | Export-FineTuneLossChart -Path chart.svg
            Test-Path -LiteralPath (Join-Path $dir 'chart.svg') | Should -BeTrue
            Test-Path -LiteralPath (Join-Path ([Environment]::CurrentDirectory) 'made.jsonl') | Should -BeFalse
        }
        finally { Pop-Location }
    }
}

Describe '-LiteralPath takes a name as it is' {
    It 'reads a file with [brackets] in its name, which -Path reads as a wildcard' {
        Test-FineTuneDataset -LiteralPath $bracket -Quiet | Should -BeTrue
        (Measure-FineTuneDataset -LiteralPath $bracket -Model gpt-4o-mini-2024-07-18).Examples | Should -Be 14
        Test-FineTuneDataset -Path $bracket -Quiet -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.FileNotFound,*'
        (Get-FineTuneCost -Model gpt-4o-mini-2024-07-18 -LiteralPath $bracket -Epochs 1).Examples | Should -Be 14
    }

    It 'binds files piped from Get-ChildItem by their PSPath, brackets included' {
        $results = Get-ChildItem -LiteralPath $dir -Filter *.jsonl | Sort-Object Name | Test-FineTuneDataset | Where-Object { $_.GetType().Name -eq 'DatasetReport' }
        ($results | ForEach-Object { Split-Path -Leaf $_.Path }) -join ',' | Should -Be 'a1.jsonl,a2.jsonl,data[1].jsonl'
        ($results | Where-Object { -not $_.Valid }).Count | Should -Be 0
        (Get-Item -LiteralPath $bracket | Measure-FineTuneDataset -Model gpt-4o-mini-2024-07-18).Examples | Should -Be 14
    }

    It 'splits a file with brackets in its name' {
        $copy = Join-Path $dir 'split[2].jsonl'
        Copy-Item -LiteralPath (New-ChatFile (Join-Path $dir 'tosplit.jsonl') 10) -Destination $copy
        $out = Split-FineTuneDataset -LiteralPath $copy -ValidationCount 2 -Seed 1
        ($out | ForEach-Object ExampleCount) -join ',' | Should -Be '8,2'
        Test-Path -LiteralPath (Join-Path $dir 'split[2].train.jsonl') | Should -BeTrue
    }
}

Describe 'A path that is not a file is refused by name' {
    It 'refuses Env:PATH as an input and as an output, and writes no file named after it' {
        Push-Location $dir
        try {
            Test-FineTuneDataset -Path Env:PATH -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.NotFileSystem,*'
            "$($err[0])" | Should -BeLike "*-Path 'Env:PATH' is not a file-system path*"
            $e = { @{ Question = 'q'; Answer = 'a' } | New-FineTuneDataset -Path Env:PATH -ErrorAction Stop } | Should -Throw -PassThru
            $e.FullyQualifiedErrorId | Should -BeLike 'FineTune.NotFileSystem,*'
            { [pscustomobject]@{ Step = 1; TrainLoss = 1.5 } | Export-FineTuneLossChart -Path Env:PATH.svg -ErrorAction Stop } | Should -Throw -ErrorId 'FineTune.NotFileSystem,*'
            @(Get-ChildItem -LiteralPath $dir -Filter 'PATH*').Count | Should -Be 0
            Test-Path -LiteralPath (Join-Path ([Environment]::CurrentDirectory) 'PATH') | Should -BeFalse
        }
        finally { Pop-Location }
    }

    It 'refuses a folder given as a file, naming the parameter' {
        Test-FineTuneDataset -Path $dir -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.NotAFile,*'
        "$($err[0])" | Should -BeLike "*-Path '$dir' is a folder*"
        $e = { @{ Question = 'q'; Answer = 'a' } | New-FineTuneDataset -Path $dir -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'FineTune.NotAFile,*'
        $e = { Split-FineTuneDataset -Path $a2 -TrainingPath $dir -ErrorAction Stop } | Should -Throw -PassThru
        "$e" | Should -BeLike "*-TrainingPath*is a folder*"
        Test-Path -LiteralPath (Join-Path $dir 'a2.validation.jsonl') | Should -BeFalse
    }
}

Describe 'Compare-FineTuneModel and New-FineTuneKnowledgeIndex read paths the same way' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot '../../src/FineTune.Emulator/Emulator.psm1') -Force
        $script:emu = Start-FineTuneEmulator
        Connect-FineTune -Name paths-emu -Endpoint $emu.Endpoint -ApiKey (ConvertTo-SecureString 'sk-emulator-paths' -AsPlainText -Force)
        $script:out = Join-Path $TestDrive 'paths-out'
        $null = New-Item -ItemType Directory -Path $out
    }
    AfterAll {
        Disconnect-FineTune -Name paths-emu -ErrorAction SilentlyContinue
        if ($script:emu) { $script:emu | Stop-FineTuneEmulator }
    }

    It 'Compare-FineTuneModel -LiteralPath reads a file with [brackets]; -Path refuses Env:PATH and a folder' {
        $row = Compare-FineTuneModel -Connection paths-emu -LiteralPath $bracket -Model gpt-4o-mini-2024-07-18 -Exact -JournalPath (Join-Path $out 'c.journal.jsonl')
        $row.Examples | Should -Be 14
        $row = Get-Item -LiteralPath $bracket | Compare-FineTuneModel -Connection paths-emu -Model gpt-4o-mini-2024-07-18 -Exact -JournalPath (Join-Path $out 'c.journal.jsonl')
        $row.Examples | Should -Be 14
        Compare-FineTuneModel -Connection paths-emu -Path Env:PATH -Model gpt-4o-mini-2024-07-18 -Exact -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.NotFileSystem,*'
        Compare-FineTuneModel -Connection paths-emu -LiteralPath $dir -Model gpt-4o-mini-2024-07-18 -Exact -ErrorVariable err2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.NotAFile,*'
        "$($err2[0])" | Should -BeLike "*-LiteralPath '$dir' is a folder*"
    }

    It 'New-FineTuneKnowledgeIndex takes wildcards, -LiteralPath with [brackets], folders, and refuses Env:PATH' {
        $i = New-FineTuneKnowledgeIndex -Connection paths-emu -Path (Join-Path $dir 'a?.jsonl') -IndexPath (Join-Path $out 'a.ftidx') -Confirm:$false
        ($i.Files, $i.Records) | Should -Be @(2, 25)
        $i = New-FineTuneKnowledgeIndex -Connection paths-emu -LiteralPath $bracket -IndexPath (Join-Path $out 'b.ftidx') -Confirm:$false
        ($i.Files, $i.Records) | Should -Be @(1, 14)
        $folder = Join-Path $TestDrive 'kb[1]'
        $null = New-Item -ItemType Directory -Path $folder
        Copy-Item -LiteralPath $a1 -Destination $folder
        $i = Get-Item -LiteralPath $folder | New-FineTuneKnowledgeIndex -Connection paths-emu -IndexPath (Join-Path $out 'f.ftidx') -Confirm:$false
        ($i.Files, $i.Records) | Should -Be @(1, 12)
        New-FineTuneKnowledgeIndex -Connection paths-emu -Path Env:PATH -IndexPath (Join-Path $out 'e.ftidx') -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.NotFileSystem,*'
        "$($err[0])" | Should -BeLike "*-Path 'Env:PATH' is not a file-system path*"
        Test-Path -LiteralPath (Join-Path $out 'e.ftidx') | Should -BeFalse
    }
}
