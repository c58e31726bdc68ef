using System;
using System.Collections.Generic;
using System.Linq;

namespace FineTune.Engine.Providers
{
    /// <summary>
    /// The named connections of one PowerShell session (the cmdlets keep one in each runspace's session state, never
    /// in a static): <c>Connect-FineTune -Name</c> adds or replaces one and makes it current, <c>-Connection</c> picks
    /// one by name, <c>Disconnect-FineTune</c> removes one. Names are case-insensitive. Thread-safe.
    /// </summary>
    public sealed class ConnectionSet
    {
        /// <summary>The name of the connection Connect-FineTune makes without -Name.</summary>
        public const string DefaultName = "Default";

        private readonly object sync = new object();
        private readonly Dictionary<string, FineTuneConnection> byName = new Dictionary<string, FineTuneConnection>(StringComparer.OrdinalIgnoreCase);
        private string? current;

        /// <summary>The current connection (the one last connected), or null when there is none.</summary>
        public FineTuneConnection? Current
        {
            get
            {
                lock (sync) return current != null && byName.TryGetValue(current, out FineTuneConnection? c) ? c : null;
            }
        }

        /// <summary>Every connection, current first, then by name.</summary>
        public IReadOnlyList<FineTuneConnection> All
        {
            get
            {
                lock (sync) return byName.Values.OrderBy(c => string.Equals(c.Name, current, StringComparison.OrdinalIgnoreCase) ? 0 : 1).ThenBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
            }
        }

        /// <summary>The connection named <paramref name="name"/>, or null.</summary>
        public FineTuneConnection? Find(string name)
        {
            lock (sync) return byName.TryGetValue(name, out FineTuneConnection? c) ? c : null;
        }

        /// <summary>Adds <paramref name="connection"/> under its name (replacing one of the same name) and makes it current.</summary>
        public void Add(FineTuneConnection connection)
        {
            if (connection == null) throw new ArgumentNullException(nameof(connection));
            lock (sync)
            {
                byName[connection.Name] = connection;
                current = connection.Name;
            }
        }

        /// <summary>Removes the connection named <paramref name="name"/>; false when there was none. Removing the current one leaves none current.</summary>
        public bool Remove(string name)
        {
            lock (sync)
            {
                if (!byName.Remove(name)) return false;
                if (string.Equals(current, name, StringComparison.OrdinalIgnoreCase)) current = null;
                return true;
            }
        }

        /// <summary>Removes every connection.</summary>
        public void Clear()
        {
            lock (sync)
            {
                byName.Clear();
                current = null;
            }
        }
    }
}
