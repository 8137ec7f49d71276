using OrleansScheduler.Cli.Input;
using OrleansScheduler.Jobs;
using Xunit;

namespace OrleansScheduler.Tests.Cli;

public class JobFileTests
{
    private static Task<List<JobDefinition>> ReadAsync(string text) => JobFile.ReadAsync(new StringReader(text), "jobs.jsonl", CancellationToken.None);

    [Fact]
    public async Task Read_CommandLineSpellings_AreAccepted()
    {
        var definitions = await ReadAsync("""
            {"id":"a","schedule":{"kind":"Once","runAt":"2026-03-04T05:06:07"},"handler":"log","misfire":"fire-all","timeout":"1m30s"}
            {"id":"b","schedule":{"kind":"delay","delay":"00:00:05"},"handler":"log","retry":{"maxAttempts":2,"initialBackoff":"250ms"}}
            """);

        Assert.Equal(ScheduleSpec.At(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero)), definitions[0].Schedule);
        Assert.Equal((MisfirePolicy.FireAll, TimeSpan.FromSeconds(90)), (definitions[0].Misfire, definitions[0].Timeout));
        Assert.Equal(ScheduleSpec.After(TimeSpan.FromSeconds(5)), definitions[1].Schedule);
        Assert.Equal(new RetryPolicy { MaxAttempts = 2, InitialBackoff = TimeSpan.FromMilliseconds(250) }, definitions[1].Retry);
    }

    [Fact]
    public async Task Read_OnlyBlankLines_IsEmpty()
    {
        Assert.Empty(await ReadAsync("\n  \n\t\n"));
    }

    [Theory]
    [InlineData("""{"id":"a","schedule":{"kind":"interval","interval":"5x"},"handler":"log"}""", "($.schedule.interval): '5x' is not a duration")]
    [InlineData("""{"id":"a","schedule":{"kind":"interval","interval":5},"handler":"log"}""", "($.schedule.interval): expected a duration string")]
    [InlineData("""{"id":"a","schedule":{"kind":"hourly"},"handler":"log"}""", "($.schedule.kind): 'hourly' is not one of cron, interval, once, delay")]
    [InlineData("""{"id":"a","schedule":{"kind":1},"handler":"log"}""", "($.schedule.kind): expected one of cron, interval, once, delay, got a number (1)")]
    [InlineData("""{"id":"a","schedule":{"kind":"once","runAt":"tomorrow"},"handler":"log"}""", "($.schedule.runAt): 'tomorrow' is not an ISO-8601 instant")]
    [InlineData("""{"id":"a","schedule":{"kind":"delay","delay":"1s"},"handeler":"log"}""", "($.handeler): unknown property 'handeler'; JobDefinition has id, schedule, handler,")]
    [InlineData("""{"id":"a","schedule":{"kind":"delay","delay":"1s","every":"1s"},"handler":"log"}""", "($.schedule.every): unknown property 'every'; ScheduleSpec has kind,")]
    [InlineData("""{"id":"a","schedule":{"kind":"delay","delay":"1s"}}""", "missing required 'handler' of JobDefinition")]
    [InlineData("""{"id":null,"schedule":{"kind":"delay","delay":"1s"},"handler":"log"}""", "($.id): 'id' of JobDefinition must not be null")]
    [InlineData("""{"id":"a","schedule":{"kind":"delay","delay":"1s"},"handler":"log","priority":"high"}""", "($.priority): expected a whole number")]
    [InlineData("""{"id":"a","schedule":"every 5s","handler":"log"}""", "($.schedule): expected a JSON object (ScheduleSpec)")]
    [InlineData("""{"id":"a","schedule":{"kind":"delay","delay":"1s"},"handler":"log" """, ", column 68: Expected depth to be zero")]
    [InlineData("42", ": expected a JSON object (JobDefinition)")]
    [InlineData("null", ": null is not a job definition")]
    [InlineData("id=a handler=log", ", column 1: 'i' is an invalid start of a value")]
    public async Task Read_BadSecondLine_NamesTheLineAndWhatIsWrong(string line, string expected)
    {
        var good = """{"id":"ok","schedule":{"kind":"delay","delay":"1s"},"handler":"log"}""";

        var error = await Assert.ThrowsAsync<JobFileException>(() => ReadAsync(good + "\n" + line + "\n" + good));

        Assert.StartsWith("jobs.jsonl line 2", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_NullArrayElement_NamesItsIndex()
    {
        var error = await Assert.ThrowsAsync<JobFileException>(() => ReadAsync("""[{"id":"a","schedule":{"kind":"delay","delay":"1s"},"handler":"log"}, null]"""));

        Assert.Equal("jobs.jsonl: element 1 of the array is null, not a job definition; remove it", error.Message);
    }
}
