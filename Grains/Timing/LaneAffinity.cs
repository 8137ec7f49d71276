using System.Runtime.InteropServices;

namespace OrleansScheduler.Grains.Timing;

/// <summary>
/// Holds the calling thread on one of the process's CPUs for a while (Linux <c>sched_setaffinity</c> on the thread),
/// then gives it back the CPUs it had. Elsewhere, or when libc cannot be bound, it does nothing.
/// </summary>
/// <remarks>
/// Pool threads woken together for a crowd are often queued on one CPU by the kernel while the other CPU stays idle
/// until its next load balance (4 ms on a 250 Hz kernel): the crowd then starts on one core. Placing lane k on the k-th
/// allowed CPU for the length of the crowd makes every core take its share from the first microsecond.
/// </remarks>
internal static unsafe class LaneAffinity
{
    private const int MaskWords = 16; // 1,024 CPUs, the size of glibc's cpu_set_t
    private static readonly delegate* unmanaged<int, nuint, ulong*, int> GetAffinity;
    private static readonly delegate* unmanaged<int, nuint, ulong*, int> SetAffinity;

    static LaneAffinity()
    {
        if (!OperatingSystem.IsLinux()) return;
        if (!NativeLibrary.TryLoad("libc.so.6", out var libc) && !NativeLibrary.TryLoad("libc", out libc)) return;
        if (!NativeLibrary.TryGetExport(libc, "sched_getaffinity", out var get) || !NativeLibrary.TryGetExport(libc, "sched_setaffinity", out var set)) return;
        GetAffinity = (delegate* unmanaged<int, nuint, ulong*, int>)get;
        SetAffinity = (delegate* unmanaged<int, nuint, ulong*, int>)set;
    }

    /// <summary>Pins the calling thread to the <paramref name="lane"/>-th CPU it may run on (modulo their count).</summary>
    /// <returns>What to pass to <see cref="Release"/>; default when nothing was changed.</returns>
    public static Saved Pin(int lane)
    {
        if (SetAffinity == null) return default;
        var saved = new Saved();
        ulong* mask = saved.Mask;
        if (GetAffinity(0, MaskWords * sizeof(ulong), mask) != 0) return default;
        var allowed = 0;
        for (var w = 0; w < MaskWords; w++) allowed += System.Numerics.BitOperations.PopCount(mask[w]);
        if (allowed < 2) return default;
        var target = lane % allowed;
        ulong* one = stackalloc ulong[MaskWords];
        for (var w = 0; w < MaskWords; w++)
        {
            var bits = mask[w];
            while (bits != 0)
            {
                var bit = System.Numerics.BitOperations.TrailingZeroCount(bits);
                if (target-- == 0)
                {
                    one[w] = 1UL << bit;
                    if (SetAffinity(0, MaskWords * sizeof(ulong), one) != 0) return default;
                    saved.Pinned = true;
                    return saved;
                }
                bits &= bits - 1;
            }
        }
        return default;
    }

    /// <summary>Gives the thread back the CPUs it had before <see cref="Pin"/>.</summary>
    public static void Release(ref Saved saved)
    {
        if (!saved.Pinned) return;
        fixed (ulong* mask = saved.Mask) _ = SetAffinity(0, MaskWords * sizeof(ulong), mask);
        saved.Pinned = false;
    }

    /// <summary>A thread's CPUs before it was pinned.</summary>
    public struct Saved
    {
        internal fixed ulong Mask[MaskWords];
        internal bool Pinned;
    }
}
