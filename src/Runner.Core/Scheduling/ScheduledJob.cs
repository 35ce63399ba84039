using System.Text.Json;
using Quartz;
using Runner.Configuration;

namespace Runner.Scheduling;

/// <summary>
/// One job as the scheduler sees it: a durable Quartz job (runs never overlap, recovered if its node dies) and, when
/// it has a schedule and is enabled, a cron trigger in its time zone with its misfire and retry policies.
/// </summary>
internal sealed record ScheduledJob(string Name, string? Cron, TimeZoneInfo TimeZone, MisfirePolicy Misfire, int Retries, TimeSpan RetryBackoff, bool Enabled)
{
    public static ScheduledJob From(JobSettings job) =>
        new(job.Name, job.Schedule, job.TimeZone, job.Misfire, job.Retries, job.RetryBackoff, job.Enabled);

    /// <summary>The daily credential keep-alive: fires once after downtime, retried twice ten minutes apart.</summary>
    public static ScheduledJob KeepAlive(string? cron) =>
        new(SchedulerKeys.KeepAlive, cron, TimeZoneInfo.Utc, MisfirePolicy.FireOnce, 2, TimeSpan.FromMinutes(10), cron is not null);

    public static IReadOnlyList<ScheduledJob> All(RunnerConfig config) =>
        [.. config.Jobs.Values.OrderBy(j => j.Name, StringComparer.OrdinalIgnoreCase).Select(From), KeepAlive(config.Scheduler.KeepAliveSchedule)];

    public JobKey Key => SchedulerKeys.Job(Name);

    public bool IsScheduled => Enabled && Cron is not null;

    /// <summary>Everything the trigger is built from; a trigger whose fingerprint matches is left alone.</summary>
    public string Fingerprint => $"{Cron}|{TimeZone.Id}|{Misfire}|{Retries}|{RetryBackoff.Ticks}";

    /// <summary>Exponential from retryBackoff (×2 each time, at most 6 h); none without retries.</summary>
    public RetryPolicy Retry => Retries <= 0 ? RetryPolicy.None
        : RetryBackoff <= TimeSpan.Zero ? RetryPolicy.Fixed(Retries, TimeSpan.Zero)
        : RetryPolicy.Exponential(Retries, RetryBackoff, 2, RetryBackoff > MaxRetryDelay ? RetryBackoff : MaxRetryDelay);

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(6);

    public IJobDetail BuildJob() => JobBuilder.Create<ScheduledRunJob>()
        .WithIdentity(Key)
        .WithDescription(Name == SchedulerKeys.KeepAlive ? "Keeps the partner credential alive (runner auth refresh)" : $"runner.yaml job {Name}")
        .StoreDurably()
        .RequestRecovery()
        .DisallowConcurrentExecution()
        .Build();

    public ITrigger BuildCronTrigger()
    {
        var cron = Cron ?? throw new InvalidOperationException($"The job {Name} has no schedule.");
        return TriggerBuilder.Create()
            .WithIdentity(SchedulerKeys.Cron(Name))
            .ForJob(Key)
            .WithCronSchedule(cron, c => c
                .InTimeZone(TimeZone)
                .WithMisfireInstruction(Misfire == MisfirePolicy.Skip ? CronTriggerMisfireInstruction.DoNothing : CronTriggerMisfireInstruction.FireAndProceed))
            .WithRetryPolicy(Retry)
            .UsingJobData(SchedulerKeys.Fingerprint, Fingerprint)
            .Build();
    }

    /// <summary>A one-off fire now, from `runner trigger`: carries the run id it printed and its parameters.</summary>
    public ITrigger BuildManualTrigger(string runId, IReadOnlyDictionary<string, string> parameters) => TriggerBuilder.Create()
        .WithIdentity(runId, SchedulerKeys.ManualTriggerGroup)
        .ForJob(Key)
        .StartNow()
        .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
        .WithRetryPolicy(Retry)
        .UsingJobData(SchedulerKeys.RunId, runId)
        .UsingJobData(SchedulerKeys.Parameters, JsonSerializer.Serialize(parameters))
        .Build();

    /// <summary>The next fire time after <paramref name="after"/>, from the cron expression alone (no store needed).</summary>
    public DateTimeOffset? NextFireAfter(DateTimeOffset after)
    {
        if (!IsScheduled)
        {
            return null;
        }

        return new CronExpression(Cron!, TimeZone).GetNextValidTimeAfter(after);
    }
}
