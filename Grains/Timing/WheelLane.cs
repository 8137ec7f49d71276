using Microsoft.Extensions.Logging;

namespace OrleansScheduler.Grains.Timing;

/// <summary>
/// Work that can wait until a crowd has started: on a lane thread (<see cref="TimingWheelDriver"/> hands a crowd of items
/// due at one instant to one lane per core) it is kept in the lane's own list and done once every item of the crowd has
/// started, with no queue shared between cores; elsewhere <see cref="TryDefer"/> says no and the caller does it its usual way.
/// </summary>
internal static partial class WheelLane
{
    [ThreadStatic]
    private static List<(Action<object> Work, object State)>? t_deferred;

    // The list of the thread's last lane, kept for its next one: grown once to a crowd's share, not per crowd.
    [ThreadStatic]
    private static List<(Action<object> Work, object State)>? t_spare;

    /// <summary>Keeps <paramref name="work"/> for the end of the crowd when called on a lane; false elsewhere.</summary>
    public static bool TryDefer(Action<object> work, object state)
    {
        if (t_deferred is not { } deferred) return false;
        deferred.Add((work, state));
        return true;
    }

    /// <summary>Marks the calling thread a lane; pass the result to <see cref="Leave"/>.</summary>
    internal static List<(Action<object> Work, object State)> Enter() => t_deferred = t_spare ?? [];

    /// <summary>Does the work kept meanwhile (each failure is logged) and ends the lane.</summary>
    internal static void Leave(List<(Action<object> Work, object State)> deferred, ILogger logger)
    {
        t_deferred = null;
        foreach (var (work, state) in deferred)
        {
            try
            {
                work(state);
            }
            catch (Exception ex)
            {
                LogDeferredFailed(logger, ex, state.GetType().Name);
            }
        }

        deferred.Clear();
        t_spare = deferred;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Work a crowd's lane kept for its end failed ({StateType}); the lane goes on")]
    private static partial void LogDeferredFailed(ILogger logger, Exception exception, string stateType);
}
