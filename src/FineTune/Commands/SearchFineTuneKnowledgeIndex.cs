using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using FineTune.Engine.Embeddings;
using FineTune.Engine;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Searches a knowledge index (New-FineTuneKnowledgeIndex) for the chunks closest in meaning to a question.</para>
    /// <para type="description">Embeds each -Query with the index's own embedding model (all queries of one command in one request; its cost, the query's tokens at the catalog's input price, is written to the verbose stream) and returns the -Top chunks (default 5) with the highest cosine similarity, best first: Rank, Score (cosine, -1 to 1; higher is closer), Source (file), Record (CSV row or JSONL line), Line (where the chunk starts in the file), Chunk (its place in the record), Text, Query. -MinScore leaves out weaker hits. -Vector searches with a vector you already have (as many components as the index's dimensions; sends nothing). The index is read once per command; the scores come from System.Numerics.Tensors (SIMD). -WhatIf prints what embedding the queries would cost and sends nothing.</para>
    /// <para type="description">Errors: FineTune.FileNotFound (no index there), FineTune.InvalidIndex (not an index, another version, a cut file), FineTune.InvalidArgument (a vector of the wrong length); service failures as FineTune.Embed.*.</para>
    /// </summary>
    /// <example><code>Search-FineTuneKnowledgeIndex -IndexPath ./kb.ftidx -Query 'How can I change my password?' -Top 3</code><para>The three chunks closest to the question, with their scores and sources.</para></example>
    /// <example><code>Get-Content prompts.txt | Search-FineTuneKnowledgeIndex -IndexPath ./kb.ftidx -Top 1 | Format-List Query, Score, Source, Text</code><para>The best chunk for each question of a file (one embedding request for all of them).</para></example>
    [Cmdlet(VerbsCommon.Search, "FineTuneKnowledgeIndex", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = "Query")]
    [OutputType(typeof(KnowledgeHit))]
    public sealed class SearchFineTuneKnowledgeIndexCommand : ServiceCmdlet
    {
        private readonly List<string> queries = new List<string>();
        private readonly List<float[]> vectors = new List<float[]>();

        /// <summary>The index file.</summary>
        [Parameter(Mandatory = true)]
        public string IndexPath { get; set; } = string.Empty;

        /// <summary>The questions (text); from the pipeline too.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Query")]
        [ValidateNotNullOrEmpty]
        public string[] Query { get; set; } = Array.Empty<string>();

        /// <summary>A query vector (as many float components as the index's dimensions); from the pipeline too. Sends nothing.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Vector")]
        public float[] Vector { get; set; } = Array.Empty<float>();

        /// <summary>Hits per query, 1–1,000 (default 5).</summary>
        [Parameter]
        [ValidateRange(1, 1000)]
        public int Top { get; set; } = 5;

        /// <summary>Leave out hits whose cosine similarity is below this, -1 to 1.</summary>
        [Parameter]
        [ValidateRange(-1.0, 1.0)]
        public double? MinScore { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (ParameterSetName == "Vector") vectors.Add(Vector.ToArray());
            else queries.AddRange(Query);
        }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            string path = FileSystemPath(IndexPath, nameof(IndexPath));
            KnowledgeIndex index;
            try
            {
                index = KnowledgeIndex.Load(path);
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                Fail(new FileNotFoundException($"The knowledge index '{IndexPath}' does not exist. Build it with New-FineTuneKnowledgeIndex.", path, ex), IndexPath);
                return;
            }
            catch (Exception ex) when (ex is InvalidDataException || ex is IOException || ex is UnauthorizedAccessException)
            {
                FailIndex(ex, IndexPath!);
                return;
            }

            var texts = vectors.Select(_ => string.Empty).ToList();
            var asked = vectors.Select(v => VectorMath.Normalize(v)).ToList();
            if (queries.Count > 0)
            {
                var options = new EmbeddingOptions { Model = index.Header.Model, Dimensions = index.Header.RequestedDimensions, Provider = Service.Name };
                EmbeddingPlan plan = Embedder.Plan(queries, options);
                string cost = $"{plan.Requests} embedding request, {plan.Tokens:N0} tokens, {plan.CostText}";
                WriteVerbose($"Embedding {queries.Count} queries with {index.Header.Model}: {cost}.");
                if (!ShouldProcess(path, $"Embed {queries.Count} queries and search ({cost})")) return;
                if (!TryRun(ct => Embedder.EmbedAsync(Service, queries, options, Feedback, ct), path, out EmbeddingRun run)) return;
                texts.AddRange(queries);
                asked.AddRange(run.Vectors);
            }

            for (int q = 0; q < asked.Count; q++)
            {
                if (asked[q].Length != index.Header.Dimensions)
                {
                    Report(Failure("InvalidArgument", ErrorKind.InvalidRequest, $"The query vector has {asked[q].Length} components; the index's vectors have {index.Header.Dimensions} ({index.Header.Model}).", asked[q]));
                    continue;
                }

                foreach (KnowledgeHit hit in index.Search(asked[q], Top, texts[q], path))
                {
                    if (MinScore is double min && hit.Score < min) break;
                    WriteObject(hit);
                }
            }
        }
    }
}
