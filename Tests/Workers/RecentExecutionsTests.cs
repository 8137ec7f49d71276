using OrleansScheduler.Grains.Workers;
using Xunit;

namespace OrleansScheduler.Tests.Workers;

/// <summary>What a worker silo remembers of the occurrences it took, for dropping redeliveries.</summary>
public sealed class RecentExecutionsTests
{
    private static readonly TimeSpan Memory = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static Execution.Execution Occurrence(string job = "job", int second = 0, long version = 1, bool manual = false) => new()
    {
        JobId = job,
        ScheduledAt = T0.AddSeconds(second),
        JobVersion = version,
        Handler = "noop",
        Manual = manual,
    };

    [Fact]
    public void SecondDelivery_IsPendingUntilFinished_ThenDone()
    {
        var recent = new RecentExecutions(Memory);
        Assert.Equal(Delivery.New, recent.Add(Occurrence(), T0));
        Assert.Equal(Delivery.Pending, recent.Add(Occurrence(), T0.AddSeconds(1)));
        recent.Finished(Occurrence());
        Assert.Equal(Delivery.Done, recent.Add(Occurrence(), T0.AddSeconds(2)));
    }

    [Fact]
    public void AnotherInstantVersionOrManualRun_IsANewOccurrence()
    {
        var recent = new RecentExecutions(Memory);
        Assert.Equal(Delivery.New, recent.Add(Occurrence(), T0));
        Assert.Equal(Delivery.New, recent.Add(Occurrence(second: 1), T0));
        Assert.Equal(Delivery.New, recent.Add(Occurrence(version: 2), T0));
        Assert.Equal(Delivery.New, recent.Add(Occurrence(manual: true), T0));
        Assert.Equal(Delivery.New, recent.Add(Occurrence(job: "other"), T0));
    }

    [Fact]
    public void FinishedOccurrences_AreForgottenAfterTwoRotations_UnfinishedOnesAreKept()
    {
        var recent = new RecentExecutions(Memory);
        recent.Add(Occurrence(second: 0), T0);
        recent.Add(Occurrence(second: 1), T0);
        recent.Finished(Occurrence(second: 0));

        // Two rotations later a finished occurrence is no longer known; one still running is.
        recent.Add(Occurrence(job: "tick"), T0 + Memory);
        recent.Add(Occurrence(job: "tick", second: 1), T0 + Memory * 2);
        Assert.Equal(Delivery.New, recent.Add(Occurrence(second: 0), T0 + Memory * 2));
        Assert.Equal(Delivery.Pending, recent.Add(Occurrence(second: 1), T0 + Memory * 2));

        // Once it finishes it is remembered as done, then forgotten like the others.
        recent.Finished(Occurrence(second: 1));
        Assert.Equal(Delivery.Done, recent.Add(Occurrence(second: 1), T0 + Memory * 2));
        recent.Add(Occurrence(job: "tick", second: 2), T0 + Memory * 3);
        recent.Add(Occurrence(job: "tick", second: 3), T0 + Memory * 4);
        Assert.Equal(Delivery.New, recent.Add(Occurrence(second: 1), T0 + Memory * 4));
    }
}
