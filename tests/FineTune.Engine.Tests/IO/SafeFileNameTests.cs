using FineTune.Engine.IO;
using Xunit;

namespace FineTune.Engine.Tests.IO
{
    /// <summary>A file name from the service never names a hidden file, another folder or nothing when saved into a folder.</summary>
    public sealed class SafeFileNameTests
    {
        [Theory]
        [InlineData(".bashrc", "bashrc")]
        [InlineData(" ", "file-abc")]
        [InlineData("\0", "file-abc")]
        [InlineData("a\0b.jsonl", "ab.jsonl")]
        [InlineData("../../etc/passwd", "passwd")]
        [InlineData("..\\..\\x.jsonl", "x.jsonl")]
        [InlineData("..", "file-abc")]
        [InlineData("CON", "file-abc")]
        [InlineData("nul.txt", "file-abc")]
        [InlineData("train.jsonl. ", "train.jsonl")]
        [InlineData("step_metrics.csv", "step_metrics.csv")]
        [InlineData(null, "file-abc")]
        public void ServiceNamesBecomeSafeNames(string? name, string expected) => Assert.Equal(expected, FilePaths.SafeFileName(name, "file-abc"));
    }
}
