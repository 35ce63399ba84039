using System.Collections;
using System.Diagnostics;
using Runner.Configuration;
using Runner.Execution;
using Runner.History;
using Runner.Scheduling;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scheduling;

/// <summary>
/// `runner worker --warm` as the host's pool starts it (a real process): it rehearses, says ready, and runs the one
/// fire it is handed on standard input; it reads the state files again when they changed while it waited; it leaves
/// quietly when the host goes before a fire.
/// </summary>
public sealed class WarmWorkerTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private const string Tenant = "contoso.onmicrosoft.com";

    [Fact]
    public async Task A_warm_worker_runs_the_fire_it_is_handed_with_its_parameters()
    {
        using var workspace = await ProjectAsync();
        using var worker = WarmWorker.Start(workspace);
        await worker.WaitReadyAsync();

        var runId = $"warm-{Guid.NewGuid():N}";
        await worker.SendAsync(new WorkerOrder("echo", runId, TriggerKinds.Manual, 1, "test-node", workspace.Path("runner.yaml"),
            new Dictionary<string, string> { ["greeting"] = "hello = world; \"quoted\"" }));
        var finished = await worker.WaitForEventAsync(WorkerEvent.RunFinished);

        Assert.Equal("Succeeded", finished.Status);
        Assert.True(await worker.WaitForExitAsync(), worker.Describe());
        Assert.Equal(0, worker.ExitCode);
        await using var history = SqliteRunHistory.Open(workspace.Path(".runner/history.db"));
        var run = await history.GetRunAsync(runId, CancellationToken.None);
        Assert.NotNull(run);
        Assert.Equal((TriggerKinds.Manual, "test-node", RunStatus.Succeeded), (run.Run.Trigger, run.Run.Node, run.Run.Status));
        Assert.Equal("hello = world; \"quoted\"", System.Text.Json.Nodes.JsonNode.Parse(run.Tenants.Single().Result!)!.GetValue<string>());
    }

    [Fact]
    public async Task A_warm_worker_reads_the_state_again_when_it_changed_while_it_waited()
    {
        using var workspace = await ProjectAsync();
        // A first run leaves access tokens in the token cache: a session opened now needs no token request.
        Assert.Equal(0, (await workspace.RunAsync("run", "jobs/echo.csx", "--tenant", Tenant)).ExitCode);
        using var worker = WarmWorker.Start(workspace);
        await worker.WaitReadyAsync();

        // Meanwhile the token cache goes (another process may rewrite it at any time): the session the worker opened
        // still holds the old tokens in memory, and must not be used for the fire.
        File.Delete(workspace.Path(".runner/tokens.bin"));
        var before = sandbox.Host.Counters.Get("token");
        await worker.SendAsync(new WorkerOrder("echo", $"warm-{Guid.NewGuid():N}", TriggerKinds.Manual, 1, null, workspace.Path("runner.yaml"), new Dictionary<string, string>()));
        var finished = await worker.WaitForEventAsync(WorkerEvent.RunFinished);

        Assert.Equal("Succeeded", finished.Status);
        Assert.True(sandbox.Host.Counters.Get("token") > before, "the fire used the tokens of a session opened before the token cache changed");
        Assert.True(File.Exists(workspace.Path(".runner/tokens.bin")), "the fire's fresh session wrote the token cache again");
    }

    [Fact]
    public async Task A_warm_worker_leaves_quietly_when_the_host_goes_before_a_fire()
    {
        using var workspace = await ProjectAsync();
        using var worker = WarmWorker.Start(workspace);
        await worker.WaitReadyAsync();

        worker.CloseInput();

        Assert.True(await worker.WaitForExitAsync(), worker.Describe());
        Assert.Equal(0, worker.ExitCode);
        Assert.False(File.Exists(workspace.Path(".runner/history.db")) && (await ListRunsAsync(workspace)).Count > 0, "a worker without a fire recorded a run");
    }

    [Fact]
    public void WarmWorkers_defaults_to_two_and_is_bounded()
    {
        static SchedulerSettings Parse(string yaml) => ConfigLoader.Parse($"cloud: sandbox\n{yaml}", "/p/runner.yaml", new Hashtable()).Scheduler;

        Assert.Equal(2, Parse("").WarmWorkers);
        Assert.Equal(0, Parse("scheduler: { warmWorkers: 0 }").WarmWorkers);
        Assert.Equal(50, Parse("scheduler: { warmWorkers: 50 }").WarmWorkers);
        var error = Assert.Throws<ConfigException>(() => Parse("scheduler:\n  warmWorkers: 300\n"));
        Assert.Contains("runner.yaml(3,", error.Message, StringComparison.Ordinal);
        Assert.Contains("warmWorkers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Orders_and_events_keep_every_field_on_their_way_through_the_pipe()
    {
        var order = new WorkerOrder("job", "run-1", TriggerKinds.Retry, 3, "node-a", "/state/host/runner-0123.yaml",
            new Dictionary<string, string> { ["a"] = "1", ["quote\"d"] = "line\nbreak" });
        var parsed = WorkerOrder.Parse(order.ToJsonLine());
        Assert.Equal((order.Job, order.RunId, order.Trigger, order.Attempt, order.Node, order.ConfigSnapshot), (parsed.Job, parsed.RunId, parsed.Trigger, parsed.Attempt, parsed.Node, parsed.ConfigSnapshot));
        Assert.Equal(order.Parameters.OrderBy(p => p.Key), parsed.Parameters.OrderBy(p => p.Key));
        Assert.Throws<InvalidDataException>(() => WorkerOrder.Parse("{\"job\":\"x\"}"));
        Assert.Throws<InvalidDataException>(() => WorkerOrder.Parse("not json"));

        var started = new WorkerEvent(WorkerEvent.RunStarted, RunId: "r", Job: "j", ProcessId: 42, Tenants: 7, Parallel: 8, TimeoutSeconds: 90.5);
        Assert.Equal(started, WorkerEvent.TryParse(started.ToJsonLine()));
        var finished = new WorkerEvent(WorkerEvent.RunFinished, RunId: "r", Status: "Failed", Summary: new Dictionary<string, int> { ["Failed"] = 2 }, ExitCode: 1);
        var back = WorkerEvent.TryParse(finished.ToJsonLine())!;
        Assert.Equal((finished.RunId, finished.Status, finished.ExitCode, 2), (back.RunId, back.Status, back.ExitCode, back.Summary!["Failed"]));
        Assert.DoesNotContain("null", finished.ToJsonLine(), StringComparison.Ordinal);
    }

    private async Task<Workspace> ProjectAsync()
    {
        var workspace = await new Workspace().WithSandboxAsync(sandbox.Host, $"""
            jobs:
              echo: {"{"} script: jobs/echo.csx, tenants: [{Tenant}] {"}"}
            """);
        workspace.Write("jobs/echo.csx", "return Params.Get<string>(\"greeting\", \"none\");\n");
        // As the host does before it starts warm workers: the job's script is in the compile cache.
        Assert.Equal(0, (await workspace.RunAsync("check", "jobs/echo.csx")).ExitCode);
        return workspace;
    }

    private static async Task<IReadOnlyList<RunRecord>> ListRunsAsync(Workspace workspace)
    {
        await using var history = SqliteRunHistory.Open(workspace.Path(".runner/history.db"));
        return await history.ListRunsAsync(null, 100, CancellationToken.None);
    }

    /// <summary>`dotnet runner.dll worker --warm` in the workspace, with its event stream read line by line.</summary>
    private sealed class WarmWorker : IDisposable
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
        private readonly Process _process;
        private readonly List<string> _errors = [];

        private WarmWorker(Process process)
        {
            _process = process;
            _process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (_errors)
                    {
                        _errors.Add(e.Data);
                    }
                }
            };
            _process.BeginErrorReadLine();
        }

        public int ExitCode => _process.ExitCode;

        public static WarmWorker Start(Workspace workspace)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = workspace.Root,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "runner.dll"), "worker", "--warm", "--config", workspace.Path("runner.yaml"), "--config-snapshot", workspace.Path("runner.yaml") })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment.Clear();
            foreach (DictionaryEntry variable in workspace.Environment)
            {
                start.Environment[(string)variable.Key] = variable.Value as string;
            }

            return new WarmWorker(Process.Start(start)!);
        }

        public Task WaitReadyAsync() => WaitForEventAsync(WorkerEvent.Ready);

        public async Task<WorkerEvent> WaitForEventAsync(string name)
        {
            using var timeout = new CancellationTokenSource(Timeout);
            while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (WorkerEvent.TryParse(line) is { } e && e.Event == name)
                {
                    return e;
                }
            }

            throw new InvalidOperationException($"The worker ended without '{name}'. {Describe()}");
        }

        public async Task SendAsync(WorkerOrder order)
        {
            await _process.StandardInput.WriteLineAsync(order.ToJsonLine());
            await _process.StandardInput.FlushAsync();
        }

        public void CloseInput() => _process.StandardInput.Close();

        public async Task<bool> WaitForExitAsync()
        {
            using var timeout = new CancellationTokenSource(Timeout);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public string Describe()
        {
            lock (_errors)
            {
                return "Its standard error:\n" + string.Join('\n', _errors);
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }

            _process.Dispose();
        }
    }
}
