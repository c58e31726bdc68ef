using System;
using System.Linq;
using System.Management.Automation;
using FineTune.Engine.Datasets;
using FineTune.Engine;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Turns pipeline objects (CSV rows, JSON records, hashtables) or a list of messages into training examples.</para>
    /// <para type="description">Each input object becomes one example (an Alpaca record with several instances becomes one an instance). By default the user text comes from the first present of Prompt, Question, Query, Instruction, Input, User, Text, Sentence, Review, Utterance, Message and the assistant reply from the first present of Completion, Answer, Response, ExpectedResponse, Output, Reply, Assistant, Label, Category, Class, Sentiment, Intent (so classification data such as text/label or review/sentiment maps as it is); case, spaces, '_' and '-' in names do not matter. Instruction plus a non-empty Input become one user text: the instruction, a blank line, the input. An object that already has messages (Chat) or input and preferred_output (Preference) is kept as it is. -Messages builds one multi-turn example with tool calls from hashtables. The properties used are written to the verbose stream and once to the information stream. A record without its user or assistant value is a non-terminating error naming the record number and the properties it has; the other records go on. When no record maps at all (no column has a recognized name), there is one terminating error naming the columns found, -UserProperty and -AssistantProperty. Writes nothing to disk: pipe the examples to New-FineTuneDataset.</para>
    /// </summary>
    /// <example>
    /// <code>Import-Csv lumen-support-faq.csv | ConvertTo-FineTuneExample -SystemMessage 'You answer questions about Lumen Backup.' -UserProperty Question -AssistantProperty Answer</code>
    /// <para>One chat example a CSV row: system, user (Question) and assistant (Answer) messages. lumen-support-faq.csv is the sample of the demo.</para>
    /// </example>
    /// <example>
    /// <code>ConvertTo-FineTuneExample -Messages @{ role = 'user'; content = 'Price of MSFT?' }, @{ role = 'assistant'; tool_calls = @(@{ id = 'call_1'; function = @{ name = 'get_price'; arguments = @{ symbol = 'MSFT' } } }) }, @{ role = 'tool'; tool_call_id = 'call_1'; content = '412.30' }, @{ role = 'assistant'; content = 'MSFT trades at 412.30 USD.' } -Tools $getPriceTool</code>
    /// <para>A multi-turn example with a tool call (arguments given as a hashtable are written as a JSON string) and its tool definition.</para>
    /// </example>
    /// <example>
    /// <code>$pairs | ConvertTo-FineTuneExample -Format Preference -UserProperty prompt -PreferredProperty good -NonPreferredProperty bad</code>
    /// <para>DPO pairs: input messages, preferred_output and non_preferred_output.</para>
    /// </example>
    [Cmdlet(VerbsData.ConvertTo, "FineTuneExample", DefaultParameterSetName = RecordSet)]
    [OutputType(typeof(FineTuneExample))]
    public sealed class ConvertToFineTuneExampleCommand : ExampleMappingCmdlet
    {
        private const string RecordSet = "Record";
        private const string MessagesSet = "Messages";

        /// <summary>A record: any object or hashtable (Import-Csv, ConvertFrom-Json output), or an example to pass on.</summary>
        [Parameter(ParameterSetName = RecordSet, Mandatory = true, ValueFromPipeline = true)]
        [AllowNull]
        public PSObject? InputObject { get; set; }

        /// <summary>The messages of one Chat example, in order: hashtables or objects with role, content (text or a list of parts), and optionally name, tool_calls (@{ id; type = 'function'; function = @{ name; arguments } }), tool_call_id, weight.</summary>
        [Parameter(ParameterSetName = MessagesSet, Mandatory = true)]
        public object[] Messages { get; set; } = new object[0];

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (ParameterSetName == MessagesSet) return;
            foreach (FineTuneExample example in ToExamples(InputObject ?? new PSObject(), BoundFormat ?? DatasetFormat.Chat)) WriteObject(example);
        }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            if (ParameterSetName != MessagesSet)
            {
                ThrowIfNothingMapped("no example was written.");
                return;
            }

            if (BoundFormat is DatasetFormat f && f != DatasetFormat.Chat)
            {
                Fail(Failure("InvalidArgument", ErrorKind.InvalidRequest, "-Messages builds Chat examples; leave out -Format or use -Format Chat."));
            }

            try
            {
                WriteObject(MapperFor(DatasetFormat.Chat).FromMessages(Messages.Select(m => (object?)PSRecord.ToRecord(m))));
            }
            catch (FormatException ex)
            {
                Fail(Failure("InvalidArgument", ErrorKind.InvalidRequest, ex.Message, Messages, inner: ex));
            }
        }
    }
}
