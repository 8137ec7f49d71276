using OrleansScheduler.Errors;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Client;

/// <summary>
/// Client-side checks run before any grain call, so a bad request fails fast and the same way with or without a
/// cluster. Definitions and ids use the shared <see cref="JobDefinitionValidator"/>; the grains check again.
/// </summary>
internal static class RequestChecks
{
    /// <summary>Largest history page: 1000.</summary>
    public const int MaxHistoryLimit = 1000;

    public static void JobId(string? jobId) => JobDefinitionValidator.ValidateId(jobId);

    public static void Definition(JobDefinition? definition, DateTimeOffset now)
    {
        if (definition is null) throw new JobValidationException("Definition", "must not be null");
        JobDefinitionValidator.Validate(definition, now);
    }

    public static void Query(JobQuery query)
    {
        if (query.Limit is < 1 or > JobPageMerger.MaxLimit)
            throw new JobValidationException("Limit", $"is {query.Limit}; must be between 1 and {JobPageMerger.MaxLimit}");
        if (query.Status is { } status && !Enum.IsDefined(status))
            throw new JobValidationException("Status", $"is {(int)status}, which is not a job status; use Scheduled, Paused or Completed");
    }

    public static void HistoryLimit(int limit)
    {
        if (limit is < 1 or > MaxHistoryLimit)
            throw new JobValidationException("Limit", $"is {limit}; must be between 1 and {MaxHistoryLimit}");
    }
}
