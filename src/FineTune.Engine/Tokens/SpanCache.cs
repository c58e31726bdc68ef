using System.Runtime.CompilerServices;
using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace FineTune.Engine.Tokens
{
    /// <summary>
    /// A table from short keys (runs of chars or bytes) to values, looked up by the key in place: no string or
    /// array is made for a lookup, so a hit allocates nothing. An insert-only open-addressing table of immutable
    /// entries: lock-free, safe for any number of threads; two threads may add the same key twice, which costs a
    /// slot and changes no result. It stops taking new keys at its entry limit (at most half full) or when the
    /// keys it holds reach <c>maxUnits</c> units in all, so its memory has a fixed ceiling.
    /// </summary>
    internal class SpanCache<TUnit, TValue>
        where TUnit : unmanaged, IEquatable<TUnit>
    {
        private readonly Entry?[] slots;
        private readonly int mask;
        private readonly int maxEntries;
        private readonly long maxUnits;
        private int count;
        private long units;

        /// <summary>A cache of at most <paramref name="maxEntries"/> keys of at most <paramref name="maxUnits"/> units in all.</summary>
        public SpanCache(int maxEntries, long maxUnits = long.MaxValue)
        {
            int size = 1;
            while (size < maxEntries * 2) size <<= 1;
            slots = new Entry?[size];
            mask = size - 1;
            this.maxEntries = maxEntries;
            this.maxUnits = maxUnits;
        }

        /// <summary>The keys held.</summary>
        public int Count => Volatile.Read(ref count);

        /// <summary>A hash of the key's bytes (FNV-1a, four bytes a step).</summary>
        [MethodImpl(Hot.Path)]
        public static int Hash(ReadOnlySpan<TUnit> key)
        {
            ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(key);
            ReadOnlySpan<uint> words = MemoryMarshal.Cast<byte, uint>(bytes);
            uint h = 2166136261;
            foreach (uint w in words) h = (h ^ w) * 16777619;
            for (int i = words.Length * 4; i < bytes.Length; i++) h = (h ^ bytes[i]) * 16777619;
            h ^= (uint)bytes.Length;
            return (int)(h ^ (h >> 15));
        }

        /// <summary>The value of <paramref name="key"/> (with its <see cref="Hash"/>) when held.</summary>
        [MethodImpl(Hot.Path)]
        public bool TryGet(ReadOnlySpan<TUnit> key, int hash, out TValue value)
        {
            for (int i = hash & mask; ; i = (i + 1) & mask)
            {
                Entry? e = Volatile.Read(ref slots[i]);
                if (e == null) break;
                if (Holds(e, key, hash))
                {
                    value = e.Value;
                    return true;
                }
            }

            value = default!;
            return false;
        }

        /// <summary>Holds <paramref name="value"/> for <paramref name="key"/> unless the cache is at its limit.</summary>
        [MethodImpl(Hot.Path)]
        public void Add(ReadOnlySpan<TUnit> key, int hash, TValue value)
        {
            if (Volatile.Read(ref count) >= maxEntries || Interlocked.Read(ref units) + key.Length > maxUnits) return;
            var entry = new Entry(key.ToArray(), value, hash);
            for (int i = hash & mask; ; i = (i + 1) & mask)
            {
                Entry? e = Volatile.Read(ref slots[i]);
                if (e == null)
                {
                    if (Interlocked.CompareExchange(ref slots[i], entry, null) == null)
                    {
                        Interlocked.Increment(ref count);
                        Interlocked.Add(ref units, key.Length);
                        return;
                    }

                    e = Volatile.Read(ref slots[i]);
                }

                if (Holds(e!, key, hash)) return;
            }
        }

        [MethodImpl(Hot.Path)]
        private static bool Holds(Entry e, ReadOnlySpan<TUnit> key, int hash) =>
            e.Hash == hash && Scan.Same(MemoryMarshal.AsBytes(key), MemoryMarshal.AsBytes(e.Key.AsSpan()));

        private sealed class Entry
        {
            public Entry(TUnit[] key, TValue value, int hash)
            {
                Key = key;
                Value = value;
                Hash = hash;
            }

            public TUnit[] Key { get; }

            public TValue Value { get; }

            public int Hash { get; }
        }
    }

    /// <summary>
    /// The token ids of short pre-tokens (words, spaces, punctuation), looked up by their characters in place:
    /// counting a file allocates per new pre-token, not per pre-token (a 100 MB file has about 20 million
    /// pre-tokens and a few tens of thousands of distinct ones).
    /// </summary>
    internal sealed class PieceCache : SpanCache<char, int[]>
    {
        /// <summary>A cache of at most <paramref name="maxEntries"/> pieces.</summary>
        public PieceCache(int maxEntries)
            : base(maxEntries)
        {
        }
    }

    /// <summary>
    /// The token counts of the texts one file repeats (system messages, tool definitions, stock answers; a text is kept
    /// from its second sighting, see <see cref="SeenBefore"/>), keyed by
    /// their raw UTF-8 JSON (escapes and quotes included: the same raw bytes are the same text, so a hit gives the
    /// count tiktoken gives; the same text escaped differently only misses). One per file checked, shared by the
    /// threads that check it: a text that repeats is encoded on its first two sightings, then read from here. Keys of up to
    /// <see cref="MaxKeyBytes"/> bytes, <see cref="MaxEntries"/> of them and <see cref="MaxBytes"/> in all (at most
    /// about 22 MB with the table and the entries): the ceiling is the same for a 100 MB file and a 10 GB one.
    /// </summary>
    internal sealed class TextCountCache : SpanCache<byte, TokenCount>
    {
        /// <summary>The longest key kept (bytes).</summary>
        public const int MaxKeyBytes = 64 * 1024;

        /// <summary>The most keys kept.</summary>
        public const int MaxEntries = 64 * 1024;

        /// <summary>The most key bytes kept in all.</summary>
        public const long MaxBytes = 16L * 1024 * 1024;

        // Fingerprints (hash and length) of texts seen once, in a direct-mapped table: a text is kept only when it
        // comes again, so the texts a file holds once (most user messages) never fill the cache.
        private const int SeenSlots = 1 << 16;
        private readonly int[] seen = new int[SeenSlots];

        public TextCountCache()
            : base(MaxEntries, MaxBytes)
        {
        }

        /// <summary>
        /// True when a text of this <paramref name="hash"/> (<see cref="SpanCache{TUnit, TValue}.Hash"/>) and
        /// <paramref name="length"/> was offered before (most likely the same text: a second sighting), so it is worth
        /// keeping; else remembers it and gives false. A wrong answer only keeps or skips one text.
        /// </summary>
        [MethodImpl(Hot.Path)]
        public bool SeenBefore(int hash, int length)
        {
            int fingerprint = (hash ^ (length * 0x2545F491)) | 1;
            ref int slot = ref seen[hash & (SeenSlots - 1)];
            if (Volatile.Read(ref slot) == fingerprint) return true;
            Volatile.Write(ref slot, fingerprint);
            return false;
        }
    }
}
