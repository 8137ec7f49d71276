using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using OrleansScheduler.Cli;
using OrleansScheduler.Cli.Input;
using OrleansScheduler.Cli.Parsing;
using OrleansScheduler.Errors;
using Xunit;

namespace OrleansScheduler.Tests.Cli;

public class ErrorMapperTests
{
    public static TheoryData<Exception, int> Cases() => new()
    {
        { new UsageException("bad"), ExitCodes.Usage },
        { new JobFileException("jobs.jsonl line 2: expected a JSON object (JobDefinition)"), ExitCodes.Usage },
        { new OptionsValidationException("o", typeof(object), ["bad"]), ExitCodes.Usage },
        { new JobNotFoundException("x"), ExitCodes.NotFound },
        { new JobConflictException("x"), ExitCodes.Conflict },
        { new JobValidationException("Schedule.Interval", "too short"), ExitCodes.Validation },
        { new ClusterUnreachableException("cannot reach", new InvalidOperationException("refused")), ExitCodes.Unreachable },
        { new SiloUnavailableException("gone"), ExitCodes.Unreachable },
        { new ConnectionFailedException("refused"), ExitCodes.Unreachable },
        { new TimeoutException("slow"), ExitCodes.Unreachable },
        { new AggregateException(new JobNotFoundException("x")), ExitCodes.NotFound },
        { new InvalidOperationException("boom"), ExitCodes.Unexpected },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Map_Exception_GivesDocumentedExitCode(Exception error, int exitCode)
    {
        Assert.Equal(exitCode, ErrorMapper.Map(error).ExitCode);
    }

    [Fact]
    public void Map_Validation_MessageNamesTheField()
    {
        Assert.StartsWith("Schedule.Interval: ", ErrorMapper.Map(new JobValidationException("Schedule.Interval", "too short")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_Unreachable_MessageIncludesTheCause()
    {
        var (_, message) = ErrorMapper.Map(new ClusterUnreachableException("cannot reach the cluster at localhost:1", new InvalidOperationException("refused")));

        Assert.Equal("cannot reach the cluster at localhost:1: refused", message);
    }

    [Fact]
    public void Map_Unexpected_MessageNamesTheType()
    {
        Assert.Equal("InvalidOperationException: boom", ErrorMapper.Map(new InvalidOperationException("boom")).Message);
    }
}
