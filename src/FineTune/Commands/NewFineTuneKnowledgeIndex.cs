using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using FineTune.Engine.Embeddings;
using FineTune.Engine;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Writes (or brings up to date) a knowledge index on disk: your documents cut into chunks and embedded, for Search-FineTuneKnowledgeIndex and retrieval in Compare-FineTuneModel.</para>
    /// <para type="description">Fine-tuning teaches a model behaviour (format, tone); facts that change are better looked up. This command reads CSV files (one record a row after the header; -Column picks the columns whose values make the text, "name: value" lines when several; default every column), JSONL files (one record a line; -Column picks fields; default a chat example's message contents, else every string field) and text or markdown files (.txt, .md, .markdown); a folder takes every .csv, .jsonl, .txt, .md and .markdown file below it. Each record is cut into chunks of at most -ChunkTokens tokens (cl100k_base, the encoding of OpenAI's embedding models; default 512) between words, each repeating the last -OverlapTokens tokens (default 64) of the one before; each chunk keeps its source file, record (CSV row, JSONL line) and the line it starts on.</para>
    /// <para type="description">The chunks are embedded through POST /embeddings (-EmbeddingModel, default text-embedding-3-small; on Azure a deployment of an embedding model; -Dimensions shortens text-embedding-3 vectors): up to 2,048 chunks and 300,000 tokens a request (the service's limits, counted before sending), -ThrottleLimit requests in flight, the connection's retries for 429 and 5xx, progress in chunks and chunks per second. Every vector is written to a journal (INDEX.journal.jsonl) as it arrives: after Ctrl+C or a failure, the same command sends only what is missing; the journal is removed once the index is written. Running it again over an existing index embeds only chunks whose text (SHA-256) is new: an unchanged source sends nothing, one changed row sends one request. A different model or -Dimensions embeds everything again.</para>
    /// <para type="description">Large corpora: -UseBatch sends the chunks through OpenAI's Batch API instead (one request a chunk, up to 50,000 a batch; half the price; results within 24 hours). The command waits for the batch (-BatchWaitSec bounds the wait); the batch's id is in the journal, so when the wait ends first (FineTune.BatchPending) the same command run later picks the batch up and sends nothing again. Azure OpenAI's Batch API does not serve embeddings (its global batch needs a Global Batch deployment, which serves chat models only): -UseBatch there is FineTune.BatchNotOnAzure.</para>
    /// <para type="description">Cost: before the first request the command counts the tokens to send and prices them with the price catalog's input price of the model (text-embedding-3-small $0.02, -3-large $0.13 per 1M tokens; half with -UseBatch); it asks before it spends (ConfirmImpact High; -Confirm:$false in a runbook), -WhatIf prints the cost and sends nothing, -MaxCost refuses a costlier build. The output (KnowledgeIndexInfo) gives the file, chunks, how many were reused and embedded, requests, tokens, the cost in USD and bytes written.</para>
    /// <para type="description">The file (written atomically: a reader sees the old index or the new one) is one line of JSON (format finetune-knowledge-index, version 1: model, dimensions, count, and each chunk's source, record, line, tokens, hash and text) followed by count x dimensions float32 little-endian values (unit vectors), so that other tools read it too, e.g. numpy: h = json.loads(f.readline()); v = np.fromfile(f, '&lt;f4').reshape(h['count'], h['dimensions']).</para>
    /// <para type="description">Errors: FineTune.FileNotFound (a source), FineTune.NotFileSystem (a source on another provider, such as Env:PATH), FineTune.InvalidSource (a bad JSONL line or a missing column, with file and line), FineTune.InvalidArgument, FineTune.CostUnknown, FineTune.OverBudget, FineTune.ConfirmationNeeded; service failures as FineTune.Embed.*; with -UseBatch also FineTune.BatchPending and FineTune.BatchNotOnAzure.</para>
    /// </summary>
    /// <example><code>New-FineTuneKnowledgeIndex -Path ./faq.csv -IndexPath ./kb.ftidx -Confirm:$false</code><para>Indexes every row of the CSV file (all columns) with text-embedding-3-small.</para></example>
    /// <example><code>New-FineTuneKnowledgeIndex -Path ./data -IndexPath ./docs.ftidx -ChunkTokens 300 -WhatIf</code><para>Shows how many chunks the files under ./data make and what embedding them would cost, without sending anything.</para></example>
    /// <example><code>New-FineTuneKnowledgeIndex ./faq.csv -IndexPath ./kb.ftidx -Column Question, Answer -MaxCost 0.10 -Confirm:$false</code><para>Brings an index up to date after editing the file: only changed rows are embedded, and never for more than $0.10.</para></example>
    /// <example><code>New-FineTuneKnowledgeIndex -Path ./faq.csv -IndexPath ./faq-batch.ftidx -UseBatch -BatchWaitSec 3600 -Confirm:$false</code><para>Embeds the rows through the Batch API at half the price and waits up to an hour; if the batch is still running then, the same command run later picks it up without sending it again.</para></example>
    [Cmdlet(VerbsCommon.New, "FineTuneKnowledgeIndex", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = PathSet)]
    [OutputType(typeof(KnowledgeIndexInfo))]
    public sealed class NewFineTuneKnowledgeIndexCommand : EmbeddingCmdlet
    {
        private readonly List<string> sources = new List<string>();

        /// <summary>Source files (CSV, JSONL, .txt, .md) or folders: wildcards and any PowerShell path (relative to the current location, a PSDrive).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
        [SupportsWildcards]
        public string[] Path { get; set; } = Array.Empty<string>();

        /// <summary>Source files or folders, taken as typed (no wildcards: brackets are part of the name); binds the PSPath of a file or folder piped from Get-ChildItem.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [Alias("PSPath", "FullName")]
        public string[] LiteralPath { get; set; } = Array.Empty<string>();

        /// <summary>The index file to write (replaced atomically; an existing index's unchanged chunks keep their vectors).</summary>
        [Parameter(Mandatory = true)]
        public string IndexPath { get; set; } = string.Empty;

        /// <summary>CSV columns or JSONL fields whose values make a record's text (default: every column; a chat example's message contents).</summary>
        [Parameter]
        public string[]? Column { get; set; }

        /// <summary>The largest chunk in tokens, 16–8,192 (default 512).</summary>
        [Parameter]
        [ValidateRange(16, 8192)]
        public int ChunkTokens { get; set; } = 512;

        /// <summary>Tokens each chunk repeats of the one before, 0 to half -ChunkTokens (default 64).</summary>
        [Parameter]
        [ValidateRange(0, 4096)]
        public int OverlapTokens { get; set; } = 64;

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            bool literal = ParameterSetName == LiteralPathSet;
            foreach (string p in literal ? LiteralPath : Path) sources.AddRange(InputFiles(p, literal, literal ? nameof(LiteralPath) : nameof(Path), folderAllowed: true));
        }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            if (sources.Count == 0) return;
            string index = FileSystemPath(IndexPath, nameof(IndexPath));
            var options = new KnowledgeIndexOptions
            {
                IndexPath = index,
                Sources = sources,
                Columns = Column,
                ChunkTokens = ChunkTokens,
                OverlapTokens = OverlapTokens,
                Embedding = EmbeddingOptions(null),
            };
            KnowledgeIndexPlan plan;
            try
            {
                plan = KnowledgeIndexBuilder.Plan(options, Feedback);
            }
            catch (FileNotFoundException ex)
            {
                Fail(ex, ex.FileName);
                return;
            }
            catch (InvalidDataException ex)
            {
                Fail(Failure("InvalidSource", ErrorKind.InvalidData, ex.Message, advice: "Fix the file as the message says, or pick other columns with -Column.", inner: ex));
                return;
            }
            catch (Exception ex) when (ex is ArgumentException || ex is IOException || ex is UnauthorizedAccessException)
            {
                Fail(ex, index);
                return;
            }

            WriteVerbose($"{plan.Files} files, {plan.Records} records, {plan.Chunks.Count} chunks; {plan.Reused} keep their vectors.");
            if (!Approve(plan.Embedding, "NewKnowledgeIndex", index, $"Embed {plan.Embedding.ToSend:N0} chunks with {EmbeddingModel} and write the index")) return;
            try
            {
                if (TryRun(ct => KnowledgeIndexBuilder.BuildAsync(Service, plan, options, Feedback, ct), index, out KnowledgeIndexInfo info)) WriteObject(info);
            }
            catch (Exception ex) when (ex is InvalidDataException || ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException)
            {
                FailIndex(ex, index);
            }
        }
    }
}
