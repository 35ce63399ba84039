using Microsoft.Extensions.Logging;
using Quartz;

namespace Runner.Scheduling;

/// <summary>
/// The Quartz job behind every runner.yaml job: one fire, one worker process. Fires of one job never overlap
/// (Quartz holds back a job's triggers while one of its fires runs, across the whole cluster). A failed run is
/// reported to Quartz, which retries it under the trigger's retry policy.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class ScheduledRunJob(FireExecutor executor, HostShutdown shutdown, ILogger<ScheduledRunJob> log) : IJob
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var fire = FireRequest.From(context);
        if (shutdown.Token.IsCancellationRequested)
        {
            await HandBackAsync(context, fire, cancellationToken);
        }

        FireResult result;
        try
        {
            result = await executor.ExecuteAsync(fire, ct => IsAliveAsync(context.Scheduler, fire.FailedInstance, ct), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // History or the worker could not be started: say so here, where operators look, then let Quartz retry.
            log.LogError("A fire of {Job} failed before or around its run: {Problem}", fire.Job, e.Message);
            throw new JobExecutionException(e);
        }

        if (result.Retry && context.RetryPolicy is not null)
        {
            // Quartz schedules the next attempt (retries, retryBackoff) if the policy has one left.
            throw new JobExecutionException($"Run {result.RunId} of {fire.Job} ended {result.Status}.");
        }
    }

    /// <summary>
    /// A fire that arrives while the host is stopping starts nothing. It ends cancelled once Quartz is shutting down,
    /// and Quartz hands such a fire back to the store (RecoverFiringsCancelledByShutdown): another node, or this one
    /// after its restart, runs it. Quartz cancels running fires as its shutdown begins; one that started just after
    /// that cancels itself.
    /// </summary>
    private async Task HandBackAsync(IJobExecutionContext context, FireRequest fire, CancellationToken cancellationToken)
    {
        log.LogInformation("A fire of {Job} arrived while the host is stopping; it goes back to the scheduler store.", fire.Job);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (context.Scheduler.Status is SchedulerStatus.ShuttingDown or SchedulerStatus.Shutdown)
            {
                await context.Scheduler.InterruptFireInstance(context.FireInstanceId, CancellationToken.None);
            }

            try
            {
                await Task.Delay(Poll, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw new OperationCanceledException($"The host stopped before {fire.Job} started.", cancellationToken);
            }
        }
    }

    /// <summary>Whether a cluster node taken for dead has checked in again (it was only slow).</summary>
    private static async Task<bool> IsAliveAsync(IScheduler scheduler, string? instance, CancellationToken cancellationToken) =>
        instance is not null && (await scheduler.QueryClusterNodes(cancellationToken)).Any(n => n.InstanceId == instance && n.State == ClusterNodeState.Alive);
}
