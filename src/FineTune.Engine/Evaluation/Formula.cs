using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace FineTune.Engine.Evaluation
{
    /// <summary>
    /// A multi grader's <c>calculate_output</c>: arithmetic over the sub-graders' scores, parsed once and
    /// evaluated per answer. Numbers, names (a sub-grader's key or name), <c>+ - * / ^</c>, parentheses and the
    /// functions <c>min</c>, <c>max</c> (any number of arguments), <c>abs</c>, <c>floor</c>, <c>ceil</c>,
    /// <c>round</c>, <c>sqrt</c>, <c>exp</c>, <c>log</c> (natural). Nothing else is evaluated: no code runs.
    /// A division by zero gives 0.
    /// </summary>
    public sealed class Formula
    {
        private static readonly Dictionary<string, (int Min, int Max, Func<double[], double> F)> Functions = new Dictionary<string, (int, int, Func<double[], double>)>(StringComparer.Ordinal)
        {
            ["min"] = (1, int.MaxValue, a => a.Min()),
            ["max"] = (1, int.MaxValue, a => a.Max()),
            ["abs"] = (1, 1, a => Math.Abs(a[0])),
            ["floor"] = (1, 1, a => Math.Floor(a[0])),
            ["ceil"] = (1, 1, a => Math.Ceiling(a[0])),
            ["round"] = (1, 1, a => Math.Round(a[0], MidpointRounding.AwayFromZero)),
            ["sqrt"] = (1, 1, a => Math.Sqrt(a[0])),
            ["exp"] = (1, 1, a => Math.Exp(a[0])),
            ["log"] = (1, 1, a => Math.Log(a[0])),
        };

        private readonly Func<IReadOnlyDictionary<string, double>, double> evaluate;

        private Formula(string text, Func<IReadOnlyDictionary<string, double>, double> evaluate, IReadOnlyList<string> names)
        {
            Text = text;
            this.evaluate = evaluate;
            Names = names;
        }

        /// <summary>The formula as written.</summary>
        public string Text { get; }

        /// <summary>The names it reads.</summary>
        public IReadOnlyList<string> Names { get; }

        /// <summary>Evaluates it with <paramref name="values"/> for the names.</summary>
        public double Evaluate(IReadOnlyDictionary<string, double> values) => evaluate(values);

        /// <summary>
        /// Parses <paramref name="text"/>; every name must be one of <paramref name="known"/>. Throws
        /// <see cref="FormatException"/> saying what is wrong and at which character.
        /// </summary>
        public static Formula Parse(string text, IEnumerable<string> known)
        {
            var parser = new Parser(text ?? string.Empty, new HashSet<string>(known, StringComparer.Ordinal));
            Func<IReadOnlyDictionary<string, double>, double> root = parser.Expression();
            parser.SkipSpace();
            if (!parser.AtEnd) throw parser.Error("unexpected '" + parser.Current + "'");
            return new Formula(text!, root, parser.Used.ToList());
        }

        private sealed class Parser
        {
            private readonly string s;
            private readonly HashSet<string> known;
            private int i;

            public Parser(string s, HashSet<string> known)
            {
                this.s = s;
                this.known = known;
            }

            public HashSet<string> Used { get; } = new HashSet<string>(StringComparer.Ordinal);

            public bool AtEnd => i >= s.Length;

            public char Current => s[i];

            public FormatException Error(string what) =>
                new FormatException($"calculate_output '{s}': {what} at character {i + 1}. Use numbers, grader names, + - * / ^, parentheses and min, max, abs, floor, ceil, round, sqrt, exp, log.");

            public void SkipSpace()
            {
                while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
            }

            private bool Take(char c)
            {
                SkipSpace();
                if (i < s.Length && s[i] == c)
                {
                    i++;
                    return true;
                }

                return false;
            }

            public Func<IReadOnlyDictionary<string, double>, double> Expression()
            {
                var left = Term();
                while (true)
                {
                    if (Take('+'))
                    {
                        var (l, r) = (left, Term());
                        left = v => l(v) + r(v);
                    }
                    else if (Take('-'))
                    {
                        var (l, r) = (left, Term());
                        left = v => l(v) - r(v);
                    }
                    else
                    {
                        return left;
                    }
                }
            }

            private Func<IReadOnlyDictionary<string, double>, double> Term()
            {
                var left = Unary();
                while (true)
                {
                    if (Take('*'))
                    {
                        var (l, r) = (left, Unary());
                        left = v => l(v) * r(v);
                    }
                    else if (Take('/'))
                    {
                        var (l, r) = (left, Unary());
                        left = v =>
                        {
                            double d = r(v);
                            return d == 0 ? 0 : l(v) / d;
                        };
                    }
                    else
                    {
                        return left;
                    }
                }
            }

            private Func<IReadOnlyDictionary<string, double>, double> Unary()
            {
                if (Take('-'))
                {
                    var u = Unary();
                    return v => -u(v);
                }

                if (Take('+')) return Unary();
                var b = Primary();
                if (Take('^'))
                {
                    var e = Unary();
                    return v => Math.Pow(b(v), e(v));
                }

                return b;
            }

            private Func<IReadOnlyDictionary<string, double>, double> Primary()
            {
                SkipSpace();
                if (AtEnd) throw Error("the formula ends too early");
                if (Take('('))
                {
                    var inner = Expression();
                    if (!Take(')')) throw Error("')' expected");
                    return inner;
                }

                int start = i;
                if (char.IsDigit(s[i]) || s[i] == '.')
                {
                    while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '.')) i++;
                    if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
                    {
                        i++;
                        if (i < s.Length && (s[i] == '+' || s[i] == '-')) i++;
                        while (i < s.Length && char.IsDigit(s[i])) i++;
                    }

                    if (!double.TryParse(s.Substring(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
                    {
                        i = start;
                        throw Error("not a number");
                    }

                    return _ => number;
                }

                if (char.IsLetter(s[i]) || s[i] == '_')
                {
                    while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] == '_')) i++;
                    string name = s.Substring(start, i - start);
                    if (Take('('))
                    {
                        if (!Functions.TryGetValue(name, out var f))
                        {
                            i = start;
                            throw Error($"unknown function '{name}'");
                        }

                        var args = new List<Func<IReadOnlyDictionary<string, double>, double>>();
                        if (!Take(')'))
                        {
                            do
                            {
                                args.Add(Expression());
                            }
                            while (Take(','));
                            if (!Take(')')) throw Error("')' expected");
                        }

                        if (args.Count < f.Min || args.Count > f.Max)
                        {
                            i = start;
                            throw Error($"{name} takes {(f.Min == f.Max ? f.Min.ToString(CultureInfo.InvariantCulture) : "at least " + f.Min)} argument(s)");
                        }

                        var list = args.ToArray();
                        return v => f.F(list.Select(a => a(v)).ToArray());
                    }

                    if (!known.Contains(name))
                    {
                        i = start;
                        throw Error($"unknown name '{name}' (graders: {string.Join(", ", known)})");
                    }

                    Used.Add(name);
                    return v => v.TryGetValue(name, out double x) ? x : 0;
                }

                throw Error("unexpected '" + s[i] + "'");
            }
        }
    }
}
