using Microsoft.Extensions.Options;

namespace OrleansScheduler.Grains.Hosting;

/// <summary>
/// Fails startup (with <c>ValidateOnStart</c>) on a <see cref="WheelOptions"/> the timing wheel cannot use; each
/// message names the field, the value and what is allowed.
/// </summary>
public sealed class WheelOptionsValidator : IValidateOptions<WheelOptions>
{
    /// <summary>Smallest allowed <see cref="WheelOptions.TickDuration"/>: 100 µs.</summary>
    public static readonly TimeSpan MinTickDuration = TimeSpan.FromMicroseconds(100);

    /// <summary>Largest allowed <see cref="WheelOptions.TickDuration"/>: 1 s.</summary>
    public static readonly TimeSpan MaxTickDuration = TimeSpan.FromSeconds(1);

    /// <summary>Largest allowed <see cref="WheelOptions.SlotsPerLevel"/>: 65,536.</summary>
    public const int MaxSlotsPerLevel = 65_536;

    /// <summary>Largest allowed <see cref="WheelOptions.MinWakeInterval"/>: 10 ms.</summary>
    public static readonly TimeSpan MaxMinWakeInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>Largest allowed <see cref="WheelOptions.CollectAhead"/>: 100 ms.</summary>
    public static readonly TimeSpan MaxCollectAhead = TimeSpan.FromMilliseconds(100);

    /// <summary>Largest allowed <see cref="WheelOptions.Levels"/>: 8.</summary>
    public const int MaxLevels = 8;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, WheelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.TickDuration < MinTickDuration || options.TickDuration > MaxTickDuration)
        {
            failures.Add($"WheelOptions.TickDuration must be between 100 µs and 1 s (was {options.TickDuration}); the default is 1 ms.");
        }

        var slots = options.SlotsPerLevel;
        if (slots < 2 || slots > MaxSlotsPerLevel)
        {
            failures.Add($"WheelOptions.SlotsPerLevel must be between 2 and {MaxSlotsPerLevel} (was {slots}); the default is 512.");
        }
        else if ((slots & (slots - 1)) != 0)
        {
            failures.Add($"WheelOptions.SlotsPerLevel must be a power of two (was {slots}); the default is 512.");
        }

        if (options.Levels < 1 || options.Levels > MaxLevels)
        {
            failures.Add($"WheelOptions.Levels must be between 1 and {MaxLevels} (was {options.Levels}); the default is 4.");
        }

        if (options.MinWakeInterval < TimeSpan.Zero || options.MinWakeInterval > MaxMinWakeInterval)
        {
            failures.Add($"WheelOptions.MinWakeInterval must be between 0 and 10 ms (was {options.MinWakeInterval}); the default is 400 µs.");
        }

        if (options.CollectAhead < TimeSpan.Zero || options.CollectAhead > MaxCollectAhead)
        {
            failures.Add($"WheelOptions.CollectAhead must be between 0 and 100 ms (was {options.CollectAhead}); the default is 10 ms.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
