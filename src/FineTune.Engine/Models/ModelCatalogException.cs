using System;

namespace FineTune.Engine.Models
{
    /// <summary>
    /// A model catalog file that cannot be read: names the file (<see cref="Path"/>, <c>embedded</c> for the
    /// built-in one) and, when it is a field, the field (<see cref="Field"/>, such as <c>models[3].trainingPerMillion</c>).
    /// </summary>
    public sealed class ModelCatalogException : FineTuneException
    {
        /// <summary>Creates the error.</summary>
        public ModelCatalogException(string path, string? field, string message, Exception? inner = null)
            : base("ReadCatalog", ErrorKind.InvalidData, "InvalidCatalog", message, path,
                "Fix the catalog file as the message says (about_FineTune describes its fields), or drop -PriceCatalog and FINETUNE_PRICE_CATALOG to use the built-in catalog.", inner)
        {
            Path = path;
            Field = field;
        }

        /// <summary>The catalog file.</summary>
        public string Path { get; }

        /// <summary>The JSON field at fault, or null when the file as a whole is.</summary>
        public string? Field { get; }
    }
}
