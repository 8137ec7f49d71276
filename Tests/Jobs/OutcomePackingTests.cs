using OrleansScheduler.Execution;
using Orleans.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace OrleansScheduler.Tests.Jobs;

public sealed class OutcomePackingTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-11-26T06:00:00Z");

    private static ExecutionOutcome Outcome(string jobId, DateTimeOffset scheduledAt, string? silo, string? error = null, bool manual = false,
        ExecutionStatus status = ExecutionStatus.Succeeded, TimeSpan? late = null) => new()
    {
        JobId = jobId,
        ExecutionId = ExecutionIds.For(jobId, scheduledAt, manual),
        ScheduledAt = scheduledAt,
        Attempt = 3,
        Status = status,
        StartedAt = scheduledAt + (late ?? TimeSpan.FromTicks(1_234)),
        FinishedAt = scheduledAt + (late ?? TimeSpan.FromTicks(1_234)) + TimeSpan.FromMilliseconds(250),
        Error = error,
        IsFinal = error is null,
        Silo = silo,
        JobVersion = 7,
        Manual = manual,
    };

    [Fact]
    public void Batch_GivesBackEveryField_IncludingTheExecutionIdItDoesNotStore()
    {
        ExecutionOutcome[] outcomes =
        [
            Outcome("reports/daily", At, "S127.0.0.1:11111:1"),
            Outcome("tâche-été-日本-🚀", At.AddMilliseconds(1), "S127.0.0.1:22222:2", error: "TimeoutException: élan 🚀", status: ExecutionStatus.Failed),
            Outcome("reports/daily", At.AddSeconds(1), "S127.0.0.1:11111:1", manual: true),
            // Started before its instant (a clock step): the start offset is negative.
            Outcome("x", DateTimeOffset.MaxValue.AddDays(-1), null, late: TimeSpan.FromMilliseconds(-3)),
            Outcome(new string('a', 2_000), At, "S127.0.0.1:22222:2", error: new string('e', 70_000)),
        ];

        var batch = ExecutionEventBatch.Of(outcomes);

        Assert.Equal(outcomes.Length, batch.Count);
        Assert.Equal(outcomes, batch.Items);
    }

    [Fact]
    public void Batch_SurvivesTheOrleansSerializer()
    {
        using var services = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(ExecutionEventBatch).Assembly)).BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var batch = ExecutionEventBatch.Of([Outcome("a", At, "silo-1"), Outcome("b", At, "silo-1", error: "boom")]);

        var back = serializer.Deserialize<ExecutionEventBatch>(serializer.SerializeToArray(batch));

        Assert.NotNull(back);
        Assert.Equal(batch.Items, back.Items);
    }

    [Fact]
    public void Packer_Reused_AfterClear_HoldsOnlyWhatCameAfter()
    {
        var packer = new OutcomePacker();
        packer.Add(Outcome("first", At, "silo-1"));
        packer.Add(Outcome("second", At, "silo-2"));
        packer.Clear();
        packer.Add(Outcome("third", At, "silo-3"));

        var read = OutcomeUnpacker.Read(packer.ToArray());

        var only = Assert.Single(read);
        Assert.Equal(("third", "silo-3"), (only.JobId, only.Silo));
    }

    [Fact]
    public void Empty_ReadsAsNothing()
    {
        Assert.Empty(OutcomeUnpacker.Read([]));
        Assert.Equal(0, OutcomeUnpacker.Count([]));
        Assert.Empty(new ExecutionEventBatch(new OutcomePacker().ToArray()).Items);
    }

    [Fact]
    public void TruncatedOrForeignBytes_AreAFormatError_NotAWrongOutcome()
    {
        var packed = ExecutionEventBatch.Of([Outcome("reports/daily", At, "silo-1", error: "boom")]).Packed;

        for (var length = 1; length < packed.Length; length++)
            Assert.Throws<FormatException>(() => OutcomeUnpacker.Read(packed.AsSpan(0, length)));
        var foreign = (byte[])packed.Clone();
        foreign[0] = 9;
        Assert.Contains("format 9", Assert.Throws<FormatException>(() => OutcomeUnpacker.Read(foreign)).Message);
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00.0000000Z")]
    [InlineData("2026-11-26T06:05:04.0030021Z")]
    [InlineData("9999-12-31T23:59:59.9999999Z")]
    public void ExecutionIds_AreTheJobIdAndTheRoundTripInstant(string instant)
    {
        var at = DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture);
        var expected = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal($"tâche/été@{expected}", ExecutionIds.For("tâche/été", at));
        Assert.Equal($"x@!{expected}", ExecutionIds.For("x", at, manual: true));
        Assert.Equal(instant, expected);
        // The instant is taken in UTC whatever the offset it comes with.
        var local = DateTimeOffset.Parse("2026-11-26T11:05:04.0030021+05:00", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("a@2026-11-26T06:05:04.0030021Z", ExecutionIds.For("a", local));
    }
}
