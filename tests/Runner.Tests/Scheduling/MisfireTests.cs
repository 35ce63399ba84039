using System.Globalization;
using System.Text.Json.Nodes;
using Runner.Execution;
using Runner.History;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scheduling;

/// <summary>A fire missed while no host ran: by default it runs once as soon as a host is back; with misfire: skip it
/// is dropped and the job waits for its next time.</summary>
public sealed class MisfireTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task After_downtime_a_missed_fire_runs_once_by_default_and_not_at_all_with_misfire_skip()
    {
        // One fire, a few seconds from now, that the host will be down for.
        var at = DateTimeOffset.UtcNow.AddSeconds(12);
        var cron = $"{at.Second} {at.Minute} {at.Hour} {at.Day} {at.Month} ? {at.Year}";
        await using var hooks = await Notifications.WebhookReceiver.StartAsync();
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host, $$"""
            scheduler: { misfireThreshold: 1s, keepAlive: off, warmWorkers: 0 }  # each fire starts its own worker: the path without warm workers
            notify:
              channels:
                ops: { type: webhook, url: "{{hooks.Url("/ops")}}" }
              rules:
                - { on: [misfire], channels: [ops] }
            jobs:
              catch-up: { script: jobs/job.csx, schedule: "{{cron}}" }
              skipped: { script: jobs/job.csx, schedule: "{{cron}}", misfire: skip }
            """);
        workspace.Write("jobs/job.csx", "// runner: partner-level\nreturn 1;\n");

        await RunHostAsync(workspace, async () => await Eventually.TrueAsync(async () =>
        {
            var jobs = await JobsAsync(workspace);
            return jobs.Count(j => (string)j["state"]! == "scheduled") == 2;
        }, TimeSpan.FromSeconds(30), "both jobs in the store"));
        Assert.True(DateTimeOffset.UtcNow < at.AddSeconds(-1), "the host stopped before the fire (the test needs more lead time on this machine)");

        await Task.Delay(at.AddSeconds(3) - DateTimeOffset.UtcNow);
        await RunHostAsync(workspace, async () =>
        {
            var run = await Eventually.GetAsync(async () => (await RunsAsync(workspace, "catch-up")).FirstOrDefault(r => r.Status == RunStatus.Succeeded),
                TimeSpan.FromSeconds(30), "the missed fire of catch-up");
            Assert.Equal(TriggerKinds.Cron, run.Trigger);
            Assert.Equal(at.ToUnixTimeSeconds(), run.ScheduledFor!.Value.ToUnixTimeSeconds());
            // The skipped fire is not silent: the misfire rule sends one message for it.
            await Eventually.TrueAsync(() => Task.FromResult(hooks.Received.Any(r => (string)r.Body["title"]! == "skipped missed its fire")),
                TimeSpan.FromSeconds(30), "the misfire message for skipped");
            await Task.Delay(TimeSpan.FromSeconds(3));
        });

        Assert.Single(await RunsAsync(workspace, "catch-up"));
        Assert.Empty(await RunsAsync(workspace, "skipped"));
        Assert.Single(hooks.Received, r => (string)r.Body["event"]! == "misfire");
        var skipped = (await JobsAsync(workspace)).Single(j => (string)j["job"]! == "skipped");
        Assert.Null(skipped["nextFire"]);
    }

    private static async Task RunHostAsync(Workspace workspace, Func<Task> whileRunning)
    {
        using var stop = new CancellationTokenSource();
        var host = Task.Run(() => workspace.RunAsync(stop.Token, "host"));
        try
        {
            await whileRunning();
        }
        catch
        {
            await stop.CancelAsync();
            throw new InvalidOperationException($"The host said: {await host.WaitAsync(TimeSpan.FromSeconds(60))}");
        }

        await stop.CancelAsync();
        var result = await host.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private static async Task<IReadOnlyList<JsonNode>> JobsAsync(Workspace workspace)
    {
        var result = await workspace.RunAsync("jobs", "--output", "json");
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonNode.Parse(result.Output)!["jobs"]!.AsArray().Select(j => j!).ToList();
    }

    private static async Task<IReadOnlyList<RunRecord>> RunsAsync(Workspace workspace, string job)
    {
        await using var history = SqliteRunHistory.Open(workspace.Path(".runner/history.db"));
        return await history.ListRunsAsync(job, 10, CancellationToken.None);
    }
}
