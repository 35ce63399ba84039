using System.Globalization;
using Runner.Execution;
using Runner.History;
using Runner.Runtime;

namespace Runner.Tests.Scheduling;

/// <summary>
/// Each fire runs in its own worker process: a script that overflows the stack, exits the process or never returns
/// takes down only its worker. Its run is recorded Failed or TimedOut with the reason, and the host goes on
/// scheduling (the heartbeat keeps beating). Also: retries, no overlap, and the built-in keep-alive.
/// </summary>
public sealed class WorkerIsolationTests(HostFixture host) : IClassFixture<HostFixture>
{
    [Fact]
    public async Task A_script_that_overflows_the_stack_fails_its_run_and_the_host_keeps_scheduling()
    {
        var (cli, run) = await host.TriggerAndWaitAsync("overflow");

        Assert.Equal(1, cli.ExitCode);
        Assert.Equal("Failed", (string)run["status"]!);
        Assert.Contains("stack overflow", (string)run["error"]!);
        Assert.Contains("Down(Int32)", (string)run["error"]!);
        await host.NextHeartbeatAsync(Finished(run));
    }

    [Fact]
    public async Task A_script_that_calls_Environment_Exit_fails_its_run_and_the_host_keeps_scheduling()
    {
        var (cli, run) = await host.TriggerAndWaitAsync("exits");

        Assert.Equal(1, cli.ExitCode);
        Assert.Equal("Failed", (string)run["status"]!);
        Assert.Contains("exited with code 0 before finishing the run", (string)run["error"]!);
        Assert.Contains("leaving now", (string)run["error"]!);
        await host.NextHeartbeatAsync(Finished(run));
    }

    [Fact]
    public async Task What_a_scheduled_script_prints_is_kept_in_each_tenants_log_in_the_run_history()
    {
        var (cli, run) = await host.TriggerAndWaitAsync("prints");

        Assert.True(cli.ExitCode == 0, cli.ToString());
        var show = await host.Workspace.RunAsync("show", (string)run["runId"]!, "--output", "json");
        var tenants = System.Text.Json.Nodes.JsonNode.Parse(show.Output)!["tenants"]!.AsArray().Where(t => (string)t!["status"]! == "Succeeded").ToList();
        Assert.NotEmpty(tenants);
        foreach (var tenant in tenants)
        {
            var log = tenant!["log"]!.AsArray().Select(l => $"{(string)l!["level"]!} {(string)l["message"]!}").ToList();
            Assert.Equal([$"Information hello from {(string)tenant["domain"]!}", "Error and a complaint"], log);
        }
    }

    [Fact]
    public async Task Tenants_printing_to_both_streams_at_once_never_hang_their_worker()
    {
        // Each tenant's console write reaches Runner inside Console.Out's or Console.Error's lock; the worker's echo
        // to standard error once took Console.Out's lock too (on Unix), and two tenants hung each other.
        var (cli, run) = await host.TriggerAndWaitAsync("noisy");

        Assert.True(cli.ExitCode == 0, cli.ToString());
        var show = await host.Workspace.RunAsync("show", (string)run["runId"]!, "--output", "json");
        var tenants = System.Text.Json.Nodes.JsonNode.Parse(show.Output)!["tenants"]!.AsArray().Where(t => (string)t!["status"]! == "Succeeded").ToList();
        Assert.True(tenants.Count >= 2, show.Output);
        var expected = Enumerable.Range(0, HostFixture.NoisyLines).SelectMany(i => new[] { $"Information out {i}", $"Error err {i}" }).ToList();
        foreach (var tenant in tenants)
        {
            Assert.Equal(expected, tenant!["log"]!.AsArray().Select(l => $"{(string)l!["level"]!} {(string)l["message"]!}").ToList());
        }
    }

    [Fact]
    public async Task A_script_that_reads_standard_input_sees_its_end_and_never_takes_another_fire()
    {
        // Standard input is the host's pipe to the worker: a script reading it once took the next fire's order.
        var (cli, run) = await host.TriggerAndWaitAsync("reads");
        var (next, _) = await host.TriggerAndWaitAsync("slow");

        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.Equal("(end of input)", (string)run["tenants"]![0]!["result"]!);
        Assert.True(next.ExitCode == 0, next.ToString());
    }

    [Fact]
    public async Task What_a_process_started_by_a_script_prints_goes_to_the_workers_diagnostics_never_into_its_event_stream()
    {
        // The worker's standard output is its event stream and a child inherits it: text without a newline there ran
        // into the next event line, which the host then could not read (a run's end, for one).
        var (cli, run) = await host.TriggerAndWaitAsync("spawns");

        Assert.Equal(1, cli.ExitCode);
        Assert.Equal("Failed", (string)run["status"]!);
        Assert.Contains("exited with code 3", (string)run["error"]!);
        Assert.Contains("child says hi", (string)run["error"]!);
        await host.NextHeartbeatAsync(Finished(run));
    }

