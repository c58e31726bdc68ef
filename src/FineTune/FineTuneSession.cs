using System;
using System.Management.Automation;
using FineTune.Engine.Providers;

namespace FineTune
{
    /// <summary>
    /// The connections of one runspace: a <see cref="ConnectionSet"/> kept in the runspace's session state (a global,
    /// read-only variable the module owns), never in a static field, so that runspaces sharing a process
    /// (ForEach-Object -Parallel, runspace pools, hosted PowerShell) never see each other's endpoint or key.
    /// Without a connection, calls use <c>OPENAI_API_KEY</c> and <c>OPENAI_BASE_URL</c>.
    /// </summary>
    internal static class FineTuneSession
    {
        /// <summary>The session-state variable (global scope, read-only) that holds the runspace's <see cref="ConnectionSet"/>.</summary>
        internal const string VariableName = "FineTuneConnections";

        /// <summary>The connections of the runspace whose variables are <paramref name="variables"/> (a cmdlet's <c>SessionState.PSVariable</c>), made on first use.</summary>
        internal static ConnectionSet Connections(PSVariableIntrinsics variables)
        {
            if (variables.GetValue("global:" + VariableName) is ConnectionSet set) return set;
            set = new ConnectionSet();
            variables.Set(new PSVariable("global:" + VariableName, set, ScopedItemOptions.ReadOnly)
            {
                Description = "FineTune's named connections of this session (Connect-FineTune, Get-FineTuneContext -ListAvailable); never the keys.",
            });
            return set;
        }

        /// <summary>
        /// The connection to use: <paramref name="choice"/> (a connection object, or the name of one of this session's),
        /// else the current one, else one built from the environment. Throws <see cref="ArgumentException"/> for an
        /// unknown name (naming the known ones) or a bad OPENAI_BASE_URL.
        /// </summary>
        internal static FineTuneConnection Resolve(PSVariableIntrinsics variables, object? choice = null) => Resolve(Connections(variables), choice);

        /// <summary>The connections of the runspace running a tab completion (completers get no session state: they run on its pipeline thread); empty when there are none yet.</summary>
        internal static ConnectionSet ForCompletion() =>
            ScriptBlock.Create("$global:" + VariableName).Invoke() is { Count: > 0 } found && found[0]?.BaseObject is ConnectionSet set ? set : new ConnectionSet();

        /// <summary>The connection <paramref name="choice"/> names in <paramref name="set"/> (see <see cref="Resolve(PSVariableIntrinsics, object?)"/>).</summary>
        internal static FineTuneConnection Resolve(ConnectionSet set, object? choice)
        {
            switch (choice)
            {
                case null:
                    return set.Current ?? FineTuneConnection.Resolve(null, null, null, Environment.GetEnvironmentVariable);
                case PSObject wrapped:
                    return Resolve(set, wrapped.BaseObject);
                case FineTuneConnection connection:
                    return connection;
                default:
                    string name = choice.ToString() ?? string.Empty;
                    return set.Find(name) ?? throw new ArgumentException(
                        $"This session has no connection named '{name}'. Known: {Names(set)}. Connect one with Connect-FineTune -Name {name}, or list them with Get-FineTuneContext -ListAvailable.");
            }
        }

        /// <summary>
        /// "Azure" when the connection to use is to Azure OpenAI, else "OpenAI": the provider names of the price catalog
        /// and of Test-FineTuneDataset -Target. Never throws (no key is fine; a bad OPENAI_BASE_URL or an unknown
        /// name is the service call's business and counts as OpenAI here).
        /// </summary>
        internal static string ProviderName(PSVariableIntrinsics variables, object? choice = null)
        {
            try
            {
                return ProviderFactory.Create(Resolve(variables, choice)).Name;
            }
            catch (ArgumentException)
            {
                return "OpenAI";
            }
        }

        private static string Names(ConnectionSet set)
        {
            var names = new System.Collections.Generic.List<string>();
            foreach (FineTuneConnection c in set.All) names.Add(c.Name);
            return names.Count == 0 ? "none" : string.Join(", ", names);
        }
    }
}
