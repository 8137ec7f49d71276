using OrleansScheduler.Jobs;

namespace OrleansScheduler.Client;

/// <summary>
/// Merges the answers of every listing shard into one page. Each shard returns its first rows matching the query,
/// ordered by id; the page is the first <c>limit</c> rows of their ordinal merge.
/// </summary>
/// <remarks>
/// Example with limit 2 and shards asked for 3 rows each: shard A answers [a, d], shard B [b, c, e] → page [a, b],
/// Next = "b" (more rows remain). A shard that answered as many rows as it was asked for may hold more, so the page
/// then also has a Next even when the merge alone does not show it.
/// </remarks>
internal static class JobPageMerger
{
    /// <summary>How many rows to ask each shard for: one more than the page so "more remain" is visible, within the 1000 cap.</summary>
    public static int ShardLimit(int pageLimit) => Math.Min(pageLimit + 1, MaxLimit);

    /// <summary>The largest page a shard serves.</summary>
    public const int MaxLimit = 1000;

    /// <summary>The page of the first <paramref name="limit"/> rows of all <paramref name="shards"/>.</summary>
    public static JobPage Merge(IReadOnlyList<IReadOnlyList<JobSummary>> shards, int limit, int shardLimit)
    {
        var all = new List<JobSummary>();
        var shardMayHaveMore = false;
        foreach (var shard in shards)
        {
            all.AddRange(shard);
            shardMayHaveMore |= shard.Count >= shardLimit;
        }

        all.Sort(static (x, y) => string.CompareOrdinal(x.Id, y.Id));
        var items = all.Count > limit ? all.GetRange(0, limit) : all;
        var more = all.Count > limit || shardMayHaveMore;
        return new JobPage(items, more && items.Count > 0 ? items[^1].Id : null);
    }
}
