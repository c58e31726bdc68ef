<#
.SYNOPSIS
    Two figures of the embeddings work, each beside a peer in the same run: (1) Search-FineTuneKnowledgeIndex
    queries per second over -Vectors vectors of -Dimensions (default 100,000 x 1,536) against numpy's brute force
    (scores = V @ q, then argpartition for the top 10) on the same index file; (2) New-FineTuneKnowledgeIndex
    texts per second on the emulator against one /v1/embeddings request per text (an Invoke-RestMethod loop).
.DESCRIPTION
    (1) The index file is written by numpy in the documented format (docs/KNOWLEDGE-INDEX.md: a JSON header line,
    then float32 little-endian unit vectors), random vectors with a fixed seed; -Queries random unit query vectors
    go to both sides, which must agree on every query's best row before any figure is printed. Our time excludes
    reading the file (after a warm-up, a search of one query is timed and subtracted); numpy's excludes np.fromfile too.
    numpy comes from Debian's python3-numpy (/usr/bin/python3); without it part 1 says so and is skipped.
    (2) Texts: the GSM8K training set of ../shared/data repeated -Repeat times (each copy's texts made distinct),
    one chunk a record. Every request of both sides waits -LatencyMs on the emulator (a scripted delay fault),
    standing in for a service's latency; both sides embed the same texts.
    Run: dotnet pwsh ./bench/Embeddings.Bench.ps1 [-Vectors 100000] [-Dimensions 1536] [-Queries 200] [-Repeat 2] [-LatencyMs 50]
    Do not take figures while the machine is busy: print the load (uptime) beside them.
#>
[CmdletBinding()]
param(
    [int] $Vectors = 100000,
    [int] $Dimensions = 1536,
    [int] $Queries = 200,
    [int] $Repeat = 2,
    [int] $LatencyMs = 50,
    [string] $ModulePath
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot
if (-not $ModulePath) { $ModulePath = (Get-ChildItem (Join-Path $root 'out/FineTune') -Filter FineTune.psd1 -Recurse | Select-Object -First 1).FullName }
Import-Module $ModulePath -Force
Import-Module (Join-Path $root 'src/FineTune.Emulator/Emulator.psm1') -Force
$dir = Join-Path ([System.IO.Path]::GetTempPath()) ("ft-bench-embed-" + [guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory $dir | Out-Null
Write-Host "load: $((Get-Content /proc/loadavg -ErrorAction SilentlyContinue) ?? 'unknown') ($([Environment]::ProcessorCount) cores)"

try {
    # ---- (1) search: ours against numpy's brute force ----
    $python = '/usr/bin/python3'
    $numpy = $false
    if (Test-Path $python) { & $python -c 'import numpy' 2>$null; $numpy = $LASTEXITCODE -eq 0 }
    if (-not $numpy) {
        Write-Host "search: skipped: numpy is not installed (apt-get install python3-numpy gives /usr/bin/python3 with numpy)."
    }
    else {
        $index = Join-Path $dir 'bench.ftidx'
        $queryFile = Join-Path $dir 'queries.f32'
        $make = @'
import json, sys, numpy as np
n, d, q, path, qpath = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
rng = np.random.default_rng(7)
v = rng.standard_normal((n, d), dtype=np.float32); v /= np.linalg.norm(v, axis=1, keepdims=True)
header = {"format": "finetune-knowledge-index", "version": 1, "model": "text-embedding-3-small", "dimensions": d,
          "requestedDimensions": None, "count": n, "vectors": "float32-le", "encoding": "cl100k_base", "chunkTokens": 512,
          "overlapTokens": 0, "created": "2026-01-01T00:00:00Z",
          "chunks": [{"source": "bench", "record": i + 1, "line": i + 1, "chunk": 0, "tokens": 1, "hash": str(i), "text": "row %d" % i} for i in range(n)]}
with open(path, "wb") as f:
    f.write(json.dumps(header).encode("utf-8")); f.write(b"\n"); f.write(v.astype("<f4").tobytes())
qs = rng.standard_normal((q, d), dtype=np.float32); qs /= np.linalg.norm(qs, axis=1, keepdims=True)
qs.astype("<f4").tofile(qpath)
'@
        $search = @'
import json, sys, time, numpy as np
path, qpath, top = sys.argv[1], sys.argv[2], 10
with open(path, "rb") as f:
    h = json.loads(f.readline()); v = np.fromfile(f, dtype="<f4").reshape(h["count"], h["dimensions"])
qs = np.fromfile(qpath, dtype="<f4").reshape(-1, h["dimensions"])
best = []
t = time.perf_counter()
for q in qs:
    s = v @ q
    i = np.argpartition(-s, top)[:top]
    i = i[np.argsort(-s[i])]
    best.append(int(i[0]) + 1)
print(json.dumps({"seconds": time.perf_counter() - t, "best": best}))
'@
        $makePy = Join-Path $dir 'make.py'; $searchPy = Join-Path $dir 'search.py'
        Set-Content $makePy $make; Set-Content $searchPy $search
        & $python $makePy $Vectors $Dimensions $Queries $index $queryFile
        if ($LASTEXITCODE) { throw 'numpy could not write the index.' }
        $bytes = [System.IO.File]::ReadAllBytes($queryFile)
        $qs = for ($i = 0; $i -lt $Queries; $i++) { $v = [float[]]::new($Dimensions); [Buffer]::BlockCopy($bytes, $i * $Dimensions * 4, $v, 0, $Dimensions * 4); , $v }

        $null = Search-FineTuneKnowledgeIndex -IndexPath $index -Vector $qs[0] -Top 10 # warm-up: loads and compiles the code
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $null = Search-FineTuneKnowledgeIndex -IndexPath $index -Vector $qs[0] -Top 10
        $load = $watch.Elapsed.TotalSeconds # reading the file and one query
        $watch.Restart()
        $hits = $qs | Search-FineTuneKnowledgeIndex -IndexPath $index -Top 10
        $oursSeconds = [math]::Max(1e-6, $watch.Elapsed.TotalSeconds - $load) # the file is read once a command
        $oursBest = @($hits | Where-Object Rank -eq 1 | ForEach-Object Record)

        $peer = & $python $searchPy $index $queryFile | ConvertFrom-Json
        if ($oursBest.Count -ne $Queries -or (Compare-Object $oursBest $peer.best -SyncWindow 0)) { throw 'Ours and numpy disagree on the best rows: no figures.' }
        $oursQps = $Queries / $oursSeconds; $peerQps = $Queries / $peer.seconds
        '{0:N0} vectors x {1:N0} dims, {2} queries, top 10 (same best row on every query)' -f $Vectors, $Dimensions, $Queries
        '  ours  (Search-FineTuneKnowledgeIndex -Vector, TensorPrimitives): {0,8:N1} queries/s (index read: {1:N1} s)' -f $oursQps, $load
        '  numpy (V @ q + argpartition, brute force):                       {0,8:N1} queries/s' -f $peerQps
        '  ratio ours/numpy: {0:N2}' -f ($oursQps / $peerQps)
        Remove-Item $index, $queryFile
    }

    # ---- (2) building an index: batched requests against one request per text ----
    $source = Join-Path (Split-Path $root) 'shared/data/chat_gsm8k_train.jsonl'
    if (-not (Test-Path $source)) { Write-Host "build: skipped: input missing: $source"; return }
    $lines = [System.IO.File]::ReadAllText($source).TrimEnd("`n").Split("`n")
    $out = for ($r = 0; $r -lt $Repeat; $r++) { foreach ($l in $lines) { $l.Replace('"role": "user", "content": "', "`"role`": `"user`", `"content`": `"(copy $r) ") } }
    $corpus = Join-Path $dir 'corpus.jsonl'
    [System.IO.File]::WriteAllText($corpus, ($out -join "`n") + "`n")
    $emu = Start-FineTuneEmulator
    $global:PSDefaultParameterValues['*-Emulator*:Emulator'] = $emu
    $key = 'sk-bench-embed'
    Connect-FineTune -Endpoint $emu.Endpoint -ApiKey (ConvertTo-SecureString $key -AsPlainText -Force)
    try {
        Set-EmulatorFault -Fault (@("delay:$LatencyMs") * 100) -Route '/embeddings'
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $built = New-FineTuneKnowledgeIndex -Path $corpus -IndexPath (Join-Path $dir 'corpus.ftidx') -ChunkTokens 2048 -OverlapTokens 0 -Confirm:$false -ProgressAction SilentlyContinue
        $oursSeconds = $watch.Elapsed.TotalSeconds
        Set-EmulatorFault -Clear

        $h = Get-Content (Join-Path $dir 'corpus.ftidx') -TotalCount 1 | ConvertFrom-Json
        $texts = @($h.chunks.text)
        Set-EmulatorFault -Fault (@("delay:$LatencyMs") * $texts.Count) -Route '/embeddings'
        $watch.Restart()
        foreach ($t in $texts) {
            $null = Invoke-RestMethod -Method Post -Uri "$($emu.Endpoint)/embeddings" -Headers @{ Authorization = "Bearer $key" } -ContentType 'application/json' -Body (@{ model = 'text-embedding-3-small'; input = $t } | ConvertTo-Json)
        }
        $peerSeconds = $watch.Elapsed.TotalSeconds
        Set-EmulatorFault -Clear
        '{0:N0} texts ({1:N0} tokens), {2} ms latency a request on the emulator' -f $built.Chunks, $built.Tokens, $LatencyMs
        '  ours  (New-FineTuneKnowledgeIndex, {0} requests): {1,8:N1} texts/s ({2:N2} s)' -f $built.Requests, ($built.Chunks / $oursSeconds), $oursSeconds
        '  peer  (one request per text, {0} requests):    {1,8:N1} texts/s ({2:N2} s)' -f $texts.Count, ($texts.Count / $peerSeconds), $peerSeconds
        '  ratio ours/peer: {0:N1}' -f ($peerSeconds / $oursSeconds)
    }
    finally {
        Disconnect-FineTune
        $global:PSDefaultParameterValues.Remove('*-Emulator*:Emulator')
        $emu | Stop-FineTuneEmulator
    }
}
finally {
    Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
}
