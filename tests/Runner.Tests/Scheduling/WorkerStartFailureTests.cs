using Runner.Execution;
using Runner.History;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scheduling;

/// <summary>A fire whose worker process cannot even start is closed Failed at once with the reason, not left Running.</summary>
public sealed class WorkerStartFailureTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task A_run_whose_worker_cannot_start_is_closed_Failed_at_once_with_the_reason()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host, """
            scheduler: { warmWorkers: 0, shutdownGrace: 2s }
            jobs:
              probe: { script: jobs/probe.csx, jobTimeout: 1h }
            """);
        workspace.Write("jobs/probe.csx", "// runner: partner-level\nreturn 1;\n");
        // Workers get the host's environment: one larger than the kernel takes for a new process (E2BIG) means no
        // worker can start, as when the runner executable is gone or not executable.
        workspace.Environment["RUNNER_TEST_HUGE"] = new string('x', 4 * 1024 * 1024);
        using var stop = new CancellationTokenSource();
        var host = Task.Run(() => workspace.RunAsync(stop.Token, "host"));
        try
        {
            var trigger = await workspace.RunAsync("trigger", "probe");
            Assert.True(trigger.ExitCode == 0, trigger.ToString());

            var run = await Eventually.GetAsync(async () =>
            {
                Assert.False(host.IsCompleted, host.IsCompleted ? "the host stopped: " + host.Result : "");
                await using var history = SqliteRunHistory.Open(workspace.Path(".runner/history.db"));
                return (await history.ListRunsAsync("probe", 10, CancellationToken.None)).FirstOrDefault(r => r.Status != RunStatus.Running);
            }, TimeSpan.FromSeconds(60), "the probe run closed");

            Assert.Equal(RunStatus.Failed, run.Status);
            Assert.Contains("The worker process could not be started", run.Error);
        }
        finally
        {
            await stop.CancelAsync();
            await host.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }
}
