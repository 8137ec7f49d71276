using Microsoft.Extensions.Options;

namespace OrleansScheduler.Grains.Hosting;

/// <summary>Rejects unusable <see cref="FailoverDetectionOptions"/> at silo start, naming the option, its value and the range.</summary>
public sealed class FailoverDetectionOptionsValidator : IValidateOptions<FailoverDetectionOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, FailoverDetectionOptions options)
    {
        var errors = new List<string>();
        void Range(string option, TimeSpan value, TimeSpan min, TimeSpan max)
        {
            if (value < min || value > max) errors.Add($"FailoverDetectionOptions.{option} must be between {min} and {max} (was {value}).");
        }
        void IntRange(string option, int value, int min, int max)
        {
            if (value < min || value > max) errors.Add($"FailoverDetectionOptions.{option} must be between {min} and {max} (was {value}).");
        }

        Range(nameof(options.ProbeTimeout), options.ProbeTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5));
        Range(nameof(options.MinProbeTimeout), options.MinProbeTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5));
        Range(nameof(options.MaxProbeTimeout), options.MaxProbeTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5));
        if (options.MinProbeTimeout > options.ProbeTimeout || options.ProbeTimeout > options.MaxProbeTimeout)
        {
            errors.Add($"FailoverDetectionOptions.ProbeTimeout ({options.ProbeTimeout}) must lie between FailoverDetectionOptions.MinProbeTimeout " +
                $"({options.MinProbeTimeout}) and FailoverDetectionOptions.MaxProbeTimeout ({options.MaxProbeTimeout}).");
        }
        IntRange(nameof(options.NumMissedProbesLimit), options.NumMissedProbesLimit, 1, 100);
        IntRange(nameof(options.NumVotesForDeathDeclaration), options.NumVotesForDeathDeclaration, 1, 100);
        Range(nameof(options.TableRefreshTimeout), options.TableRefreshTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        Range(nameof(options.IAmAliveTablePublishTimeout), options.IAmAliveTablePublishTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        Range(nameof(options.DirectoryRangeLeaseDuration), options.DirectoryRangeLeaseDuration, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
