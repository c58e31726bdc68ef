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
