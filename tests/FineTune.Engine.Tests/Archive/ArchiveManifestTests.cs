using System;
using System.IO;
using System.Linq;
using System.Threading;
using FineTune.Engine.Archive;
using Xunit;

namespace FineTune.Engine.Tests.Archive
{
    public sealed class ArchiveManifestTests : IDisposable
    {
        private readonly string dir = Path.Combine(Path.GetTempPath(), "manifest-" + Guid.NewGuid().ToString("N"));

        public ArchiveManifestTests() => Directory.CreateDirectory(Path.Combine(dir, "jobs", "ftjob-1"));

        public void Dispose() => Directory.Delete(dir, true);

        private void Archive(params (string Path, string Text)[] files)
        {
            var m = new ArchiveManifest { Endpoint = "http://127.0.0.1/v1" };
            foreach ((string path, string text) in files)
            {
                string full = Path.Combine(dir, path.Replace('/', Path.DirectorySeparatorChar));
                File.WriteAllText(full, text);
                m.Set(new ManifestEntry { Path = path, Bytes = new FileInfo(full).Length, Sha256 = FineTune.Engine.IO.FileHash.Sha256Of(full, CancellationToken.None) });
            }

            m.Write(dir);
        }

        [Fact]
        public void An_intact_archive_has_no_problems_and_the_manifest_lists_files_by_path()
        {
            Archive(("jobs/ftjob-1/job.json", "{}"), ("index.html", "<html></html>"));
            Assert.Empty(ArchiveManifest.Verify(dir, null, CancellationToken.None));
            Assert.Equal(new[] { "index.html", "jobs/ftjob-1/job.json" }, ArchiveManifest.Read(dir).Files.Select(f => f.Path));
        }

        [Fact]
        public void Each_kind_of_damage_is_named_with_its_file()
        {
            Archive(("jobs/ftjob-1/job.json", "{\"a\":1}"), ("jobs/ftjob-1/events.jsonl", "{}\n"), ("index.html", "<html></html>"));
            File.WriteAllText(Path.Combine(dir, "jobs", "ftjob-1", "job.json"), "{\"a\":2}"); // same size, one byte
            File.AppendAllText(Path.Combine(dir, "index.html"), " ");
            File.Delete(Path.Combine(dir, "jobs", "ftjob-1", "events.jsonl"));
            File.WriteAllText(Path.Combine(dir, "stray.txt"), "x");
            var problems = ArchiveManifest.Verify(dir, null, CancellationToken.None).ToDictionary(p => p.Path, p => p.Problem);
            Assert.Equal("ContentChanged", problems["jobs/ftjob-1/job.json"]);
            Assert.Equal("SizeChanged", problems["index.html"]);
            Assert.Equal("Missing", problems["jobs/ftjob-1/events.jsonl"]);
            Assert.Equal("NotInManifest", problems["stray.txt"]);
            Assert.Equal(4, problems.Count);
        }

        [Fact]
        public void A_folder_without_a_manifest_or_with_another_one_is_refused()
        {
            Assert.Throws<FileNotFoundException>(() => ArchiveManifest.Verify(dir, null, CancellationToken.None));
            File.WriteAllText(Path.Combine(dir, ArchiveManifest.FileName), "{\"format\":\"something-else\"}");
            Assert.Throws<InvalidDataException>(() => ArchiveManifest.Read(dir));
        }
    }
}
