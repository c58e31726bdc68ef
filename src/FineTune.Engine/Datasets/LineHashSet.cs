using System.Runtime.CompilerServices;
using System;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FineTune.Engine.Datasets
{
    /// <summary>
    /// A set of 64-bit example hashes with the line each was first seen on, for the duplicate rule (FT501):
    /// the one part of checking whose memory grows with the file, about 16 MB per million distinct
    /// examples. 256 open-addressing tables (picked by the hash's top 8 bits), 12 bytes a slot, load at
    /// most 4/5.
    /// </summary>
    /// <remarks>
    /// A table that must grow doubles, or, once <see cref="Projection"/> is known, grows straight to its
    /// share of the examples the rest of the file predicts (4% to spare): a uniform file's tables grow a few
    /// times, not once per doubling. The tables live in native memory, freed as soon as they are outgrown
    /// and when the set is disposed (or, failing that, finalized): on the garbage-collected heap they would
    /// leave outgrown arrays behind and raise the collector's allowance with their size, which measured
    /// as much again as the set itself on a 1 GB file. A 64-bit hash makes a false duplicate vanishingly
    /// unlikely (about 1 in 10^7 for a million distinct examples).
    /// </remarks>
    internal sealed class LineHashSet : IDisposable
    {
        private const int SegmentBits = 8;
        private readonly Segment[] segments = new Segment[1 << SegmentBits];
        private long count;

        public LineHashSet()
        {
            for (int i = 0; i < segments.Length; i++) segments[i] = new Segment();
        }

        /// <summary>
        /// How many times the examples seen so far the whole file will hold (the file's bytes over the bytes
        /// checked so far); 0 (default) while unknown.
        /// </summary>
        public double Projection { get; set; }

        /// <summary>Slots of all tables together (for tests).</summary>
        internal long Capacity
        {
            get
            {
                long slots = 0;
                foreach (Segment s in segments) slots += s.Capacity;
                return slots;
            }
        }

        /// <summary>Adds the hash; returns 0 when new, else the line it was first seen on.</summary>
        [MethodImpl(Hot.Path)]
        public long AddOrGet(ulong hash, long line)
        {
            if (hash == 0) hash = 1;
            Segment segment = segments[(int)(hash >> (64 - SegmentBits))];
            if (segment.IsFull)
            {
                // a table's final share is the average one within a few per cent once it holds thousands
                double expected = Math.Max(segment.Count, (double)count / segments.Length) * Projection * 1.04;
                segment.Grow((long)(expected * 5 / 4) + 1);
            }

            long earlier = segment.AddOrGet(hash, line);
            if (earlier == 0) count++;
            return earlier;
        }

        /// <summary>Frees the tables.</summary>
        public void Dispose()
        {
            foreach (Segment s in segments) s.Dispose();
        }

        private sealed class Segment : IDisposable
        {
            private Table table = new Table(16);

            public int Count { get; private set; }

            public int Capacity => table.Size;

            /// <summary>True when one more key would fill it beyond 4/5.</summary>
            public bool IsFull => (Count + 1) * 5L > table.Size * 4L;

            [MethodImpl(Hot.Path)]
            public long AddOrGet(ulong hash, long line)
            {
                long earlier = table.AddOrGet(hash, (int)Math.Min(line, int.MaxValue));
                if (earlier == 0) Count++;
                return earlier;
            }

            /// <summary>Moves the keys into a table of <paramref name="wanted"/> slots, at least twice the present one.</summary>
            public void Grow(long wanted)
            {
                var bigger = new Table((int)Math.Min(Math.Max(2L * table.Size, wanted), 1 << 27));
                table.MoveTo(bigger);
                table.Dispose();
                table = bigger;
            }

            public void Dispose() => table.Dispose();
        }

        /// <summary>One open-addressing table in native memory: <c>Size</c> 64-bit keys (0 = empty), then as many 32-bit lines.</summary>
        private sealed class Table : SafeHandleZeroOrMinusOneIsInvalid
        {
            public Table(int size)
                : base(ownsHandle: true)
            {
                Size = size;
                long bytes = 12L * size;
                SetHandle(Marshal.AllocHGlobal((IntPtr)bytes));
                GC.AddMemoryPressure(bytes);
                unsafe
                {
                    new Span<ulong>((void*)handle, size).Clear();
                }
            }

            public int Size { get; }

            [MethodImpl(Hot.Path)]
            public unsafe long AddOrGet(ulong hash, int line)
            {
                ulong* keys = (ulong*)handle;
                int i = Slot(hash, Size);
                while (keys[i] != 0)
                {
                    if (keys[i] == hash) return ((int*)(keys + Size))[i];
                    if (++i == Size) i = 0;
                }

                keys[i] = hash;
                ((int*)(keys + Size))[i] = line;
                return 0;
            }

            public unsafe void MoveTo(Table other)
            {
                ulong* keys = (ulong*)handle;
                int* lines = (int*)(keys + Size);
                for (int j = 0; j < Size; j++)
                {
                    if (keys[j] != 0) other.AddOrGet(keys[j], lines[j]);
                }
            }

            protected override bool ReleaseHandle()
            {
                Marshal.FreeHGlobal(handle);
                GC.RemoveMemoryPressure(12L * Size);
                return true;
            }

            // The low 32 bits scaled to the table's size (any size, not only powers of two).
            [MethodImpl(Hot.Path)]
            private static int Slot(ulong hash, int size) => (int)(((hash & 0xFFFFFFFFUL) * (ulong)size) >> 32);
        }
    }
}
