using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace FineTune.Engine.Tokens
{
    /// <summary>
    /// The token counts of short ASCII pre-tokens (at most <see cref="MaxLength"/> characters: most words with their
    /// leading space, numbers, spaces and punctuation), each held in one 64-bit word: the characters (7 bits each),
    /// the length, the count and a bit that marks the slot used. A look-up reads one word of a 512 KB table, where
    /// <see cref="PieceCache"/> follows three references (slot, entry, key) and compares the keys. A fixed table of
    /// <see cref="Slots"/> words, four probed per key; when all four hold other pieces the first is replaced, so a
    /// file with more distinct short pieces only looks some of them up again. Lock-free: a word is read and written
    /// whole (the encoder uses it only in a 64-bit process, where that holds), so a reader sees a whole entry or none.
    /// </summary>
    internal sealed class AsciiPieceCounts
    {
        /// <summary>The longest piece held, in characters (8 of 7 bits fill 56 bits of the word).</summary>
        public const int MaxLength = 8;

        /// <summary>The table's size in words (a power of two).</summary>
        internal const int Slots = 1 << 16;

        private const int Probes = 4;
        private const long CountBits = 0xF0; // bits 4-7: the count (a piece of 8 characters has at most 8 tokens)

        private readonly long[] slots = new long[Slots];

        /// <summary>
        /// The key of <paramref name="piece"/> (1 to <see cref="MaxLength"/> bytes, each below 0x80): the characters
        /// from bit 8 up, the length less one in bits 1-3, bit 0 set; bits 4-7 (the count) clear.
        /// </summary>
        [MethodImpl(Hot.Path)]
        public static long Key(ReadOnlySpan<byte> piece)
        {
            ulong chars = 0;
            foreach (byte b in piece) chars = (chars << 7) | b;
            return (long)((chars << 8) | ((ulong)(piece.Length - 1) << 1) | 1UL);
        }

        /// <summary>The count held for <paramref name="key"/> (<see cref="Key"/>), when held.</summary>
        [MethodImpl(Hot.Path)]
        public bool TryGet(long key, out int count)
        {
            int first = Index(key);
            for (int p = 0; p < Probes; p++)
            {
                long slot = Volatile.Read(ref slots[(first + p) & (Slots - 1)]);
                if ((slot & ~CountBits) == key)
                {
                    count = (int)((slot & CountBits) >> 4);
                    return true;
                }

                if (slot == 0) break; // pieces are placed in the first free slot of their probes
            }

            count = 0;
            return false;
        }

        /// <summary>Holds <paramref name="count"/> (0-15 tokens; a larger one is not held) for <paramref name="key"/>.</summary>
        [MethodImpl(Hot.Path)]
        public void Add(long key, int count)
        {
            if ((uint)count > 15) return;
            long entry = key | ((long)count << 4);
            int first = Index(key);
            for (int p = 0; p < Probes; p++)
            {
                ref long slot = ref slots[(first + p) & (Slots - 1)];
                long held = Volatile.Read(ref slot);
                if (held == 0 && Interlocked.CompareExchange(ref slot, entry, 0) == 0) return;
                if ((Volatile.Read(ref slot) & ~CountBits) == key) return;
            }

            Volatile.Write(ref slots[first], entry);
        }

        // Fibonacci hashing: the top 16 bits of the key times 2^64 / phi.
        [MethodImpl(Hot.Path)]
        private static int Index(long key) => (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> (64 - 16));
    }
}
