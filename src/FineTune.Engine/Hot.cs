using System.Runtime.CompilerServices;

namespace FineTune.Engine
{
    /// <summary>
    /// <c>[MethodImpl(Hot.Path)]</c> marks the methods a file check runs per line, per string or per pre-token.
    /// A check reads its file once, so the runtime's tiered compilation (unoptimized code first, re-compiled once
    /// found hot) would spend the first seconds of every run in slow code. Measured on the bench's 100 MB file on a
    /// loaded machine, a cold Test-FineTuneDataset -Model used 4.5-5.4 s of CPU with these methods compiled
    /// optimized at once, 4.9-7.7 s without, and 3.1-3.5 s with tiered compilation off altogether.
    /// </summary>
    internal static class Hot
    {
        /// <summary>MethodImplOptions.AggressiveOptimization (512), which netstandard2.0 does not name; .NET Core honours it.</summary>
        public const MethodImplOptions Path = (MethodImplOptions)512;
    }
}

namespace System.Runtime.CompilerServices
{
    /// <summary>
    /// The compiler's SkipLocalsInit (.NET 5+), which netstandard2.0 does not ship: a method marked with it gets
    /// its stackalloc buffers without zeroing them first (each line's 4 KB hash buffer was zeroed 130,000 times
    /// per 100 MB file). Only for methods that read no byte of such a buffer before writing it.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, Inherited = false)]
    internal sealed class SkipLocalsInitAttribute : Attribute
    {
    }
}

namespace FineTune.Engine
{
    using System;
    using System.Numerics;
    using System.Runtime.CompilerServices;
    using System.Runtime.InteropServices;

    /// <summary>
    /// Byte searches and comparisons for the per-line and per-string loops of a file check, a SIMD vector (or eight
    /// bytes) a step in the caller's optimized code. The framework's span methods are faster once fully compiled, but in a new process
    /// they run instrumented (re-compiled with counters) for the whole of a check; measured with perf on the bench's
    /// 100 MB file, the counter helper they and the JSON reader called took about 14% of the CPU samples of a cold run.
    /// </summary>
    internal static class Scan
    {
        private const ulong Ones = 0x0101010101010101UL;
        private const ulong Highs = 0x8080808080808080UL;

        /// <summary>The index of the first <paramref name="value"/> in <paramref name="bytes"/>, or -1.</summary>
        [MethodImpl(Hot.Path)]
        public static int IndexOf(ReadOnlySpan<byte> bytes, byte value) => IndexOfAny(bytes, value, value);

        /// <summary>The index of the first byte of <paramref name="bytes"/> that is <paramref name="a"/> or <paramref name="b"/>, or -1.</summary>
        [MethodImpl(Hot.Path)]
        public static int IndexOfAny(ReadOnlySpan<byte> bytes, byte a, byte b)
        {
            int i = 0;
            if (Vector.IsHardwareAccelerated && bytes.Length >= Vector<byte>.Count)
            {
                Vector<byte> va = new Vector<byte>(a), vb = new Vector<byte>(b);
                for (; i + Vector<byte>.Count <= bytes.Length; i += Vector<byte>.Count)
                {
                    var v = MemoryMarshal.Read<Vector<byte>>(bytes.Slice(i));
                    if (Vector.BitwiseOr(Vector.Equals(v, va), Vector.Equals(v, vb)) != Vector<byte>.Zero) break;
                }
            }

            ulong pa = a * Ones, pb = b * Ones;
            for (; i + 8 <= bytes.Length; i += 8)
            {
                ulong w = MemoryMarshal.Read<ulong>(bytes.Slice(i));
                ulong xa = w ^ pa, xb = w ^ pb; // a zero byte where w holds a or b
                if (((((xa - Ones) & ~xa) | ((xb - Ones) & ~xb)) & Highs) != 0) break;
            }

            for (; i < bytes.Length; i++)
            {
                if (bytes[i] == a || bytes[i] == b) return i;
            }

            return -1;
        }

        /// <summary>True when every byte of <paramref name="bytes"/> is below 0x80 (ASCII).</summary>
        [MethodImpl(Hot.Path)]
        public static bool IsAscii(ReadOnlySpan<byte> bytes)
        {
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var high = new Vector<byte>(0x80);
                for (; i + Vector<byte>.Count <= bytes.Length; i += Vector<byte>.Count)
                {
                    if (Vector.BitwiseAnd(MemoryMarshal.Read<Vector<byte>>(bytes.Slice(i)), high) != Vector<byte>.Zero) return false;
                }
            }

            for (; i + 8 <= bytes.Length; i += 8)
            {
                if ((MemoryMarshal.Read<ulong>(bytes.Slice(i)) & Highs) != 0) return false;
            }

            for (; i < bytes.Length; i++)
            {
                if (bytes[i] >= 0x80) return false;
            }

            return true;
        }

        /// <summary>True when <paramref name="x"/> and <paramref name="y"/> hold the same bytes.</summary>
        [MethodImpl(Hot.Path)]
        public static bool Same(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
        {
            if (x.Length != y.Length) return false;
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; i + Vector<byte>.Count <= x.Length; i += Vector<byte>.Count)
                {
                    if (MemoryMarshal.Read<Vector<byte>>(x.Slice(i)) != MemoryMarshal.Read<Vector<byte>>(y.Slice(i))) return false;
                }
            }

            for (; i + 8 <= x.Length; i += 8)
            {
                if (MemoryMarshal.Read<ulong>(x.Slice(i)) != MemoryMarshal.Read<ulong>(y.Slice(i))) return false;
            }

            for (; i < x.Length; i++)
            {
                if (x[i] != y[i]) return false;
            }

            return true;
        }
    }
}
