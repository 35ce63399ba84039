using System.Globalization;
using System.Text.Json.Nodes;
using Runner.Configuration;
using Runner.Scheduling;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scheduling;

/// <summary>`runner jobs` and `runner trigger` against a store no host serves yet, and the host's own checks.</summary>
public sealed class SchedulerCommandsTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Jobs_without_a_host_shows_next_fires_from_runner_yaml_and_says_nothing_fires()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host, """
            jobs:
              daily: { script: jobs/job.csx, schedule: "0 30 6 * * ?", timeZone: Europe/Berlin }
              manual: { script: jobs/job.csx }
              paused: { script: jobs/job.csx, schedule: "0 0 * * * ?", enabled: false }
            """);
        workspace.Write("jobs/job.csx", "return 1;\n");

        var table = await workspace.RunAsync("jobs");
        var json = await workspace.RunAsync("jobs", "--output", "json");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("No `runner host` is running", table.Output);
        var jobs = JsonNode.Parse(json.Output)!["jobs"]!.AsArray().ToDictionary(j => (string)j!["job"]!, j => j!);
        Assert.False((bool)JsonNode.Parse(json.Output)!["hostRunning"]!);
        Assert.Equal(["daily", "keep-alive", "manual", "paused"], jobs.Keys.Order());
        var next = TimeZoneInfo.ConvertTime(DateTimeOffset.Parse((string)jobs["daily"]["nextFire"]!, CultureInfo.InvariantCulture), TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        Assert.Equal((6, 30), (next.Hour, next.Minute));
        Assert.Equal("not yet scheduled", (string)jobs["daily"]["state"]!);
        Assert.Equal("on demand", (string)jobs["manual"]["state"]!);
        Assert.Equal("disabled", (string)jobs["paused"]["state"]!);
        Assert.Null(jobs["paused"]["nextFire"]);
    }

    [Fact]
    public async Task Trigger_writes_the_run_into_the_store_and_says_it_is_queued_until_a_host_starts()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host, "jobs:\n  manual: { script: jobs/job.csx }\n");
        workspace.Write("jobs/job.csx", "return 1;\n");

        var result = await workspace.RunAsync("trigger", "manual", "--param", "days=30");

        Assert.True(result.ExitCode == 0, result.ToString());
        var runId = result.Output.Trim();
        Assert.Matches(@"^\d{8}-\d{6}-[0-9a-f]{6}$", runId);
        Assert.StartsWith($"Queued manual as run {runId}: no `runner host` is running for this store, so it starts when one does", result.Error, StringComparison.Ordinal);
        var config = ConfigLoader.Load(workspace.Path("runner.yaml"), workspace.Environment);
        var store = await SchedulerStore.ResolveAsync(config, new State.StateDirectory(config.StateDirectory),
            new global::Runner.Secrets.SecretResolver(new global::Runner.Secrets.EnvironmentSecretStore(workspace.Environment), workspace.Environment), CancellationToken.None);
        await using var client = await SchedulerClient.OpenAsync(store, CancellationToken.None);
        var trigger = await client.Scheduler.GetTrigger(new Quartz.TriggerKey(runId, SchedulerKeys.ManualTriggerGroup), CancellationToken.None);
        Assert.NotNull(trigger);
        Assert.Contains("\"days\":\"30\"", (string)trigger.JobDataMap[SchedulerKeys.Parameters]!);
    }

    [Fact]
    public async Task Trigger_of_an_unknown_job_is_a_usage_error_that_suggests_the_nearest()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host, "jobs:\n  inactive-users: { script: jobs/job.csx }\n");
        workspace.Write("jobs/job.csx", "return 1;\n");

        var result = await workspace.RunAsync("trigger", "inactive-user");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Did you mean inactive-users", result.Error);
    }

    [Fact]
    public async Task The_host_refuses_a_job_named_like_the_keep_alive_and_a_second_host_on_one_state_folder()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host, "jobs:\n  keep-alive: { script: jobs/job.csx }\n");
        workspace.Write("jobs/job.csx", "return 1;\n");

        var named = await workspace.RunAsync("host");

        Assert.Equal(2, named.ExitCode);
        Assert.Contains("'jobs.keep-alive': this name is taken by the built-in credential keep-alive", named.Error);

        workspace.Write("runner.yaml", File.ReadAllText(workspace.Path("runner.yaml")).Replace("keep-alive:", "other:", StringComparison.Ordinal));
        using var held = HostLock.Acquire(new State.StateDirectory(workspace.StatePath));
        var second = await workspace.RunAsync("host");

        Assert.Equal(2, second.ExitCode);
        Assert.Contains("Another `runner host` is already running", second.Error);
    }

    [Theory]
    [InlineData(null, 300, 8, 300, (38 * 5) + 5)]
    [InlineData(null, 1, 8, 60, 1 + 5)]
    [InlineData(null, 100_000, 1, 600, 6 * 60)]
    [InlineData(120, 1000, 8, 300, 120)]
    public void The_hard_limit_is_jobTimeout_or_the_time_the_tenants_could_take(int? jobTimeoutMinutes, int tenants, int parallel, int timeoutSeconds, int expectedMinutes)
    {
        var job = new JobSettings { Name = "j", Script = "/j.csx", JobTimeout = jobTimeoutMinutes is { } m ? TimeSpan.FromMinutes(m) : null };

        // 300 tenants, 8 at a time: 38 rounds of 5 minutes, plus 5; never more than 6 h.
        var limit = JobLimits.ForRun(job, tenants, parallel, TimeSpan.FromSeconds(timeoutSeconds));

        Assert.Equal(TimeSpan.FromMinutes(Math.Min(expectedMinutes, 360)), limit);
        Assert.Equal(jobTimeoutMinutes is null ? JobLimits.Ceiling : TimeSpan.FromMinutes(jobTimeoutMinutes.Value), JobLimits.Initial(job));
    }
}
