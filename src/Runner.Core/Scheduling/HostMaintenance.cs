using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Runner.Execution;
using Runner.History;

namespace Runner.Scheduling;

/// <summary>
/// Hourly upkeep: deletes runs older than scheduler.historyRetentionDays, and closes any run still Running long after
/// its hard limit could have killed it (a node that vanished without Quartz recovering the fire), so nothing stays
/// Running forever.
/// </summary>
internal sealed class HostMaintenance(HostConfiguration configuration, IRunHistory history, SchedulerHostOptions options, ILogger<HostMaintenance> log) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromHours(1);
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, options.Time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (HistoryException e)
            {
                log.LogError("History upkeep failed: {Problem}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var config = configuration.Current;
        var now = options.Time.GetUtcNow();
        var pruned = await history.PruneAsync(now.AddDays(-config.Scheduler.HistoryRetentionDays), cancellationToken);
        if (pruned > 0)
        {
            log.LogInformation("Deleted {Count} run(s) older than {Days} days (scheduler.historyRetentionDays).", pruned, config.Scheduler.HistoryRetentionDays);
        }

        foreach (var run in await history.ListRunningAsync(cancellationToken))
        {
            config.Jobs.TryGetValue(run.Job, out var job);
            var limit = (job?.JobTimeout ?? (job is null ? JobLimits.KeepAlive : JobLimits.Ceiling)) + config.Scheduler.ShutdownGrace + Margin;
            if (now - run.StartedAt > limit)
            {
                await history.CloseRunAsync(run.Id, RunStatus.Interrupted, now,
                    $"No node finished this run within {limit} (its hard limit plus grace); the node running it ({run.Node}) must have stopped.", cancellationToken);
                log.LogWarning("Run {RunId} of {Job} was still Running after {Limit}; marked Interrupted.", run.Id, run.Job, limit);
            }
        }
    }
}
