using System.Collections;
using System.Globalization;
using Npgsql;
using Runner.Auth;
using Runner.Execution;
using Runner.History;
using Runner.Secrets;
using Runner.State;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scheduling;

/// <summary>Runs alone: three host processes and their workers need the machine to themselves to keep time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "PostgreSQL cluster";
}

/// <summary>
/// scheduler.store: postgres — three `runner host` processes on one real PostgreSQL 15 form a Quartz cluster with
/// history in the same database. Every fire runs exactly once; SIGKILL one host in the middle of a run and another
/// host recovers it, and history shows both attempts.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterTests(PostgresServer postgres, SandboxFixture sandbox) : IClassFixture<PostgresServer>, IClassFixture<SandboxFixture>
{
    private const int MinimumFires = 30;
    private static readonly string[] Nodes = ["node-a", "node-b", "node-c"];
    private static readonly string[] Ticks = ["tick-a", "tick-b", "tick-c"];

    [Fact]
    public async Task Three_hosts_run_each_fire_exactly_once_and_recover_the_run_of_a_killed_host()
    {
        var database = await postgres.CreateDatabaseAsync();
        using var project = new TempFolder("runner-cluster");
        await using var hooks = await Notifications.WebhookReceiver.StartAsync();
        WriteProject(project, hooks.Url("/ops"));
        var hosts = new Dictionary<string, HostProcess>();
        try
        {
            foreach (var node in Nodes)
            {
                hosts[node] = HostProcess.Start(project.Path, await NodeEnvironmentAsync(project, node, database), node, "--node", node);
            }

            foreach (var host in hosts.Values)
            {
                await host.WaitForLogAsync("started", TimeSpan.FromSeconds(60));
            }

            await using var history = new PostgresRunHistory(_ => ValueTask.FromResult(database));

            // SIGKILL the host whose worker is in the middle of a slow run.
            var victim = await Eventually.GetAsync(async () => (await history.ListRunningAsync(CancellationToken.None))
                .FirstOrDefault(r => r.Job == "slow" && r.ProcessId is { } pid && pid != hosts[r.Node].Id), TimeSpan.FromSeconds(60), "a slow run in its worker");
            await Task.Delay(TimeSpan.FromSeconds(1));
            hosts[victim.Node].KillHard();

            var attempts = await Eventually.GetAsync(async () =>
            {
                var occurrence = await history.ListOccurrenceAsync("slow", victim.ScheduledFor!.Value, CancellationToken.None);
                return occurrence.Any(r => r.Status == RunStatus.Succeeded) ? occurrence : null;
            }, TimeSpan.FromSeconds(60), $"the recovery of run {victim.Id} (killed with {victim.Node})");

            await Eventually.TrueAsync(async () => (await history.ListRunsAsync(null, 10_000, CancellationToken.None))
                .Count(r => Ticks.Contains(r.Job) && r.Status == RunStatus.Succeeded) >= MinimumFires, TimeSpan.FromSeconds(90), $"{MinimumFires} tick fires");
            // The lost node is announced once, by whichever survivor recovered its fire, though both deliver the outbox.
            await Eventually.TrueAsync(() => Task.FromResult(hooks.Received.Any(r => (string)r.Body["event"]! == "node")), TimeSpan.FromSeconds(30), "the lost-node message");
            var lost = Assert.Single(hooks.Received, r => (string)r.Body["event"]! == "node");
            Assert.StartsWith($"Cluster node {victim.Node}-", (string)lost.Body["title"]!, StringComparison.Ordinal);
            foreach (var host in hosts.Values.Where(h => !h.HasExited))
            {
                await host.TerminateAsync();
            }

            foreach (var host in hosts.Values)
            {
                Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"host {host.Name} did not stop:\n{host.Log}");
            }

            var runs = await history.ListRunsAsync(null, 10_000, CancellationToken.None);

            // Both attempts of the killed run: the first Interrupted on the killed node, the second recovered elsewhere.
            Assert.True(attempts.Count == 2, Describe(runs, hosts.Values));
            Assert.Equal([(1, RunStatus.Interrupted), (2, RunStatus.Succeeded)], attempts.Select(r => (r.Attempt, r.Status)));
            Assert.Equal(victim.Id, attempts[0].Id);
            Assert.Equal(victim.Node, attempts[0].Node);
            Assert.Equal(TriggerKinds.Recovery, attempts[1].Trigger);
            Assert.NotEqual(victim.Node, attempts[1].Node);
            foreach (var job in Ticks)
            {
                var occurrences = runs.Where(r => r.Job == job && r.Status != RunStatus.Running).GroupBy(r => r.ScheduledFor!.Value).OrderBy(g => g.Key).ToList();
                Assert.All(occurrences, o => Assert.True(o.Count(r => r.Status == RunStatus.Succeeded) == 1 && o.Count(r => r.Attempt == 1) == 1,
                    $"{job} at {o.Key:O} ran {o.Count()} time(s).\n{Describe(runs, hosts.Values)}"));
                var succeeded = occurrences.Where(o => o.Any(r => r.Status == RunStatus.Succeeded)).Select(o => o.Key).ToList();
                for (var i = 1; i < succeeded.Count; i++)
                {
                    Assert.True(succeeded[i] - succeeded[i - 1] == TimeSpan.FromSeconds(3), $"{job} missed a fire between {succeeded[i - 1]:O} and {succeeded[i]:O}.\n{Describe(runs, hosts.Values)}");
                }
            }

            // No check that ticks were spread over the nodes: Quartz's clustering promises each fire once, not balance, and
            // a node that polls first can take every fire for minutes (it did, under load). That more than one node
            // schedules is shown above: the killed run is recovered by another node.
            Assert.True(runs.All(r => r.Status != RunStatus.Running), $"a run stayed Running.\n{Describe(runs, hosts.Values)}");
            Assert.Equal(["qrtz_triggers", "runner_runs"], await TablesAsync(database, "qrtz_triggers", "runner_runs"));
        }
        finally
        {
            foreach (var host in hosts.Values)
            {
                host.Dispose();
            }
        }
    }

    /// <summary>Every run and every host's log, for a failure message.</summary>
    private static string Describe(IEnumerable<RunRecord> runs, IEnumerable<HostProcess> hosts) =>
        string.Join("\n", runs.OrderBy(r => r.StartedAt).Select(r =>
            $"{r.Job} {r.ScheduledFor:HH:mm:ss} {r.Trigger} #{r.Attempt} {r.Node} {r.StartedAt:HH:mm:ss.fff}-{r.FinishedAt:HH:mm:ss.fff} {r.Status} {r.Error}")) +
        "\n" + string.Join("\n", hosts.Select(h => $"--- {h.Name}\n{h.Log}"));

    private void WriteProject(TempFolder project, Uri webhook)
    {
        var url = sandbox.Host.BaseUri.AbsoluteUri;
        project.Write("runner.yaml", $$"""
            cloud: custom
            endpoints: { login: "{{url}}", partnerCenter: "{{url}}", resourceManager: "{{url}}", graph: "{{url}}", caFile: "{{sandbox.Host.CaCertificatePath}}" }
            partner: { tenant: "{{sandbox.Host.PartnerTenantId}}", clientId: "{{sandbox.Host.ClientId}}", clientSecret: "secret:app-secret" }
            state: .runner
            # misfireThreshold: a machine too busy to keep up (CI) delays fires rather than dropping them.
            scheduler: { store: postgres, connectionString: "env:RUNNER_PG", checkinInterval: 2s, shutdownGrace: 30s, misfireThreshold: 10m, keepAlive: off }
            notify:
              channels:
                ops: { type: webhook, url: "{{webhook}}" }
              rules:
                - { on: [node], channels: [ops] }
            jobs:
              tick-a: { script: jobs/tick.csx, schedule: "0/3 * * * * ?" }
              tick-b: { script: jobs/tick.csx, schedule: "1/3 * * * * ?" }
              tick-c: { script: jobs/tick.csx, schedule: "2/3 * * * * ?" }
              slow: { script: jobs/slow.csx, schedule: "0/15 * * * * ?" }
            """);
        project.Write("jobs/tick.csx", "// runner: partner-level\nreturn \"tick\";\n");
        project.Write("jobs/slow.csx", "// runner: partner-level\nawait Task.Delay(TimeSpan.FromSeconds(6));\nreturn \"slow\";\n");
    }

    /// <summary>Each node has its own state folder (token cache, compile cache, local secret store) and shares the database.</summary>
    private async Task<IDictionary> NodeEnvironmentAsync(TempFolder project, string node, string database)
    {
        var environment = new Hashtable();
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (!((string)entry.Key).StartsWith("RUNNER", StringComparison.Ordinal))
            {
                environment[entry.Key] = entry.Value;
            }
        }

        var state = project.Combine($"state-{node}");
        environment["RUNNER__STATE"] = state;
        environment["RUNNER_PG"] = database;
        var store = new LocalSecretStore(new StateDirectory(state), Path.Combine(state, "store.key"), environment, TimeProvider.System);
        await store.SetAsync("app-secret", sandbox.Host.ClientSecret, null, null, CancellationToken.None);
        var now = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture);
        await store.SetAsync(CredentialStore.RefreshTokenSecret, sandbox.Host.IssueRefreshToken(), new Dictionary<string, string>
        {
            [CredentialStore.UsernameTag] = sandbox.Host.AdminUserPrincipalName,
            [CredentialStore.ConsentedAtTag] = now,
            [CredentialStore.IssuedAtTag] = now,
        }, null, CancellationToken.None);
        return environment;
    }

    private static async Task<IReadOnlyList<string>> TablesAsync(string database, params string[] names)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT table_name::text FROM information_schema.tables WHERE table_name = ANY(@names) ORDER BY 1", connection);
        command.Parameters.AddWithValue("names", names);
        var found = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            found.Add(reader.GetString(0));
        }

        return found;
    }
}
