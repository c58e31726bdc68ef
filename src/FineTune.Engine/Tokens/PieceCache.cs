using System;
using System.Threading;

namespace FineTune.Engine.Tokens
{
    /// <summary>
    /// The token ids of short pre-tokens (words, spaces, punctuation), looked up by their characters in place:
    /// no string is made for a lookup, so counting a file allocates per new pre-token, not per pre-token (a
    /// 100 MB file has about 20 million pre-tokens and a few tens of thousands of distinct ones). An
    /// insert-only open-addressing table of immutable entries: lock-free, safe for any number of threads;
    /// two threads may add the same piece twice, which costs a slot and changes no result. It stops taking
    /// new pieces at its entry limit (at most half full).
    /// </summary>
    internal sealed class PieceCache
    {
        private readonly Entry?[] slots;
        private readonly int mask;
        private readonly int maxEntries;
        private int count;

        /// <summary>A cache of at most <paramref name="maxEntries"/> pieces.</summary>
        public PieceCache(int maxEntries)
        {
            int size = 1;
            while (size < maxEntries * 2) size <<= 1;
            slots = new Entry?[size];
            mask = size - 1;
            this.maxEntries = maxEntries;
        }

        /// <summary>The pieces held.</summary>
        public int Count => Volatile.Read(ref count);

        /// <summary>A hash of the characters (FNV-1a over UTF-16 units).</summary>
        public static int Hash(ReadOnlySpan<char> piece)
        {
            uint h = 2166136261;
            foreach (char c in piece) h = (h ^ c) * 16777619;
            return (int)(h ^ (h >> 15));
        }

        /// <summary>The ids of <paramref name="piece"/> (with its <see cref="Hash"/>) when held.</summary>
        public bool TryGet(ReadOnlySpan<char> piece, int hash, out int[] ids)
        {
            for (int i = hash & mask; ; i = (i + 1) & mask)
            {
                Entry? e = Volatile.Read(ref slots[i]);
                if (e == null) break;
                if (e.Hash == hash && piece.SequenceEqual(e.Key.AsSpan()))
                {
                    ids = e.Ids;
                    return true;
                }
            }

            ids = Array.Empty<int>();
            return false;
        }

        /// <summary>Holds <paramref name="ids"/> for <paramref name="piece"/> unless the cache is at its limit.</summary>
        public void Add(ReadOnlySpan<char> piece, int hash, int[] ids)
        {
            if (Volatile.Read(ref count) >= maxEntries) return;
            var entry = new Entry(piece.ToString(), ids, hash);
            for (int i = hash & mask; ; i = (i + 1) & mask)
            {
                Entry? e = Volatile.Read(ref slots[i]);
                if (e == null)
                {
                    if (Interlocked.CompareExchange(ref slots[i], entry, null) == null)
                    {
                        Interlocked.Increment(ref count);
                        return;
                    }

                    e = Volatile.Read(ref slots[i]);
                }

                if (e!.Hash == hash && piece.SequenceEqual(e.Key.AsSpan())) return;
            }
        }

        private sealed class Entry
        {
            public Entry(string key, int[] ids, int hash)
            {
                Key = key;
                Ids = ids;
                Hash = hash;
            }

            public string Key { get; }

            public int[] Ids { get; }

            public int Hash { get; }
        }
    }
}
