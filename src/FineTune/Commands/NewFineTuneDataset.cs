using System;
using System.IO;
using System.Management.Automation;
using FineTune.Engine.Datasets;
using FineTune.Engine.IO;
using FineTune.Engine;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Writes pipeline objects or examples to a JSON Lines training file, atomically.</para>
    /// <para type="description">Takes example objects (ConvertTo-FineTuneExample), dataset objects (their examples are copied line for line) or any objects and hashtables, mapped to examples exactly as ConvertTo-FineTuneExample maps them (same parameters). Writes UTF-8 without BOM, one compact JSON object a line, '\n' line ends; non-ASCII text is written as UTF-8, not escaped. The file is written to a temporary file in the same folder and renamed when the pipeline ends, so an error or Ctrl+C leaves no half-written file and an existing file untouched. An existing file is only replaced with -Force; -Append adds the new examples after its lines (also atomically); examples in another format than the file's (chat examples after prompt/completion lines) are refused with FineTune.MixedFormats and the file is left as it was. A record that cannot be mapped is a non-terminating error; the others are written. Outputs one dataset object (Path, Format, ExampleCount, Bytes) whose Path binds to Test-FineTuneDataset, Measure-FineTuneDataset, Split-FineTuneDataset and Add-FineTuneFile.</para>
    /// </summary>
    /// <example>
    /// <code>Import-Csv faq.csv | New-FineTuneDataset -Path train.jsonl -SystemMessage 'You answer travel questions.'</code>
    /// <para>Question/Answer-like columns are recognized; -Verbose shows which columns were used.</para>
    /// </example>
    /// <example>
    /// <code>Get-Content seed_tasks.jsonl | ConvertFrom-Json | New-FineTuneDataset -Path alpaca.jsonl -Force | Test-FineTuneDataset</code>
    /// <para>Alpaca records (instruction, instances of input/output) to chat examples, replacing alpaca.jsonl, then checked.</para>
    /// </example>
    /// <example>
    /// <code>$more | New-FineTuneDataset -Path train.jsonl -Append</code>
    /// <para>Adds examples to an existing training file.</para>
    /// </example>
    [Cmdlet(VerbsCommon.New, "FineTuneDataset", SupportsShouldProcess = true)]
    [OutputType(typeof(FineTuneDataset))]
    public sealed class NewFineTuneDatasetCommand : ExampleMappingCmdlet, IDisposable
    {
        private DatasetWriter? writer;
        private string target = "";
        private bool skip;

        /// <summary>The JSON Lines file to write (relative to the current location).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [Alias("OutFile")]
        public string Path { get; set; } = "";

        /// <summary>Examples, datasets, or any objects or hashtables to map to examples.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [AllowNull]
        public PSObject? InputObject { get; set; }

        /// <summary>Replaces an existing file.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Adds the examples after the lines of an existing file (creates it when missing).</summary>
        [Parameter]
        public SwitchParameter Append { get; set; }

        private DatasetWriteMode Mode => Append ? DatasetWriteMode.Append : Force ? DatasetWriteMode.Replace : DatasetWriteMode.New;

        /// <inheritdoc/>
        protected override void BeginProcessing()
        {
            target = FileSystemPath(Path, nameof(Path));
            if (Mode == DatasetWriteMode.New && File.Exists(target)) Fail(new DatasetFileExistsException(target));
            string action = Append && File.Exists(target) ? "Append examples" : File.Exists(target) ? "Replace with new examples" : "Write examples";
            skip = !ShouldProcess(target, action);
        }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (skip || InputObject == null) return;
            if (InputObject.BaseObject is FineTuneDataset dataset)
            {
                DatasetWriter w = Writer(BoundFormat ?? dataset.Format);
                if (dataset.Format != w.Format)
                {
                    WriteRecordError($"{dataset.Path} holds {dataset.Format} examples; {target} is {w.Format}.", dataset);
                    return;
                }

                try
                {
                    WriteVerbose($"Copied {w.CopyLines(dataset.Path)} examples from {dataset.Path}.");
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException)
                {
                    Report(ex, dataset.Path);
                }

                return;
            }

            DatasetFormat format = BoundFormat ?? writer?.Format ?? (InputObject.BaseObject as FineTuneExample)?.Format ?? DatasetFormat.Chat;
            foreach (FineTuneExample example in ToExamples(InputObject, format))
            {
                try
                {
                    Writer(format).Write(example);
                }
                catch (ArgumentException ex)
                {
                    WriteRecordError($"Record {RecordNumber}: {ex.Message}", InputObject);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    FailWriting(ex);
                }
            }
        }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            if (skip) return;
            if (writer == null || writer.Written == 0) ThrowIfNothingMapped($"{target} was {(File.Exists(target) ? "left unchanged" : "not created")}.");
            if (writer == null || writer.Written == 0)
            {
                Report(Failure("NoExamples", ErrorKind.InvalidData, $"No examples to write; {target} was {(File.Exists(target) ? "left unchanged" : "not created")}.", target, "Pipe examples or records with the properties -UserProperty and -AssistantProperty name."));
                return;
            }

            try
            {
                FineTuneDataset result = writer.Commit();
                WriteVerbose($"Wrote {writer.Written} examples to {result.Path} ({result.ExampleCount} in the file, {result.Bytes} bytes).");
                WriteObject(result);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                FailWriting(ex);
            }
        }

        private DatasetWriter Writer(DatasetFormat format)
        {
            if (writer != null) return writer;
            try
            {
                writer = new DatasetWriter(target, format, Mode);
            }
            catch (InvalidDataException ex)
            {
                Fail(Failure("MixedFormats", ErrorKind.InvalidData, ex.Message, target, "Write the examples to another file, or append examples in the file's format (-Format).", ex));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                FailWriting(ex);
            }

            return writer!;
        }

        private void FailWriting(Exception ex)
        {
            writer?.Dispose();
            writer = null;
            Fail(ex, target);
        }

        /// <summary>Deletes the temporary file when the pipeline ended without EndProcessing (error, Ctrl+C).</summary>
        public new void Dispose()
        {
            writer?.Dispose();
            writer = null;
            base.Dispose();
        }
    }
}
