using Runner.Auth;
using Runner.Execution;
using Runner.History;
using Runner.Scripting;
using Runner.State;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Reliability;

/// <summary>
/// A `runner run` killed outright (SIGKILL: no handler runs, nothing is flushed) in the middle of a fan-out leaves
/// the state folder usable: the token cache decrypts, every compile cache entry loads, the history opens with the
/// killed run still Running and the tenants it finished; the next run marks that run Interrupted and succeeds.
/// Half the customers are slow at the sandbox, so the kill lands while tenants are in flight.
/// </summary>
public sealed class KilledRunTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>, IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task SIGKILL_in_the_middle_of_a_fan_out_leaves_the_state_readable_and_the_next_run_succeeds()
    {
        using var workspace = await PreparedAsync();
        workspace.Write("jobs/fan.csx", Script("second version"));
        SlowDownHalfTheCustomers();

        using var child = RunnerProcess.StartDll(workspace, "run", "jobs/fan.csx", "--parallel", "4", "--output", "json");
        var running = await Eventually.GetAsync(async () =>
        {
            Assert.False(child.HasExited, $"runner ended before it could be killed: {child}");
            var run = await RunOfAsync(workspace, child.Id);
            return run is { Run.Status: RunStatus.Running, Tenants.Count: > 0 } ? run : null;
        }, Wait, "the child's run to be under way with a tenant finished");
        child.Kill();
        Assert.Equal(137, await child.WaitAsync(TimeSpan.FromSeconds(30)));
        sandbox.Host.Faults.SlowTenants.Clear();

        var state = AssertStateReadable(workspace);
        var killed = (await state.History.GetRunAsync(running.Run.Id, CancellationToken.None))!;
        await state.History.DisposeAsync();
        Assert.Equal(RunStatus.Running, killed.Run.Status);
        Assert.True(killed.Tenants.Count >= running.Tenants.Count, "tenant results written before the kill are kept");
        Assert.True(killed.Tenants.Count < sandbox.Host.Customers.Count, "the kill landed before every tenant had finished");

        var next = await workspace.RunAsync("run", "jobs/fan.csx", "--output", "json");

        Assert.True(next.ExitCode == 0, next.ToString());
        await using var history = SqliteRunHistory.Open(workspace.Path(".runner/history.db"));
        var after = (await history.GetRunAsync(running.Run.Id, CancellationToken.None))!.Run;
        Assert.Equal(RunStatus.Interrupted, after.Status);
        Assert.Contains("ended before the run finished", after.Error, StringComparison.Ordinal);
        Assert.NotNull(after.FinishedAt);
    }

    [Fact]
    public async Task SIGKILL_at_any_moment_of_a_run_leaves_the_state_readable()
    {
        using var workspace = await PreparedAsync();
        SlowDownHalfTheCustomers();

        // Start-up, compiling a new version, the first tokens, the fan-out: each kill lands somewhere else.
        foreach (var delay in new[] { 150, 400, 800, 1500, 2500 })
        {
            workspace.Write("jobs/fan.csx", Script($"version killed after {delay} ms"));
            using var child = RunnerProcess.StartDll(workspace, "run", "jobs/fan.csx", "--parallel", "4", "--refresh-tenants");
            await Task.Delay(delay);
            child.Kill();
            await child.WaitAsync(TimeSpan.FromSeconds(30));

            var state = AssertStateReadable(workspace);
            await state.History.DisposeAsync();
        }

        sandbox.Host.Faults.SlowTenants.Clear();
        var next = await workspace.RunAsync("run", "jobs/fan.csx");
        Assert.True(next.ExitCode == 0, next.ToString());
    }

    public void Dispose() => sandbox.Host.Faults.SlowTenants.Clear();

    /// <summary>A project after one complete run: token cache, compile cache and history all exist.</summary>
    private async Task<Workspace> PreparedAsync()
    {
        sandbox.Host.Faults.SlowTenants.Clear();
        var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.Write("jobs/fan.csx", Script("first version"));
        var first = await workspace.RunAsync("run", "jobs/fan.csx", "--output", "json");
        Assert.True(first.ExitCode == 0, first.ToString());
        return workspace;
    }

    private static string Script(string version) => $$"""
        // {{version}}
        var organization = await Graph.Organization.GetAsync(cancellationToken: CancellationToken);
        Log.LogInformation("{Name} answered", organization?.Value?.FirstOrDefault()?.DisplayName);
        return Tenant.Domain;
        """;

    /// <summary>Every other customer answers only after two minutes, long after the test has killed the run.</summary>
    private void SlowDownHalfTheCustomers()
    {
        foreach (var customer in sandbox.Host.Customers.Where((_, i) => i % 2 == 1))
        {
            sandbox.Host.Faults.SlowTenants[customer.Domain] = TimeSpan.FromMinutes(2);
        }
    }

    private static async Task<RunDetails?> RunOfAsync(Workspace workspace, int processId)
    {
        if (!File.Exists(workspace.Path(".runner/history.db")))
        {
            return null;
        }

        await using var history = SqliteRunHistory.Open(workspace.Path(".runner/history.db"));
        var run = (await history.ListRunsAsync("fan", 5, CancellationToken.None)).FirstOrDefault(r => r.ProcessId == processId);
        return run is null ? null : await history.GetRunAsync(run.Id, CancellationToken.None);
    }

    /// <summary>Reads each store the way the next run will, failing the test on the first that cannot be read.</summary>
    private static (TokenCacheFile.Contents Tokens, IRunHistory History) AssertStateReadable(Workspace workspace)
    {
        var state = new StateDirectory(workspace.StatePath);
        var tokens = new TokenCacheFile(state, state.StoreKeyFile, workspace.Environment).Read();
        Assert.NotNull(tokens);
        Assert.False(tokens.Msal.IsEmpty);

        var cache = new ScriptCache(state.CompileCache);
        var entries = Directory.GetDirectories(state.CompileCache).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).ToList();
        Assert.NotEmpty(entries);
        Assert.All(entries, key => Assert.True(cache.TryGet(key!) is not null, $"compile cache entry {key} cannot be loaded"));

        return (tokens, SqliteRunHistory.Open(state.HistoryDatabase));
    }
}
