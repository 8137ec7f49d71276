using System.Globalization;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Benchmarks.Failover.Harness;

/// <summary>Command line of the failover harness; every value is printed at the start and stored with the results.</summary>
public sealed class FailoverOptions
{
    /// <summary>Targets in the order they run.</summary>
    public static readonly string[] AllTargets = ["quartz", "ours"];

    public string Scenario { get; private set; } = "kill";
    public IReadOnlyList<string> Targets { get; private set; } = AllTargets;
    public int Nodes { get; private set; } = 3;
    public int SlowJobs { get; private set; } = 2_000;
    public TimeSpan SlowPeriod { get; private set; } = TimeSpan.FromSeconds(1);
    public int FastJobs { get; private set; } = 200;
    public TimeSpan FastPeriod { get; private set; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(20);
    public int Kills { get; private set; } = 5;
    public string Victim { get; private set; } = "busiest";
    public TimeSpan Down { get; private set; } = TimeSpan.FromSeconds(5);
    public TimeSpan Settle { get; private set; } = TimeSpan.FromSeconds(15);
    public TimeSpan RecoveryTimeout { get; private set; } = TimeSpan.FromSeconds(60);
    public TimeSpan Duration { get; private set; } = TimeSpan.FromMinutes(10);
    public TimeSpan ChaosMin { get; private set; } = TimeSpan.FromSeconds(10);
    public TimeSpan ChaosMax { get; private set; } = TimeSpan.FromSeconds(30);
    public TimeSpan Grace { get; private set; } = TimeSpan.FromSeconds(15);
    public TimeSpan CheckinInterval { get; private set; } = TimeSpan.FromSeconds(1);
    public TimeSpan CheckinMisfireThreshold { get; private set; } = TimeSpan.FromSeconds(1);
    public int QuartzThreads { get; private set; } = 20;
    public int QuartzBatch { get; private set; } = 20;
    public string Misfire { get; private set; } = "fire-all";
    public int Seed { get; private set; } = 1;
    public bool DryRun { get; private set; }

    /// <summary>Where the processes' logs are copied before the run's folder goes (null: not kept).</summary>
    public string? KeepLogs { get; private set; }
    public string? JsonOut { get; private set; }
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.OrdinalIgnoreCase);

    public int TotalJobs => SlowJobs + FastJobs;

    /// <summary>Occurrences due per second over all jobs.</summary>
    public double DuePerSecond => SlowJobs / SlowPeriod.TotalSeconds + FastJobs / FastPeriod.TotalSeconds;

    public static string Usage => """
        Usage: dotnet run -c Release --project Benchmarks/OrleansScheduler.Benchmarks.Failover -- [options]
          --scenario kill|chaos      kill: kill -9 one process --kills times, restart it each time (default)
                                     chaos: processes killed and restarted at random for --duration, the store restarted once
          --target all|quartz|ours   comma-separated (default all: quartz, then ours)
          --nodes 3                  scheduler processes per target
          --slow-jobs 2000 --slow-period 1s    the 1 Hz jobs
          --fast-jobs 200  --fast-period 200ms the fast jobs
          --warmup 20s               after the first occurrence, before the first kill (and before counting)
          --kills 5                  kill: how many kills
          --victim busiest|random    kill: the process that ran the most jobs in the last 2 s, or a random one
          --down 5s                  kill: how long a killed process stays down after its jobs resumed
          --settle 15s               kill: after a restart, before the next kill
          --recovery-timeout 60s     kill: the longest wait for a kill's jobs to resume
          --duration 10m             chaos: length of the run
          --chaos-min 10s --chaos-max 30s     chaos: pause between random actions
          --grace 15s                after the last counted occurrence, time for late ones to start
          --checkin 1s --checkin-misfire 1s   Quartz: clusterCheckinInterval and clusterCheckinMisfireThreshold
          --quartz-threads 20 --quartz-batch 20   Quartz: thread pool size and batchTriggerAcquisitionMaxCount
          --misfire fire-all|skip    missed occurrences: catch up all (ours FireAll, Quartz IgnoreMisfires) or skip
          --seed 1                   random choices (victims, chaos)
          --set Key=Value            a silo setting for ours, e.g. --set Scheduler:DispatchLead=00:00:00.5
          --json-out PATH            results JSON (default Benchmarks/results/failover-<scenario>-<utc>.json); PNGs beside it
          --dry-run                  print the parameters and an empty results table, start nothing
          --keep-logs DIR            copy the processes' logs to DIR before the run's temporary folder is removed
        """;

