using System;
using FineTune.Engine.Tokens;
using Xunit;

namespace FineTune.Engine.Tests.Tokens
{
    public class PieceCacheTests
    {
        [Fact]
        public void FindsAPieceByItsCharactersWhereverTheyStand()
        {
            var cache = new PieceCache(16);
            ReadOnlySpan<char> hello = "say hello".AsSpan(4);
            cache.Add(hello, PieceCache.Hash(hello), new[] { 15339 });

            ReadOnlySpan<char> again = "hello there".AsSpan(0, 5);
            Assert.True(cache.TryGet(again, PieceCache.Hash(again), out int[] ids));
            Assert.Equal(new[] { 15339 }, ids);

            ReadOnlySpan<char> other = "hellO".AsSpan();
            Assert.False(cache.TryGet(other, PieceCache.Hash(other), out _));
        }

        [Fact]
        public void StopsTakingPiecesAtItsLimit()
        {
            var cache = new PieceCache(2);
            foreach (string piece in new[] { "a", "b", "c", "a" }) cache.Add(piece.AsSpan(), PieceCache.Hash(piece.AsSpan()), new[] { piece[0] - 'a' });
            Assert.Equal(2, cache.Count);
            Assert.True(cache.TryGet("b".AsSpan(), PieceCache.Hash("b".AsSpan()), out int[] b));
            Assert.Equal(new[] { 1 }, b);
            Assert.False(cache.TryGet("c".AsSpan(), PieceCache.Hash("c".AsSpan()), out _));
        }

        [Fact]
        public void TheFileCacheKeepsATextFromItsSecondSighting()
        {
            var cache = new TextCountCache();
            ReadOnlySpan<byte> text = "\"You are terse.\""u8;
            int hash = TextCountCache.Hash(text);
            Assert.False(cache.SeenBefore(hash, text.Length));
            Assert.True(cache.SeenBefore(hash, text.Length));
            Assert.False(cache.SeenBefore(hash, text.Length + 1)); // another length is another text
            ReadOnlySpan<byte> other = "\"Hi?\""u8;
            Assert.False(cache.SeenBefore(TextCountCache.Hash(other), other.Length));
        }
    }
}
