using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;
using Runner.History;
using Runner.Runtime;

namespace Runner.Scheduling;

/// <summary>
/// Before the first fire: closes runs an earlier host on this node left Running (its crash), then puts runner.yaml's
/// jobs into the store and compiles their scripts. Quartz itself then recovers fires that a crash cut short (RequestRecovery).
/// </summary>
internal sealed class HostStartup(
    ISchedulerFactory schedulers,
    HostConfiguration configuration,
    IRunHistory history,
    SchedulerHostOptions options,
    SchedulerStoreSettings store,
    ScriptChecker scripts,
    ILogger<HostStartup> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var node = options.NodeName;
        foreach (var run in await history.MarkInterruptedAsync(node, Processes.IsAlive, options.Time.GetUtcNow(), cancellationToken))
        {
            log.LogWarning("Run {RunId} of {Job} was left Running by an earlier host on {Node}; marked Interrupted.", run.Id, run.Job, node);
        }

        IScheduler scheduler;
        using (await SchedulerStore.SchemaLockAsync(store, cancellationToken))
        {
            scheduler = await schedulers.GetScheduler(cancellationToken);
        }

        await ScheduleSynchronizer.SyncAsync(scheduler, ScheduledJob.All(configuration.Current), log, cancellationToken);
        // Before the scheduler starts: the first fires then find their scripts compiled.
        await scripts.CheckAsync(cancellationToken);
        var config = configuration.Current;
        log.LogInformation("Host {Node} scheduling {Count} job(s) from {Config} ({Store}); keep-alive {KeepAlive}.",
            node, config.Jobs.Count, config.FilePath, config.Scheduler.Store, config.Scheduler.KeepAliveSchedule ?? "off");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
