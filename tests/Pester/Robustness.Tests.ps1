# Hostile inputs against the cmdlets: outputs that are inputs, odd encodings, huge numbers, odd paths.
# Each case is a defect that once lost data, crashed or misreported; the emulator stands in for the service.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1)
    Import-Module (Join-Path $PSScriptRoot '../../src/FineTune.Emulator/Emulator.psm1') -Force
    Import-Module (Get-FineTuneModulePath) -Force
    $script:emu = Start-FineTuneEmulator
    Connect-FineTune -Endpoint $emu.Endpoint -ApiKey (ConvertTo-SecureString 'sk-emulator-robustness' -AsPlainText -Force) -MaxRetries 0

    # Stores a file as another client would (curl, the web page): the name exactly as given. Returns the service's answer.
    function script:Send-RawFile([string] $Path, [string] $Name, [string] $Purpose = 'fine-tune') {
        $client = [Net.Http.HttpClient]::new()
        try {
            $client.DefaultRequestHeaders.Authorization = [Net.Http.Headers.AuthenticationHeaderValue]::new('Bearer', 'sk-emulator-robustness')
            $form = [Net.Http.MultipartFormDataContent]::new()
            $form.Add([Net.Http.StringContent]::new($Purpose), 'purpose')
            $part = [Net.Http.ByteArrayContent]::new([IO.File]::ReadAllBytes($Path))
            $part.Headers.ContentDisposition = [Net.Http.Headers.ContentDispositionHeaderValue]::new('form-data')
            $part.Headers.ContentDisposition.Name = '"file"'
            $part.Headers.ContentDisposition.FileName = '"' + $Name + '"'   # quoted by hand: HttpClient refuses a blank name
            $form.Add($part)
            $client.PostAsync("$($emu.Endpoint)/files", $form).GetAwaiter().GetResult().Content.ReadAsStringAsync().GetAwaiter().GetResult() | ConvertFrom-Json
        }
        finally { $client.Dispose() }
    }
    function script:New-Train([string] $Name = 'train.jsonl', [int] $Count = 12, [string] $Extra) { New-ChatFile (Join-Path $TestDrive $Name) $Count $Extra }
}

AfterAll {
    Disconnect-FineTune -ErrorAction SilentlyContinue
    if ($script:emu) { $script:emu | Stop-FineTuneEmulator }
}

Describe 'An output that is an input is refused before anything is written' {
    It 'refuses -ResumeFile equal to -Path, also through a symbolic link, and leaves the file as it was' {
        $train = New-Train
        $before = Get-FileHash $train
        Test-FineTuneModeration -Path $train -ResumeFile $train -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.InvalidArgument*'
        "$($err[0])" | Should -BeLike '*-ResumeFile*same file as the training file*'
        $link = Join-Path $TestDrive 'journal-link.jsonl'
        $null = New-Item -ItemType SymbolicLink -Path $link -Target $train
        Test-FineTuneModeration -Path $train -ResumeFile $link -ErrorVariable err2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err2.Count | Should -Be 1
        (Get-FileHash $train).Hash | Should -Be $before.Hash
    }

    It 'refuses -OutFile equal to -ResumeFile at once' {
        $train = New-Train
        $same = Join-Path $TestDrive 'same.jsonl'
        Test-FineTuneModeration -Path $train -OutFile $same -ResumeFile $same -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        "$($err[0])" | Should -BeLike '*-OutFile*same file as -ResumeFile*'
        Test-Path $same | Should -BeFalse
    }
}

Describe 'One rule for escaped lone surrogates' {
    It 'is an error naming file, line and field in Test-FineTuneDataset, and Add-FineTuneFile uploads nothing' {
        $train = New-Train -Name 'lone.jsonl' -Extra '{"messages":[{"role":"user\ud800","content":"Hi"},{"role":"assistant","content":"Hello."}]}'
        $out = @(Test-FineTuneDataset $train)
        $finding = @($out | Where-Object { $_.PSObject.Properties['RuleId'] -and $_.RuleId -eq 'FT004' })
        $finding.Count | Should -Be 1
        $finding[0].Line | Should -Be 13
        $finding[0].Message | Should -BeLike '*messages`[0`].role*lone surrogate*'
        $out[-1].Valid | Should -BeFalse
        Add-FineTuneFile $train -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        "$($err[0])" | Should -BeLike '*line*13*'
    }
}

Describe 'Get-FineTuneCost with numbers beyond a long' {
    It 'writes a clear error, never negative tokens or $0.00' {
        $r = Get-FineTuneCost -Model gpt-4o-mini-2024-07-18 -TrainingTokens ([long]::MaxValue) -Epochs 50 -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.InvalidArgument*'
        "$($err[0])" | Should -BeLike '*training tokens*50 epochs*'
    }
}

Describe 'A CR-only file' {
    It 'is reported as CR line ends with every example' {
        $path = Join-Path $TestDrive 'cr.jsonl'
        [IO.File]::WriteAllText($path, ((1..12 | ForEach-Object { New-ChatLine $_ }) -join "`r") + "`r")
        $out = @(Test-FineTuneDataset $path)
        $out[-1].Examples | Should -Be 12
        ($out | Where-Object { $_.PSObject.Properties['RuleId'] -and $_.RuleId -eq 'FT012' }).Message | Should -BeLike '*CR alone*'
    }
}

