using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using FineTune.Engine.Datasets;
using FineTune.Engine.IO;
using Xunit;
using static FineTune.Engine.Tests.Datasets.RecordTestData;

namespace FineTune.Engine.Tests.Datasets
{
    public class DatasetWriterTests
    {
        private const string Tricky = "héllo \"quoted\" back\\slash\ttab\r\nnew line 日本語 😀 </script> +&'";

        [Fact]
        public void WritesUtf8WithoutBomLfOnlyNonAsciiKeptAndRoundTrips()
        {
            string dir = NewFolder();
            string path = Path.Combine(dir, "out.jsonl");
            FineTuneDataset result;
            using (var writer = new DatasetWriter(path, DatasetFormat.Chat, DatasetWriteMode.New))
            {
                writer.Write(Chat(Tricky, "ok"));
                writer.Write(Chat("second", Tricky));
                result = writer.Commit();
            }

            byte[] bytes = File.ReadAllBytes(path);
            Assert.Equal(path, result.Path);
            Assert.Equal(2, result.ExampleCount);
            Assert.Equal(bytes.Length, result.Bytes);
            Assert.NotEqual(0xEF, bytes[0]);
            Assert.Equal(2, bytes.Count(b => b == (byte)'\n'));
            Assert.Equal((byte)'\n', bytes[bytes.Length - 1]);
            Assert.DoesNotContain((byte)'\r', bytes);
            string text = new UTF8Encoding(false, true).GetString(bytes);
            string first = text.Split('\n')[0];
            Assert.Equal(
                "{\"messages\":[{\"role\":\"user\",\"content\":\"héllo \\\"quoted\\\" back\\\\slash\\ttab\\r\\nnew line 日本語 \\uD83D\\uDE00 </script> +&'\"},{\"role\":\"assistant\",\"content\":\"ok\"}]}",
                first);
            using var doc = JsonDocument.Parse(first);
            Assert.Equal(Tricky, doc.RootElement.GetProperty("messages")[0].GetProperty("content").GetString());
            Assert.Empty(Directory.GetFiles(dir, "*.tmp", SearchOption.AllDirectories).Concat(Directory.GetFiles(dir, ".*")));
        }

        [Fact]
        public void RefusesAnExistingFileAndLeavesItByteForByte()
        {
            string dir = NewFolder();
            string path = Path.Combine(dir, "keep.jsonl");
            byte[] original = Encoding.UTF8.GetBytes("{\"keep\":1}\r\nnot touched");
            File.WriteAllBytes(path, original);
            DatasetFileExistsException ex = Assert.Throws<DatasetFileExistsException>(() => new DatasetWriter(path, DatasetFormat.Chat, DatasetWriteMode.New));
            Assert.Equal(path, ex.Path);
            Assert.Contains("-Force", ex.Message);
            Assert.Equal(original, File.ReadAllBytes(path));
            Assert.Single(Directory.GetFiles(dir));
        }

        [Fact]
        public void AFailureBeforeCommitLeavesTheOldFileAndNoTemporaryFile()
        {
            string dir = NewFolder();
            string path = Path.Combine(dir, "data.jsonl");
            byte[] original = Encoding.UTF8.GetBytes("{\"old\":true}\n");
            File.WriteAllBytes(path, original);
            string fresh = Path.Combine(dir, "fresh.jsonl");
            Assert.Throws<InvalidOperationException>(() =>
            {
                using var replace = new DatasetWriter(path, DatasetFormat.Chat, DatasetWriteMode.Replace);
                using var create = new DatasetWriter(fresh, DatasetFormat.Chat, DatasetWriteMode.New);
                for (int i = 0; i < 1000; i++)
                {
                    replace.Write(Chat("q" + i, "a"));
                    create.Write(Chat("q" + i, "a"));
                    if (i == 500) throw new InvalidOperationException("the pipeline failed mid-write");
                }
            });
            Assert.Equal(original, File.ReadAllBytes(path));
            Assert.False(File.Exists(fresh));
            Assert.Equal(new[] { path }, Directory.GetFiles(dir));
        }

