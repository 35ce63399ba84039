using System.Text.Json.Nodes;
using Runner.Execution;
using Runner.History;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scheduling;

/// <summary>A running host picks up edits to runner.yaml and to job scripts without a restart, and ignores a bad one.</summary>
public sealed class HotReloadTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Edits_reach_a_running_host_and_an_invalid_edit_is_reported_and_ignored()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host, Jobs("tick: { script: jobs/tick.csx, schedule: \"0/2 * * * * ?\" }"));
        workspace.Write("jobs/tick.csx", Script("v1"));
        workspace.Write("jobs/added.csx", Script("added"));
        using var stop = new CancellationTokenSource();
        var host = Task.Run(() => workspace.RunAsync(stop.Token, "host"));

        await ResultAsync(workspace, "tick", "\"v1\"", DateTimeOffset.MinValue);

        // A script edit is used from the next fire.
        var edited = DateTimeOffset.UtcNow;
        workspace.Write("jobs/tick.csx", Script("v2"));
        await ResultAsync(workspace, "tick", "\"v2\"", edited);

        // An edit that does not compile is reported, and the last version that compiled keeps running (and says so).
        edited = DateTimeOffset.UtcNow;
        workspace.Write("jobs/tick.csx", "// runner: partner-level\nreturn \"v3\"\n");
        var broken = await Eventually.GetAsync(async () => (await RunsAsync(workspace, "tick")).FirstOrDefault(r => r.StartedAt > edited && r.Error is not null), Wait, "a tick run on the last good version");
        Assert.Equal(RunStatus.Succeeded, broken.Status);
        Assert.Contains("error CS1002", broken.Error);
        Assert.Contains("ran the last version that did", broken.Error);
        await ResultAsync(workspace, "tick", "\"v2\"", edited);
        // The host reports the versions its checker sees (a change settles, then a `runner check` child compiles it);
        // a shared worker falls back to the last good version within a second, so give the checker time to see this
        // one before the next edit replaces it.
        await Task.Delay(TimeSpan.FromSeconds(8));
        edited = DateTimeOffset.UtcNow;
        workspace.Write("jobs/tick.csx", Script("v3"));
        await ResultAsync(workspace, "tick", "\"v3\"", edited);

        // runner.yaml: a new job appears and tick's schedule changes, without a restart.
        workspace.Write("runner.yaml", File.ReadAllText(workspace.Path("runner.yaml")).Replace(
            "tick: { script: jobs/tick.csx, schedule: \"0/2 * * * * ?\" }",
            "tick: { script: jobs/tick.csx, schedule: \"0 0 0 1 1 ? 2099\" }\n  added: { script: jobs/added.csx, schedule: \"0/2 * * * * ?\" }",
            StringComparison.Ordinal));
        await ResultAsync(workspace, "added", "\"added\"", DateTimeOffset.MinValue);
        var jobs = JsonNode.Parse((await workspace.RunAsync("jobs", "--output", "json")).Output)!["jobs"]!.AsArray();
        Assert.StartsWith("2099-01-01", (string)jobs.Single(j => (string)j!["job"]! == "tick")!["nextFire"]!);

        // A bad edit is reported and ignored: the last valid configuration keeps firing.
        var valid = File.ReadAllText(workspace.Path("runner.yaml"));
        workspace.Write("runner.yaml", valid.Replace("shutdownGrace: 2s", "shutdownGrace: soon", StringComparison.Ordinal));
        edited = DateTimeOffset.UtcNow;
        // The watcher reads the next change after it has compiled the scripts of the last one (a `runner check`
        // child, seconds on a busy machine), and fires are fast: wait for it rather than for a fire.
        await Task.Delay(TimeSpan.FromSeconds(10));
        await ResultAsync(workspace, "added", "\"added\"", edited.AddSeconds(3));

        await stop.CancelAsync();
        var result = await host.WaitAsync(Wait);
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var expected in (string[])["'scheduler.shutdownGrace'", "The edit is ignored", "tick.csx does not compile", "Schedules updated: added added; rescheduled tick"])
        {
            Assert.True(result.Error.Contains(expected, StringComparison.Ordinal), $"'{expected}' not in the host's log:\n{result.Error}");
        }
    }

    private static string Jobs(string jobs) => $"scheduler: {{ shutdownGrace: 2s }}\njobs:\n  {jobs}\n";

    private static string Script(string value) => $"// runner: partner-level\nreturn \"{value}\";\n";

    private static Task<IReadOnlyList<RunRecord>> RunsAsync(Workspace workspace, string job) => workspace.RunsAsync(job);

    /// <summary>Waits for a successful run of <paramref name="job"/> that started after <paramref name="after"/> and returned <paramref name="json"/>.</summary>
    private static Task ResultAsync(Workspace workspace, string job, string json, DateTimeOffset after) =>
        Eventually.TrueAsync(async () =>
        {
            await using var history = SqliteRunHistory.Open(workspace.Path(".runner/history.db"));
            foreach (var run in (await history.ListRunsAsync(job, 50, CancellationToken.None)).Where(r => r.StartedAt > after && r.Status == RunStatus.Succeeded))
            {
                if ((await history.GetRunAsync(run.Id, CancellationToken.None))!.Tenants.Any(t => t.Result == json))
                {
                    return true;
                }
            }

            return false;
        }, Wait, $"a run of {job} returning {json}");
}
