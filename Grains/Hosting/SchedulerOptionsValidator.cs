using Microsoft.Extensions.Options;

namespace OrleansScheduler.Grains.Hosting;

/// <summary>Rejects unusable <see cref="SchedulerOptions"/> at silo start, naming the option, its value and the range.</summary>
public sealed class SchedulerOptionsValidator : IValidateOptions<SchedulerOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SchedulerOptions options)
    {
        var errors = new List<string>();
        void Range(string option, TimeSpan value, TimeSpan min, TimeSpan max)
        {
            if (value < min || value > max) errors.Add($"SchedulerOptions.{option} must be between {min} and {max} (was {value}).");
        }
        void IntRange(string option, int value, int min, int max)
        {
            if (value < min || value > max) errors.Add($"SchedulerOptions.{option} must be between {min} and {max} (was {value}).");
        }

        Range(nameof(options.DispatchLead), options.DispatchLead, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        Range(nameof(options.NearHorizon), options.NearHorizon, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        Range(nameof(options.WatermarkBlock), options.WatermarkBlock, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        Range(nameof(options.ReminderPeriod), options.ReminderPeriod, TimeSpan.FromMinutes(1), TimeSpan.FromDays(1));
        Range(nameof(options.MisfireThreshold), options.MisfireThreshold, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1));
        Range(nameof(options.RedeliverAfter), options.RedeliverAfter, TimeSpan.FromMilliseconds(200), TimeSpan.FromHours(1));
        Range(nameof(options.CatchUpWindow), options.CatchUpWindow, TimeSpan.Zero, TimeSpan.FromDays(30));
        Range(nameof(options.HistoryFlushDelay), options.HistoryFlushDelay, TimeSpan.Zero, TimeSpan.FromHours(1));
        Range(nameof(options.StreamPollPeriod), options.StreamPollPeriod, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(10));
        Range(nameof(options.LeaseLength), options.LeaseLength, TimeSpan.Zero, TimeSpan.FromHours(1));
        if (options.LeaseReportInterval is { } reportInterval) Range(nameof(options.LeaseReportInterval), reportInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        if (options.LeaseLength > TimeSpan.Zero && options.LeaseReportInterval > options.LeaseLength)
            errors.Add($"SchedulerOptions.LeaseReportInterval ({options.LeaseReportInterval}) must be at most SchedulerOptions.LeaseLength ({options.LeaseLength}).");
        IntRange(nameof(options.MaxBatch), options.MaxBatch, 1, 100_000);
        IntRange(nameof(options.Partitions), options.Partitions, 1, 4_096);
        IntRange(nameof(options.MaxConcurrency), options.MaxConcurrency, 1, 100_000);
        IntRange(nameof(options.HistorySize), options.HistorySize, 0, 10_000);
        IntRange(nameof(options.StreamQueues), options.StreamQueues, 1, 1_024);
        Range(nameof(options.DispatchWindow), options.DispatchWindow, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        Range(nameof(options.DispatchLinger), options.DispatchLinger, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Range(nameof(options.EventsLinger), options.EventsLinger, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        if (options.DispatchLinger * 2 > options.DispatchLead && options.DispatchLead > TimeSpan.Zero)
            errors.Add($"SchedulerOptions.DispatchLinger ({options.DispatchLinger}) must be at most half of SchedulerOptions.DispatchLead ({options.DispatchLead}).");
        if (options.NearHorizon <= options.DispatchLead)
            errors.Add($"SchedulerOptions.NearHorizon ({options.NearHorizon}) must be longer than SchedulerOptions.DispatchLead ({options.DispatchLead}).");

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
