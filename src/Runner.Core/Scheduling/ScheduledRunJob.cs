using Quartz;

namespace Runner.Scheduling;

/// <summary>
/// The Quartz job behind every runner.yaml job: one fire, one worker process. Fires of one job never overlap
/// (Quartz holds back a job's triggers while one of its fires runs, across the whole cluster). A failed run is
/// reported to Quartz, which retries it under the trigger's retry policy.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class ScheduledRunJob(FireExecutor executor) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var fire = FireRequest.From(context);
        var result = await executor.ExecuteAsync(fire, cancellationToken);
        if (result.Retry && context.RetryPolicy is not null)
        {
            // Quartz schedules the next attempt (retries, retryBackoff) if the policy has one left.
            throw new JobExecutionException($"Run {result.RunId} of {fire.Job} ended {result.Status}.");
        }
    }
}