Describe 'What is not a regular file' {
    It 'refuses a named pipe and a folder at once, naming them' {
        if ($IsWindows -or -not (Get-Command mkfifo -ErrorAction SilentlyContinue)) { Set-ItResult -Skipped -Because 'mkfifo is not available'; return }
        $fifo = Join-Path $TestDrive 'pipe.jsonl'
        & mkfifo $fifo
        foreach ($target in $fifo, $TestDrive) {
            Test-FineTuneDataset $target -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.NotAFile*'
            Add-FineTuneFile $target -SkipValidation -ErrorVariable err2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err2[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.NotAFile*'
        }
        "$($err[0])" | Should -BeLike '*folder*'
        Test-FineTuneModeration $fifo -ErrorVariable err3 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        "$($err3[0])" | Should -BeLike '*named pipe*'
    }
}

Describe 'A dropped upload adopts only its own file' {
    It 'does not take a file of the same name and size that another client uploaded meanwhile' {
        $ours = New-Train -Name 'shared-name.jsonl' -Count 12
        # another client stores a file of exactly our local name and size while ours is in flight
        $other = Send-RawFile $ours 'shared-name.jsonl'
        $other.filename | Should -Be 'shared-name.jsonl'
        $other.bytes | Should -Be (Get-Item $ours).Length

        Set-EmulatorFault 'drop' -Route '/files' -Clear   # our upload's connection is closed before the service made a file
        Connect-FineTune -MaxRetries 1   # one more attempt after the look-up finds nothing of ours
        try { $mine = Add-FineTuneFile -LiteralPath $ours -WarningAction SilentlyContinue }
        finally { Connect-FineTune -MaxRetries 0; Set-EmulatorFault -Clear }
        $mine.Id | Should -Not -Be $other.id
        $mine.Filename | Should -MatchExactly '^shared-name\.[0-9a-f]{8}\.jsonl$'
        (Get-FineTuneFile $mine.Id).Bytes | Should -Be (Get-Item $ours).Length
    }
}

Describe 'A name from the service is made safe when saving into a folder' {
    It 'saves <name> as <saved>, never a hidden file, another folder or a nameless file' -ForEach @(
        @{ name = '.bashrc'; saved = 'bashrc' }
        @{ name = ' '; saved = $null }
        @{ name = '../../escape.txt'; saved = 'escape.txt' }
    ) {
        $src = New-Train -Name 'content.jsonl' -Count 2
        $f = Send-RawFile $src $name 'user_data'
        $f.filename | Should -Be $name   # stored as sent
        $folder = Join-Path $TestDrive "saved-$([guid]::NewGuid().ToString('N'))"
        $null = New-Item -ItemType Directory -Path $folder
        $out = Save-FineTuneFile $f.id -Path $folder
        $expected = if ($saved) { $saved } else { $f.id }   # nothing left of the name: the file id
        $out.FullName | Should -Be (Join-Path $folder $expected)
        @(Get-ChildItem -LiteralPath $folder -Force).Name | Should -Be @($expected)
        [IO.File]::ReadAllBytes($out.FullName) | Should -Be ([IO.File]::ReadAllBytes($src))
    }
}

Describe 'Chat examples appended to a prompt/completion file' {
    It 'are refused, and the file is left as it was' {
        $legacy = Join-Path $TestDrive 'legacy.jsonl'
        [IO.File]::WriteAllText($legacy, "{`"prompt`":`"Q ->`",`"completion`":`" A END`"}`n")
        $before = Get-FileHash $legacy
        $e = { @{ Question = 'one more?'; Answer = 'yes' } | New-FineTuneDataset -Path $legacy -Append } |
            Should -Throw -ErrorId 'FineTune.MixedFormats,FineTune.Commands.NewFineTuneDatasetCommand' -PassThru
        "$e" | Should -BeLike '*Completion examples (line 1)*mix two formats*'
        (Get-FileHash $legacy).Hash | Should -Be $before.Hash
        @(Get-ChildItem $TestDrive -Force -Filter '.legacy*').Count | Should -Be 0   # no temporary file left
    }
}

Describe 'A success answer that is a web page' {
    It 'says the endpoint is not an OpenAI-compatible API, naming the request id, never "Correct the request"' {
        $page = Start-LoopbackService -Key 'sk-html-page' -Body '<!DOCTYPE html><html><body>Sign in</body></html>' -ContentType 'text/html'
        try {
            Connect-FineTune -Name html-page -Endpoint $page.Endpoint -ApiKey (ConvertTo-SecureString 'sk-html-page' -AsPlainText -Force) -MaxRetries 0
            Get-FineTuneModel -Connection html-page -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'FineTune.NotAnApi*'
            "$($err[0])" | Should -BeLike '*web page (HTML), not the JSON of an API*req_loopback_1*'
            $err[0].ErrorDetails.RecommendedAction | Should -BeLike '*-Endpoint*'
            $err[0].ErrorDetails.RecommendedAction | Should -Not -BeLike '*Correct the request*'
        }
        finally {
            Disconnect-FineTune -Name html-page -ErrorAction SilentlyContinue
            $page.Stop()
        }
    }
}
