using System.Collections.Generic;
using System.Management.Automation;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Asks a (fine-tuned) model questions: one chat completion for each message.</para>
    /// <para type="description">Takes messages as strings or as objects with a User (or Prompt, Question) property from the pipeline, with an optional -SystemMessage. -Model binds FineTunedModel of a job (Wait-FineTuneJob output) or FineTunedModelCheckpoint of a checkpoint. A refusal by the model is a warning and fills the answer's Refusal; an answer the service sends malformed (no choices, an impossible token usage, not JSON) is an error naming the request id. Outputs the answer with its token usage and the call's cost in USD from the price catalog (fine-tuned inference prices by base model; empty when the model has no price).</para>
    /// </summary>
    /// <example><code>Wait-FineTuneJob $jobId | Invoke-FineTuneChat 'Where is my parcel?'</code><para>Asks the model a job made.</para></example>
    /// <example><code>Import-Csv ./questions.csv | Invoke-FineTuneChat -Model $model -SystemMessage 'You are a support agent.'</code><para>Asks every question in the CSV's User column.</para></example>
    [Cmdlet(VerbsLifecycle.Invoke, "FineTuneChat")]
    [OutputType(typeof(ChatAnswer))]
    public sealed class InvokeFineTuneChatCommand : ServiceCmdlet
    {
        /// <summary>The user message; binds strings from the pipeline, or the User/Prompt/Question property of an object.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("User", "Prompt", "Question")]
        [AllowEmptyString]
        public string Message { get; set; } = string.Empty;

        /// <summary>The model to ask; binds FineTunedModel (a job), FineTunedModelCheckpoint (a checkpoint) or DeploymentName (an Azure deployment from New-FineTuneDeployment: on Azure the model is the deployment name). On Azure a deployment name that is not ready yet (404 DeploymentNotFound) is retried for about 27 s; a fine-tuned model id with no deployment of that name fails at once with FineTune.NoDeployment, which says to run New-FineTuneDeployment.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FineTunedModel", "FineTunedModelCheckpoint", "DeploymentName")]
        [ArgumentCompleter(typeof(FineTunedModelCompleter))]
        public string Model { get; set; } = string.Empty;

        /// <summary>A system message sent before each user message (use the one the model was trained with).</summary>
        [Parameter]
        [Alias("System")]
        public string? SystemMessage { get; set; }

        /// <summary>The most tokens the answer may have (max_completion_tokens).</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? MaxTokens { get; set; }

        /// <summary>Sampling temperature, 0–2 (0 for the most likely answer).</summary>
        [Parameter]
        [ValidateRange(0.0, 2.0)]
        public double? Temperature { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var messages = new List<ChatMessage>();
            if (!string.IsNullOrEmpty(SystemMessage)) messages.Add(ChatMessage.System(SystemMessage!));
            messages.Add(ChatMessage.User(Message));
            if (!TryRun(ct => Service.ChatAsync(Model, messages, MaxTokens, Temperature, ct), Message, out ChatAnswer answer)) return;
            if (answer.Refusal != null) WriteWarning($"{answer.Model} refused to answer (request id {answer.RequestId}): {answer.Refusal}");
            WriteObject(answer);
        }
    }
}
