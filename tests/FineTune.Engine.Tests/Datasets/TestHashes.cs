namespace FineTune.Engine.Tests.Datasets
{
    /// <summary>Well-spread 64-bit values for tests that feed the duplicate set hashes of their own (a 64-bit finalizer).</summary>
    internal static class TestHashes
    {
        public static ulong Mix(ulong h)
        {
            h ^= h >> 33;
            h *= 0xff51afd7ed558ccdUL;
            h ^= h >> 33;
            h *= 0xc4ceb9fe1a85ec53UL;
            h ^= h >> 33;
            return h;
        }
    }
}
