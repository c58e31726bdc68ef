using System;
using System.Collections.Concurrent;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace FineTune
{
    /// <summary>
    /// Loads FineTune.Engine and every third-party assembly (OpenAI, System.ClientModel,
    /// Microsoft.ML.Tokenizers, System.Text.Json and their closure) from the module's
    /// <c>dependencies/</c> folder, so that other modules' copies never meet ours (DESIGN.md 2.2).
    /// PowerShell 7: a private <see cref="AssemblyLoadContext"/>; the default context only ever
    /// sees FineTune.Engine requested by FineTune.dll, and hands it to the private context.
    /// Windows PowerShell 5.1: an <see cref="AppDomain.AssemblyResolve"/> handler that answers
    /// for the files in <c>dependencies/</c>.
    /// In both, an assembly the framework itself ships at the wanted version or later is reused.
    /// </summary>
    public sealed class ModuleInit : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        internal const string EngineName = "FineTune.Engine";

        /// <summary>The module's <c>dependencies/</c> folder.</summary>
        internal static readonly string DependencyDirectory = Path.Combine(
            Path.GetDirectoryName(typeof(ModuleInit).Assembly.Location) ?? ".", "dependencies");

        private static readonly bool IsNetFramework =
            RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

        /// <summary>Registers the resolver. PowerShell calls this once, when the module is imported.</summary>
        public void OnImport()
        {
            if (IsNetFramework)
            {
                AppDomain.CurrentDomain.AssemblyResolve += DesktopResolver.Resolve;
            }
            else
            {
                CoreResolver.Register();
            }
        }

        /// <summary>Removes the resolver when the module is removed.</summary>
        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            if (IsNetFramework)
            {
                AppDomain.CurrentDomain.AssemblyResolve -= DesktopResolver.Resolve;
            }
            else
            {
                CoreResolver.Unregister();
            }
        }

        /// <summary>The path of <paramref name="name"/> in dependencies/, or null.</summary>
        internal static string? DependencyPath(AssemblyName name)
        {
            if (string.IsNullOrEmpty(name.Name))
            {
                return null;
            }

            string path = Path.Combine(DependencyDirectory, name.Name + ".dll");
            return File.Exists(path) ? path : null;
        }

        /// <summary>True when the runtime's own folder holds this assembly at the wanted version or later.</summary>
        internal static bool FrameworkHas(AssemblyName name)
        {
            string runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location) ?? string.Empty;
            string path = Path.Combine(runtimeDir, name.Name + ".dll");
            if (!File.Exists(path))
            {
                return false;
            }

            try
            {
                Version? have = AssemblyName.GetAssemblyName(path).Version;
                return have != null && (name.Version == null || have >= name.Version);
            }
            catch (BadImageFormatException)
            {
                return false;
            }
        }

        /// <summary>PowerShell 7 (.NET): the private load context.</summary>
        private static class CoreResolver
        {
            private static readonly object Gate = new object();
            private static DependencyLoadContext? context;

            internal static void Register()
            {
                lock (Gate)
                {
                    context ??= new DependencyLoadContext();
                    AssemblyLoadContext.Default.Resolving += ResolveEngine;
                }
            }

            internal static void Unregister() => AssemblyLoadContext.Default.Resolving -= ResolveEngine;

            // The default context asks only for what FineTune.dll references: the engine.
            private static Assembly? ResolveEngine(AssemblyLoadContext _, AssemblyName name) =>
                string.Equals(name.Name, EngineName, StringComparison.Ordinal)
                    ? context!.LoadFromAssemblyName(name)
                    : null;
        }

        /// <summary>Loads from dependencies/ unless the framework ships the wanted version.</summary>
        private sealed class DependencyLoadContext : AssemblyLoadContext
        {
            protected override Assembly? Load(AssemblyName assemblyName)
            {
                string? path = DependencyPath(assemblyName);
                if (path == null || FrameworkHas(assemblyName))
                {
                    return null; // the default context (the framework) answers
                }

                return LoadFromAssemblyPath(path);
            }
        }

        /// <summary>Windows PowerShell 5.1: answer for the files in dependencies/, once each.</summary>
        private static class DesktopResolver
        {
            private static readonly ConcurrentDictionary<string, Assembly> Loaded =
                new ConcurrentDictionary<string, Assembly>(StringComparer.OrdinalIgnoreCase);

            internal static Assembly? Resolve(object? sender, ResolveEventArgs args)
            {
                var name = new AssemblyName(args.Name);
                string? path = DependencyPath(name);
                if (path == null)
                {
                    return null;
                }

                return Loaded.GetOrAdd(name.Name!, _ => Assembly.LoadFrom(path));
            }
        }
    }
}
