using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Runner.Execution;
using Runner.History;
using Runner.Tenants;

namespace Runner.Tests.History;

/// <summary>What every history store must do, run against SQLite and against a real PostgreSQL.</summary>
public abstract class RunHistoryContract
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    internal abstract Task<IRunHistory> OpenAsync();

    [Fact]
    public async Task A_finished_run_counts_its_tenants_and_keeps_results_and_logs()
    {
        await using var history = await OpenAsync();
        await history.StartRunAsync(Run("r1", total: 3), CancellationToken.None);
        history.RecordTenant("r1", Outcome("contoso", TenantStatus.Succeeded, new JsonObject { ["users"] = 4 }, "contoso: 4 users"));
        history.RecordTenant("r1", Outcome("fabrikam", TenantStatus.Failed, null, null, error: "boom"));
        history.RecordTenant("r1", Outcome("litware", TenantStatus.Skipped, null, null, error: "No GDAP"));
        await history.FinishRunAsync("r1", RunStatus.Failed, T0.AddSeconds(5), null, CancellationToken.None);

        var details = await history.GetRunAsync("r1", CancellationToken.None);

        Assert.NotNull(details);
        Assert.Equal(RunStatus.Failed, details.Run.Status);
        Assert.Equal((3, 1, 1, 1), (details.Run.Total, details.Run.Succeeded, details.Run.Failed, details.Run.Skipped));
        Assert.Equal(T0.AddSeconds(5), details.Run.FinishedAt);
        Assert.Equal("{\"users\":4}", details.Tenants.Single(t => t.Domain == "contoso.example").Result);
        Assert.Equal("boom", details.Tenants.Single(t => t.Domain == "fabrikam.example").Error);
        var log = Assert.Single(details.Logs);
        Assert.Equal("contoso: 4 users", log.Message);
        Assert.Equal(nameof(LogLevel.Information), log.Level);
    }

    [Fact]
    public async Task The_workers_start_fills_in_the_schedulers_row_without_losing_trigger_attempt_or_occurrence()
    {
        await using var history = await OpenAsync();
        var scheduled = T0.AddMinutes(1);
        await history.StartRunAsync(Run("r2", trigger: TriggerKinds.Retry, attempt: 2, pid: 100) with { ScheduledFor = scheduled }, CancellationToken.None);

        await history.StartRunAsync(Run("r2", trigger: TriggerKinds.Run, attempt: 1, pid: 200, total: 7, started: T0.AddSeconds(3)), CancellationToken.None);

        var run = (await history.GetRunAsync("r2", CancellationToken.None))!.Run;
        Assert.Equal((TriggerKinds.Retry, 2, 200, 7), (run.Trigger, run.Attempt, run.ProcessId, run.Total));
        Assert.Equal(scheduled, run.ScheduledFor);
        Assert.Equal(T0, run.StartedAt);
    }

    [Fact]
    public async Task Close_changes_only_a_run_that_is_still_running()
    {
        await using var history = await OpenWithRunningAndDoneAsync();

        Assert.True(await history.CloseRunAsync("open", RunStatus.TimedOut, T0.AddSeconds(9), "killed", CancellationToken.None));
        Assert.False(await history.CloseRunAsync("done", RunStatus.Failed, T0.AddSeconds(9), "late", CancellationToken.None));

        var open = (await history.GetRunAsync("open", CancellationToken.None))!.Run;
        var done = (await history.GetRunAsync("done", CancellationToken.None))!.Run;
        Assert.Equal((RunStatus.TimedOut, "killed"), (open.Status, open.Error));
        Assert.Equal((RunStatus.Succeeded, (string?)null), (done.Status, done.Error));
    }

    [Fact]
    public async Task Recording_a_process_changes_only_a_run_that_is_still_running()
    {
        await using var history = await OpenWithRunningAndDoneAsync();

        await history.RecordProcessAsync("open", 4242, CancellationToken.None);
        await history.RecordProcessAsync("done", 4242, CancellationToken.None);

        Assert.Equal(4242, (await history.GetRunAsync("open", CancellationToken.None))!.Run.ProcessId);
        Assert.NotEqual(4242, (await history.GetRunAsync("done", CancellationToken.None))!.Run.ProcessId);
    }

    [Fact]
    public async Task An_occurrence_lists_every_attempt_in_order_and_nothing_else()
    {
        await using var history = await OpenAsync();
        var occurrence = T0.AddHours(1);
        await history.StartRunAsync(Run("b", attempt: 2, trigger: TriggerKinds.Recovery) with { ScheduledFor = occurrence }, CancellationToken.None);
        await history.StartRunAsync(Run("a", attempt: 1, trigger: TriggerKinds.Cron) with { ScheduledFor = occurrence }, CancellationToken.None);
        await history.StartRunAsync(Run("other", attempt: 1, trigger: TriggerKinds.Cron) with { ScheduledFor = occurrence.AddSeconds(2) }, CancellationToken.None);

        var attempts = await history.ListOccurrenceAsync("job", occurrence, CancellationToken.None);

        Assert.Equal(["a", "b"], attempts.Select(r => r.Id));
        Assert.Equal(["a", "b", "other"], (await history.ListRunningAsync(CancellationToken.None)).Select(r => r.Id).Order());
    }

    [Fact]
    public async Task Interrupted_marks_only_this_nodes_runs_whose_process_is_gone()
    {
        await using var history = await OpenAsync();
        await history.StartRunAsync(Run("dead", node: "a", pid: 1), CancellationToken.None);
        await history.StartRunAsync(Run("alive", node: "a", pid: 2), CancellationToken.None);
        await history.StartRunAsync(Run("elsewhere", node: "b", pid: 1), CancellationToken.None);

        var marked = await history.MarkInterruptedAsync("a", pid => pid == 2, T0.AddMinutes(1), CancellationToken.None);

        Assert.Equal(["dead"], marked.Select(r => r.Id));
        Assert.Equal(RunStatus.Interrupted, (await history.GetRunAsync("dead", CancellationToken.None))!.Run.Status);
        Assert.Equal(RunStatus.Running, (await history.GetRunAsync("alive", CancellationToken.None))!.Run.Status);
        Assert.Equal(RunStatus.Running, (await history.GetRunAsync("elsewhere", CancellationToken.None))!.Run.Status);
    }

    [Fact]
    public async Task Prune_deletes_old_finished_runs_with_their_tenants_and_keeps_recent_and_running_ones()
    {
        await using var history = await OpenAsync();
        await history.StartRunAsync(Run("old", started: T0.AddDays(-100)), CancellationToken.None);
        history.RecordTenant("old", Outcome("contoso", TenantStatus.Succeeded, null, "a line"));
        await history.FinishRunAsync("old", RunStatus.Succeeded, T0.AddDays(-100), null, CancellationToken.None);
        await history.StartRunAsync(Run("unfinished", started: T0.AddDays(-100)), CancellationToken.None);
        await history.StartRunAsync(Run("recent", started: T0.AddDays(-1)), CancellationToken.None);
        await history.FinishRunAsync("recent", RunStatus.Succeeded, T0.AddDays(-1), null, CancellationToken.None);

        var deleted = await history.PruneAsync(T0.AddDays(-90), CancellationToken.None);

        Assert.Equal(1, deleted);
        Assert.Null(await history.GetRunAsync("old", CancellationToken.None));
        Assert.NotNull(await history.GetRunAsync("unfinished", CancellationToken.None));
        Assert.NotNull(await history.GetRunAsync("recent", CancellationToken.None));
    }

    [Fact]
    public async Task A_run_is_found_by_a_unique_prefix_and_an_ambiguous_prefix_is_an_error()
    {
        await using var history = await OpenAsync();
        await history.StartRunAsync(Run("20261130-080000-aaaaaa"), CancellationToken.None);
        await history.StartRunAsync(Run("20261130-080000-abbbbb"), CancellationToken.None);

        Assert.Equal("20261130-080000-aaaaaa", (await history.GetRunAsync("20261130-080000-aa", CancellationToken.None))!.Run.Id);
        await Assert.ThrowsAsync<HistoryException>(() => history.GetRunAsync("20261130-080000-a", CancellationToken.None));
        Assert.Null(await history.GetRunAsync("nothing", CancellationToken.None));
        Assert.Equal(2, (await history.ListRunsAsync("job", 10, CancellationToken.None)).Count);
        Assert.Empty(await history.ListRunsAsync("another-job", 10, CancellationToken.None));
    }

    [Fact]
    public async Task Writes_are_kept_with_their_run_and_tenant_listed_by_job_tenant_and_time_and_pruned_with_the_run()
    {
        await using var history = await OpenAsync();
        var contoso = Outcome("contoso", TenantStatus.Succeeded, null, null) with { Writes = [Write(0, "PATCH", "https://graph.example/v1.0/users/1", T0), Write(1, "DELETE", "https://graph.example/v1.0/users/2", T0.AddSeconds(1))] };
        var fabrikam = Outcome("fabrikam", TenantStatus.Succeeded, null, null) with { Writes = [Write(0, "PUT", "https://arm.example/subscriptions/s/resourcegroups/rg", T0)] };
        await history.StartRunAsync(Run("real"), CancellationToken.None);
        history.RecordTenant("real", contoso);
        history.RecordTenant("real", fabrikam);
        await history.FinishRunAsync("real", RunStatus.Succeeded, T0.AddSeconds(2), null, CancellationToken.None);
        await history.StartRunAsync(Run("plan", started: T0.AddSeconds(3)) with { Mode = "what-if" }, CancellationToken.None);
        history.RecordTenant("plan", Outcome("contoso", TenantStatus.Succeeded, null, null) with { Writes = [Write(0, "PATCH", "https://graph.example/v1.0/users/9", T0.AddSeconds(3)) with { Simulated = true }] });
        await history.FinishRunAsync("plan", RunStatus.Succeeded, T0.AddSeconds(4), null, CancellationToken.None);
        await history.StartRunAsync(Run("old", started: T0.AddDays(-100)), CancellationToken.None);
        history.RecordTenant("old", Outcome("contoso", TenantStatus.Succeeded, null, null) with { Writes = [Write(0, "PATCH", "https://graph.example/v1.0/users/0", T0.AddDays(-100))] });
        await history.FinishRunAsync("old", RunStatus.Succeeded, T0.AddDays(-100), null, CancellationToken.None);

        var run = await history.GetRunAsync("real", CancellationToken.None);
        Assert.Equal(["PATCH", "DELETE", "PUT"], run!.Writes.OrderBy(w => w.Domain).ThenBy(w => w.Write.Sequence).Select(w => w.Write.Method));
        var patch = run.Writes.Single(w => w.Write.Method == "PATCH");
        Assert.Equal((204, "req-0", "sha256:00", "{\"accountEnabled\":false}", "job", "contoso.example"), (patch.Write.Status, patch.Write.RequestId, patch.Write.BodyHash, patch.Write.Body, patch.Job, patch.Domain));
        Assert.Equal("what-if", (await history.GetRunAsync("plan", CancellationToken.None))!.Run.Mode);
        Assert.Null(run.Run.Mode);

        var inContoso = await history.ListWritesAsync(new WriteQuery(null, "job", "CONTOSO.example", T0.AddMinutes(-1), false, 100), CancellationToken.None);
        Assert.Equal(["PATCH", "DELETE"], inContoso.Select(w => w.Write.Method));
        var withPlans = await history.ListWritesAsync(new WriteQuery(null, null, contoso.Tenant.Id.ToString(), T0.AddMinutes(-1), true, 100), CancellationToken.None);
        Assert.Equal(2, withPlans.Count);
        Assert.Single(await history.ListWritesAsync(new WriteQuery(null, null, "contoso.example", T0.AddMinutes(-1), true, 1), CancellationToken.None));
        Assert.Empty(await history.ListWritesAsync(new WriteQuery(null, "another-job", null, null, true, 100), CancellationToken.None));
        Assert.Equal(5, (await history.ListWritesAsync(new WriteQuery(null, null, null, null, true, 100), CancellationToken.None)).Count);

        await history.PruneAsync(T0.AddDays(-90), CancellationToken.None);

        Assert.Equal(4, (await history.ListWritesAsync(new WriteQuery(null, null, null, null, true, 100), CancellationToken.None)).Count);
    }

    private static Runner.Writes.WriteRecord Write(int sequence, string method, string url, DateTimeOffset at) =>
        new(sequence, at, "graph", method, url, 204, $"req-{sequence}", TimeSpan.FromMilliseconds(30), "sha256:00", "{\"accountEnabled\":false}", "{\"accountEnabled\":false}", false);

    /// <summary>A history holding run "open", still Running, and run "done", Succeeded.</summary>
    private protected async Task<IRunHistory> OpenWithRunningAndDoneAsync()
    {
        var history = await OpenAsync();
        await history.StartRunAsync(Run("open"), CancellationToken.None);
        await history.StartRunAsync(Run("done"), CancellationToken.None);
        await history.FinishRunAsync("done", RunStatus.Succeeded, T0.AddSeconds(1), null, CancellationToken.None);
        return history;
    }

    private protected static RunRecord Run(string id, string trigger = TriggerKinds.Cron, int attempt = 1, int? pid = 42, int total = 0, string node = "node-1", DateTimeOffset? started = null) =>
        new(id, "job", "/jobs/job.csx", trigger, node, pid, started ?? T0, null, RunStatus.Running, total, 0, 0, 0, 0, 0, null, attempt, null);

    private static TenantOutcome Outcome(string name, TenantStatus status, JsonNode? result, string? log, string? error = null) =>
        new(new CustomerTenant { Id = Guid.NewGuid(), Domain = $"{name}.example", CompanyName = name }, status, T0, TimeSpan.FromMilliseconds(12), result, error,
            log is null ? [] : [new LogLine(T0, LogLevel.Information, log)]);
}
