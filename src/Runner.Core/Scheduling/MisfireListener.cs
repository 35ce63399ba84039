using Microsoft.Extensions.Logging;
using Quartz;
using Runner.Configuration;
using Runner.History;
using Runner.Notifications;

namespace Runner.Scheduling;

/// <summary>
/// Hears Quartz report a misfire (a fire more than scheduler.misfireThreshold late, e.g. while every host was down):
/// for a job whose misfire policy skips, that fire will never run, so the operator hears of it.
/// </summary>
internal sealed class MisfireListener(HostConfiguration configuration, IRunHistory history, SchedulerHostOptions options, ILogger<MisfireListener> log) : ITriggerListener
{
    public string Name => "runner-misfires";

    public async ValueTask TriggerMisfired(ITrigger trigger, IScheduler scheduler, CancellationToken cancellationToken = default)
    {
        if (trigger is not ICronTrigger { MisfireInstruction: CronTriggerMisfireInstruction.DoNothing })
        {
            return;
        }

        var job = trigger.JobKey.Name;
        var missed = trigger.NextFireTimeUtc ?? options.Time.GetUtcNow();
        log.LogWarning("{Job} missed its fire and its misfire policy skips it.", job);
        try
        {
            await SystemNotifications.EnqueueAsync(history, configuration.Current, NotifyEvent.Misfire, $"misfire:{job}:{missed.UtcDateTime:yyyyMMddHHmmss}",
                $"{job} missed its fire", [$"No host ran {job} within scheduler.misfireThreshold of its time ({missed:u}); its misfire policy (skip) leaves it for the next one."],
                job, options.Time, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError("The missed fire of {Job} could not be notified: {Problem}", job, e.Message);
        }
    }
}
