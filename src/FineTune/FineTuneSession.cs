using System;
using FineTune.Engine.Providers;

namespace FineTune
{
    /// <summary>
    /// The process-wide connection that <c>Connect-FineTune</c> sets and every other cmdlet reads
    /// (as Az and Microsoft Graph do). Without it, calls use <c>OPENAI_API_KEY</c> and <c>OPENAI_BASE_URL</c>.
    /// </summary>
    internal static class FineTuneSession
    {
        private static volatile FineTuneConnection? context;

        /// <summary>The connection set by Connect-FineTune, or null.</summary>
        internal static FineTuneConnection? Context
        {
            get => context;
            set => context = value;
        }

        /// <summary>The connection to use now: the context, else one built from the environment.</summary>
        internal static FineTuneConnection Resolve() =>
            context ?? FineTuneConnection.Resolve(null, null, null, Environment.GetEnvironmentVariable);

        /// <summary>
        /// "Azure" when the connection to use now is to Azure OpenAI, else "OpenAI": the provider names of the
        /// price catalog and of Test-FineTuneDataset -Target. Never throws (no key is fine; a bad
        /// OPENAI_BASE_URL is Connect-FineTune's business and counts as OpenAI here).
        /// </summary>
        internal static string ProviderName()
        {
            try
            {
                return ProviderFactory.Create(Resolve()).Name;
            }
            catch (ArgumentException)
            {
                return "OpenAI";
            }
        }
    }
}