    public static FailoverOptions Parse(IReadOnlyList<string> args)
    {
        var o = new FailoverOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            TimeSpan Duration()
            {
                var text = Value();
                return Durations.TryParse(text, out var d) && d > TimeSpan.Zero
                    ? d
                    : throw new ArgumentException($"{name}: '{text}' is not a positive duration such as 250ms, 5s or 2m");
            }
            int Count(int min)
            {
                var text = Value();
                return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min
                    ? n
                    : throw new ArgumentException($"{name}: '{text}' must be a whole number ≥ {min}");
            }
            switch (name)
            {
                case "--scenario": o.Scenario = Value(); break;
                case "--target":
                    var text = Value();
                    o.Targets = text == "all" ? AllTargets : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    break;
                case "--nodes": o.Nodes = Count(2); break;
                case "--slow-jobs": o.SlowJobs = Count(0); break;
                case "--slow-period": o.SlowPeriod = Duration(); break;
                case "--fast-jobs": o.FastJobs = Count(0); break;
                case "--fast-period": o.FastPeriod = Duration(); break;
                case "--warmup": o.Warmup = Duration(); break;
                case "--kills": o.Kills = Count(1); break;
                case "--victim": o.Victim = Value(); break;
                case "--down": o.Down = Duration(); break;
                case "--settle": o.Settle = Duration(); break;
                case "--recovery-timeout": o.RecoveryTimeout = Duration(); break;
                case "--duration": o.Duration = Duration(); break;
                case "--chaos-min": o.ChaosMin = Duration(); break;
                case "--chaos-max": o.ChaosMax = Duration(); break;
                case "--grace": o.Grace = Duration(); break;
                case "--checkin": o.CheckinInterval = Duration(); break;
                case "--checkin-misfire": o.CheckinMisfireThreshold = Duration(); break;
                case "--quartz-threads": o.QuartzThreads = Count(1); break;
                case "--quartz-batch": o.QuartzBatch = Count(1); break;
                case "--misfire": o.Misfire = Value(); break;
                case "--seed": o.Seed = Count(0); break;
                case "--json-out": o.JsonOut = Value(); break;
                case "--dry-run": o.DryRun = true; break;
                case "--keep-logs": o.KeepLogs = Value(); break;
                case "--set":
                    var kv = Value().Split('=', 2);
                    if (kv.Length != 2 || kv[0].Length == 0) throw new ArgumentException($"--set: '{string.Join('=', kv)}' must be Key=Value");
                    o.Settings[kv[0]] = kv[1];
                    break;
                default: throw new ArgumentException($"unknown option '{name}'\n{Usage}");
            }
        }
        if (o.Scenario is not ("kill" or "chaos")) throw new ArgumentException($"--scenario: '{o.Scenario}' is not kill or chaos");
        if (o.Targets.Count == 0 || o.Targets.Any(t => !AllTargets.Contains(t)))
            throw new ArgumentException($"--target: '{string.Join(',', o.Targets)}' must be all or a comma-separated list of {string.Join(", ", AllTargets)}");
        if (o.Victim is not ("busiest" or "random")) throw new ArgumentException($"--victim: '{o.Victim}' is not busiest or random");
        if (o.Misfire is not ("fire-all" or "skip")) throw new ArgumentException($"--misfire: '{o.Misfire}' is not fire-all or skip");
        if (o.TotalJobs < 1) throw new ArgumentException("--slow-jobs plus --fast-jobs must be at least 1");
        if (o.ChaosMax < o.ChaosMin) throw new ArgumentException($"--chaos-max ({Durations.Format(o.ChaosMax)}) must be ≥ --chaos-min ({Durations.Format(o.ChaosMin)})");
        if (o.QuartzBatch > o.QuartzThreads) throw new ArgumentException($"--quartz-batch ({o.QuartzBatch}) must be ≤ --quartz-threads ({o.QuartzThreads}): Quartz refuses a batch larger than its pool");
        return o;
    }

    /// <summary>The parameters as one line per group, printed at the start and stored with the results.</summary>
    public string Describe()
    {
        var s = string.Create(CultureInfo.InvariantCulture,
            $"scenario {Scenario}; targets {string.Join(", ", Targets)}; {Nodes} processes each; jobs {SlowJobs:N0} every {Durations.Format(SlowPeriod)} + {FastJobs:N0} every {Durations.Format(FastPeriod)} ({DuePerSecond:N0} occurrences/s, phases spread); warm-up {Durations.Format(Warmup)}; misfire {Misfire}; grace {Durations.Format(Grace)}; seed {Seed}");
        s += Scenario == "kill"
            ? $"\n  kill: {Kills} kills of the {Victim} process, down {Durations.Format(Down)} after its jobs resumed, settle {Durations.Format(Settle)} after each restart, recovery timeout {Durations.Format(RecoveryTimeout)}"
            : $"\n  chaos: {Durations.Format(Duration)}, a random kill or restart every {Durations.Format(ChaosMin)}–{Durations.Format(ChaosMax)} (at most {Nodes - 1} of {Nodes} down), the store restarted once at half time";
        s += $"\n  quartz: clusterCheckinInterval {Durations.Format(CheckinInterval)}, clusterCheckinMisfireThreshold {Durations.Format(CheckinMisfireThreshold)}, threads {QuartzThreads}, batch {QuartzBatch}";
        if (Settings.Count > 0) s += $"\n  ours: {string.Join(' ', Settings.Select(kv => $"{kv.Key}={kv.Value}"))}";
        return s;
    }

    /// <summary>Arguments for a scheduler process of <paramref name="target"/>.</summary>
    public IEnumerable<string> NodeArgs(string target, int node, int harnessPort, string store)
    {
        yield return "node";
        yield return "--target"; yield return target;
        yield return "--node"; yield return node.ToString(CultureInfo.InvariantCulture);
        yield return "--harness-port"; yield return harnessPort.ToString(CultureInfo.InvariantCulture);
        yield return "--store"; yield return store;
        yield return "--slow-jobs"; yield return SlowJobs.ToString(CultureInfo.InvariantCulture);
        yield return "--slow-period"; yield return Durations.Format(SlowPeriod);
        yield return "--fast-jobs"; yield return FastJobs.ToString(CultureInfo.InvariantCulture);
        yield return "--fast-period"; yield return Durations.Format(FastPeriod);
        yield return "--checkin"; yield return Durations.Format(CheckinInterval);
        yield return "--checkin-misfire"; yield return Durations.Format(CheckinMisfireThreshold);
        yield return "--quartz-threads"; yield return QuartzThreads.ToString(CultureInfo.InvariantCulture);
        yield return "--quartz-batch"; yield return QuartzBatch.ToString(CultureInfo.InvariantCulture);
        yield return "--misfire"; yield return Misfire;
        foreach (var (k, v) in Settings) { yield return "--set"; yield return $"{k}={v}"; }
    }
}
