using Microsoft.Extensions.Logging;
using Quartz;

namespace Runner.Scheduling;

/// <summary>What a synchronization changed in the store.</summary>
internal sealed record ScheduleChanges(IReadOnlyList<string> Added, IReadOnlyList<string> Changed, IReadOnlyList<string> Removed)
{
    public bool Any => Added.Count + Changed.Count + Removed.Count > 0;

    public override string ToString() =>
        string.Join("; ", new[] { ("added", Added), ("rescheduled", Changed), ("removed", Removed) }
            .Where(p => p.Item2.Count > 0).Select(p => $"{p.Item1} {string.Join(", ", p.Item2)}"));
}

/// <summary>
/// Makes the Quartz store hold exactly runner.yaml's jobs: every job durable (so `runner trigger` works whether or
/// not it has a schedule), a cron trigger for each scheduled, enabled one, and nothing for jobs that are gone. An
/// unchanged trigger is left alone, so its next fire time and misfire state survive restarts and reloads.
/// </summary>
internal static class ScheduleSynchronizer
{
    public static async Task<ScheduleChanges> SyncAsync(IScheduler scheduler, IReadOnlyList<ScheduledJob> jobs, ILogger log, CancellationToken cancellationToken)
    {
        var added = new List<string>();
        var changed = new List<string>();
        var removed = new List<string>();
        foreach (var job in jobs)
        {
            if (!await scheduler.Exists(job.Key, cancellationToken))
            {
                await scheduler.AddJob(job.BuildJob(), new AddJobOptions { Replace = true }, cancellationToken);
                added.Add(job.Name);
            }

            var key = SchedulerKeys.Cron(job.Name);
            var existing = await scheduler.GetTrigger(key, cancellationToken);
            if (!job.IsScheduled)
            {
                if (existing is not null && await scheduler.UnscheduleJob(key, cancellationToken))
                {
                    changed.Add(job.Name);
                }

                continue;
            }

            if (existing is null)
            {
                // Keep: another node of the cluster may be storing the same trigger right now.
                await scheduler.ScheduleTrigger(job.BuildCronTrigger(), TriggerConflict.Keep, cancellationToken);
                if (!added.Contains(job.Name))
                {
                    changed.Add(job.Name);
                }
            }
            else if (existing.JobDataMap.GetValueOrDefault(SchedulerKeys.Fingerprint) as string != job.Fingerprint)
            {
                await scheduler.RescheduleJob(key, job.BuildCronTrigger(), cancellationToken);
                changed.Add(job.Name);
            }
        }

        var wanted = jobs.Select(j => j.Key).ToHashSet();
        var stored = await scheduler.QueryJobs(new JobQuery { Group = GroupMatcher<JobKey>.GroupEquals(SchedulerKeys.JobGroup), Take = PagedQuery.All }, cancellationToken);
        foreach (var header in stored.Items.Where(h => !wanted.Contains(h.Key)))
        {
            await scheduler.DeleteJob(header.Key, cancellationToken);
            removed.Add(header.Key.Name);
        }

        var changes = new ScheduleChanges(added, changed, removed);
        if (changes.Any)
        {
            log.LogInformation("Schedules updated: {Changes}", changes);
        }

        return changes;
    }
}
