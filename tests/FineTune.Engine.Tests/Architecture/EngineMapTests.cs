using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace FineTune.Engine.Tests.Architecture
{
    /// <summary>
    /// The engine's map in docs/DEVELOPING.md is what the code does: every reference from one folder of
    /// src/FineTune.Engine to a type of another (found by the compiler, so <c>IO.FileHash</c> and
    /// <c>System.IO.Path</c> are told apart) is an arrow of the map, the map has no cycle, and only Providers
    /// touches the SDK or HTTP types.
    /// </summary>
    public class EngineMapTests
    {
        private static readonly string EngineRoot = Path.Combine(SharedData.RepoRoot, "src", "FineTune.Engine");

        private static readonly Lazy<(Dictionary<string, HashSet<string>> Folders, Dictionary<string, HashSet<string>> Wire)> Found = new(References);

        [Fact]
        public void EveryReferenceBetweenFoldersIsAnArrowOfTheMap()
        {
            Dictionary<string, HashSet<string>> map = Map();
            var unmapped = new List<string>();
            foreach (KeyValuePair<string, HashSet<string>> from in Found.Value.Folders)
            {
                foreach (string to in from.Value)
                {
                    if (!map.TryGetValue(from.Key, out HashSet<string>? allowed) || !allowed.Contains(to)) unmapped.Add($"{from.Key} -> {to}");
                }
            }

            Assert.True(unmapped.Count == 0, "References the map in docs/DEVELOPING.md does not show: " + string.Join(", ", unmapped));

            // and every arrow of the map is a reference the code makes (the map is not a wish list)
            string[] unused = map.SelectMany(m => m.Value.Where(to => !Found.Value.Folders.TryGetValue(m.Key, out HashSet<string>? used) || !used.Contains(to)).Select(to => $"{m.Key} -> {to}")).ToArray();
            Assert.True(unused.Length == 0, "Arrows of the map in docs/DEVELOPING.md that the code does not use: " + string.Join(", ", unused));

            // the map names each folder the code has, and nothing it lacks
            string[] folders = Directory.GetDirectories(EngineRoot).Select(Path.GetFileName).Where(f => f != "bin" && f != "obj").Select(f => f!).OrderBy(f => f).ToArray();
            Assert.Equal(folders, map.Keys.OrderBy(f => f).ToArray());
        }

        [Fact]
        public void TheMapHasNoCycle()
        {
            Dictionary<string, HashSet<string>> map = Map();
            var done = new HashSet<string>();
            var path = new List<string>();

            void Visit(string folder)
            {
                if (path.Contains(folder)) Assert.Fail("A cycle in the engine's map: " + string.Join(" -> ", path.SkipWhile(f => f != folder).Append(folder)));
                if (!done.Add(folder)) return;
                path.Add(folder);
                foreach (string next in map.TryGetValue(folder, out HashSet<string>? to) ? to : new HashSet<string>()) Visit(next);
                path.RemoveAt(path.Count - 1);
            }

            foreach (string folder in map.Keys) Visit(folder);
            Assert.Contains("Workflow", done);
        }

        [Fact]
        public void OnlyProvidersTouchesTheSdkOrHttp()
        {
            string[] outside = Found.Value.Wire.Where(f => f.Key != "Providers").SelectMany(f => f.Value.Select(n => $"{f.Key} uses {n}")).ToArray();
            Assert.True(outside.Length == 0, string.Join(", ", outside));
            Assert.Contains("OpenAI", Found.Value.Wire["Providers"]); // the check sees the SDK where it is
        }

        // "Workflow  -> Providers, Moderation" lines of the map's code block; "Models, IO-> nothing" names two folders.
        private static Dictionary<string, HashSet<string>> Map()
        {
            string doc = File.ReadAllText(Path.Combine(SharedData.RepoRoot, "docs", "DEVELOPING.md"));
            Match block = Regex.Match(doc, @"## The engine's map.*?```\s*\n(.*?)```", RegexOptions.Singleline);
            Assert.True(block.Success, "docs/DEVELOPING.md has no map under \"## The engine's map\"");
            var map = new Dictionary<string, HashSet<string>>();
            foreach (string line in block.Groups[1].Value.Split('\n').Where(l => l.Contains("->")))
            {
                string[] sides = line.Split(new[] { "->" }, 2, StringSplitOptions.None);
                IEnumerable<string> Names(string s) => Regex.Replace(s, @"\(.*\)", string.Empty).Split(',').Select(n => n.Trim()).Where(n => n.Length > 0 && n != "nothing");
                HashSet<string> to = Names(sides[1]).ToHashSet();
                foreach (string from in Names(sides[0])) map[from] = to;
            }

            return map;
        }

        // Compiles the engine's sources (semantic model only) and records, per folder, the other folders whose types
        // it names and the wire namespaces (OpenAI, System.ClientModel, System.Net.Http) it uses.
        private static (Dictionary<string, HashSet<string>> Folders, Dictionary<string, HashSet<string>> Wire) References()
        {
            string[] files = Directory.GetFiles(EngineRoot, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar) && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar)).ToArray();
            var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), new CSharpParseOptions(LanguageVersion.Latest), f)).ToArray();
            IEnumerable<MetadataReference> references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Concat(Directory.GetFiles(AppContext.BaseDirectory, "*.dll"))
                .Where(p => !Path.GetFileName(p).StartsWith("FineTune.", StringComparison.Ordinal))
                .GroupBy(Path.GetFileName).Select(g => MetadataReference.CreateFromFile(g.First()));
            CSharpCompilation compilation = CSharpCompilation.Create("EngineMap", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
            var folders = new Dictionary<string, HashSet<string>>();
            var wire = new Dictionary<string, HashSet<string>>();
            foreach (SyntaxTree tree in trees)
            {
                string relative = Path.GetRelativePath(EngineRoot, tree.FilePath);
                if (!relative.Contains(Path.DirectorySeparatorChar)) continue; // the root's files (Feedback, Progress, Failure) are used by all
                string folder = relative.Split(Path.DirectorySeparatorChar)[0];
                SemanticModel model = compilation.GetSemanticModel(tree);
                foreach (SimpleNameSyntax name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
                {
                    ISymbol? symbol = model.GetSymbolInfo(name).Symbol ?? model.GetSymbolInfo(name).CandidateSymbols.FirstOrDefault();
                    INamespaceSymbol? ns = symbol is INamespaceSymbol n ? n : (symbol as ITypeSymbol ?? symbol?.ContainingType)?.ContainingNamespace;
                    string full = ns?.ToDisplayString() ?? string.Empty;
                    if (full.StartsWith("FineTune.Engine.", StringComparison.Ordinal))
                    {
                        string other = full.Substring("FineTune.Engine.".Length).Split('.')[0];
                        if (other != folder && symbol is not INamespaceSymbol) Add(folders, folder, other);
                    }
                    else if (full == "OpenAI" || full.StartsWith("OpenAI.", StringComparison.Ordinal) || full.StartsWith("System.ClientModel", StringComparison.Ordinal) || full.StartsWith("System.Net.Http", StringComparison.Ordinal))
                    {
                        Add(wire, folder, full.Split('.')[0] == "System" ? string.Join(".", full.Split('.').Take(3)) : "OpenAI");
                    }
                }
            }

            return (folders, wire);
        }

        private static void Add(Dictionary<string, HashSet<string>> sets, string key, string value)
        {
            if (!sets.TryGetValue(key, out HashSet<string>? set)) sets[key] = set = new HashSet<string>();
            set.Add(value);
        }
    }
}
