using Microsoft.Extensions.Logging.Abstractions;
using Runner.Execution;
using Runner.Runtime;
using Runner.Scripting;
using Runner.Tenants;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Execution;

/// <summary>
/// The fan-out executor against the sandbox with real compiled scripts: scripts that throw, hang ignoring their
/// token, block their thread, or honour cancellation; every tenant ends with an outcome whatever the others do.
/// </summary>
public sealed class FanOutExecutorTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task A_script_that_throws_fails_only_its_own_tenant_with_the_script_line()
    {
        await using var run = await ExecutorRun.StartAsync(sandbox, """
            if (Tenant.Domain == Params["target"])
            {
                throw new InvalidOperationException("broken for this tenant");
            }

            return Tenant.Domain;
            """);

        var outcomes = await run.ExecuteAsync(run.Options with { Parameters = run.Target(0) });

        var failed = Assert.Single(outcomes, o => o.Status == TenantStatus.Failed);
        Assert.Equal(run.Tenants[0], failed.Tenant);
        Assert.Contains("broken for this tenant", failed.Error);
        Assert.Contains("script.csx(3)", failed.Error);
        Assert.All(outcomes.Where(o => o != failed), o => Assert.Equal((TenantStatus.Succeeded, o.Tenant.Domain), (o.Status, (string?)o.Result?.GetValue<string>())));
    }

    [Fact]
    public async Task A_script_that_hangs_ignoring_its_token_times_out_and_the_others_succeed()
    {
        await using var run = await ExecutorRun.StartAsync(sandbox, """
            if (Tenant.Domain == Params["target"])
            {
                Emit(new { step = "started" });
                await Task.Delay(Timeout.Infinite);
            }

            return 1;
            """);

        var outcomes = await run.ExecuteAsync(run.Options with { Parameters = run.Target(1), Timeout = TimeSpan.FromMilliseconds(500) });

        var timedOut = Assert.Single(outcomes, o => o.Status == TenantStatus.TimedOut);
        Assert.Equal(run.Tenants[1], timedOut.Tenant);
        Assert.Contains("Did not finish within", timedOut.Error);
        Assert.Equal("started", (string?)timedOut.Result?[0]?["step"]);
        Assert.Equal(run.Tenants.Count - 1, outcomes.Count(o => o.Status == TenantStatus.Succeeded));
    }

    [Fact]
    public async Task A_script_that_blocks_its_thread_times_out_and_the_others_succeed()
    {
        await using var run = await ExecutorRun.StartAsync(sandbox, """
            if (Tenant.Domain == Params["target"])
            {
                System.Threading.Thread.Sleep(10_000);
            }

            return 1;
            """);

        // Generous enough that the others finish on a loaded machine; the blocked one cannot.
        var outcomes = await run.ExecuteAsync(run.Options with { Parameters = run.Target(2), Timeout = TimeSpan.FromSeconds(2) });

        var timedOut = Assert.Single(outcomes, o => o.Status == TenantStatus.TimedOut);
        Assert.Equal(run.Tenants[2], timedOut.Tenant);
        Assert.Equal(run.Tenants.Count - 1, outcomes.Count(o => o.Status == TenantStatus.Succeeded));
    }

    [Fact]
    public async Task A_script_that_honours_its_token_times_out_with_the_sandbox_call_cancelled()
    {
        await using var run = await ExecutorRun.StartAsync(sandbox, """
            if (Tenant.Domain == Params["target"])
            {
                await Task.Delay(Timeout.Infinite, CancellationToken);
            }

            var users = await Graph.Users.GetAsync(cancellationToken: CancellationToken);
            return users!.Value!.Count;
            """);

        var outcomes = await run.ExecuteAsync(run.Options with { Parameters = run.Target(0), Timeout = TimeSpan.FromSeconds(2) });

        Assert.Equal(TenantStatus.TimedOut, outcomes.Single(o => o.Tenant == run.Tenants[0]).Status);
        Assert.All(outcomes.Where(o => o.Tenant != run.Tenants[0]), o => Assert.Equal(TenantStatus.Succeeded, o.Status));
    }

    [Fact]
    public async Task Cancelling_stops_running_tenants_keeps_finished_results_and_lets_a_clean_stop_keep_its_result()
    {
        await using var run = await ExecutorRun.StartAsync(sandbox, """
            var role = Params["role:" + Tenant.Domain] ?? "quick";
            switch (role)
            {
                case "honours":
                    await Task.Delay(Timeout.Infinite, CancellationToken);
                    break;
                case "stops-cleanly":
                    try { await Task.Delay(Timeout.Infinite, CancellationToken); }
                    catch (OperationCanceledException) { return "stopped with what it had"; }
                    break;
                case "ignores":
                    Emit(new { row = 1 });
                    await Task.Delay(Timeout.Infinite);
                    break;
            }

            return "done";
            """);
        var roles = new Dictionary<string, string>
        {
            ["role:" + run.Tenants[0].Domain] = "honours",
            ["role:" + run.Tenants[1].Domain] = "stops-cleanly",
            ["role:" + run.Tenants[2].Domain] = "ignores",
        };
        var quick = run.Tenants.Count - 3;
        using var cancel = new CancellationTokenSource();
        var observer = new RecordingObserver
        {
            OnFinished = (o, _) =>
            {
                if (o.Finished.Count(f => f.Status == TenantStatus.Succeeded) == quick)
                {
                    cancel.Cancel();
                }
            },
        };

        // Four at a time: the three long ones hold three slots, the quick ones pass through the fourth.
        var outcomes = await run.ExecuteAsync(
            run.Options with { Parallel = 4, Parameters = new JobParameters(roles), CancelGrace = TimeSpan.FromMilliseconds(500) },
            observer,
            cancel.Token);

        Assert.Equal(run.Tenants.Count, outcomes.Count);
        Assert.Equal(run.Tenants.Count, observer.Finished.Count);
        Assert.Equal((TenantStatus.Cancelled, "Cancelled while running."), (outcomes[0].Status, outcomes[0].Error));
        Assert.Equal((TenantStatus.Succeeded, "stopped with what it had"), (outcomes[1].Status, (string?)outcomes[1].Result));
        Assert.Equal(TenantStatus.Cancelled, outcomes[2].Status);
        Assert.Contains("did not stop within", outcomes[2].Error);
        Assert.Equal(1, (int?)outcomes[2].Result?[0]?["row"]);
        Assert.All(outcomes.Skip(3), o => Assert.Equal((TenantStatus.Succeeded, "done"), (o.Status, (string?)o.Result)));
    }

    [Fact]
    public async Task Tenants_not_started_when_the_run_is_cancelled_are_reported_cancelled()
    {
        await using var run = await ExecutorRun.StartAsync(sandbox, """
            await Task.Delay(Timeout.Infinite, CancellationToken);
            return 1;
            """);
        using var cancel = new CancellationTokenSource();
        var observer = new RecordingObserver { OnStarted = (_, _) => cancel.Cancel() };

        var outcomes = await run.ExecuteAsync(run.Options with { Parallel = 1 }, observer, cancel.Token);

        Assert.Equal(run.Tenants, outcomes.Select(o => o.Tenant));
        Assert.Equal("Cancelled while running.", outcomes[0].Error);
        Assert.All(outcomes.Skip(1), o => Assert.Equal((TenantStatus.Cancelled, "Not started: the run was cancelled."), (o.Status, o.Error)));
        Assert.Single(observer.Started);
    }

    [Fact]
    public async Task No_more_tenants_run_at_once_than_the_parallel_setting()
    {
        await using var run = await ExecutorRun.StartAsync(sandbox, """
            await Task.Delay(30, CancellationToken);
            return 1;
            """);
        var observer = new RecordingObserver();

        var outcomes = await run.ExecuteAsync(run.Options with { Parallel = 3 }, observer);

        Assert.All(outcomes, o => Assert.Equal(TenantStatus.Succeeded, o.Status));
        Assert.InRange(observer.MaxRunning, 1, 3);
    }

    [Fact]
    public async Task An_observer_that_throws_loses_no_outcome()
    {
        await using var run = await ExecutorRun.StartAsync(sandbox, "return Tenant.Domain;");
        var observer = new RecordingObserver
        {
            OnStarted = (_, _) => throw new InvalidOperationException("progress display broke"),
            OnFinished = (_, _) => throw new InvalidOperationException("history writer broke"),
        };

        var outcomes = await run.ExecuteAsync(run.Options, observer);

        Assert.Equal(run.Tenants.Count, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal(TenantStatus.Succeeded, o.Status));
        Assert.Equal(run.Tenants.Count, observer.Finished.Count);
    }

    [Fact]
    public async Task A_result_that_cannot_be_serialised_fails_its_tenant_with_the_reason()
    {
        await using var run = await ExecutorRun.StartAsync(sandbox, "return new System.IO.MemoryStream();");

        var outcomes = await run.ExecuteAsync(run.Options);

        Assert.All(outcomes, o => Assert.Equal(TenantStatus.Failed, o.Status));
        Assert.All(outcomes, o => Assert.Contains("cannot be turned into JSON", o.Error));
    }

    /// <summary>A workspace, a session on the class's sandbox, one compiled script and the tenants with GDAP.</summary>
    private sealed class ExecutorRun : IAsyncDisposable
    {
        private readonly Workspace _workspace;
        private readonly RunnerSession _session;
        private readonly CompiledScript _script;

        private ExecutorRun(Workspace workspace, RunnerSession session, CompiledScript script, IReadOnlyList<CustomerTenant> tenants)
        {
            _workspace = workspace;
            _session = session;
            _script = script;
            Tenants = tenants;
            Options = new ExecutionOptions("test", 8, TimeSpan.FromMinutes(1), new JobParameters(new Dictionary<string, string>()), workspace.Root);
        }

        public IReadOnlyList<CustomerTenant> Tenants { get; }

        public ExecutionOptions Options { get; }

        public static async Task<ExecutorRun> StartAsync(SandboxFixture sandbox, string script)
        {
            var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
            workspace.Write("jobs/script.csx", script);
            var session = await Sessions.OpenAsync(workspace);
            var compiled = session.Scripts.Load(workspace.Path("jobs/script.csx"), CancellationToken.None);
            var all = await session.Tenants.GetAsync(refresh: false, CancellationToken.None);
            var tenants = TenantSelector.Select(all, ["all"], [], session.Config.Tenants, DateTimeOffset.UtcNow).Run;
            return new ExecutorRun(workspace, session, compiled, tenants);
        }

        public JobParameters Target(int index) => new(new Dictionary<string, string> { ["target"] = Tenants[index].Domain });

        public async Task<IReadOnlyList<TenantOutcome>> ExecuteAsync(ExecutionOptions options, IRunObserver? observer = null, CancellationToken cancellation = default)
        {
            var executor = new FanOutExecutor(_session.Clients, _session.Services.Redactor, TimeProvider.System, NullLogger.Instance);
            return await executor.RunAsync(_script, Tenants, options, observer ?? new RecordingObserver(), cancellation);
        }

        public async ValueTask DisposeAsync()
        {
            _script.Dispose();
            await _session.DisposeAsync();
            _workspace.Dispose();
        }
    }
}
