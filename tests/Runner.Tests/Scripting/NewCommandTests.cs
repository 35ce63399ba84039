using System.Text.Json.Nodes;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scripting;

/// <summary>runner new: a commented job script that compiles cleanly and runs against the sandbox as written.</summary>
public sealed class NewCommandTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task New_writes_a_job_that_checks_clean_and_runs_across_the_sandbox_tenants()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);

        var created = await workspace.RunAsync("new", "recent-users");
        var check = await workspace.RunAsync("check", "jobs/recent-users.csx");
        var run = await workspace.RunAsync("run", "jobs/recent-users.csx", "--param", "days=400", "--output", "json");

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains("Created jobs/recent-users.csx", created.Output);
        var text = File.ReadAllText(workspace.Path("jobs/recent-users.csx"));
        Assert.Contains("#load \"_editor/runner.globals.csx\"", text);
        Assert.Contains("Params.Get<int>(\"days\", 90)", text);
        Assert.True(File.Exists(workspace.Path("jobs/_editor/runner.globals.csx")));
        Assert.True(File.Exists(workspace.Path("omnisharp.json")));
        Assert.Contains("useOmnisharp", File.ReadAllText(workspace.Path(".vscode/settings.json")));

        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("1 script(s) checked: 0 error(s), 0 warning(s).", check.Output);

        Assert.True(run.ExitCode == 0, run.ToString());
        var since = DateTimeOffset.UtcNow.AddDays(-400);
        foreach (var customer in sandbox.Host.Context.Directory.Customers)
        {
            var row = JsonNode.Parse(run.Output)!["tenants"]!.AsArray().Single(t => (string)t!["tenantId"]! == customer.Id.ToString())!;
            if ((string)row["status"]! == "Skipped")
            {
                continue;
            }

            Assert.Equal("Succeeded", (string)row["status"]!);
            Assert.Equal(customer.Content.Users.Count(u => u.CreatedDateTime >= since), (int)row["result"]!["newUsers"]!);
            Assert.Equal(customer.Content.PartnerSubscriptions.Count(s => s.Status == "active"), (int)row["result"]!["activeSubscriptions"]!);
        }
    }

    [Fact]
    public async Task New_partner_level_writes_a_job_that_runs_once_for_the_partner()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);

        var created = await workspace.RunAsync("new", "gdap-watch", "--partner-level");
        var run = await workspace.RunAsync("run", "jobs/gdap-watch.csx", "--param", "days=3650", "--output", "json");

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains("partnerLevel: true", created.Output);
        Assert.True(run.ExitCode == 0, run.ToString());
        var row = Assert.Single(JsonNode.Parse(run.Output)!["tenants"]!.AsArray())!;
        Assert.Equal("Succeeded", (string)row["status"]!);
        Assert.NotEmpty(row["result"]!.AsArray());
        Assert.Equal(sandbox.Host.Customers.Count(c => c.GdapStatus == "active"), row["result"]!.AsArray().Count);
    }

    [Fact]
    public async Task New_does_not_overwrite_a_script_and_rejects_a_name_that_is_not_a_file_name()
    {
        using var workspace = new Workspace().WithBuiltInSandbox();
        workspace.Write("jobs/taken.csx", "return 1;\n");

        var taken = await workspace.RunAsync("new", "taken");
        var invalid = await workspace.RunAsync("new", "../outside");
        var forced = await workspace.RunAsync("new", "taken", "--force");

        Assert.Equal(2, taken.ExitCode);
        Assert.Contains("jobs/taken.csx already exists", taken.Error);
        Assert.Equal(2, invalid.ExitCode);
        Assert.Contains("'../outside' is not a job name", invalid.Error);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Contains("Graph.Users.GetAsync", File.ReadAllText(workspace.Path("jobs/taken.csx")));
        Assert.False(File.Exists(workspace.Path("outside.csx")));
    }
}