        [Fact]
        public void ABadExampleIsRefusedWholeAndTheNextOnesAreWritten()
        {
            string dir = NewFolder();
            string path = Path.Combine(dir, "d.jsonl");
            using (var writer = new DatasetWriter(path, DatasetFormat.Chat, DatasetWriteMode.New))
            {
                writer.Write(Chat("one", "1"));
                ArgumentException lone = Assert.Throws<ArgumentException>(() => writer.Write(Chat("lone \uD800 surrogate", "x")));
                Assert.StartsWith("The text holds a lone surrogate U+D800 at character 6 (after \"lone \")", lone.Message);
                Assert.Throws<ArgumentException>(() => writer.Write(new FineTuneExample { Format = DatasetFormat.Completion, Prompt = "p", Completion = "c" }));
                writer.Write(Chat("two", "2"));
                Assert.Equal(2, writer.Commit().ExampleCount);
            }

            Assert.Equal(
                "{\"messages\":[{\"role\":\"user\",\"content\":\"one\"},{\"role\":\"assistant\",\"content\":\"1\"}]}\n{\"messages\":[{\"role\":\"user\",\"content\":\"two\"},{\"role\":\"assistant\",\"content\":\"2\"}]}\n",
                File.ReadAllText(path));
        }

        [SkippableFact]
        public void AppendKeepsTheOldBytesAddsTheMissingFinalNewLineAndCounts()
        {
            string source = SharedData.Require("data/chat_travel_assistant_mslearn_small.jsonl");
            string dir = NewFolder();
            string path = Path.Combine(dir, "travel.jsonl");
            File.Copy(source, path);
            byte[] before = File.ReadAllBytes(path);
            Assert.NotEqual((byte)'\n', before[before.Length - 1]);
            int oldLines = File.ReadAllLines(path).Count(l => l.Trim().Length > 0);

            FineTuneDataset result;
            using (var writer = new DatasetWriter(path, DatasetFormat.Chat, DatasetWriteMode.Append))
            {
                writer.Write(Chat("new", "line"));
                result = writer.Commit();
            }

            byte[] after = File.ReadAllBytes(path);
            Assert.Equal(before, after.Take(before.Length).ToArray());
            Assert.Equal("\n{\"messages\":[{\"role\":\"user\",\"content\":\"new\"},{\"role\":\"assistant\",\"content\":\"line\"}]}\n", Encoding.UTF8.GetString(after, before.Length, after.Length - before.Length));
            Assert.Equal(oldLines + 1, result.ExampleCount);
            Assert.Equal(after.Length, result.Bytes);
        }

        [Fact]
        public void AppendOfChatToAPromptCompletionFileIsRefusedAndTheFileIsUntouched()
        {
            string path = Path.Combine(NewFolder(), "legacy.jsonl");
            File.WriteAllText(path, "\n{\"prompt\":\"Q ->\",\"completion\":\" A END\"}\n");
            var ex = Assert.Throws<InvalidDataException>(() => new DatasetWriter(path, DatasetFormat.Chat, DatasetWriteMode.Append));
            Assert.Contains("Completion", ex.Message);
            Assert.Contains("line 2", ex.Message);
            Assert.Equal("\n{\"prompt\":\"Q ->\",\"completion\":\" A END\"}\n", File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
            using (var same = new DatasetWriter(path, DatasetFormat.Completion, DatasetWriteMode.Append))
            {
                Assert.Equal(1, same.Commit().ExampleCount);
            }
        }

        [Fact]
        public void ReplaceSwapsTheWholeFile()
        {
            string dir = NewFolder();
            string path = Path.Combine(dir, "r.jsonl");
            File.WriteAllText(path, "old\nold\nold\n");
            using (var writer = new DatasetWriter(path, DatasetFormat.Completion, DatasetWriteMode.Replace))
            {
                writer.Write(new FineTuneExample { Format = DatasetFormat.Completion, Prompt = "p", Completion = "c" });
                Assert.Equal(1, writer.Commit().ExampleCount);
            }

            Assert.Equal("{\"prompt\":\"p\",\"completion\":\"c\"}\n", File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(dir));
        }
    }
}
