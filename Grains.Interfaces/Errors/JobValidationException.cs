namespace OrleansScheduler.Errors;

/// <summary>A job definition or request was rejected; <see cref="Field"/> names what is wrong. Nothing was changed.</summary>
[GenerateSerializer, Alias("errors.JobValidationException")]
public sealed class JobValidationException : Exception
{
    /// <summary>Creates the error for <paramref name="field"/>.</summary>
    public JobValidationException(string field, string message) : base($"{field}: {message}") => Field = field;

    /// <summary>The offending field, e.g. <c>Schedule.CronExpression</c>.</summary>
    [Id(0)] public string Field { get; }
}
