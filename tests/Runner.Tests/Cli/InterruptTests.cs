using System.Diagnostics;
using System.Text.Json.Nodes;
using Runner.Sandbox;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Cli;

/// <summary>
/// Ctrl+C as an operator presses it: the real `runner` process gets SIGINT. The first asks running tenants to stop
/// and still reports every tenant; a second exits at once.
/// </summary>
public sealed class InterruptTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private SandboxHost Host => sandbox.Host;

    [Fact]
    public async Task The_first_Ctrl_C_stops_running_tenants_and_reports_every_tenant_with_exit_130()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        workspace.Write("jobs/wait.csx", """
            await Graph.Organization.GetAsync(cancellationToken: CancellationToken);
            await Task.Delay(Timeout.Infinite, CancellationToken);
            return 1;
            """);
        Host.Requests.Clear();
        using var runner = RunnerProcess.Start(workspace, "run", "jobs/wait.csx", "--output", "json", "--parallel", "3");

        await WaitUntilAsync(() => Host.Requests.Snapshot().Any(r => r.Api == "graph" && r.Path.EndsWith("/organization", StringComparison.Ordinal)), runner);
        runner.Interrupt();
        var exit = await runner.WaitAsync();

        Assert.True(exit == 130, runner.ToString());
        Assert.Contains("Stopping", runner.Error);
        var tenants = JsonNode.Parse(runner.Output)!["tenants"]!.AsArray();
        Assert.Equal(Host.Customers.Count, tenants.Count);
        Assert.All(tenants, t => Assert.Contains((string)t!["status"]!, new[] { "Cancelled", "Skipped" }));
        Assert.Contains(tenants, t => (string?)t!["error"] == "Cancelled while running.");
    }

    [Fact]
    public async Task A_second_Ctrl_C_exits_at_once_even_when_a_script_ignores_cancellation()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        workspace.Write("jobs/stubborn.csx", """
            await Graph.Organization.GetAsync(cancellationToken: CancellationToken);
            await Task.Delay(Timeout.Infinite);
            return 1;
            """);
        Host.Requests.Clear();
        using var runner = RunnerProcess.Start(workspace, "run", "jobs/stubborn.csx", "--output", "json");

        await WaitUntilAsync(() => Host.Requests.Snapshot().Any(r => r.Api == "graph" && r.Path.EndsWith("/organization", StringComparison.Ordinal)), runner);
        runner.Interrupt();
        await WaitUntilAsync(() => runner.Error.Contains("Stopping", StringComparison.Ordinal), runner);
        runner.Interrupt();
        var exit = await runner.WaitAsync();

        Assert.True(exit == 130, runner.ToString());
        Assert.Equal("", runner.Output.Trim());
        await using var history = Runner.History.SqliteRunHistory.Open(workspace.Path(".runner/history.db"));
        var run = Assert.Single(await history.ListRunsAsync(null, 10, CancellationToken.None));
        Assert.Equal(Runner.Execution.RunStatus.Interrupted, run.Status);
        var detail = await history.GetRunAsync(run.Id, CancellationToken.None);
        Assert.Equal(Host.Customers.Count, detail!.Tenants.Count);
        Assert.Contains(detail.Tenants, t => t.Error == "Stopped while running: Runner was told to exit at once (a second Ctrl+C or SIGTERM).");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, RunnerProcess runner)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.False(runner.HasExited, $"runner ended early: {runner}");
            Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(2), $"gave up waiting: {runner}");
            await Task.Delay(20);
        }
    }
}
