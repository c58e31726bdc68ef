using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace FineTune.Engine.Service
{
    /// <summary>One page of a list answer: its items, whether more follow, and the cursor for the next page.</summary>
    public sealed class Page<T>
    {
        /// <summary>Creates a page.</summary>
        public Page(IReadOnlyList<T> items, bool hasMore, string? lastId)
        {
            Items = items;
            HasMore = hasMore;
            LastId = lastId;
        }

        /// <summary>The items in the service's order.</summary>
        public IReadOnlyList<T> Items { get; }

        /// <summary>The service's <c>has_more</c>.</summary>
        public bool HasMore { get; }

        /// <summary>The id to pass as <c>after</c> for the next page (<c>last_id</c>, else the last item's id).</summary>
        public string? LastId { get; }
    }

    /// <summary>The one cursor loop over a list route (<c>?after=&amp;limit=</c>, <c>has_more</c>, <c>last_id</c>).</summary>
    public static class Pages
    {
        /// <summary>The page size of job lists: the service's own default (20).</summary>
        public const int JobPageSize = 20;

        /// <summary>The page size of file and checkpoint lists (the service's largest, 100).</summary>
        public const int FilePageSize = 100;

        /// <summary>
        /// Reads pages of at most <paramref name="pageSize"/> items through <paramref name="readPage"/> (cursor, page size)
        /// and hands each item to <paramref name="onItem"/> in the service's order, until the service has no more, an item
        /// makes <paramref name="onItem"/> return false, or <paramref name="max"/> items were handed over (a last page
        /// asks only for what is still wanted). Returns the count handed over.
        /// </summary>
        public static async Task<int> ReadAsync<T>(Func<string?, int, CancellationToken, Task<Page<T>>> readPage, Func<T, bool> onItem, int pageSize, int max, CancellationToken cancellationToken)
        {
            string? after = null;
            int read = 0;
            while (read < max)
            {
                Page<T> page = await readPage(after, Math.Max(1, Math.Min(pageSize, max - read)), cancellationToken).ConfigureAwait(false);
                foreach (T item in page.Items)
                {
                    if (read >= max) return read;
                    read++;
                    if (!onItem(item)) return read;
                }

                if (!page.HasMore || page.Items.Count == 0 || page.LastId == null) break;
                after = page.LastId;
            }

            return read;
        }

        /// <summary>Every item of a list route (all pages).</summary>
        public static async Task<IReadOnlyList<T>> AllAsync<T>(Func<string?, int, CancellationToken, Task<Page<T>>> readPage, int pageSize, CancellationToken cancellationToken)
        {
            var all = new List<T>();
            await ReadAsync(readPage, item => { all.Add(item); return true; }, pageSize, int.MaxValue, cancellationToken).ConfigureAwait(false);
            return all;
        }
    }
}
