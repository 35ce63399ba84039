using System.Globalization;
using Runner.Benchmarks.Harness;
using Runner.History;

namespace Runner.Benchmarks.Scenarios.SchedulerScale;

/// <summary>
/// The hosts under load: one `runner host` on the SQLite store, or <c>nodes</c> hosts with different --node names on
/// one PostgreSQL database (scheduler.store: postgres), each with its own state folder (secrets, token and compile
/// caches) in one shared project folder, as the cluster tests set them up. Every node gets a priming `runner run`
/// (token exchange, customer list, compile) before its host starts.
/// </summary>
internal sealed class ScaleSetup : IAsyncDisposable
{
    /// <summary>The store part of the cluster's scheduler: section; RUNNER_PG is set for each node.</summary>
    public const string PostgresStore = "store: postgres, connectionString: \"env:RUNNER_PG\"";

    private readonly Func<IRunHistory> _history;

    private ScaleSetup(string label, bool clustered, IReadOnlyList<HostProcess> hosts, Func<IRunHistory> history)
    {
        Label = label;
        Clustered = clustered;
        Hosts = hosts;
        _history = history;
    }

    /// <summary>"1 host, SQLite" or "3 hosts, PostgreSQL".</summary>
    public string Label { get; }

    /// <summary>PostgreSQL store, hosts as cluster nodes.</summary>
    public bool Clustered { get; }

    public IReadOnlyList<HostProcess> Hosts { get; }

    /// <summary>The run history the hosts write (a new connection each time; dispose it).</summary>
    public IRunHistory OpenHistory() => _history();

    public static async Task<ScaleSetup> SingleAsync(Builds builds, SandboxProcess sandbox, string folder, ScaleLoad load, ScaleConfig config)
    {
        var project = await BenchProject.CreateAsync(folder, builds.ReadyToRun, sandbox, config.SchedulerYaml("") + load.JobsYaml(config.Spread));
        await PrimeAsync(project);
        var host = HostProcess.Start(project, builds.ReadyToRun, "host");
        var history = Path.Combine(project.State, "history.db");
        return await StartedAsync(new ScaleSetup("1 host, SQLite", false, [host], () => SqliteRunHistory.Open(history)));
    }

    public static async Task<ScaleSetup> ClusterAsync(Builds builds, SandboxProcess sandbox, PostgresProcess postgres, string folder, ScaleLoad load, ScaleConfig config, int nodes)
    {
        var database = await postgres.CreateDatabaseAsync($"scale_{config.Name}_{DateTime.UtcNow:HHmmss}");
        var shared = await BenchProject.WriteAsync(folder, builds.ReadyToRun, sandbox,
            config.SchedulerYaml(PostgresStore) + load.JobsYaml(config.Spread));
        var members = new List<(string Name, BenchProject Project)>();
        for (var i = 1; i <= nodes; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"runner-{i}");
            var node = shared.With(new Dictionary<string, string?>
            {
                ["RUNNER__STATE"] = Path.Combine(folder, $"state-{name}"),
                ["RUNNER_PG"] = database,
            });
            await node.StoreSecretsAsync(sandbox);
            await PrimeAsync(node);
            members.Add((name, node));
        }

        var hosts = members.Select(m => HostProcess.Start(m.Project, builds.ReadyToRun, m.Name, "--node", m.Name)).ToList();
        return await StartedAsync(new ScaleSetup($"{nodes} hosts, PostgreSQL", true, hosts, () => new PostgresRunHistory(_ => ValueTask.FromResult(database))));
    }

    /// <summary>Stops every host (SIGTERM; they stop together).</summary>
    public async ValueTask DisposeAsync() => await Task.WhenAll(Hosts.Select(h => h.DisposeAsync().AsTask()));

    private static async Task PrimeAsync(BenchProject project) =>
        (await project.RunAsync(["run", "jobs/stamp.csx", "--tenant", "contoso.onmicrosoft.com"])).EnsureSuccess("priming run");

    private static async Task<ScaleSetup> StartedAsync(ScaleSetup setup)
    {
        try
        {
            foreach (var host in setup.Hosts)
            {
                await host.WaitStartedAsync(TimeSpan.FromMinutes(2));
            }

            return setup;
        }
        catch
        {
            await setup.DisposeAsync();
            throw;
        }
    }
}
