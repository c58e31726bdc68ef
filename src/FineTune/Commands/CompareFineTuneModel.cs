using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using FineTune.Engine.Embeddings;
using FineTune.Engine.Evaluation;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;
using FineTune.Engine;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Runs held-out examples through several models (base, fine-tuned, checkpoints) and grades the answers: did fine-tuning pay off?</para>
    /// <para type="description">Reads a chat JSONL file (the validation file Split-FineTuneDataset wrote, or any file): the messages before the last assistant message are the prompt, that message is the reference answer, and the line's other top-level fields are the item that grader templates read ({{item.x}}; {{item.reference}} is the reference unless the line has that field). Legacy prompt/completion lines work too. Every example goes to every contender: -Model (several), -BaseModel (the baseline; bound from a job, with the fine-tuned model, when Wait-FineTuneJob pipes one in), or -Contender (hashtables with Model, Name, SystemMessage, TrainingCost, and Connection: a name given to Connect-FineTune -Name or a connection object, for a model on another service, priced at that service's rates; not with -UseBatch). A contender's system message replaces the file's system messages ("" removes them), so that "base model + long instructions" can be compared with "fine-tuned model + a short prompt". babbage-002, davinci-002 and their fine-tunes answer through the completions route.</para>
    /// <para type="description">Graders: -Grader takes files (or JSON text) in the service's own shape, as reinforcement fine-tuning and the Evals API use them: string_check (eq, ne, like, ilike), text_similarity (fuzzy_match, bleu, gleu, meteor, rouge_1..rouge_5, rouge_l; pass_threshold, default 0.5; cosine needs embeddings and is refused), label_model and score_model (asked through the same connection), multi (calculate_output: + - * / ^, min, max, abs, floor, ceil, round, sqrt, exp, log over the graders' keys); templates {{item.*}}, {{sample.output_text}}, {{sample.output_json.*}}. python graders are refused. Shorthands: -Exact, -Contains, -Regex (with a capture group: the group in the answer must equal the group in the reference, e.g. '####\s*(-?[\d,.]+)'), -Label (accuracy, per-label precision and recall, confusion matrix), -Json (the answer is JSON) and -Schema (a JSON Schema file or text, validated by JsonSchema.Net). An example passes when every grader passes.</para>
    /// <para type="description">Output: one summary per contender (the default table fits 80 columns): pass rate with its 95% Wilson interval, mean score, format validity, tokens per call, latency p50/p95 in seconds, USD per 1,000 calls from the price catalog's inference prices (half with -UseBatch), and against the first contender the flips both ways (Gained: examples it passes and the baseline fails; Lost: the reverse) with McNemar's test (exact binomial below 25 flips, else chi-square with continuity correction), and the break-even: after how many calls the training cost (-TrainingCost, or TrainedTokens of a piped job at the catalog's training price) is paid back by a cheaper call, or "never". Each summary's Rows property holds its per-example rows (answer, grades, tokens, latency, cost); Comparison holds all of them. Export-FineTuneComparison writes an HTML report.</para>
    /// <para type="description">At scale: -ThrottleLimit requests in flight (default 16: a chat call spends most of its time waiting for the model, and OpenAI's rate limits allow far more requests a minute on every paid tier than 16 in flight make), the connection's retries (Connect-FineTune -MaxRetries) for 429 and 5xx, progress with examples per second, Ctrl+C stops at once. Every answer goes to a journal (-JournalPath; default FILE.compare-journal.jsonl beside the file) keyed by a SHA-256 hash of the request, so a re-run sends only what is missing and reports the same figures. -UseBatch sends the answers through the Batch API (half price on OpenAI; 24 h window) and waits for it (-BatchWaitSec bounds the wait; pending rows say so and a later run picks the batch up from the journal, or by -BatchId). Azure's Batch API does not serve fine-tuned models: -UseBatch with one on Azure is an error.</para>
    /// </summary>
    /// <para type="description">Fine-tuning or semantic search? -IndexPath names a knowledge index (New-FineTuneKnowledgeIndex) and -RetrievalModel the models that are compared with retrieval as well: each becomes a contender "MODEL + retrieval" (or give a -Contender Retrieval = $true) whose system message is followed by the -TopPassages (default 3) chunks of the index closest to the example's question, with their sources. So "base model + retrieval", "fine-tuned model" and "fine-tuned model + retrieval" are graded on the same examples. Each question is embedded once with the index's model (one request for up to 2,048 questions; journaled beside the comparison's journal, so a re-run sends nothing), and that embedding is part of the contender's cost per call and per 1,000 calls. Each row's Passages lists the passages given ("source:line").</para>
    /// <example><code>Wait-FineTuneJob $jobId | Compare-FineTuneModel -Path ./split/validation.jsonl -Regex '####\s*(-?[\d,.]+)'</code><para>Compares the job's base model with its fine-tuned model on the validation split, grading the final number ($jobId holds the job's id, e.g. ftjob-abc123).</para></example>
    /// <example><code>Compare-FineTuneModel tickets.jsonl -Model gpt-4o-mini, $model -SystemMessage $longInstructions, 'Classify.' -Label Technical, Billing, Account, Product, Other -TrainingCost 1.20</code><para>Base model with long instructions against the fine-tuned model ($model, e.g. ft:gpt-4o-mini-2024-07-18:acme:tickets:abc) with a short prompt: accuracy, confusion matrix, cost per 1,000 calls and the break-even.</para></example>
    /// <example><code>$s = Compare-FineTuneModel eval.jsonl -Model gpt-4o-mini, $model -Grader ./graders.json -Schema ./answer.schema.json -UseBatch; $s.Comparison.Rows | Where-Object { -not $_.Passed }</code><para>Grades JSON answers with a grader file and a schema through the Batch API, then lists the failures.</para></example>
    /// <example><code>Compare-FineTuneModel eval.jsonl -Model gpt-4o-mini, $model -IndexPath ./kb.ftidx -RetrievalModel gpt-4o-mini, $model -Label Technical, Billing, Account, Product, Other</code><para>The base model and the fine-tuned model, each without and with the three best passages of a knowledge index: pass rates and the cost per 1,000 calls with the question's embedding included.</para></example>
    [Cmdlet(VerbsData.Compare, "FineTuneModel", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(ContenderSummary))]
    public sealed class CompareFineTuneModelCommand : ServiceCmdlet
    {
        private readonly List<Contender> contenders = new List<Contender>();

        /// <summary>The evaluation file (chat or legacy JSONL); wildcards must match one file. Give it or -LiteralPath.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
        [SupportsWildcards]
        public string Path { get; set; } = string.Empty;

        /// <summary>The evaluation file, taken as typed (no wildcards: brackets are part of the name); binds the PSPath of a file piped from Get-ChildItem.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [Alias("PSPath")]
        public string LiteralPath { get; set; } = string.Empty;

        /// <summary>Models to compare, in order; binds FineTunedModel (a job) and FineTunedModelCheckpoint (checkpoints) from the pipeline.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("FineTunedModel", "FineTunedModelCheckpoint")]
        public string[]? Model { get; set; }

        /// <summary>The baseline, compared first; binds BaseModel of a piped job.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? BaseModel { get; set; }

        /// <summary>Tokens a piped job trained (its TrainedTokens): with the catalog's training price, the training cost for the break-even.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
        public long? TrainedTokens { get; set; }

        /// <summary>One system message per -Model, in order (a missing one keeps the file's; "" removes the file's).</summary>
        [Parameter]
        [AllowEmptyString]
        public string[]? SystemMessage { get; set; }

        /// <summary>Contenders as hashtables or objects with Model (required), Name, SystemMessage, TrainingCost (USD) and Connection (a connection name or object; default: the command's).</summary>
        [Parameter]
        public object[]? Contender { get; set; }

        /// <summary>What training cost in USD, for every fine-tuned contender without its own TrainingCost: the break-even against the first contender.</summary>
        [Parameter]
        [ValidateRange(0, double.MaxValue)]
        public decimal? TrainingCost { get; set; }

        /// <summary>Grader files (or JSON text starting with { or [) in the service's shape.</summary>
        [Parameter]
        public string[]? Grader { get; set; }

        /// <summary>The answer equals the reference (trimmed).</summary>
        [Parameter]
        public SwitchParameter Exact { get; set; }

        /// <summary>The answer contains the reference (trimmed, ignoring case).</summary>
        [Parameter]
        public SwitchParameter Contains { get; set; }

        /// <summary>A .NET regular expression; with a capture group the group's values in answer and reference must be equal.</summary>
        [Parameter]
        public string? Regex { get; set; }

        /// <summary>A label set: the answer is read as one of these labels and must be the reference's label.</summary>
        [Parameter]
        public string[]? Label { get; set; }

        /// <summary>The answer must be JSON.</summary>
        [Parameter]
        public SwitchParameter Json { get; set; }

        /// <summary>A JSON Schema (a file, or JSON text starting with {) the answer must be valid against.</summary>
        [Parameter]
        public string? Schema { get; set; }

        /// <summary>Use only the first this many examples.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? First { get; set; }

        /// <summary>Requests in flight at once, 1–64 (default 16).</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = ComparisonOptions.DefaultThrottleLimit;

        /// <summary>The journal (default: FILE.compare-journal.jsonl beside the evaluation file).</summary>
        [Parameter]
        public string? JournalPath { get; set; }

        /// <summary>Sends the answers' requests through the Batch API (half price; up to 24 h).</summary>
        [Parameter]
        public SwitchParameter UseBatch { get; set; }

        /// <summary>Picks up the results of this batch (sent by an earlier run).</summary>
        [Parameter]
        public string? BatchId { get; set; }

        /// <summary>Seconds to wait for a batch in this run (default: until it ends).</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int? BatchWaitSec { get; set; }

        /// <summary>The most tokens an answer may have.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? MaxTokens { get; set; }

        /// <summary>Sampling temperature, 0–2 (default 0, so that runs repeat).</summary>
        [Parameter]
        [ValidateRange(0.0, 2.0)]
        public double Temperature { get; set; }

        /// <summary>A knowledge index (New-FineTuneKnowledgeIndex) for the contenders with retrieval: -RetrievalModel, or a -Contender with Retrieval = $true.</summary>
        [Parameter]
        public string? IndexPath { get; set; }

        /// <summary>Models compared with retrieval too: each becomes a contender "MODEL + retrieval" given the -TopPassages best passages of -IndexPath for each question.</summary>
        [Parameter]
        public string[]? RetrievalModel { get; set; }

        /// <summary>Passages a question for the contenders with retrieval, 1–20 (default 3).</summary>
        [Parameter]
        [ValidateRange(1, 20)]
        public int TopPassages { get; set; } = 3;

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (BaseModel != null && contenders.All(c => c.Model != BaseModel)) contenders.Insert(0, new Contender { Name = BaseModel, Model = BaseModel });
            decimal? trained = BaseModel != null && TrainedTokens is long t ? EvalPrices.TrainingCost(BaseModel, t, Service.Name) : null;
            for (int i = 0; i < (Model?.Length ?? 0); i++)
            {
                string m = Model![i];
                if (string.IsNullOrWhiteSpace(m) || contenders.Any(c => c.Model == m && c.SystemMessage == SystemAt(i))) continue;
                contenders.Add(new Contender { Name = NameFor(m), Model = m, SystemMessage = SystemAt(i), TrainingCostUsd = trained });
            }
        }

        private string? SystemAt(int i) => SystemMessage != null && i < SystemMessage.Length ? SystemMessage[i] : null;

        private string NameFor(string model) => contenders.All(c => c.Name != model) ? model : model + " (" + (contenders.Count(c => c.Model == model) + 1) + ")";

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            foreach (object o in Contender ?? Array.Empty<object>()) contenders.Add(ContenderOf(o));
            foreach (string m in RetrievalModel ?? Array.Empty<string>())
            {
                if (!string.IsNullOrWhiteSpace(m)) contenders.Add(new Contender { Name = m + " + retrieval", Model = m, Retrieval = true });
            }

            if (contenders.Count == 0) Fail(Failure("NoModel", ErrorKind.InvalidRequest, "Give the models to compare: -Model, -BaseModel, -Contender, or pipe a job from Wait-FineTuneJob."));
            foreach (Contender c in contenders)
            {
                if (c.TrainingCostUsd == null && TrainingCost != null && c != contenders[0]) c.TrainingCostUsd = TrainingCost;
            }

            bool literal = ParameterSetName == LiteralPathSet;
            string? evalPath = literal ? InputFile(LiteralPath, true, nameof(LiteralPath)) : InputFile(Path, false, nameof(Path));
            if (evalPath == null) return;
            var options = new ComparisonOptions
            {
                Path = evalPath,
                Contenders = contenders,
                Graders = Graders(),
                First = First,
                ThrottleLimit = ThrottleLimit,
                JournalPath = JournalPath == null ? null : FileSystemPath(JournalPath, nameof(JournalPath)),
                UseBatch = UseBatch,
                BatchId = BatchId,
                BatchWait = BatchWaitSec is int w ? TimeSpan.FromSeconds(w) : (TimeSpan?)null,
                MaxTokens = MaxTokens,
                Temperature = Temperature,
                Provider = Service.Name,
                Retriever = Retriever(),
            };
            Comparison comparison;
            try
            {
                comparison = Run(ct => ComparisonRunner.RunAsync(new ProviderEvalClient(Service, Feedback), options, Feedback, ct));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                Fail(ex, evalPath); // Run maps the engine's failures (a bad line: FineTune.InvalidExample) and refused arguments
                return;
            }

            WriteVerbose($"{comparison.Rows.Count} answers, {comparison.RequestsSent} requests sent, {comparison.ExamplesPerSecond:0.0} examples/s; journal {comparison.JournalPath}.");
            foreach (ContenderSummary s in comparison.Summaries) WriteObject(s);
        }

        // The index of -IndexPath, when a contender uses retrieval.
        private KnowledgeRetriever? Retriever()
        {
            if (!contenders.Any(c => c.Retrieval)) return null;
            if (IndexPath == null) Fail(Failure("NoIndex", ErrorKind.InvalidRequest, "A contender with retrieval (-RetrievalModel, or Retrieval = $true) needs -IndexPath: a knowledge index made by New-FineTuneKnowledgeIndex."));
            try
            {
                return new KnowledgeRetriever(Service, FileSystemPath(IndexPath!, nameof(IndexPath)), TopPassages);
            }
            catch (Exception ex) when (ex is InvalidDataException || ex is IOException || ex is UnauthorizedAccessException)
            {
                FailIndex(ex, IndexPath!);
                return null;
            }
        }

        private List<Grader> Graders()
        {
            var list = new List<Grader>();
            try
            {
                foreach (string g in Grader ?? Array.Empty<string>())
                {
                    string t = g.TrimStart();
                    list.AddRange(t.StartsWith("{", StringComparison.Ordinal) || t.StartsWith("[", StringComparison.Ordinal) ? GraderFile.Parse(g) : GraderFile.Load(FileSystemPath(g, nameof(Grader))));
                }

                if (Exact) list.Add(Engine.Evaluation.Grader.Exact());
                if (Contains) list.Add(Engine.Evaluation.Grader.Contains());
                if (Regex != null) list.Add(new RegexGrader(Regex));
                if (Label != null) list.Add(new LabelSetGrader(Label));
                if (Json && Schema == null) list.Add(new JsonGrader(null));
                if (Schema != null) list.Add(new JsonGrader(Schema.TrimStart().StartsWith("{", StringComparison.Ordinal) ? Schema : File.ReadAllText(FileSystemPath(Schema, nameof(Schema))), "schema"));
            }
            catch (GraderException ex)
            {
                Fail(ex);
            }
            catch (ArgumentException ex)
            {
                Fail(Failure("InvalidGrader", ErrorKind.InvalidData, ErrorMapper.WithoutParameterName(ex), advice: "Fix the grader as the message says; the shapes are those of the service's graders.", inner: ex));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                Fail(ex);
            }

            if (list.Count == 0) Fail(Failure("NoGrader", ErrorKind.InvalidRequest, "Give at least one grader: -Grader, -Exact, -Contains, -Regex, -Label, -Json or -Schema."));
            return list;
        }

        private Contender ContenderOf(object o)
        {
            object? Get(string name)
            {
                if (o is PSObject ps && !(ps.BaseObject is IDictionary)) return ps.Properties[name]?.Value;
                object b = o is PSObject p ? p.BaseObject : o;
                if (b is IDictionary d) return d.Contains(name) ? d[name] : d.Keys.Cast<object>().Where(k => string.Equals(k?.ToString(), name, StringComparison.OrdinalIgnoreCase)).Select(k => d[k]).FirstOrDefault();
                return PSObject.AsPSObject(b).Properties[name]?.Value;
            }

            string? model = Get("Model")?.ToString();
            if (string.IsNullOrWhiteSpace(model)) Fail(Failure("InvalidContender", ErrorKind.InvalidRequest, "Each -Contender needs a Model, e.g. @{ Model = 'gpt-4o-mini'; SystemMessage = '...' }.", o));
            object? cost = Get("TrainingCost");
            var contender = new Contender
            {
                Model = model!,
                Name = Get("Name")?.ToString() ?? NameFor(model!),
                SystemMessage = Get("SystemMessage")?.ToString(),
                TrainingCostUsd = cost == null ? (decimal?)null : LanguagePrimitives.ConvertTo<decimal>(cost),
                Retrieval = Get("Retrieval") is object r && LanguagePrimitives.IsTrue(r),
            };
            if (Get("Connection") is object choice)
            {
                FineTuneConnection connection;
                try
                {
                    connection = FineTuneSession.Resolve(SessionState.PSVariable, choice);
                }
                catch (ArgumentException ex)
                {
                    Fail(Failure("InvalidConnection", ErrorKind.InvalidRequest, ex.Message, o, inner: ex));
                    throw; // not reached
                }

                if (!connection.HasKey) Fail(FineTuneServiceException.NoKey("CompareModel"), o);
                IFineTuneProvider provider = ProviderFactory.Create(connection);
                contender.Client = new ProviderEvalClient(provider, Feedback);
                contender.ServiceEndpoint = connection.Endpoint.AbsoluteUri;
                contender.PriceProvider = provider.Name;
            }

            return contender;
        }
    }
}
