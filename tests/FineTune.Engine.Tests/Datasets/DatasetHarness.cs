using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using FineTune.Engine.Datasets;

namespace FineTune.Engine.Tests.Datasets
{
    /// <summary>Writes small inputs to a temp folder and checks them.</summary>
    internal static class DatasetHarness
    {
        public static readonly string Dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "finetune-datasets-tests")).FullName;

        /// <summary>A clean chat example; <paramref name="i"/> makes it distinct.</summary>
        public static string Chat(int i) =>
            "{\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},{\"role\":\"user\",\"content\":\"Question " + i + "?\"},{\"role\":\"assistant\",\"content\":\"Answer " + i + ".\"}]}";

        /// <summary>A clean preference example.</summary>
        public static string Preference(int i) =>
            "{\"input\":{\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},{\"role\":\"user\",\"content\":\"Question " + i + "?\"}]},\"preferred_output\":[{\"role\":\"assistant\",\"content\":\"Good " + i + ".\"}],\"non_preferred_output\":[{\"role\":\"assistant\",\"content\":\"Bad " + i + ".\"}]}";

        /// <summary>A clean prompt/completion example.</summary>
        public static string Completion(int i) => "{\"prompt\":\"Question " + i + "?\\n\\n###\\n\\n\",\"completion\":\" Answer " + i + ".\\nEND\"}";

        public static IEnumerable<string> Many(Func<int, string> make, int n = 10) => Enumerable.Range(1, n).Select(make);

        public static string Write(byte[] bytes, string? name = null)
        {
            string path = Path.Combine(Dir, (name ?? Guid.NewGuid().ToString("N")) + ".jsonl");
            File.WriteAllBytes(path, bytes);
            return path;
        }

        public static byte[] Utf8Lines(IEnumerable<string> lines) => new UTF8Encoding(false).GetBytes(string.Join("\n", lines) + "\n");

        public static Result Check(byte[] bytes, DatasetCheckOptions? options = null)
        {
            string path = Write(bytes);
            try
            {
                return CheckFile(path, options);
            }
            finally
            {
                File.Delete(path);
            }
        }

        public static Result CheckLines(IEnumerable<string> lines, DatasetCheckOptions? options = null) => Check(Utf8Lines(lines), options);

        public static Result CheckFile(string path, DatasetCheckOptions? options = null)
        {
            var findings = new List<DatasetFinding>();
            DatasetReport report = DatasetChecker.Test(path, options ?? new DatasetCheckOptions(), findings.Add, null, CancellationToken.None);
            return new Result(findings, report);
        }

        internal sealed class Result
        {
            public Result(List<DatasetFinding> findings, DatasetReport report)
            {
                Findings = findings;
                Report = report;
            }

            public List<DatasetFinding> Findings { get; }

            public DatasetReport Report { get; }

            public IEnumerable<DatasetFinding> Of(string id) => Findings.Where(f => f.RuleId == id);

            public string[] Ids => Findings.Select(f => f.RuleId).Distinct().OrderBy(x => x, StringComparer.Ordinal).ToArray();

            public override string ToString() => string.Join(Environment.NewLine, Findings);
        }
    }
}
