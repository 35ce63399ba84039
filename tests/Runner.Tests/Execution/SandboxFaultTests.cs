using Runner.Execution;
using Runner.History;
using Runner.Runtime;
using Runner.Sandbox;
using Runner.Tenants;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Execution;

/// <summary>A sandbox of its own: these tests inject faults into it.</summary>
public sealed class FaultSandboxFixture : SandboxFixture;

/// <summary>
/// Whole runs (job runner → executor → real SDKs → sandbox) under injected faults: a 429 storm, 5xx errors, a tenant
/// that always fails, a slow tenant that hits the timeout, and Ctrl+C in the middle. Each checks every tenant's
/// status and that no outcome is missing, in the returned run and in the history database.
/// </summary>
public sealed class SandboxFaultTests(FaultSandboxFixture sandbox) : IClassFixture<FaultSandboxFixture>, IDisposable
{
    // Retries at once (Retry-After: 0, no backoff) and plenty of them, so random faults never exhaust them.
    private const string FastRetries = "limits: { retries: 10, retryDelay: 0s }";

    private SandboxHost Host => sandbox.Host;

    public void Dispose() => Host.Faults.Clear();

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task A_storm_of_throttling_or_server_errors_on_every_API_is_retried_and_every_tenant_succeeds(int status)
    {
        await using var run = await FaultRun.StartAsync(Host, FastRetries);
        foreach (var api in new[] { "graph", "arm", "partnerCenter" })
        {
            var faults = Host.Faults.For(api);
            faults.RetryAfterSeconds = 0;
            if (status == 429)
            {
                faults.ThrottleRate = 0.3;
            }
            else
            {
                faults.ErrorRate = 0.3;
            }
        }

        Host.Requests.Clear();
        var outcome = await run.RunHelloAsync();

        Assert.Equal(RunStatus.Succeeded, outcome.Status);
        Assert.All(run.Active(outcome), t => Assert.Equal(TenantStatus.Succeeded, t.Status));
        Assert.True(Host.Requests.Snapshot().Count(r => r.StatusCode == status) > 0, $"the sandbox answered some requests {status}");
        await run.AssertHistoryMatchesAsync(outcome);
    }

    [Fact]
    public async Task A_tenant_that_always_fails_is_Failed_and_the_others_succeed()
    {
        await using var run = await FaultRun.StartAsync(Host, FastRetries);
        var broken = run.Tenants[2];
        Host.Faults.FailingTenants[broken.Id.ToString()] = true;

        var outcome = await run.RunHelloAsync();

        Assert.Equal(RunStatus.Failed, outcome.Status);
        var failed = Assert.Single(outcome.Tenants, t => t.Status == TenantStatus.Failed);
        Assert.Equal(broken, failed.Tenant);
        Assert.False(string.IsNullOrWhiteSpace(failed.Error));
        Assert.All(run.Active(outcome).Where(t => t != failed), t => Assert.Equal(TenantStatus.Succeeded, t.Status));
        await run.AssertHistoryMatchesAsync(outcome);
    }

    [Fact]
    public async Task A_slow_tenant_hits_the_timeout_and_the_others_succeed()
    {
        await using var run = await FaultRun.StartAsync(Host, FastRetries);
        var slow = run.Tenants[1];
        Host.Faults.SlowTenants[slow.Domain] = TimeSpan.FromMinutes(2);

        var outcome = await run.RunHelloAsync(timeout: TimeSpan.FromSeconds(4));

        Assert.Equal(RunStatus.Failed, outcome.Status);
        var timedOut = Assert.Single(outcome.Tenants, t => t.Status == TenantStatus.TimedOut);
        Assert.Equal(slow, timedOut.Tenant);
        Assert.All(run.Active(outcome).Where(t => t != timedOut), t => Assert.Equal(TenantStatus.Succeeded, t.Status));
        await run.AssertHistoryMatchesAsync(outcome);
    }

