using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Runner.Configuration;
using Runner.Execution;
using Runner.History;
using Runner.Redaction;
using Runner.Scheduling;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scheduling;

public sealed class WorkerStartFailureTests : IDisposable
{
    private readonly Workspace _workspace = new();

    [Fact]
    public async Task A_run_whose_worker_cannot_start_is_closed_at_once_as_failed_with_the_reason()
    {
        _workspace.WithBuiltInSandbox("""
            scheduler: { warmWorkers: 0 }
            jobs:
              nightly: { script: jobs/nightly.csx }
            """);
        _workspace.Write("jobs/nightly.csx", "return 1;\n");
        var config = ConfigLoader.Load(_workspace.Path("runner.yaml"), _workspace.Environment);
        var missing = _workspace.Path("no-such-runner");
        var options = new SchedulerHostOptions(config, _workspace.Environment, new WorkerExecutable(missing, []),
            NullLoggerProvider.Instance, LogLevel.None, new SecretRedactor(), TimeProvider.System);
        var configuration = HostConfiguration.Load(config, _workspace.Environment, NullLogger.Instance);
        var pool = new WorkerPool(configuration, options, new ScriptChecker(configuration, options, NullLogger<ScriptChecker>.Instance), NullLogger<WorkerPool>.Instance);
        await using var history = SqliteRunHistory.Open(_workspace.Path("history.db"));
        var executor = new FireExecutor(configuration, history, options, new HostShutdown(new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance)),
            pool, NullLogger<FireExecutor>.Instance);

        var result = await executor.ExecuteAsync(new FireRequest("nightly", TriggerKinds.Manual, DateTimeOffset.UtcNow, null, new Dictionary<string, string>()),
            _ => Task.FromResult(false), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.False(result.Retry);
        var run = (await history.GetRunAsync(result.RunId, CancellationToken.None))!.Run;
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.NotNull(run.FinishedAt);
        Assert.Contains("could not be started", run.Error);
        Assert.Contains(missing, run.Error);
    }

    public void Dispose() => _workspace.Dispose();
}
