namespace FineTune.Engine.Datasets
{
    /// <summary>
    /// A training file on disk, as New-FineTuneDataset and Split-FineTuneDataset write it. <see cref="Path"/>
    /// binds by property name to the next cmdlet's -Path (Test-FineTuneDataset, Add-FineTuneFile).
    /// </summary>
    public sealed class FineTuneDataset
    {
        /// <summary>The full path of the file.</summary>
        public string Path { get; set; } = "";

        /// <summary>The format of its examples.</summary>
        public DatasetFormat Format { get; set; } = DatasetFormat.Chat;

        /// <summary>Examples (non-empty lines) in the file, including those that were there before an append.</summary>
        public long ExampleCount { get; set; }

        /// <summary>Size of the file in bytes.</summary>
        public long Bytes { get; set; }
    }
}
