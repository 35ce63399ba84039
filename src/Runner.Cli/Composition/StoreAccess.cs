using Runner.Configuration;
using Runner.History;
using Runner.Runtime;
using Runner.Scheduling;
using Runner.Secrets;
using Runner.State;

namespace Runner.Cli.Composition;

/// <summary>The run history and the scheduler store for commands that need neither the cloud nor a session
/// (`runner history`, `show`, `jobs`, `trigger`).</summary>
internal sealed class StoreAccess(CliContext context, RunnerConfig config)
{
    private readonly StateDirectory _state = new(config.StateDirectory);

    public StateDirectory State => _state;

    public IRunHistory OpenHistory() => RunHistories.Open(config, _state, Secrets());

    public async Task<SchedulerClient> OpenSchedulerAsync(CancellationToken cancellationToken) =>
        await SchedulerClient.OpenAsync(await SchedulerStore.ResolveAsync(config, _state, Secrets(), cancellationToken), cancellationToken);

    /// <summary>Whether any host serves this store now: the state folder's host lock, or a live cluster node.</summary>
    public async Task<bool> HostRunningAsync(SchedulerClient client, CancellationToken cancellationToken) =>
        config.Scheduler.Store == SchedulerStoreKind.Postgres
            ? (await client.NodesAsync(cancellationToken)).Any(n => n.State == Quartz.ClusterNodeState.Alive)
            : HostLock.IsHeld(_state);

    private SecretResolver Secrets() =>
        new(SecretStores.Create(config, _state, context.Console.Environment, context.Services.Time, null), context.Console.Environment);
}
