using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using FineTune.Engine.Embeddings;
using FineTune.Engine;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Finds near-duplicate examples by embedding: validation examples that are (nearly) training examples, and near-duplicates within a file.</para>
    /// <para type="description">A validation example that is also in the training file, or nearly so, makes the validation loss and any comparison on it look better than the model is; near-duplicates within a training file weigh some examples more than others. This command embeds every example's text (a chat example's message contents, a legacy example's prompt and completion; cut at 8,192 tokens) through POST /embeddings (-EmbeddingModel, default text-embedding-3-small; batched within the service's limits, -ThrottleLimit requests in flight, the connection's retries; or -UseBatch: OpenAI's Batch API at half the price, waiting up to -BatchWaitSec, the batch journaled so that a later run picks it up) and compares them by cosine similarity (System.Numerics.Tensors). With -ValidationPath it reports each validation example whose similarity to a training example is at least -Threshold (default 0.95) as Leakage; without it, or with -Within, each pair of examples of the training file at or above the threshold as Within. Each DuplicatePair gives Kind, Similarity (0–1; 1 for the same text; Identical says whether the texts are equal), Path and Line of one example, OtherPath and OtherLine of the other, and excerpts; most similar first.</para>
    /// <para type="description">It is its own command rather than a switch of Test-FineTuneDataset because it calls the service and costs money, while Test-FineTuneDataset works offline and free. Before the first request it counts the tokens and prices them with the catalog's input price of the model, asks (ConfirmImpact High; -Confirm:$false in a runbook), -WhatIf prints the cost and sends nothing, and -MaxCost refuses a costlier run. Vectors go to a journal (PATH.embedding-journal.jsonl, or -JournalPath) as they arrive and it is kept: a re-run, with another -Threshold for instance, sends only what is missing (nothing, when the files did not change).</para>
    /// <para type="description">Errors: FineTune.FileNotFound, FineTune.InvalidFile (a line that is not a JSON object, with file and line), FineTune.InvalidArgument, FineTune.CostUnknown, FineTune.OverBudget, FineTune.ConfirmationNeeded; service failures as FineTune.Embed.*; with -UseBatch also FineTune.BatchPending and FineTune.BatchNotOnAzure.</para>
    /// </summary>
    /// <example><code>Find-FineTuneDuplicate -Path train.jsonl -ValidationPath val.jsonl -Confirm:$false</code><para>Validation examples that are (nearly) in the training file, with both line numbers and their similarity.</para></example>
    /// <example><code>Find-FineTuneDuplicate train.jsonl -Threshold 0.9 -Confirm:$false | Format-List Line, OtherLine, Similarity, Excerpt, OtherExcerpt</code><para>Pairs of training examples at least 0.9 similar, for review.</para></example>
    [Cmdlet(VerbsCommon.Find, "FineTuneDuplicate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(DuplicatePair))]
    public sealed class FindFineTuneDuplicateCommand : EmbeddingCmdlet
    {
        /// <summary>The training file (JSONL). Binds FullName from Get-Item and Path of New-FineTuneDataset output.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "TrainingPath")]
        public string Path { get; set; } = string.Empty;

        /// <summary>The validation file (JSONL): its examples are compared with every training example (leakage).</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        public string? ValidationPath { get; set; }

        /// <summary>The lowest cosine similarity reported, 0–1 (default 0.95).</summary>
        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double Threshold { get; set; } = 0.95;

        /// <summary>With -ValidationPath, also report near-duplicates within the training file.</summary>
        [Parameter]
        public SwitchParameter Within { get; set; }

        /// <summary>The journal of vectors (default PATH.embedding-journal.jsonl beside the training file).</summary>
        [Parameter]
        public string? JournalPath { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            string path = FileSystemPath(Path, nameof(Path));
            string? validation = ValidationPath == null ? null : FileSystemPath(ValidationPath, nameof(ValidationPath));
            var options = new DuplicateOptions
            {
                Path = path,
                ValidationPath = validation,
                Threshold = Threshold,
                Within = Within,
                Embedding = EmbeddingOptions(JournalPath == null ? null : FileSystemPath(JournalPath, nameof(JournalPath))),
            };
            EmbeddingPlan plan;
            try
            {
                plan = DuplicateFinder.Plan(options).Plan;
            }
            catch (FileNotFoundException ex)
            {
                Report(ex, ex.FileName);
                return;
            }
            catch (InvalidDataException ex)
            {
                Report(Failure("InvalidFile", ErrorKind.InvalidData, ex.Message, path, "Fix the line, or run Test-FineTuneDataset on the file.", ex));
                return;
            }
            catch (Exception ex) when (ex is ArgumentException || ex is IOException || ex is UnauthorizedAccessException)
            {
                Report(ex, path);
                return;
            }

            string target = validation == null ? path : $"{path} and {validation}";
            if (!Approve(plan, "FindDuplicate", target, $"Embed {plan.ToSend:N0} examples with {EmbeddingModel}")) return;
            if (!TryRun(ct => DuplicateFinder.FindAsync(Service, options, Feedback, ct), path, out DuplicateReport report)) return;
            WriteVerbose($"{report.Pairs.Count} pairs at or above {Threshold}; {report.Run.RequestsSent} requests, {report.Run.TokensBilled:N0} tokens, {(report.Run.CostUsd is decimal c ? "$" + c.ToString("0.######") : "cost unknown")}; {report.Run.FromJournal} examples from the journal.");
            foreach (DuplicatePair pair in report.Pairs) WriteObject(pair);
        }
    }
}
