using System.Globalization;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Benchmarks.Load.Harness;

/// <summary>Command line of the load harness; every value is printed with the results.</summary>
public sealed class BenchOptions
{
    public string Scenario { get; private set; } = "spread";
    public string Targets { get; private set; } = "all";
    public int Jobs { get; private set; } = 10_000;
    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(60);
    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(5);
    public TimeSpan Interval { get; private set; } = TimeSpan.FromMilliseconds(100);
    public string? JsonOut { get; private set; }
    public string OutDir { get; private set; } = "Benchmarks/results";
    public List<int> Levels { get; } = [];
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static string Usage => """
        Usage: dotnet run -c Release --project Benchmarks/OrleansScheduler.Benchmarks.Load -- [options]
          --scenario spread|second|burst|knee|idle|smoke   workload (default spread)
                     spread  J jobs at 1 Hz, phases spread evenly over the second
                     second  J jobs at 1 Hz, all on the second (cron */1 * * * * *)
                     burst   J one-shot jobs due at the same instant
                     knee    raise J jobs at --interval until p99 > 10 ms or misses (--levels 1000,2000,...)
                     idle    J far-future cron jobs: creation rate, memory per job, idle cost
                     smoke   a few seconds, tiny load (the test suite runs it)
          --target all|ours|quartz-default|quartz-tuned|quartz-batch|durablejobs   (comma-separated; default all)
          --jobs J            jobs (default 10000)
          --duration 60s      measurement window (default 60s)
          --warmup 5s         time after the first occurrence before measuring (default 5s)
          --interval 100ms    period of knee jobs (default 100ms)
          --levels a,b,c      knee job counts
          --set Key=Value     a silo setting for ours, e.g. --set Scheduler:DispatchLead=00:00:00.2
          --out DIR           where results JSON go (default Benchmarks/results)
        """;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            TimeSpan Duration(string name)
            {
                var text = Value();
                return Durations.TryParse(text, out var d) ? d : throw new ArgumentException($"{name}: '{text}' is not a duration such as 250ms, 5s or 2m");
            }
            switch (args[i])
            {
                case "--scenario": o.Scenario = Value(); break;
                case "--target": o.Targets = Value(); break;
                case "--jobs": o.Jobs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--duration": o.Duration = Duration("--duration"); break;
                case "--warmup": o.Warmup = Duration("--warmup"); break;
                case "--interval": o.Interval = Duration("--interval"); break;
                case "--levels": o.Levels.AddRange(Value().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))); break;
                case "--json-out": o.JsonOut = Value(); break;
                case "--out": o.OutDir = Value(); break;
                case "--set":
                    var kv = Value().Split('=', 2);
                    if (kv.Length != 2) throw new ArgumentException("--set needs Key=Value");
                    o.Settings[kv[0]] = kv[1];
                    break;
                default: throw new ArgumentException($"unknown option '{args[i]}'\n{Usage}");
            }
        }
        if (o.Scenario is not ("spread" or "second" or "burst" or "knee" or "idle" or "smoke"))
            throw new ArgumentException($"--scenario: unknown '{o.Scenario}'\n{Usage}");
        if (o.Jobs < 1) throw new ArgumentException("--jobs must be at least 1");
        return o;
    }

    /// <summary>The arguments a child process gets to run one target.</summary>
    public IEnumerable<string> ChildArgs(string target, int jobs, string jsonOut)
    {
        yield return "--scenario"; yield return Scenario;
        yield return "--target"; yield return target;
        yield return "--jobs"; yield return jobs.ToString(CultureInfo.InvariantCulture);
        yield return "--duration"; yield return Durations.Format(Duration);
        yield return "--warmup"; yield return Durations.Format(Warmup);
        yield return "--interval"; yield return Durations.Format(Interval);
        yield return "--json-out"; yield return jsonOut;
        foreach (var (k, v) in Settings) { yield return "--set"; yield return $"{k}={v}"; }
    }
}
