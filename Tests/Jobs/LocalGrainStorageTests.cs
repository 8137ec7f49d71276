using Orleans.Storage;
using OrleansScheduler.Grains.Hosting;
using Xunit;

namespace OrleansScheduler.Tests.Jobs;

public sealed class LocalGrainStorageTests
{
    private static readonly GrainId Job = GrainId.Create("job", "a");

    private static LocalGrainStorage Storage(string cluster) => new("scheduler", "service", cluster, new JsonStorageSerializer());

    private static string NewCluster() => $"cluster-{Guid.NewGuid():N}";

    [Fact]
    public async Task Write_ThenRead_GivesAnEqualCopy_NotTheSameObject()
    {
        using var storage = Storage(NewCluster());
        var written = new GrainState<Sample>(new Sample { Name = "a", Count = 3 });
        await storage.WriteStateAsync("job", Job, written);

        var read = new GrainState<Sample>();
        await storage.ReadStateAsync("job", Job, read);

        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(("a", 3), (read.State!.Name, read.State!.Count));
        Assert.NotSame(written.State, read.State);
        written.State!.Count = 99; // a change after the write is not stored until the next write
        await storage.ReadStateAsync("job", Job, read);
        Assert.Equal(3, read.State!.Count);
    }

    [Fact]
    public async Task Read_OfAStateNeverWritten_IsANewStateWithoutETag()
    {
        using var storage = Storage(NewCluster());
        var read = new GrainState<Sample>();
        await storage.ReadStateAsync("job", Job, read);
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.NotNull(read.State);
    }

    [Fact]
    public async Task AWriterThatDidNotReadTheLatestWrite_IsRefused_AndTheStoredStateStays()
    {
        using var storage = Storage(NewCluster());
        var first = new GrainState<Sample>(new Sample { Count = 1 });
        await storage.WriteStateAsync("job", Job, first);
        var second = new GrainState<Sample>();
        await storage.ReadStateAsync("job", Job, second);
        second.State!.Count = 2;
        await storage.WriteStateAsync("job", Job, second);

        first.State!.Count = 3;
        var refused = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("job", Job, first));
        Assert.Contains("another activation", refused.Message);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("job", Job, first));
        // A writer that never read may not overwrite an existing state either.
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("job", Job, new GrainState<Sample>(new Sample())));

        var read = new GrainState<Sample>();
        await storage.ReadStateAsync("job", Job, read);
        Assert.Equal(2, read.State!.Count);
    }

    [Fact]
    public async Task Clear_RemovesTheState_AndANewWriteStartsAfresh()
    {
        using var storage = Storage(NewCluster());
        var state = new GrainState<Sample>(new Sample { Count = 1 });
        await storage.WriteStateAsync("job", Job, state);
        await storage.ClearStateAsync("job", Job, state);
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        Assert.Equal(0, storage.Count);

        var read = new GrainState<Sample>();
        await storage.ReadStateAsync("job", Job, read);
        Assert.False(read.RecordExists);
        await storage.WriteStateAsync("job", Job, read);
        Assert.Equal(1, storage.Count);
    }

    [Fact]
    public async Task SilosOfOneCluster_ShareStates_OtherClustersDoNot_AndTheLastToStopDropsThem()
    {
        var cluster = NewCluster();
        var first = Storage(cluster);
        var second = Storage(cluster);
        using var other = Storage(NewCluster());
        await first.WriteStateAsync("job", Job, new GrainState<Sample>(new Sample { Count = 7 }));

        var read = new GrainState<Sample>();
        await second.ReadStateAsync("job", Job, read);
        Assert.Equal(7, read.State!.Count);
        await other.ReadStateAsync("job", Job, read);
        Assert.False(read.RecordExists);
        // Other state names of the same grain are other states.
        await second.ReadStateAsync("ledger", Job, read);
        Assert.False(read.RecordExists);

        first.Dispose();
        first.Dispose(); // twice is once
        await second.ReadStateAsync("job", Job, read);
        Assert.Equal(7, read.State!.Count);
        second.Dispose();

        using var restarted = Storage(cluster);
        await restarted.ReadStateAsync("job", Job, read);
        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task ConcurrentWritersWithOneETag_ExactlyOneWins()
    {
        using var storage = Storage(NewCluster());
        var seed = new GrainState<Sample>(new Sample());
        await storage.WriteStateAsync("job", Job, seed);
        var writers = Enumerable.Range(1, 32).Select(i => new GrainState<Sample>(new Sample { Count = i }) { ETag = seed.ETag, RecordExists = true }).ToList();

        var results = await Task.WhenAll(writers.Select(w => Task.Run(async () =>
        {
            try
            {
                await storage.WriteStateAsync("job", Job, w);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        })));

        Assert.Equal(1, results.Count(won => won));
        var winner = writers[Array.IndexOf(results, true)];
        var read = new GrainState<Sample>();
        await storage.ReadStateAsync("job", Job, read);
        Assert.Equal(winner.State!.Count, read.State!.Count);
        Assert.Equal(winner.ETag, read.ETag);
    }

    [Fact]
    public async Task WritesThatShrinkAndGrow_ReadBackExactlyWhatWasWritten()
    {
        // A state is copied into its own buffer, reused while it fits: a shorter write must not read back with the tail
        // of a longer one, and a longer one must not be cut.
        using var storage = Storage(NewCluster());
        var state = new GrainState<Sample>(new Sample());
        var read = new GrainState<Sample>();
        foreach (var name in new[] { new string('x', 300), "short", "", new string('é', 2000), "again" })
        {
            state.State!.Name = name;
            await storage.WriteStateAsync("job", Job, state);
            await storage.ReadStateAsync("job", Job, read);
            Assert.Equal(name, read.State!.Name);
            Assert.Equal(state.ETag, read.ETag);
        }
    }

    [Fact]
    public async Task AFirstWriteThatIsRefused_LeavesNoState()
    {
        // A writer holding an ETag of a state that no longer exists (cleared by another activation) may not create it.
        using var storage = Storage(NewCluster());
        var stale = new GrainState<Sample>(new Sample { Count = 5 }) { ETag = "41", RecordExists = true };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("job", Job, stale));
        Assert.Equal(0, storage.Count);
        var read = new GrainState<Sample>();
        await storage.ReadStateAsync("job", Job, read);
        Assert.False(read.RecordExists);
        await storage.WriteStateAsync("job", Job, new GrainState<Sample>(new Sample { Count = 6 }));
        await storage.ReadStateAsync("job", Job, read);
        Assert.Equal(6, read.State!.Count);
    }

    public sealed class Sample
    {
        public string? Name { get; set; }
        public int Count { get; set; }
    }

    private sealed class JsonStorageSerializer : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => BinaryData.FromObjectAsJson(input);

        public T Deserialize<T>(BinaryData input) => input.ToObjectFromJson<T>()!;
    }
}
