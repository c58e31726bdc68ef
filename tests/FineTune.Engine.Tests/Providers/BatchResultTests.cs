using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;
using Xunit;

namespace FineTune.Engine.Tests.Providers
{
    /// <summary>A batch's output and error files are read one line at a time, in order, each line handed on as it is parsed.</summary>
    public sealed class BatchResultTests
    {
        // A completed batch whose output (and error) file holds the given text, uploaded to the fake service.
        private static async Task<FineTuneBatch> BatchWith(FakeProvider provider, string output, string? errors = null)
        {
            async Task<string> Upload(string text)
            {
                string path = Path.Combine(Path.GetTempPath(), "finetune-batch-" + Guid.NewGuid().ToString("N") + ".jsonl");
                File.WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));
                return (await provider.UploadFileAsync(path, "batch", false, null, NoFeedback.Instance, CancellationToken.None)).Id;
            }

            return new FineTuneBatch { Id = "batch-1", Status = "completed", OutputFileId = await Upload(output), ErrorFileId = errors == null ? null : await Upload(errors) };
        }

        [Fact]
        public async Task EachLineIsHandedOnWithItsIdAnswerOrError()
        {
            var provider = new FakeProvider();
            FineTuneBatch batch = await BatchWith(provider,
                "{\"custom_id\":\"a\",\"response\":{\"status_code\":200,\"body\":{\"n\":1}}}\r\n" +
                "\n   \n" +
                "{\"custom_id\":\"b\",\"response\":{\"status_code\":429,\"body\":{\"error\":{\"message\":\"slow down\"}}}}",
                "{\"custom_id\":\"c\",\"error\":{\"message\":\"expired\"}}\n");
            var lines = new List<BatchLine>();
            await BatchFiles.ReadResultsAsync(provider, batch, lines.Add, CancellationToken.None);

            Assert.Equal(new[] { "a", "b", "c" }, lines.ConvertAll(l => l.CustomId));
            Assert.Equal(1, (int)lines[0].Body!["n"]!);
            Assert.Null(lines[0].Error);
            Assert.Null(lines[1].Body);
            Assert.Equal("slow down", lines[1].Error);
            Assert.Equal("expired", lines[2].Error);
        }

        [Fact]
        public async Task ALineThatIsNotJsonNamesTheFileAndLineAfterTheLinesBeforeItWereHandedOn()
        {
            var provider = new FakeProvider();
            FineTuneBatch batch = await BatchWith(provider,
                "{\"custom_id\":\"a\",\"response\":{\"status_code\":200,\"body\":{}}}\n" +
                "{\"custom_id\":\"b\",\"response\":{\"status_code\":200,\"body\":{}}}\n" +
                "<html>oops</html>\n");
            var seen = new List<string>();
            var ex = await Assert.ThrowsAsync<FineTuneServiceException>(() => BatchFiles.ReadResultsAsync(provider, batch, l => seen.Add(l.CustomId), CancellationToken.None));
            Assert.Equal(new[] { "a", "b" }, seen);
            Assert.Equal("InvalidResponse", ex.Reason);
            Assert.Contains("Line 3 of the batch file " + batch.OutputFileId, ex.Message);
        }
    }
}
