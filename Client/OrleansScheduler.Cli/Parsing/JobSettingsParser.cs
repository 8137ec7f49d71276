using OrleansScheduler.Cli.Commands;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Cli.Parsing;

/// <summary>Reads the job options shared by <c>add</c> and <c>update</c> into <see cref="JobSettings"/>.</summary>
internal static class JobSettingsParser
{
    private static readonly string[] ScheduleOptions = ["--cron", "--every", "--at", "--in"];

    /// <summary>The options <c>add</c> and <c>update</c> accept.</summary>
    public static OptionSpec Spec { get; } = new OptionSpec()
        .Values(ScheduleOptions)
        .Values("--tz", "--handler", "--payload", "--priority", "--timeout", "--retries", "--backoff", "--start", "--end", "--max-runs", "--misfire")
        .Flags("--paused");

    private static readonly Dictionary<string, MisfirePolicy> MisfireChoices = new(StringComparer.OrdinalIgnoreCase)
    {
        ["fire-once-now"] = MisfirePolicy.FireOnceNow,
        ["fire-all"] = MisfirePolicy.FireAll,
        ["skip"] = MisfirePolicy.Skip,
    };

    /// <summary>
    /// The settings given in <paramref name="args"/>. With <paramref name="requireSchedule"/> (add), exactly one
    /// schedule option and <c>--handler</c> are required; otherwise (update) at most one schedule option.
    /// </summary>
    public static JobSettings Read(ParsedArguments args, bool requireSchedule)
    {
        var given = ScheduleOptions.Where(args.Has).ToArray();
        if (given.Length > 1)
            throw new UsageException($"options {given[0]} and {given[1]} cannot be combined; give one schedule");
        if (requireSchedule && given.Length == 0)
            throw new UsageException($"'{args.Command}' needs a schedule: --cron, --every, --at or --in");
        if (requireSchedule && !args.Has("--handler"))
            throw new UsageException($"'{args.Command}' needs option --handler");
        if (args.Has("--tz") && given.Length == 1 && given[0] != "--cron")
            throw new UsageException($"option --tz applies only to --cron, not {given[0]}");

        var retries = args.Int("--retries", min: 0);
        return new JobSettings
        {
            Schedule = ReadSchedule(args, given.SingleOrDefault()),
            TimeZone = given.Length == 0 ? args.Text("--tz") : null,
            Handler = args.Text("--handler"),
            Payload = args.Text("--payload"),
            Priority = args.Int("--priority"),
            Timeout = args.Duration("--timeout"),
            Retries = retries,
            Backoff = args.Duration("--backoff"),
            StartAt = args.Instant("--start"),
            EndAt = args.Instant("--end"),
            MaxRuns = args.Long("--max-runs"),
            Misfire = args.Choice("--misfire", MisfireChoices),
            Paused = args.Flag("--paused"),
        };
    }

    private static ScheduleSpec? ReadSchedule(ParsedArguments args, string? option) => option switch
    {
        "--cron" => ScheduleSpec.Cron(args.Text("--cron")!, args.Text("--tz")),
        "--every" => ScheduleSpec.Every(args.Duration("--every")!.Value),
        "--at" => ScheduleSpec.At(args.Instant("--at")!.Value),
        "--in" => ScheduleSpec.After(args.Duration("--in")!.Value),
        _ => null,
    };
}
