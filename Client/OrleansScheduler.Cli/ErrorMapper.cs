using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using OrleansScheduler.Cli.Input;
using OrleansScheduler.Cli.Parsing;
using OrleansScheduler.Errors;

namespace OrleansScheduler.Cli;

/// <summary>Maps what a command threw to the exit code scripts rely on and the message printed after <c>error: </c>.</summary>
internal static class ErrorMapper
{
    /// <summary>The exit code and message for <paramref name="error"/>.</summary>
    public static (int ExitCode, string Message) Map(Exception error)
    {
        if (error is AggregateException { InnerExceptions.Count: 1 } aggregate) return Map(aggregate.InnerExceptions[0]);
        return error switch
        {
            UsageException or OptionsValidationException or JobFileException => (ExitCodes.Usage, error.Message),
            JobNotFoundException => (ExitCodes.NotFound, error.Message),
            JobConflictException => (ExitCodes.Conflict, error.Message),
            JobValidationException => (ExitCodes.Validation, error.Message),
            ClusterUnreachableException
                or SiloUnavailableException
                or ConnectionFailedException
                or OrleansMessageRejectionException
                or GatewayTooBusyException
                or ClientNotAvailableException
                or TimeoutException => (ExitCodes.Unreachable, Describe(error)),
            _ => (ExitCodes.Unexpected, $"{error.GetType().Name}: {error.Message}"),
        };
    }

    private static string Describe(Exception error) =>
        error is ClusterUnreachableException { InnerException: { } inner } ? $"{error.Message}: {inner.Message}" : error.Message;
}
