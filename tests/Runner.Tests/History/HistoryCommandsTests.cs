using System.Text.Json.Nodes;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.History;

/// <summary>`runner history` and `runner show` read back what a real run recorded.</summary>
public sealed class HistoryCommandsTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task History_lists_a_run_and_show_gives_its_tenants_results_and_logs()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.CopyJob("hello.csx");
        var run = await workspace.RunAsync("run", "jobs/hello.csx", "--output", "json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var runId = (string)JsonNode.Parse(run.Output)!["runId"]!;

        var list = await workspace.RunAsync("history");
        var listJson = await workspace.RunAsync("history", "hello", "--last", "1", "--output", "json");
        var show = await workspace.RunAsync("show", runId[..^2]);
        var showJson = await workspace.RunAsync("show", runId, "--output", "json");

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(runId, list.Output);
        Assert.Contains("Succeeded", list.Output);
        var entry = Assert.Single(JsonNode.Parse(listJson.Output)!.AsArray())!;
        Assert.Equal((runId, "run", 1), ((string)entry["runId"]!, (string)entry["trigger"]!, (int)entry["attempt"]!));
        Assert.True(show.ExitCode == 0, show.ToString());
        var reachable = sandbox.Host.Customers.First(c => c.GdapStatus == "active");
        Assert.Contains(reachable.Domain, show.Output);
        Assert.Contains($"{reachable.Domain}: ", show.Output);
        var details = JsonNode.Parse(showJson.Output)!;
        Assert.Equal(sandbox.Host.Customers.Count, details["tenants"]!.AsArray().Count);
        var tenant = details["tenants"]!.AsArray().Single(t => (string)t!["domain"]! == reachable.Domain)!;
        Assert.Contains("users", (string)tenant["log"]![0]!["message"]!);
        Assert.NotNull(tenant["result"]!["users"]);
    }

    [Fact]
    public async Task Show_of_an_unknown_run_is_a_usage_error()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);

        var result = await workspace.RunAsync("show", "20990101-000000-ffffff");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("No run matches", result.Error);
    }
}
