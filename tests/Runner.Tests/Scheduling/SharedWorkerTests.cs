using Runner.Execution;
using Runner.History;
using Runner.Runtime;
using Runner.Sandbox;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scheduling;

/// <summary>
/// The default worker strategy: one worker process serves many fires at once. A fatal script (Environment.Exit, or
/// past its hard limit) ends only that worker; the other fires it was running are recorded Failed as ended by that
/// run and retried per their job's retries, and a worker is recycled after scheduler.workers.maxFires fires.
/// </summary>
public sealed class SharedWorkerTests : IAsyncLifetime
{
    private readonly TempFolder _sandboxData = new("runner-sbx");
    private readonly CancellationTokenSource _stop = new();
    private SandboxHost _sandbox = null!;
    private Task<CliResult>? _host;

    private Workspace Workspace { get; } = new();

    public async Task InitializeAsync()
    {
        _sandbox = await SandboxHost.StartAsync(new SandboxOptions { Customers = 2, DataDirectory = _sandboxData.Path });
        await Workspace.WithSandboxAsync(_sandbox, """
            scheduler: { shutdownGrace: 2s, maxConcurrentJobs: 8, workers: { mode: shared, maxFires: 4 } }
            jobs:
              lingers: { script: jobs/lingers.csx, retries: 1, retryBackoff: 1s }
              exits: { script: jobs/exits.csx }
              hangs: { script: jobs/hangs.csx, timeout: 1h, jobTimeout: 4s }
              quick: { script: jobs/quick.csx }
            """);
        // Waits for a marker file per attempt, so a test decides when it may end.
        Workspace.Write("jobs/lingers.csx", """
            // runner: partner-level
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!File.Exists("lingers.go") && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, CancellationToken);
            }

            return "done";
            """);
        Workspace.Write("jobs/exits.csx", "// runner: partner-level\nEnvironment.Exit(0);\nreturn 1;\n");
        Workspace.Write("jobs/hangs.csx", "// runner: partner-level\nThread.Sleep(Timeout.Infinite);\nreturn 1;\n");
        Workspace.Write("jobs/quick.csx", "// runner: partner-level\nreturn Environment.ProcessId;\n");
        _host = Task.Run(() => Workspace.RunAsync(_stop.Token, "host"));
    }

    [Fact]
    public async Task A_script_that_exits_ends_only_its_worker_and_the_fire_sharing_it_is_failed_and_retried()
    {
        var lingering = await StartLingeringAsync();

        var exits = await TriggerAsync("exits");
        var exitsRun = await FinishedAsync("exits", exits);
        var lingers = await Eventually.GetAsync(async () =>
        {
            var all = await RunsAsync("lingers");
            return all.Any(r => r.Attempt == 2 && r.Status == RunStatus.Running) ? all : null;
        }, TimeSpan.FromSeconds(60), "the retry of the lingering fire");
        File.WriteAllText(Workspace.Path("lingers.go"), "go");
        var retried = await Eventually.GetAsync(async () => (await RunsAsync("lingers")).FirstOrDefault(r => r.Attempt == 2 && r.Status == RunStatus.Succeeded),
            TimeSpan.FromSeconds(60), "the retry's success");

        Assert.Equal(RunStatus.Failed, exitsRun.Status);
        Assert.Contains("exited with code 0 before finishing the run", exitsRun.Error);
        var first = lingers.Single(r => r.Id == lingering.Id);
        Assert.Equal(RunStatus.Failed, first.Status);
        Assert.Contains($"Worker ended by another job's script (run {exits})", first.Error);
        Assert.Equal(first.ProcessId, exitsRun.ProcessId);
        Assert.NotEqual(first.ProcessId, retried.ProcessId);
    }

    [Fact]
    public async Task A_fire_past_its_hard_limit_ends_its_worker_and_the_fire_sharing_it_names_it()
    {
        var lingering = await StartLingeringAsync();

        var hangs = await TriggerAsync("hangs");
        var hangsRun = await FinishedAsync("hangs", hangs);
        var first = await Eventually.GetAsync(async () => (await RunsAsync("lingers")).FirstOrDefault(r => r.Id == lingering.Id && r.FinishedAt is not null),
            TimeSpan.FromSeconds(30), "the lingering fire's end");
        File.WriteAllText(Workspace.Path("lingers.go"), "go");

        Assert.Equal(RunStatus.TimedOut, hangsRun.Status);
        Assert.Contains("hard time limit of 00:00:04", hangsRun.Error);
        Assert.Equal(RunStatus.Failed, first.Status);
        Assert.Contains($"Worker ended by another job's script (run {hangs})", first.Error);
        // The run names its worker even when the limit passed before the worker had recorded the run's start (on a
        // loaded machine): the host's own process, named until then, counts as alive.
        Assert.NotEqual(Environment.ProcessId, hangsRun.ProcessId);
        Assert.False(Processes.IsAlive(hangsRun.ProcessId!.Value), $"worker {hangsRun.ProcessId} still runs");
    }

    [Fact]
    public async Task Fires_share_a_worker_until_it_has_served_max_fires_then_another_takes_over()
    {
        var pids = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            var run = await FinishedAsync("quick", await TriggerAsync("quick"));
            Assert.Equal(RunStatus.Succeeded, run.Status);
            pids.Add(run.ProcessId!.Value);
        }

        // Shared: the first fires ran in one process (not one each); recycled: no process ran more than maxFires (4).
        Assert.True(pids.Distinct().Count() < pids.Count, $"pids {string.Join(", ", pids)}");
        Assert.All(pids.GroupBy(p => p), g => Assert.True(g.Count() <= 4, $"pid {g.Key} ran {g.Count()} fires"));
        Assert.True(pids.Distinct().Count() >= 2, $"pids {string.Join(", ", pids)}");
    }

    /// <summary>Triggers the lingering job and waits until its script runs (its worker recorded it).</summary>
    private async Task<RunRecord> StartLingeringAsync()
    {
        File.Delete(Workspace.Path("lingers.go"));
        var id = await TriggerAsync("lingers");
        return await Eventually.GetAsync(async () => (await RunsAsync("lingers")).FirstOrDefault(r => r.Id == id && r.ProcessId is not null && r.Status == RunStatus.Running),
            TimeSpan.FromSeconds(60), "the lingering fire running");
    }

    private async Task<string> TriggerAsync(string job)
    {
        var trigger = await Workspace.RunAsync("trigger", job);
        Assert.True(trigger.ExitCode == 0, trigger.ToString());
        return trigger.Output.Trim();
    }

    private Task<RunRecord> FinishedAsync(string job, string runId) =>
        Eventually.GetAsync(async () => (await RunsAsync(job)).FirstOrDefault(r => r.Id == runId && r.FinishedAt is not null),
            TimeSpan.FromSeconds(60), $"run {runId} of {job} finished");

    private async Task<IReadOnlyList<RunRecord>> RunsAsync(string job) =>
        _host is { IsCompleted: true } ? throw new InvalidOperationException($"The host stopped: {await _host}") : await Workspace.RunsAsync(job);

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_host is not null)
        {
            await _host.WaitAsync(TimeSpan.FromSeconds(60));
        }

        Workspace.Dispose();
        await _sandbox.DisposeAsync();
        _sandboxData.Dispose();
        _stop.Dispose();
    }
}
