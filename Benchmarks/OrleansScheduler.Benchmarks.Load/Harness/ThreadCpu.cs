namespace OrleansScheduler.Benchmarks.Load.Harness;

/// <summary>
/// CPU time and context switches of this process's threads over a window, grouped by thread name (Linux only: read
/// from <c>/proc/self/task</c>). Says where the CPU per execution goes: the wheel's driver, the pool's workers, the
/// collector, Orleans' own threads.
/// </summary>
public sealed class ThreadCpu
{
    private Dictionary<int, Sample> _from = [];

    private readonly record struct Sample(string Name, long CpuTicks, long Switches);

    /// <summary>Takes the first reading.</summary>
    public void Start() => _from = Read();

    /// <summary>
    /// One line: per thread name, the CPU milliseconds and context switches since <see cref="Start"/> and how many
    /// threads had that name; empty where /proc is not there.
    /// </summary>
    public string Summary(long executions)
    {
        var to = Read();
        if (to.Count == 0) return "";
        var groups = to.Select(kv =>
            {
                _from.TryGetValue(kv.Key, out var before);
                var same = before.Name == kv.Value.Name;
                return (kv.Value.Name, Cpu: kv.Value.CpuTicks - (same ? before.CpuTicks : 0), Switches: kv.Value.Switches - (same ? before.Switches : 0));
            })
            .GroupBy(t => t.Name)
            .Select(g => (Name: g.Key, Cpu: g.Sum(t => t.Cpu), Switches: g.Sum(t => t.Switches), Threads: g.Count()))
            .Where(g => g.Cpu > 0)
            .OrderByDescending(g => g.Cpu)
            .Take(8);
        var perExecution = executions > 0 ? executions : 1;
        return "CPU by thread (ms, µs per execution, context switches, threads): " + string.Join("; ", groups.Select(g =>
            $"{g.Name} {g.Cpu * TicksToMs:N0} ms, {g.Cpu * TicksToMs * 1000 / perExecution:0.0} µs, {g.Switches:N0} switches, ×{g.Threads}"));
    }

    // /proc reports CPU in clock ticks of USER_HZ, 100 a second on Linux.
    private const double TicksToMs = 10;

    private static Dictionary<int, Sample> Read()
    {
        var samples = new Dictionary<int, Sample>();
        if (!Directory.Exists("/proc/self/task")) return samples;
        foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var id = int.Parse(Path.GetFileName(dir));
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // "pid (comm) state ..."; comm may hold spaces and parentheses, so split after the last ')'.
                var close = stat.LastIndexOf(')');
                var name = stat[(stat.IndexOf('(') + 1)..close];
                var fields = stat[(close + 2)..].Split(' ');
                // Fields after comm start at state (field 3): utime is field 14, stime field 15.
                var cpu = long.Parse(fields[11]) + long.Parse(fields[12]);
                long switches = 0;
                foreach (var line in File.ReadLines(Path.Combine(dir, "status")))
                {
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    {
                        switches += long.Parse(line[(line.IndexOf(':') + 1)..].Trim());
                    }
                }
                samples[id] = new Sample(name, cpu, switches);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
                // The thread ended while being read.
            }
        }
        return samples;
    }
}
