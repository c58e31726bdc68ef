using System;
using System.IO;
using System.Text.Json;
using FineTune.Engine.IO;

namespace FineTune.Engine.Datasets
{
    /// <summary>
    /// Streams examples into a JSON Lines training file: UTF-8 without BOM, one compact JSON object a
    /// line, each line ended by <c>\n</c> (also on Windows), written atomically through a temporary file
    /// (see <see cref="Commit"/>). Memory does not grow with the number of examples.
    /// Usage: create, <see cref="Write"/> each example, <see cref="Commit"/>; dispose in every case.
    /// </summary>
    public sealed class DatasetWriter : IDisposable
    {
        private readonly AtomicFile file;
        private readonly MemoryStream line = new MemoryStream();
        private readonly Utf8JsonWriter json;

        /// <summary>Opens the temporary file for <paramref name="path"/> (relative to the current directory of the process).</summary>
        /// <exception cref="DatasetFileExistsException">The file exists and <paramref name="mode"/> is <see cref="DatasetWriteMode.New"/>.</exception>
        /// <exception cref="InvalidDataException">Append to a file whose examples are in another format (a chat example added to a prompt/completion file).</exception>
        /// <exception cref="IOException">The folder is missing or not writable.</exception>
        /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
        public DatasetWriter(string path, DatasetFormat format, DatasetWriteMode mode)
        {
            if (mode == DatasetWriteMode.Append && File.Exists(path) && FirstExample(path) is (long at, DatasetFormat found) && found != format && format != DatasetFormat.Auto)
            {
                throw new InvalidDataException($"{System.IO.Path.GetFullPath(path)} holds {found} examples (line {at}); appending {format} examples would mix two formats in one file, which the service rejects. Write them to another file, or append {found} examples.");
            }

            file = AtomicFile.Open(path, mode);
            Format = format;
            json = new Utf8JsonWriter(line, ExampleJson.Options);
        }

        // The line and format of the first example of an existing file that has a recognisable one.
        private static (long Line, DatasetFormat Format)? FirstExample(string path)
        {
            using FileStream stream = FilePaths.OpenRead(path);
            using var reader = new StreamReader(stream, AtomicFile.Utf8NoBom);
            long n = 0;
            for (string? text = reader.ReadLine(); text != null; text = reader.ReadLine())
            {
                n++;
                if (text.Trim().Length == 0) continue;
                try
                {
                    using JsonDocument doc = JsonDocument.Parse(text);
                    if (doc.RootElement.ValueKind != JsonValueKind.Object) continue;
                    DatasetFormat format = ExampleChecker.Detect(doc.RootElement);
                    if (format != DatasetFormat.Unknown) return (n, format);
                }
                catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException)
                {
                    // not an example: Test-FineTuneDataset reports it
                }
            }

            return null;
        }

        /// <summary>The full path of the target file.</summary>
        public string Path => file.Target;

        /// <summary>The format every example must have.</summary>
        public DatasetFormat Format { get; }

        /// <summary>Examples written by this writer so far.</summary>
        public long Written { get; private set; }

        /// <summary>
        /// Writes one example as one line. On an exception nothing of the example is written and the writer
        /// can go on with the next one.
        /// </summary>
        /// <exception cref="ArgumentException">The example's format is not <see cref="Format"/>, or a string holds a lone surrogate (cannot be UTF-8).</exception>
        public void Write(FineTuneExample example)
        {
            if (example == null) throw new ArgumentNullException(nameof(example));
            if (example.Format != Format)
            {
                throw new ArgumentException($"The example is in the {example.Format} format; this file is {Format}. Convert it with -Format {Format} or write it to another file.");
            }

            line.SetLength(0);
            json.Reset(line);
            try
            {
                ExampleJson.Write(json, example);
                json.Flush();
            }
            catch (InvalidOperationException ex)
            {
                throw new ArgumentException("The example cannot be written as JSON: " + ex.Message, ex);
            }

            line.WriteByte((byte)'\n');
            file.Stream.Write(line.GetBuffer(), 0, (int)line.Length);
            Written++;
        }

        /// <summary>
        /// Copies the examples of another training file (every non-empty line, byte for byte, without a
        /// leading BOM or \r) after the examples written so far. The lines are not parsed: check the result
        /// with Test-FineTuneDataset. Returns the number of lines copied.
        /// </summary>
        /// <exception cref="ArgumentException">The source is the target.</exception>
        /// <exception cref="IOException">The source cannot be read.</exception>
        public long CopyLines(string sourcePath)
        {
            string source = System.IO.Path.GetFullPath(sourcePath);
            if (FilePaths.Same(source, Path)) throw new ArgumentException($"{source} cannot be copied into itself; use -Append with new examples instead.");
            FilePaths.RequireRegularFile(source);
            byte[] bytes = File.ReadAllBytes(source);
            long n = 0;
            foreach ((int start, int length) in DatasetSplitter.Lines(bytes))
            {
                file.Stream.Write(bytes, start, length);
                file.Stream.WriteByte((byte)'\n');
                n++;
            }

            Written += n;
            return n;
        }

        /// <summary>
        /// Flushes, fsyncs and renames the temporary file over the target. Returns the file written.
        /// </summary>
        /// <exception cref="DatasetFileExistsException">The target appeared meanwhile and the mode was New.</exception>
        /// <exception cref="IOException">The rename failed; the target is untouched.</exception>
        public FineTuneDataset Commit()
        {
            long bytes = file.Commit();
            return new FineTuneDataset { Path = file.Target, Format = Format, ExampleCount = file.ExistingLines + Written, Bytes = bytes };
        }

        /// <summary>Deletes the temporary file unless <see cref="Commit"/> ran: an existing target stays as it was.</summary>
        public void Dispose()
        {
            json.Dispose();
            file.Dispose();
        }
    }
}
