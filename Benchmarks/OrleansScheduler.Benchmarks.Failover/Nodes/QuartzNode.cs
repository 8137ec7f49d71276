using System.Globalization;
using Npgsql;
using OrleansScheduler.Benchmarks.Failover.Harness;
using Quartz;
using Quartz.Extensibility;

namespace OrleansScheduler.Benchmarks.Failover.Nodes;

/// <summary>
/// One Quartz.NET 4.7.3 scheduler of the cluster: AdoJobStore (JobStoreTX) on PostgreSQL through Npgsql,
/// <c>quartz.jobStore.clustered = true</c> with the harness' check-in interval and misfire threshold, a fixed thread
/// pool and batch trigger acquisition. Every job is an <see cref="IJobDetail"/> with one simple trigger; its job records
/// its start to the harness. The instance id names the slot and the process, so a restarted slot is a new instance.
/// </summary>
public static class QuartzNode
{
    // Quartz takes a batch as one store transaction: 500 keeps each one short.
    private const int ScheduleBatchSize = 500;

    public static async Task<int> RunAsync(NodeOptions node, HarnessLink link, CancellationToken cancellationToken)
    {
        var o = node.Run;
        var instanceId = string.Create(CultureInfo.InvariantCulture, $"node{node.Node}-pid{Environment.ProcessId}");
        var factory = QuartzSchedulerBuilder.Create(quartz =>
        {
            quartz.ConfigureScheduler(s =>
            {
                s.InstanceName = "failover-bench";
                s.InstanceId = instanceId;
                s.MaxBatchSize = o.QuartzBatch;
            });
            quartz.UseDefaultThreadPool(o.QuartzThreads);
            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(NpgsqlFactory.Instance, node.Store);
                store.UseClustering(c =>
                {
                    c.CheckinInterval = o.CheckinInterval;
                    c.CheckinMisfireThreshold = o.CheckinMisfireThreshold;
                });
            });
            quartz.UseJobFactory(new RecordingJobFactory(new RecordingJob(link)));
        }).Build();
        await using var _ = factory;
        var scheduler = await factory.GetScheduler(cancellationToken);
        link.Send($"HELLO {node.Node} {Environment.ProcessId} 0 {instanceId}");
        await scheduler.Start(cancellationToken);
        link.Send("READY");

        await foreach (var command in link.Commands.ReadAllAsync(cancellationToken))
        {
            var parts = command.Split(' ');
            if (parts[0] == "CREATE")
            {
                var epoch = new DateTimeOffset(long.Parse(parts[1], CultureInfo.InvariantCulture), TimeSpan.Zero);
                var started = DateTimeOffset.UtcNow;
                var workload = Workload.From(o);
                foreach (var chunk in Enumerable.Range(0, workload.Count).Chunk(ScheduleBatchSize))
                {
                    var batch = new Dictionary<IJobDetail, IReadOnlyCollection<ITrigger>>(chunk.Length);
                    foreach (var index in chunk)
                    {
                        var detail = JobBuilder.Create<RecordingJob>().WithIdentity(Workload.Id(index)).Build();
                        batch[detail] = [Trigger(workload, epoch, index, detail, o.Misfire)];
                    }
                    await scheduler.ScheduleJobs(batch, default, cancellationToken);
                }
                link.Send(string.Create(CultureInfo.InvariantCulture, $"CREATED {workload.Count} {(DateTimeOffset.UtcNow - started).TotalMilliseconds:0}"));
            }
            else if (parts[0] == "QUIT")
            {
                break;
            }
        }
        // A clean stop on QUIT (the end of a run): the harness only ever crashes a node with kill -9.
        await scheduler.Shutdown(waitForJobsToComplete: false, CancellationToken.None);
        return 0;
    }

    private static ITrigger Trigger(Workload workload, DateTimeOffset epoch, int index, IJobDetail detail, string misfire)
    {
        var schedule = SimpleScheduleBuilder.Create().WithInterval(workload.Period(index)).RepeatForever();
        // fire-all: every missed occurrence fires as soon as it can, on its own scheduled instant (the nearest to our
        // FireAll); skip: the smart policy of a repeat-forever simple trigger, continue with the next one.
        schedule = schedule.WithMisfireInstruction(misfire == "fire-all" ? SimpleTriggerMisfireInstruction.IgnoreMisfires : SimpleTriggerMisfireInstruction.NextWithRemainingCount);
        return TriggerBuilder.Create().WithIdentity(detail.Key.Name).ForJob(detail).StartAt(workload.FirstAt(epoch, index)).WithSchedule(schedule).Build();
    }

    // Stateless and thread-safe, so one instance serves every firing.
    private sealed class RecordingJob(HarnessLink link) : IJob
    {
        public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        {
            var started = DateTimeOffset.UtcNow;
            link.Record(Workload.IndexOf(context.JobDetail.Key.Name), context.ScheduledFireTimeUtc ?? context.FireTimeUtc, started);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class RecordingJobFactory(RecordingJob job) : IJobFactory
    {
        public ValueTask<JobScope> CreateJob(TriggerFiredBundle bundle, IScheduler scheduler, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(new JobScope(job, null));

        public ValueTask ReturnJob(JobScope scope, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}
