using OrleansScheduler.Execution;
using OrleansScheduler.Grains.Jobs;
using OrleansScheduler.Grains.Workers;
using OrleansScheduler.Jobs;
using Xunit;

namespace OrleansScheduler.Tests.Jobs;

public sealed class PackedStateTests
{
    [Fact]
    public void PackThenUnpack_GivesBackEveryEntry_WithNonAsciiIdsAndExtremeTimes()
    {
        var wakes = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["reports/daily"] = DateTimeOffset.Parse("2027-01-01T00:00:00Z").UtcTicks,
            ["tâche-été-日本-🚀"] = DateTimeOffset.MaxValue.UtcTicks,
            ["x"] = 0,
            [new string('a', 1_000)] = 42,
        };

        var packed = JobWakeIndexGrain.Pack(wakes);
        var back = new Dictionary<string, long>(StringComparer.Ordinal);
        JobWakeIndexGrain.Unpack(packed, back);

        Assert.Equal(wakes.OrderBy(w => w.Key, StringComparer.Ordinal), back.OrderBy(w => w.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void EmptyBucket_PacksToNothing_AndUnpacksToNothing()
    {
        Assert.Null(JobWakeIndexGrain.Pack([]));
        var back = new Dictionary<string, long>();
        JobWakeIndexGrain.Unpack(null, back);
        Assert.Empty(back);
    }

    [Fact]
    public void ListingRows_PackThenUnpack_KeepEveryFieldAndTheOffset()
    {
        JobSummary[] rows =
        [
            new("reports/daily", "http", JobStatus.Scheduled, "cron 0 6 * * * (Europe/Paris)", DateTimeOffset.Parse("2026-11-25T06:00:00+01:00")),
            new("été-🚀", "log", JobStatus.Paused, "every 250ms", DateTimeOffset.Parse("2026-11-25T19:00:00.1234567Z")),
            new("done", "noop", JobStatus.Completed, "at 2026-11-25T00:00:00Z", DateTimeOffset.Parse("2026-11-24T23:59:59-05:30")),
        ];

        var back = JobIndexGrain.Unpack(JobIndexGrain.Pack(rows)).ToArray();

        Assert.Equal(rows, back);
        Assert.Equal(rows.Select(r => r.UpdatedAt.Offset), back.Select(r => r.UpdatedAt.Offset));
        Assert.Null(JobIndexGrain.Pack([]));
        Assert.Empty(JobIndexGrain.Unpack(null));
    }

    private static ExecutionOutcome Outcome(string jobId, int second, ExecutionStatus status = ExecutionStatus.Succeeded, string? error = null, bool manual = false, int attempt = 1)
    {
        var at = new DateTimeOffset(2026, 11, 25, 12, 0, second, TimeSpan.Zero);
        return new ExecutionOutcome
        {
            JobId = jobId,
            ExecutionId = ExecutionIds.For(jobId, at, manual),
            ScheduledAt = at,
            Attempt = attempt,
            Status = status,
            StartedAt = at.AddMilliseconds(3),
            FinishedAt = at.AddMilliseconds(40),
            Error = error,
            IsFinal = status == ExecutionStatus.Succeeded || attempt == 3,
            Silo = "S127.0.0.1:11111:1",
            JobVersion = 7,
            Manual = manual,
        };
    }

    [Fact]
    public void OutcomeHistory_KeepsTheNewest_AndPacksToTheSameOutcomes()
    {
        var history = new OutcomeHistory(3);
        var all = new[]
        {
            Outcome("job-é", 1),
            Outcome("job-é", 2, ExecutionStatus.Failed, "InvalidOperationException: nope ✗", attempt: 1),
            Outcome("job-é", 3, ExecutionStatus.TimedOut, "Timed out after 50 ms.", attempt: 3),
            Outcome("job-é", 4, manual: true),
        };
        foreach (var outcome in all) history.Add(outcome);

        Assert.Equal(3, history.Count);
        Assert.Equal(all.Skip(1).Reverse(), history.NewestFirst("job-é", 10));
        Assert.Equal(all[^1], history["job-é", 2]);

        var back = new OutcomeHistory(3);
        back.Load(history.Pack(), null, []);
        Assert.Equal(history.NewestFirst("job-é", 10), back.NewestFirst("job-é", 10));

        // A smaller history keeps the newest of what was stored; state stored by older versions (a list) loads too.
        var smaller = new OutcomeHistory(2);
        smaller.Load(history.Pack(), null, []);
        Assert.Equal(all.Skip(2).Reverse(), smaller.NewestFirst("job-é", 10));
        var legacy = new OutcomeHistory(5);
        legacy.Load(null, null, all);
        Assert.Equal(all.Reverse(), legacy.NewestFirst("job-é", 10));
        Assert.Null(new OutcomeHistory(5).Pack());
    }

    [Fact]
    public void OutcomeHistory_KeepsEachOutcomesSiloAndError_AsTheRingWrapsOverThem()
    {
        // The ring holds no strings: silos are indices into a table shared by every job, errors sit beside the ring. An
        // outcome that takes the slot of one with an error must not inherit it, nor another's silo.
        var history = new OutcomeHistory(2);
        var failed = Outcome("job-w", 1, ExecutionStatus.Failed, "boom", attempt: 3) with { Silo = "S10.0.0.1:11111:9" };
        var noSilo = Outcome("job-w", 2) with { Silo = null };
        var third = Outcome("job-w", 3) with { Silo = "S10.0.0.2:11111:9" };
        var fourth = Outcome("job-w", 4, ExecutionStatus.TimedOut, "slow", attempt: 3);
        history.Add(failed);
        history.Add(noSilo);
        Assert.Equal([noSilo, failed], history.NewestFirst("job-w", 10));
        history.Add(third);
        Assert.Equal([third, noSilo], history.NewestFirst("job-w", 10));
        history.Add(fourth);
        Assert.Equal([fourth, third], history.NewestFirst("job-w", 10));

        var back = new OutcomeHistory(2);
        back.AddPacked(history.Pack());
        Assert.Equal([fourth, third], back.NewestFirst("job-w", 10));
    }

    [Fact]
    public void OutcomeHistory_StoredInTheFixedWidthFormOfTheFourthVersion_StillLoads()
    {
        var all = new[]
        {
            Outcome("job-é", 1),
            Outcome("job-é", 2, ExecutionStatus.Failed, "InvalidOperationException: nope ✗", attempt: 2),
        };
        // That version's layout: a count, then per outcome three instants, version, attempt, status, flags, silo, error.
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(all.Length);
            foreach (var o in all)
            {
                writer.Write(o.ScheduledAt.UtcTicks);
                writer.Write(o.StartedAt.UtcTicks);
                writer.Write(o.FinishedAt.UtcTicks);
                writer.Write(o.JobVersion);
                writer.Write(o.Attempt);
                writer.Write((int)o.Status);
                writer.Write((byte)((o.IsFinal ? 1 : 0) | (o.Manual ? 2 : 0) | 4 | (o.Error is null ? 0 : 8)));
                writer.Write(o.Silo!);
                if (o.Error is not null) writer.Write(o.Error);
            }
        }

        var history = new OutcomeHistory(5);
        history.Load(null, buffer.ToArray(), []);

        Assert.Equal(all.Reverse(), history.NewestFirst("job-é", 10));
        // Written back, it takes the new form and reads the same.
        var again = new OutcomeHistory(5);
        again.Load(history.Pack(), null, []);
        Assert.Equal(all.Reverse(), again.NewestFirst("job-é", 10));
    }

    [Fact]
    public void LeaseLedger_PackThenUnpack_KeepsEveryEntry()
    {
        LeaseProgress[] entries =
        [
            new("fast-🚀", 3, DateTimeOffset.Parse("2026-11-25T12:00:00Z").UtcTicks, DateTimeOffset.Parse("2026-11-25T12:00:09.9Z").UtcTicks, 1_234),
            new(new string('j', 500), long.MaxValue, 0, DateTimeOffset.MaxValue.UtcTicks, 0),
        ];
        Assert.Equal(entries, LeaseLedger.Unpack(LeaseLedger.Pack(entries)));
        Assert.Empty(LeaseLedger.Unpack(LeaseLedger.Pack([])));
        Assert.Empty(LeaseLedger.Unpack(null));
        Assert.True(entries[0].Finished(3, entries[0].ThroughTicks));
        Assert.False(entries[0].Finished(3, entries[0].FloorTicks));
        Assert.False(entries[0].Finished(2, entries[0].ThroughTicks));
    }

    [Fact]
    public void LeaseLedger_Writer_PacksWhatBinaryWriterWrote_AndStartsAfreshAfterReset()
    {
        // Ledgers stored by earlier versions were written with BinaryWriter: the same bytes must come out now.
        LeaseProgress[] entries = [new("fast-🚀", 3, 10, 20, 2), new(new string('j', 500), 1, 0, long.MaxValue, 0), new("", 0, 0, 0, 0)];
        using var expected = new MemoryStream();
        using (var binary = new BinaryWriter(expected, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            binary.Write(entries.Length);
            foreach (var e in entries)
            {
                binary.Write(e.JobId);
                binary.Write(e.Version);
                binary.Write(e.FloorTicks);
                binary.Write(e.ThroughTicks);
                binary.Write(e.Count);
            }
        }

        var writer = new LeaseLedger.Writer();
        writer.Add(new LeaseProgress("left-over", 9, 9, 9, 9));
        writer.Reset();
        foreach (var e in entries) writer.Add(e);
        Assert.Equal(expected.ToArray(), writer.Written.ToArray());
        writer.Reset();
        Assert.True(LeaseLedger.IsEmpty(writer.Written));
        Assert.Empty(LeaseLedger.Unpack(writer.Written.ToArray()));
    }
}
