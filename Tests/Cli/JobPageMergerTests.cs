using OrleansScheduler.Client;
using OrleansScheduler.Jobs;
using Xunit;

namespace OrleansScheduler.Tests.Cli;

// The client library's listing merge; it lives here because the CLI's list command is its main user.
public class JobPageMergerTests
{
    private static IReadOnlyList<JobSummary> Shard(params string[] ids) =>
        ids.Select(id => new JobSummary(id, "log", JobStatus.Scheduled, "every 1s", DateTimeOffset.UnixEpoch)).ToList();

    [Fact]
    public void Merge_MoreRowsThanLimit_TakesFirstByOrdinalIdAndSetsNext()
    {
        var page = JobPageMerger.Merge([Shard("a", "d"), Shard("B", "b", "c")], limit: 3, shardLimit: 4);

        Assert.Equal(["B", "a", "b"], page.Items.Select(i => i.Id));
        Assert.Equal("b", page.Next);
    }

    [Fact]
    public void Merge_AllRowsFit_HasNoNext()
    {
        var page = JobPageMerger.Merge([Shard("a"), Shard(), Shard("b")], limit: 2, shardLimit: 3);

        Assert.Equal(["a", "b"], page.Items.Select(i => i.Id));
        Assert.Null(page.Next);
    }

    [Fact]
    public void Merge_ShardFilledItsLimit_SetsNextEvenWhenPageIsNotOverfull()
    {
        var page = JobPageMerger.Merge([Shard("a", "b")], limit: 2, shardLimit: 2);

        Assert.Equal("b", page.Next);
    }

    [Fact]
    public void Merge_Empty_HasNoItemsAndNoNext()
    {
        var page = JobPageMerger.Merge([Shard(), Shard()], limit: 10, shardLimit: 11);

        Assert.Empty(page.Items);
        Assert.Null(page.Next);
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(100, 101)]
    [InlineData(1000, 1000)]
    public void ShardLimit_OneMoreThanPage_CappedAt1000(int page, int shard)
    {
        Assert.Equal(shard, JobPageMerger.ShardLimit(page));
    }
}
