<#
    Get-BenchFile MB: the path of bench/work/chat-<MB>mb.jsonl (or chat-<N>gb.jsonl), built once and reused (git-ignored),
    from the lines of the ../shared/data chat files (chat_*.jsonl) in their order, each copy with its number put in
    front of the first user message ("[copy 17] What was ...") so the copies are distinct examples, as in a real
    file; the system messages stay as they are. Dot-sourced by the bench scripts, which set $work (bench/work) and
    $root (the repository) first.
#>
function Get-BenchFile([int] $megabytes) {
    $name = if ($megabytes -ge 1024 -and $megabytes % 1024 -eq 0) { "chat-$($megabytes / 1024)gb.jsonl" } else { "chat-$($megabytes)mb.jsonl" }
    $file = Join-Path $work $name
    $target = [long]$megabytes * 1MB
    if ((Test-Path $file) -and (Get-Item $file).Length -ge $target) { return $file }

    $sources = Get-ChildItem (Join-Path (Split-Path $root) 'shared/data') -Filter 'chat_*.jsonl' | Sort-Object Name
    if (-not $sources) { throw "Input missing: ../shared/data/chat_*.jsonl" }
    # Each line split where the copy number goes: after the first user message's opening quote.
    $pattern = [regex]'"role"\s*:\s*"user"\s*,\s*"content"\s*:\s*"'
    $parts = foreach ($s in $sources) {
        foreach ($line in [System.IO.File]::ReadLines($s.FullName)) {
            if (-not $line.Trim()) { continue }
            $m = $pattern.Match($line)
            if ($m.Success) { , @($line.Substring(0, $m.Index + $m.Length), $line.Substring($m.Index + $m.Length)) }
            else { , @($line, $null) }
        }
    }
    Write-Host ("Building {0} ({1:N0} MB) from {2} lines of {3} files..." -f $file, $megabytes, $parts.Count, $sources.Count)
    $tmp = "$file.tmp"
    $writer = [System.IO.StreamWriter]::new($tmp, $false, [System.Text.UTF8Encoding]::new($false), 1MB)
    try {
        $copy = 0
        while ($writer.BaseStream.Position -lt $target) {
            $copy++
            $tag = "[copy $copy] "
            foreach ($p in $parts) {
                if ($null -eq $p[1]) { $writer.Write($p[0]) } else { $writer.Write($p[0]); $writer.Write($tag); $writer.Write($p[1]) }
                $writer.Write("`n")
            }
            $writer.Flush()
        }
    }
    finally { $writer.Dispose() }
    Move-Item -Force $tmp $file
    $file
}


# The median of $Values (the lower middle one of an even count); with -Property, the item whose property is the median.
function Get-Median([object[]] $Values, [string] $Property) {
    $sorted = @(if ($Property) { $Values | Sort-Object $Property } else { $Values | Sort-Object })
    $sorted[[int][math]::Floor(($sorted.Count - 1) / 2)]
}
