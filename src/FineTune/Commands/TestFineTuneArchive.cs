using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading.Tasks;
using FineTune.Engine.Archive;
using FineTune.Engine;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Checks an archive made by Export-FineTuneArchive against its manifest: every file with its size and SHA-256.</para>
    /// <para type="description">Reads manifest.json in -Path and checks every file it lists: present, the same size in bytes (checked first), the same SHA-256. A file in the folder that the manifest does not list is reported too. Writes one object per problem (Path inside the archive; Problem: Missing, SizeChanged, ContentChanged or NotInManifest; Expected and Actual size and SHA-256) and a warning naming each; outputs nothing when the archive is intact. -Quiet outputs only $true or $false. Needs no connection to the service. Errors: FineTune.NotAnArchive when the folder has no manifest.json, FineTune.NotAnArchive when it is not one.</para>
    /// </summary>
    /// <example><code>Test-FineTuneArchive ./ft-archive</code><para>Lists every file that is missing or changed; nothing when the archive is intact.</para></example>
    /// <example><code>if (-not (Test-FineTuneArchive ./ft-archive -Quiet)) { throw 'the archive is damaged' }</code><para>Stops a runbook when a byte of the archive changed.</para></example>
    [Cmdlet(VerbsDiagnostic.Test, "FineTuneArchive")]
    [OutputType(typeof(ArchiveProblem), typeof(bool))]
    public sealed class TestFineTuneArchiveCommand : FineTuneCmdlet
    {
        /// <summary>The archive's folder (the one holding manifest.json).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        public string Path { get; set; } = string.Empty;

        /// <summary>Outputs only $true (intact) or $false.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            string folder = FileSystemPath(Path, nameof(Path), folderAllowed: true);
            string activity = "Checking " + folder;
            var feedback = Feedback;
            IReadOnlyList<ArchiveProblem> problems;
            try
            {
                problems = Run(ct => Task.Run(() => ArchiveManifest.Verify(folder, (done, all) => feedback.Progress(ProgressIds.ArchiveCheck, activity, $"{done} of {all} files", 100 * done / Math.Max(1, all)), ct), ct));
            }
            catch (FileNotFoundException ex)
            {
                Report(Failure("NotAnArchive", ErrorKind.NotFound, ex.Message, folder, "Give the folder Export-FineTuneArchive wrote (it holds manifest.json).", ex));
                return;
            }
            catch (InvalidDataException ex)
            {
                Report(Failure("NotAnArchive", ErrorKind.InvalidData, ex.Message, folder, "Give the folder Export-FineTuneArchive wrote (it holds manifest.json).", ex));
                return;
            }
            finally
            {
                feedback.Progress(ProgressIds.ArchiveCheck, activity, "done", 100, completed: true);
            }

            foreach (ArchiveProblem p in problems) WriteWarning(p.ToString());
            if (Quiet) WriteObject(problems.Count == 0);
            else WriteObject(problems, true);
        }
    }
}