    [Fact]
    public async Task A_process_a_script_leaves_running_does_not_keep_the_host_from_seeing_its_worker_end()
    {
        // Such a process inherits the worker's descriptors; one holding the event stream would keep the host reading
        // it after the worker ended, and the run would wait for that process (40 s here) or the hard limit (50 s).
        var started = DateTimeOffset.UtcNow;
        var (cli, run) = await host.TriggerAndWaitAsync("leaves");

        Assert.Equal("Failed", (string)run["status"]!);
        Assert.Contains("exited with code 4", (string)run["error"]!);
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(25), $"the run took {DateTimeOffset.UtcNow - started}: {cli}");
    }

    [Fact]
    public async Task A_script_that_never_returns_is_killed_at_the_jobs_hard_limit_and_recorded_TimedOut()
    {
        var (cli, run) = await host.TriggerAndWaitAsync("hangs");

        Assert.Equal(1, cli.ExitCode);
        Assert.Equal("TimedOut", (string)run["status"]!);
        Assert.Contains("hard time limit of 00:00:04", (string)run["error"]!);
        // The worker (warm or not: a warm one learns its run id on standard input, not its command line) recorded
        // its pid at the run's start; that process must be gone.
        var record = (await host.RunsAsync("hangs")).Single(r => r.Id == (string)run["runId"]!);
        Assert.NotNull(record.ProcessId);
        Assert.NotEqual(Environment.ProcessId, record.ProcessId);
        Assert.False(Processes.IsAlive(record.ProcessId!.Value), $"worker {record.ProcessId} still runs");
        await host.NextHeartbeatAsync(Finished(run));
    }

    [Fact]
    public async Task A_failed_run_is_retried_with_backoff_and_history_numbers_the_attempts()
    {
        var trigger = await host.Workspace.RunAsync("trigger", "flaky");
        Assert.True(trigger.ExitCode == 0, trigger.ToString());

        var runs = await host.WithDiagnosisAsync("flaky", () => Infrastructure.Eventually.GetAsync(async () =>
        {
            var all = await host.RunsAsync("flaky");
            return all.Any(r => r.Status == RunStatus.Succeeded) ? all : null;
        }, TimeSpan.FromSeconds(60), "flaky's successful retry"));

        var attempts = runs.OrderBy(r => r.Attempt).ToList();
        Assert.Equal([(1, TriggerKinds.Manual, RunStatus.Failed), (2, TriggerKinds.Retry, RunStatus.Succeeded)],
            attempts.Select(r => (r.Attempt, r.Trigger, r.Status)));
        Assert.Equal(trigger.Output.Trim(), attempts[0].Id);
        Assert.Equal(attempts[0].ScheduledFor, attempts[1].ScheduledFor);
        Assert.True(attempts[1].StartedAt - attempts[0].FinishedAt!.Value >= TimeSpan.FromSeconds(0.9), "the retry waited for retryBackoff");
    }

    [Fact]
    public async Task Fires_of_one_job_never_overlap()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(0, (await host.Workspace.RunAsync("trigger", "slow")).ExitCode);
        }

        var runs = await host.WithDiagnosisAsync("slow", () => Infrastructure.Eventually.GetAsync(async () =>
        {
            var all = await host.RunsAsync("slow");
            return all.Count == 3 && all.All(r => r.FinishedAt is not null) ? all : null;
        }, TimeSpan.FromSeconds(60), "three finished runs of slow"));

        var ordered = runs.OrderBy(r => r.StartedAt).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            Assert.True(ordered[i].StartedAt >= ordered[i - 1].FinishedAt, $"run {ordered[i].Id} started before {ordered[i - 1].Id} finished");
        }
    }

    [Fact]
    public async Task The_credential_keep_alive_is_scheduled_daily_and_runs_on_demand()
    {
        var jobs = await host.Workspace.RunAsync("jobs", "--output", "json");
        Assert.True(jobs.ExitCode == 0, jobs.ToString());
        var keepAlive = System.Text.Json.Nodes.JsonNode.Parse(jobs.Output)!["jobs"]!.AsArray().Single(j => (string)j!["job"]! == "keep-alive")!;
        Assert.Equal("0 17 3 * * ?", (string)keepAlive["schedule"]!);
        Assert.Equal("scheduled", (string)keepAlive["state"]!);
        var next = DateTimeOffset.Parse((string)keepAlive["nextFire"]!, CultureInfo.InvariantCulture);
        Assert.Equal((3, 17, 0), (next.UtcDateTime.Hour, next.UtcDateTime.Minute, next.UtcDateTime.Second));

        var (cli, run) = await host.TriggerAndWaitAsync("keep-alive");

        Assert.True(cli.ExitCode == 0, cli.ToString());
        var tenant = run["tenants"]!.AsArray().Single()!;
        Assert.Equal(host.Sandbox.PartnerTenantId.ToString(), (string)tenant["result"]!["partnerTenant"]!);
        Assert.Equal(host.Sandbox.AdminUserPrincipalName, (string)tenant["result"]!["user"]!);
    }

    private static DateTimeOffset Finished(System.Text.Json.Nodes.JsonNode run) =>
        DateTimeOffset.Parse((string)run["finishedAt"]!, CultureInfo.InvariantCulture);
}
