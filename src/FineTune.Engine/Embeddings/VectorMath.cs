using System;
using System.Collections.Generic;
using System.Numerics.Tensors;

namespace FineTune.Engine.Embeddings
{
    /// <summary>
    /// The vector math of embeddings, all through System.Numerics.Tensors' <see cref="TensorPrimitives"/> (SIMD on
    /// every runtime the module runs on): unit length, cosine similarity, and the best-scoring rows of a block of
    /// unit vectors. The index keeps unit vectors, so a dot product is the cosine.
    /// </summary>
    public static class VectorMath
    {
        /// <summary>Scales <paramref name="vector"/> to length 1 in place (a zero vector stays zero); returns it.</summary>
        public static float[] Normalize(float[] vector)
        {
            float norm = TensorPrimitives.Norm(vector);
            if (norm > 0 && !float.IsNaN(norm)) TensorPrimitives.Divide(vector, norm, vector);
            return vector;
        }

        /// <summary>The cosine similarity of two vectors of the same length, from -1 to 1.</summary>
        public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => TensorPrimitives.CosineSimilarity(a, b);

        /// <summary>
        /// The <paramref name="top"/> rows of <paramref name="block"/> (rows of <paramref name="dimensions"/> unit
        /// vectors, row after row) with the highest dot product with <paramref name="query"/> (a unit vector: the dot
        /// product is the cosine), best first, as (row, score), leaving out rows below <paramref name="minScore"/>.
        /// <paramref name="scores"/> is working space of at least as many floats as rows (kept by the caller so that
        /// repeated searches allocate nothing).
        /// </summary>
        public static IReadOnlyList<(int Row, float Score)> Top(ReadOnlySpan<float> block, int dimensions, ReadOnlySpan<float> query, int top, float[] scores, float minScore = float.NegativeInfinity)
        {
            if (query.Length != dimensions) throw new ArgumentException($"The query has {query.Length} dimensions; the vectors have {dimensions}.", nameof(query));
            int rows = block.Length / dimensions;
            for (int r = 0; r < rows; r++) scores[r] = TensorPrimitives.Dot(block.Slice(r * dimensions, dimensions), query);
            var best = new List<(int, float)>(Math.Min(Math.Min(top, rows), 64));
            Span<float> s = scores.AsSpan(0, rows);
            for (int k = 0; k < top && k < rows; k++)
            {
                int i = TensorPrimitives.IndexOfMax(s);
                if (i < 0 || float.IsNegativeInfinity(s[i]) || s[i] < minScore) break;
                best.Add((i, s[i]));
                s[i] = float.NegativeInfinity;
            }

            return best;
        }
    }
}
