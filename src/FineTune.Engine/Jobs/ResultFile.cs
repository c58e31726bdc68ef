using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace FineTune.Engine.Jobs
{
    /// <summary>One training step from a job's result file (all losses and accuracies as the service wrote them; null where blank).</summary>
    public sealed class FineTuneMetric
    {
        /// <summary>The job the result file belongs to, when known.</summary>
        public string? JobId { get; set; }

        /// <summary>The training step (1-based).</summary>
        public int Step { get; set; }

        /// <summary>Training loss of the step's batch (<c>train_loss</c>).</summary>
        public double? TrainLoss { get; set; }

        /// <summary>Training token accuracy, 0–1 (<c>train_accuracy</c> or <c>train_mean_token_accuracy</c>).</summary>
        public double? TrainAccuracy { get; set; }

        /// <summary>Validation loss (<c>valid_loss</c>); null on steps without validation.</summary>
        public double? ValidLoss { get; set; }

        /// <summary>Validation token accuracy, 0–1 (<c>valid_mean_token_accuracy</c> or <c>valid_accuracy</c>).</summary>
        public double? ValidAccuracy { get; set; }

        /// <summary>Loss on the full validation set (<c>full_valid_loss</c>), written at epoch ends; else null.</summary>
        public double? FullValidLoss { get; set; }

        /// <summary>Token accuracy on the full validation set (<c>full_valid_mean_token_accuracy</c>); else null.</summary>
        public double? FullValidAccuracy { get; set; }
    }

    /// <summary>
    /// Reads a job's result file: a CSV of step metrics (header <c>step,train_loss,train_accuracy,valid_loss,
    /// valid_mean_token_accuracy[,...]</c>), which the service sometimes sends base64-encoded (OPENAI-FACTS.md).
    /// </summary>
    public static class ResultFile
    {
        /// <summary>
        /// Returns <paramref name="content"/> decoded when it is base64 whose text starts with a CSV header
        /// beginning <c>step</c>; otherwise the bytes unchanged. Safe on any file: JSONL never passes the test.
        /// </summary>
        public static byte[] Decode(byte[] content)
        {
            if (content == null) throw new ArgumentNullException(nameof(content));
            if (!StartsLikeBase64(content, content.Length)) return content; // JSONL and most files fail at the first byte: no copy of a large file

            string text = Encoding.ASCII.GetString(content).Trim();
            if (text.Length < 8 || text.Length % 4 != 0 || text.StartsWith("step", StringComparison.OrdinalIgnoreCase)) return content;
            foreach (char c in text)
            {
                if (!(char.IsLetterOrDigit(c) && c < 128) && c != '+' && c != '/' && c != '=' && c != '\r' && c != '\n') return content;
            }

            try
            {
                byte[] decoded = Convert.FromBase64String(text);
                string head = Encoding.UTF8.GetString(decoded, 0, Math.Min(decoded.Length, 64)).TrimStart('\uFEFF', ' ', '\r', '\n');
                return head.StartsWith("step", StringComparison.OrdinalIgnoreCase) ? decoded : content;
            }
            catch (FormatException)
            {
                return content;
            }
        }

        /// <summary>
        /// True when the first 64 of the <paramref name="count"/> bytes (all of them when fewer) are base64
        /// characters or line breaks: the first test of <see cref="Decode"/>, which a JSON Lines file fails at
        /// its first byte. A download keeps only a body that passes it, to decode at the end.
        /// </summary>
        public static bool StartsLikeBase64(byte[] content, int count)
        {
            for (int i = 0; i < count && i < 64; i++)
            {
                byte b = content[i];
                bool base64 = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '+' || b == '/' || b == '=' || b == '\r' || b == '\n';
                if (!base64) return false;
            }

            return true;
        }

        /// <summary>
        /// Parses a result file (plain or base64) into one <see cref="FineTuneMetric"/> a step. Unknown columns
        /// are ignored; blank or non-numeric cells are null. Throws <see cref="InvalidDataException"/> naming
        /// the line when a row's step is not a whole number or there is no <c>step</c> column.
        /// </summary>
        public static IReadOnlyList<FineTuneMetric> ParseMetrics(byte[] content, string? jobId = null)
        {
            byte[] csv = Decode(content);
            var config = new CsvConfiguration(CultureInfo.InvariantCulture)
            {
                PrepareHeaderForMatch = args => args.Header.Trim().ToLowerInvariant(),
                MissingFieldFound = null,
                BadDataFound = null,
            };
            var list = new List<FineTuneMetric>();
            using var reader = new StreamReader(new MemoryStream(csv), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            using var parser = new CsvReader(reader, config);
            if (!parser.Read()) return list;
            parser.ReadHeader();
            string[] header = parser.HeaderRecord ?? new string[0];
            int Col(params string[] names)
            {
                for (int i = 0; i < header.Length; i++)
                {
                    foreach (string n in names)
                    {
                        if (string.Equals(header[i].Trim(), n, StringComparison.OrdinalIgnoreCase)) return i;
                    }
                }

                return -1;
            }

            int step = Col("step");
            if (step < 0) throw new InvalidDataException($"The result file has no 'step' column (header: {string.Join(",", header)}). It is not a fine-tuning result file.");
            int trainLoss = Col("train_loss"), trainAcc = Col("train_accuracy", "train_mean_token_accuracy");
            int validLoss = Col("valid_loss"), validAcc = Col("valid_mean_token_accuracy", "valid_accuracy");
            int fullLoss = Col("full_valid_loss"), fullAcc = Col("full_valid_mean_token_accuracy", "full_valid_accuracy");
            while (parser.Read())
            {
                string? stepText = parser.GetField(step);
                if (string.IsNullOrWhiteSpace(stepText)) continue;
                if (!int.TryParse(stepText!.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n))
                {
                    throw new InvalidDataException($"Result file line {parser.Parser.RawRow}: field 'step' is '{stepText}', not a whole number.");
                }

                double? Num(int i) => i >= 0 && i < parser.Parser.Count &&
                    double.TryParse(parser.GetField(i), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && !double.IsNaN(v) ? v : (double?)null;
                list.Add(new FineTuneMetric
                {
                    JobId = jobId,
                    Step = n,
                    TrainLoss = Num(trainLoss),
                    TrainAccuracy = Num(trainAcc),
                    ValidLoss = Num(validLoss),
                    ValidAccuracy = Num(validAcc),
                    FullValidLoss = Num(fullLoss),
                    FullValidAccuracy = Num(fullAcc),
                });
            }

            return list;
        }
    }
}
