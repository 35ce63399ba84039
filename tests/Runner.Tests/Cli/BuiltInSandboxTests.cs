using System.Text.Json.Nodes;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Cli;

/// <summary>cloud: sandbox, as a newcomer runs it: the sandbox starts inside runner and consent is simulated.</summary>
public sealed class BuiltInSandboxTests
{
    [Fact]
    public async Task Cloud_sandbox_runs_hello_across_all_tenants_twice_reusing_the_stored_credential()
    {
        using var workspace = new Workspace().WithBuiltInSandbox();
        workspace.CopyJob("hello.csx");

        var first = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", "all", "--output", "json");
        var second = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", "all", "--output", "json");

        foreach (var result in new[] { first, second })
        {
            Assert.True(result.ExitCode == 0, result.ToString());
            var tenants = JsonNode.Parse(result.Output)!["tenants"]!.AsArray();
            Assert.Equal(10, tenants.Count);
            Assert.Equal(8, tenants.Count(t => (string)t!["status"]! == "Succeeded"));
            Assert.Equal(2, tenants.Count(t => (string)t!["status"]! == "Skipped"));
        }

        Assert.True(File.Exists(workspace.Path(".runner/tokens.bin")));
    }

    [Fact]
    public async Task Four_first_runs_started_at_once_in_a_fresh_folder_all_succeed_and_so_does_the_next()
    {
        using var workspace = new Workspace().WithBuiltInSandbox();
        workspace.CopyJob("hello.csx");

        var processes = Enumerable.Range(0, 4).Select(_ => RunnerProcess.StartDll(workspace, "run", "jobs/hello.csx", "--tenant", "all", "--output", "json")).ToList();
        try
        {
            var results = await Task.WhenAll(processes.Select(p => p.ResultAsync(TimeSpan.FromMinutes(3))));
            var next = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", "all", "--output", "json");

            foreach (var result in results.Append(next))
            {
                Assert.True(result.ExitCode == 0, result.ToString());
                Assert.Equal(8, JsonNode.Parse(result.Output)!["tenants"]!.AsArray().Count(t => (string)t!["status"]! == "Succeeded"));
            }
        }
        finally
        {
            processes.ForEach(p => p.Dispose());
        }
    }

    [Fact]
    public async Task Changing_the_sandbox_seed_or_customer_count_re_establishes_the_sandbox_credential_without_a_browser()
    {
        using var workspace = new Workspace().WithBuiltInSandbox();
        workspace.CopyJob("hello.csx");
        var first = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", "all");

        workspace.Write("runner.yaml", "cloud: sandbox\nsandbox:\n  customers: 10\n  seed: 7\n");
        var otherSeed = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", "all", "--output", "json");
        workspace.Write("runner.yaml", "cloud: sandbox\nsandbox:\n  customers: 20\n  seed: 7\n");
        var moreCustomers = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", "all", "--output", "json");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(otherSeed.ExitCode == 0, otherSeed.ToString());
        Assert.True(moreCustomers.ExitCode == 0, moreCustomers.ToString());
        Assert.Equal(20, JsonNode.Parse(moreCustomers.Output)!["tenants"]!.AsArray().Count);
    }

    [Fact]
    public async Task Advancing_the_sandbox_clock_past_90_idle_days_makes_run_and_auth_status_say_the_refresh_token_expired_with_exit_3()
    {
        using var workspace = new Workspace().WithBuiltInSandbox();
        workspace.CopyJob("hello.csx");
        var fresh = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", "all");

        workspace.Write("runner.yaml", "cloud: sandbox\nsandbox:\n  customers: 10\n  faults:\n    advanceClock: 91d\n");
        var run = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", "all");
        var status = await workspace.RunAsync("auth", "status");

        Assert.True(fresh.ExitCode == 0, fresh.ToString());
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.StartsWith("error: The refresh token expired after 90 days without use. Run `runner consent`", run.Error.Trim());
        Assert.True(status.ExitCode == 3, status.ToString());
        Assert.Contains("0 days left", status.Output);
        Assert.Contains("91 days ago", status.Output);
    }
}
