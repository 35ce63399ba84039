using System.Diagnostics;
using Runner.Execution;
using Runner.History;
using Runner.Runtime;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scheduling;

/// <summary>
/// The host as a real process: SIGTERM stops it gracefully (running workers get the grace, then are killed and
/// recorded Interrupted); after a crash (host and worker killed outright) the next start closes the orphaned run
/// and Quartz recovers the fire.
/// </summary>
public sealed class HostLifecycleTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SIGTERM_gives_running_workers_the_grace_then_kills_them_and_records_Interrupted()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host, """
            scheduler: { shutdownGrace: 1s }
            jobs:
              long: { script: jobs/long.csx }
            """);
        workspace.Write("jobs/long.csx", "// runner: partner-level\nawait Task.Delay(TimeSpan.FromMinutes(5));\nreturn 1;\n");
        using var host = HostProcess.Start(workspace.Root, workspace.Environment, "a");
        await host.WaitForLogAsync("started", Wait);

        var runId = (await workspace.RunAsync("trigger", "long")).Output.Trim();
        var running = await WorkerRunningAsync(workspace, runId, host.Id);
        await host.TerminateAsync();

        Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"the host did not stop:\n{host.Log}");
        Assert.True(host.ExitCode == 0, host.Log);
        var run = (await RunAsync(workspace, runId))!;
        Assert.Equal(RunStatus.Interrupted, run.Status);
        Assert.Contains("shutdown grace of 00:00:01", run.Error);
        Assert.False(Processes.IsAlive(running.ProcessId!.Value), "the worker was killed");
        Assert.Contains("no new fires", host.Log);
    }

    [Fact]
    public async Task After_a_crash_the_next_start_marks_the_orphaned_run_Interrupted_and_recovers_the_fire()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host, """
            jobs:
              once: { script: jobs/once.csx }
            """);
        workspace.Write("jobs/once.csx", """
            // runner: partner-level
            // The first attempt hangs (and is killed with its host); the recovered one returns.
            if (!File.Exists("once.marker"))
            {
                File.WriteAllText("once.marker", "started");
                await Task.Delay(TimeSpan.FromMinutes(5));
            }

            return "recovered";
            """);
        var first = HostProcess.Start(workspace.Root, workspace.Environment, "first");
        await first.WaitForLogAsync("started", Wait);
        var runId = (await workspace.RunAsync("trigger", "once")).Output.Trim();
        var running = await WorkerRunningAsync(workspace, runId, first.Id);
        // The worker records the run while its script starts: killed before the script wrote its marker, the
        // recovered attempt would hang in its place.
        await Eventually.TrueAsync(() => Task.FromResult(File.Exists(workspace.Path("once.marker"))), Wait, "the first attempt's marker");

        // Power loss: host and worker die together, nobody writes anything.
        using (var kill = Process.Start("kill", ["-KILL", first.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), running.ProcessId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        Assert.True(await first.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        first.Dispose();
        // The kill is sent at once, but the worker takes a moment to be torn down: still there when the next host
        // starts, its run is not an orphan yet (the recovered fire closes it instead, with another reason).
        var worker = running.ProcessId.Value;
        await Eventually.TrueAsync(() => Task.FromResult(!Processes.IsAlive(worker)), TimeSpan.FromSeconds(10), $"the killed worker {worker} to be gone");
        Assert.Equal(RunStatus.Running, (await RunAsync(workspace, runId))!.Status);

        using var second = HostProcess.Start(workspace.Root, workspace.Environment, "second");
        IReadOnlyList<RunRecord> seen = [];
        var attempts = await Eventually.GetAsync(async () =>
        {
            await using var history = SqliteRunHistory.Open(workspace.Path(".runner/history.db"));
            seen = await history.ListRunsAsync("once", 10, CancellationToken.None);
            return seen.Any(r => r.Status == RunStatus.Succeeded) ? seen.OrderBy(r => r.Attempt).ToList() : null;
        }, Wait, () => $"the recovered run. Runs: {string.Join(", ", seen.Select(r => $"{r.Attempt} {r.Trigger} {r.Status}"))}. Host log:\n{second.Log}");

        Assert.Equal([(1, TriggerKinds.Manual, RunStatus.Interrupted), (2, TriggerKinds.Recovery, RunStatus.Succeeded)],
            attempts.Select(r => (r.Attempt, r.Trigger, r.Status)));
        Assert.Equal(runId, attempts[0].Id);
        Assert.Equal(attempts[0].ScheduledFor, attempts[1].ScheduledFor);
        Assert.True(attempts[0].Error!.Contains("ended before the run finished", StringComparison.Ordinal), second.Log);
        Assert.Contains($"marked Interrupted", second.Log);
        await second.TerminateAsync();
        Assert.True(await second.WaitForExitAsync(TimeSpan.FromSeconds(30)), second.Log);
    }

    /// <summary>Waits until the worker has taken the run over (its own process id is on the row).</summary>
    private static Task<RunRecord> WorkerRunningAsync(Workspace workspace, string runId, int hostProcess) =>
        Eventually.GetAsync(async () => await RunAsync(workspace, runId) is { Status: RunStatus.Running, ProcessId: { } pid } run && pid != hostProcess ? run : null,
            Wait, $"run {runId} running in its worker");

    private static async Task<RunRecord?> RunAsync(Workspace workspace, string runId)
    {
        await using var history = SqliteRunHistory.Open(workspace.Path(".runner/history.db"));
        return (await history.GetRunAsync(runId, CancellationToken.None))?.Run;
    }
}
