using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Quartz;

namespace Runner.Scheduling;

/// <summary>A job as the store holds it: its next fire, and whether a fire of it is running right now (on any node).</summary>
internal sealed record StoredJob(ScheduledJob Job, bool InStore, DateTimeOffset? NextFire, string State, IReadOnlyList<string> RunningOn);

/// <summary>
/// The scheduler store seen from a command (`runner jobs`, `runner trigger`): a Quartz scheduler on the same store
/// that is never started, so it fires nothing and only reads and writes the store. A trigger written here is
/// picked up by whichever host (or cluster node) acquires it first.
/// </summary>
internal sealed class SchedulerClient : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private SchedulerClient(ServiceProvider services, IScheduler scheduler)
    {
        _services = services;
        Scheduler = scheduler;
    }

    public IScheduler Scheduler { get; }

    public static async Task<SchedulerClient> OpenAsync(SchedulerStoreSettings store, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddQuartz(q => SchedulerStore.Configure(q, store, $"client-{Environment.ProcessId}"));
        var provider = services.BuildServiceProvider();
        try
        {
            using var schema = await SchedulerStore.SchemaLockAsync(store, cancellationToken);
            var scheduler = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler(cancellationToken);
            return new SchedulerClient(provider, scheduler);
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
    }

    public async Task<IReadOnlyList<StoredJob>> ListAsync(IReadOnlyList<ScheduledJob> jobs, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var running = await Scheduler.QueryFireInstances(new FireInstanceQuery { Take = PagedQuery.All }, cancellationToken);
        var result = new List<StoredJob>();
        foreach (var job in jobs)
        {
            var inStore = await Scheduler.Exists(job.Key, cancellationToken);
            var trigger = inStore ? await Scheduler.GetTrigger(SchedulerKeys.Cron(job.Name), cancellationToken) : null;
            var state = trigger is null ? (job.IsScheduled ? "not yet scheduled" : job.Cron is null ? "on demand" : "disabled")
                : (await Scheduler.GetTriggerState(trigger.Key, cancellationToken)).ToString().ToLowerInvariant();
            var next = trigger?.NextFireTimeUtc ?? (inStore ? null : job.NextFireAfter(now));
            var on = running.Items.Where(f => job.Key.Equals(f.JobKey)).Select(f => f.SchedulerInstanceId).ToList();
            result.Add(new StoredJob(job, inStore, next, state == "normal" ? "scheduled" : state, on));
        }

        return result;
    }

    /// <summary>Writes a one-off trigger for now; the job is added to the store first if no host has yet.</summary>
    public async Task TriggerAsync(ScheduledJob job, string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        if (!await Scheduler.Exists(job.Key, cancellationToken))
        {
            await Scheduler.AddJob(job.BuildJob(), new AddJobOptions { Replace = true }, cancellationToken);
        }

        await Scheduler.ScheduleJob(job.BuildManualTrigger(runId, parameters), cancellationToken: cancellationToken);
    }

    /// <summary>
    /// A `runner trigger` no host has picked up yet (its run is not in history until a host starts it): the run id and
    /// job of the queued trigger whose run id is, or starts with, <paramref name="idOrPrefix"/>.
    /// </summary>
    public async Task<(string RunId, string Job)?> FindQueuedAsync(string idOrPrefix, CancellationToken cancellationToken)
    {
        var queued = await Scheduler.QueryTriggers(new TriggerQuery { Group = GroupMatcher<TriggerKey>.GroupEquals(SchedulerKeys.ManualTriggerGroup), Take = PagedQuery.All }, cancellationToken);
        var match = queued.Items.Where(t => t.Key.Name.StartsWith(idOrPrefix, StringComparison.OrdinalIgnoreCase)).OrderByDescending(t => t.Key.Name, StringComparer.Ordinal).FirstOrDefault();
        return match is null ? null : (match.Key.Name, match.JobKey.Name);
    }

    public async Task<IReadOnlyList<ClusterNode>> NodesAsync(CancellationToken cancellationToken) => await Scheduler.QueryClusterNodes(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Scheduler.Shutdown(false);
        await _services.DisposeAsync();
    }
}
