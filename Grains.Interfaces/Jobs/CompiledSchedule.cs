using Cronos;

namespace OrleansScheduler.Jobs;

/// <summary>
/// A <see cref="ScheduleSpec"/> parsed once by <see cref="ScheduleCalculator.Compile"/>: immutable, thread-safe and
/// allocation-free per call, so a grain can ask it for the next occurrence on every tick.
/// </summary>
/// <remarks>
/// <para>Every result is a UTC instant (offset zero), at least <see cref="StartAt"/> and at most <see cref="EndAt"/>.
/// <see cref="MaxRuns"/> is not applied here: the caller counts the runs it dispatched.</para>
/// <para>Interval schedules are pure arithmetic. Occurrences are <c>anchor + k × interval</c>, where the anchor is
/// <see cref="ScheduleSpec.StartAt"/> (k ≥ 0) or else the creation instant (k ≥ 1: the first run is one interval
/// after creation). Worked example: anchor 12:00:00.000, interval 250 ms, <c>NextAfter(12:00:01.100)</c> gives
/// k = ⌊1100 / 250⌋ + 1 = 5, so 12:00:01.250. A 10 ms job asked years later costs one division, not a loop.</para>
/// <para>Cron schedules defer to Cronos in the schedule's time zone: an occurrence inside a DST gap moves to the
/// first instant after the gap; in an overlap it fires once (at the first offset), except that expressions with a
/// step, range or wildcard in the second, minute or hour field fire in both halves.</para>
/// </remarks>
public sealed class CompiledSchedule
{
    private static readonly long MaxUtcTicks = DateTimeOffset.MaxValue.UtcTicks;

    private readonly CronExpression? _cron;
    private readonly long _anchorTicks;
    private readonly long _intervalTicks;
    private readonly long _firstIndex;
    private readonly long _singleTicks;
    private readonly long _startTicks;
    private readonly long _endTicks;

    private CompiledSchedule(
        ScheduleSpec spec, CronExpression? cron, TimeZoneInfo zone, long anchorTicks, long intervalTicks, long firstIndex, long singleTicks)
    {
        Spec = spec;
        _cron = cron;
        TimeZone = zone;
        _anchorTicks = anchorTicks;
        _intervalTicks = intervalTicks;
        _firstIndex = firstIndex;
        _singleTicks = singleTicks;
        _startTicks = spec.StartAt?.UtcTicks ?? 0;
        _endTicks = spec.EndAt?.UtcTicks ?? MaxUtcTicks;
    }

    /// <summary>The specification this schedule was compiled from.</summary>
    public ScheduleSpec Spec { get; }

    /// <summary>Which kind of schedule this is; same as <c>Spec.Kind</c>.</summary>
    public ScheduleKind Kind => Spec.Kind;

    /// <summary>The zone cron fields are read in; <see cref="TimeZoneInfo.Utc"/> for cron without a zone and for every other kind.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>Inclusive lower bound of all occurrences; null when unbounded.</summary>
    public DateTimeOffset? StartAt => Spec.StartAt;

    /// <summary>Inclusive upper bound of all occurrences; null when unbounded.</summary>
    public DateTimeOffset? EndAt => Spec.EndAt;

    /// <summary>How many scheduled runs the caller may dispatch; null means unbounded. Not applied by this class.</summary>
    public long? MaxRuns => Spec.MaxRuns;

    /// <summary>The first occurrence strictly after <paramref name="after"/>, in UTC; null when there is none.</summary>
    /// <param name="after">Exclusive lower bound; any offset.</param>
    public DateTimeOffset? NextAfter(DateTimeOffset after) => Next(after, inclusive: false);

    /// <summary>The first occurrence at or after <paramref name="instant"/>, in UTC; null when there is none.</summary>
    /// <param name="instant">Inclusive lower bound; any offset.</param>
    public DateTimeOffset? NextAtOrAfter(DateTimeOffset instant) => Next(instant, inclusive: true);

    /// <summary>
    /// Occurrences in <c>(afterExclusive, toInclusive]</c>, oldest first, at most <paramref name="max"/> of them; lazily evaluated.
    /// </summary>
    /// <param name="afterExclusive">Occurrences must be strictly after this instant.</param>
    /// <param name="toInclusive">Occurrences must be at or before this instant.</param>
    /// <param name="max">Upper bound on the number returned; 0 returns nothing.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="max"/> is negative.</exception>
    public IEnumerable<DateTimeOffset> Between(DateTimeOffset afterExclusive, DateTimeOffset toInclusive, int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        return Enumerate(afterExclusive, toInclusive, max);
    }

    /// <summary>The schedule in the short form of <see cref="ScheduleSpec.ToString"/>.</summary>
    public override string ToString() => Spec.ToString();

    internal static CompiledSchedule ForCron(ScheduleSpec spec, CronExpression cron, TimeZoneInfo zone) =>
        new(spec, cron, zone, 0, 0, 0, 0);

    internal static CompiledSchedule ForInterval(ScheduleSpec spec, DateTimeOffset anchor, TimeSpan interval, bool anchorIsFirst) =>
        new(spec, null, TimeZoneInfo.Utc, anchor.UtcTicks, interval.Ticks, anchorIsFirst ? 0 : 1, 0);

    internal static CompiledSchedule ForSingle(ScheduleSpec spec, DateTimeOffset instant) =>
        new(spec, null, TimeZoneInfo.Utc, 0, 0, 0, instant.UtcTicks);

    private IEnumerable<DateTimeOffset> Enumerate(DateTimeOffset afterExclusive, DateTimeOffset toInclusive, int max)
    {
        var current = afterExclusive;
        for (var count = 0; count < max; count++)
        {
            if (NextAfter(current) is not { } next || next > toInclusive) yield break;
            yield return next;
            current = next;
        }
    }

    private DateTimeOffset? Next(DateTimeOffset from, bool inclusive)
    {
        var fromTicks = from.UtcTicks;
        long ticks;
        switch (Spec.Kind)
        {
            case ScheduleKind.Cron:
                // Below StartAt the bound itself is the inclusive starting point, whatever the caller asked.
                var next = fromTicks < _startTicks
                    ? _cron!.GetNextOccurrence(new DateTimeOffset(_startTicks, TimeSpan.Zero), TimeZone, inclusive: true)
                    : _cron!.GetNextOccurrence(from, TimeZone, inclusive);
                if (next is null) return null;
                ticks = next.Value.UtcTicks;
                break;
            case ScheduleKind.Interval:
                if (!TryIntervalTicks(fromTicks, inclusive, out ticks)) return null;
                break;
            default:
                ticks = _singleTicks;
                if (inclusive ? ticks < fromTicks : ticks <= fromTicks) return null;
                break;
        }

        return ticks < _startTicks || ticks > _endTicks ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    private bool TryIntervalTicks(long fromTicks, bool inclusive, out long ticks)
    {
        long k;
        if (fromTicks < _anchorTicks || (inclusive && fromTicks == _anchorTicks))
        {
            k = _firstIndex;
        }
        else
        {
            // Both operands lie in [0, MaxUtcTicks], so the difference cannot overflow.
            var elapsed = fromTicks - _anchorTicks;
            k = inclusive ? (elapsed - 1) / _intervalTicks + 1 : elapsed / _intervalTicks + 1;
            if (k < _firstIndex) k = _firstIndex;
        }

        if (k > (MaxUtcTicks - _anchorTicks) / _intervalTicks)
        {
            ticks = 0;
            return false;
        }

        ticks = _anchorTicks + k * _intervalTicks;
        return true;
    }
}