    [Fact]
    public async Task Cancelling_in_the_middle_of_a_run_keeps_every_finished_result_and_records_the_rest_as_cancelled()
    {
        await using var run = await FaultRun.StartAsync(Host);
        var hanging = run.Tenants.Take(2).ToList();
        run.Workspace.Write("jobs/hang.csx", """
            var users = await Graph.Users.GetAsync(cancellationToken: CancellationToken);
            if (Params["hang:" + Tenant.Domain] is not null)
            {
                await Task.Delay(Timeout.Infinite, CancellationToken);
            }

            return users!.Value!.Count;
            """);
        var others = run.Tenants.Count - hanging.Count;
        using var cancel = new CancellationTokenSource();
        var observer = new RecordingObserver
        {
            OnFinished = (o, _) =>
            {
                if (o.Finished.Count(f => f.Status == TenantStatus.Succeeded) == others)
                {
                    cancel.Cancel();
                }
            },
        };

        var outcome = await new JobRunner(run.Session).RunAsync(new JobRequest
        {
            Job = "hang",
            ScriptPath = run.Workspace.Path("jobs/hang.csx"),
            Parallel = 3,
            Parameters = hanging.ToDictionary(t => "hang:" + t.Domain, _ => "yes"),
        }, observer, cancel.Token);

        Assert.Equal(RunStatus.Cancelled, outcome.Status);
        Assert.Equal(run.Tenants.Count + run.Skipped.Count, outcome.Tenants.Count);
        Assert.All(outcome.Tenants.Where(t => hanging.Contains(t.Tenant)), t => Assert.Equal(TenantStatus.Cancelled, t.Status));
        Assert.All(run.Active(outcome).Where(t => !hanging.Contains(t.Tenant)), t => Assert.Equal(TenantStatus.Succeeded, t.Status));
        Assert.Equal(run.Skipped.Count, outcome.Count(TenantStatus.Skipped));
        await run.AssertHistoryMatchesAsync(outcome);
    }

    /// <summary>A workspace and session on the fault sandbox, hello.csx, and the tenants a run selects.</summary>
    private sealed class FaultRun : IAsyncDisposable
    {
        private FaultRun(Workspace workspace, RunnerSession session, IReadOnlyList<CustomerTenant> tenants, IReadOnlyList<CustomerTenant> skipped)
        {
            Workspace = workspace;
            Session = session;
            Tenants = tenants;
            Skipped = skipped;
        }

        public Workspace Workspace { get; }

        public RunnerSession Session { get; }

        /// <summary>The tenants a run over all of them runs, in run order.</summary>
        public IReadOnlyList<CustomerTenant> Tenants { get; }

        public IReadOnlyList<CustomerTenant> Skipped { get; }

        public static async Task<FaultRun> StartAsync(SandboxHost host, string yaml = "")
        {
            host.Faults.Clear();
            var workspace = await new Workspace().WithSandboxAsync(host, yaml);
            workspace.CopyJob("hello.csx");
            var session = await Sessions.OpenAsync(workspace);
            var all = await session.Tenants.GetAsync(refresh: false, CancellationToken.None);
            var selection = TenantSelector.Select(all, ["all"], [], session.Config.Tenants, DateTimeOffset.UtcNow);
            return new FaultRun(workspace, session, selection.Run, selection.Skipped.Select(s => s.Tenant).ToList());
        }

        public Task<RunOutcome> RunHelloAsync(TimeSpan? timeout = null) =>
            new JobRunner(Session).RunAsync(new JobRequest
            {
                Job = "hello",
                ScriptPath = Workspace.Path("jobs/hello.csx"),
                Timeout = timeout ?? TimeSpan.FromMinutes(1),
            }, new RecordingObserver(), CancellationToken.None);

        /// <summary>Every selected tenant has exactly one outcome; the active ones are these.</summary>
        public IReadOnlyList<TenantOutcome> Active(RunOutcome outcome)
        {
            Assert.Equal(Tenants.Count + Skipped.Count, outcome.Tenants.Count);
            Assert.Equal(outcome.Tenants.Count, outcome.Tenants.Select(t => t.Tenant.Id).Distinct().Count());
            Assert.All(outcome.Tenants.Where(t => Skipped.Contains(t.Tenant)), t => Assert.Equal(TenantStatus.Skipped, t.Status));
            return outcome.Tenants.Where(t => Tenants.Contains(t.Tenant)).ToList();
        }

        /// <summary>History holds the run with the same status and every tenant's outcome.</summary>
        public async Task AssertHistoryMatchesAsync(RunOutcome outcome)
        {
            var details = await Session.History.GetRunAsync(outcome.RunId, CancellationToken.None);
            Assert.NotNull(details);
            Assert.Equal(outcome.Status, details.Run.Status);
            Assert.Equal(
                outcome.Tenants.Select(t => (t.Tenant.Id.ToString(), t.Status)).Order(),
                details.Tenants.Select(t => (t.TenantId, t.Status)).Order());
            Assert.Equal(outcome.Count(TenantStatus.Succeeded), details.Run.Succeeded);
            Assert.Equal(outcome.Count(TenantStatus.Failed), details.Run.Failed);
            Assert.Equal(outcome.Count(TenantStatus.TimedOut), details.Run.TimedOut);
            Assert.Equal(outcome.Count(TenantStatus.Cancelled), details.Run.Cancelled);
            Assert.Equal(outcome.Count(TenantStatus.Skipped), details.Run.Skipped);
        }

        public async ValueTask DisposeAsync()
        {
            await Session.DisposeAsync();
            Workspace.Dispose();
        }
    }
}
