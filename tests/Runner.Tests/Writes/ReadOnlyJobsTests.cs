using System.Text.Json.Nodes;
using Runner.Sandbox;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Writes;

/// <summary>Read-only jobs: runner.yaml's writes: false (the default), --read-only, and the script's own line.</summary>
public sealed class ReadOnlyJobsTests(ReadOnlyJobsTests.Fixture fixture) : IClassFixture<ReadOnlyJobsTests.Fixture>
{
    public sealed class Fixture : SandboxFixture;

    private SandboxHost Host => fixture.Host;

    /// <summary>Adds a user to a group it is not in, catches whatever happens, and goes on as if nothing did.</summary>
    private const string Writer = """
        var users = await Graph.Users.GetAsync(r => r.QueryParameters.Top = 999, CancellationToken);
        Group? group = null;
        User? outsider = null;
        foreach (var candidate in (await Graph.Groups.GetAsync(cancellationToken: CancellationToken))!.Value!.OrderBy(g => g.DisplayName, StringComparer.Ordinal))
        {
            var members = await Graph.Groups[candidate.Id].Members.GetAsync(cancellationToken: CancellationToken);
            outsider = users!.Value!.Where(u => members!.Value!.All(m => m.Id != u.Id)).OrderBy(u => u.UserPrincipalName, StringComparer.Ordinal).FirstOrDefault();
            if (outsider is not null) { group = candidate; break; }
        }
        try
        {
            await Graph.Groups[group!.Id].Members.Ref.PostAsync(new ReferenceCreate { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{outsider!.Id}" }, cancellationToken: CancellationToken);
        }
        catch (Exception e)
        {
            Log.LogWarning("Ignoring: {Error}", e.Message);
        }

        return "went on";
        """;

    private string Tenant => Host.Context.Directory.Customers
        .First(c => Host.Context.Directory.HasActiveRelationship(c, Host.Clock.GetUtcNow()) && Host.IsWritable(c)).Domain;

    private async Task<Workspace> WorkspaceAsync(string jobYaml)
    {
        var workspace = await new Workspace().WithSandboxAsync(Host, $"jobs:\n  add-member:\n    script: jobs/add-member.csx\n{jobYaml}");
        workspace.Write("jobs/add-member.csx", Writer);
        workspace.Write("jobs/add-member-marked.csx", "// runner: read-only\n" + Writer);
        return workspace;
    }

    [Fact]
    public async Task A_job_in_runner_yaml_without_writes_true_fails_at_its_first_write_even_if_the_script_catches_it()
    {
        using var workspace = await WorkspaceAsync("");
        var sent = Host.Requests.Snapshot().Count;

        var result = await workspace.RunAsync("run", "add-member", "--tenant", Tenant, "--output", "json");

        Assert.Equal(1, result.ExitCode);
        var tenant = JsonNode.Parse(result.Output)!["tenants"]![0]!;
        Assert.Equal("Failed", tenant["status"]!.GetValue<string>());
        var error = tenant["error"]!.GetValue<string>();
        Assert.Contains("POST ", error, StringComparison.Ordinal);
        Assert.Contains("/members/$ref", error, StringComparison.Ordinal);
        Assert.Contains("jobs.add-member.writes", error, StringComparison.Ordinal);
        Assert.Contains("writes: true", error, StringComparison.Ordinal);
        Assert.Null(tenant["result"]);
        Assert.DoesNotContain(Host.Requests.Snapshot().Skip(sent), r => r.Method == "POST" && r.Api != "token");
    }

    [Fact]
    public async Task The_same_job_with_writes_true_makes_its_write()
    {
        using var workspace = await WorkspaceAsync("    writes: true\n");

        var result = await workspace.RunAsync("run", "add-member", "--tenant", Tenant, "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var tenant = JsonNode.Parse(result.Output)!["tenants"]![0]!;
        Assert.Equal("went on", tenant["result"]!.GetValue<string>());
        Assert.Equal(204, tenant["writes"]![0]!["status"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("jobs/add-member.csx", "--read-only", "(--read-only)", "without --read-only")]
    [InlineData("jobs/add-member-marked.csx", null, "says // runner: read-only", "remove the // runner: read-only line")]
    public async Task An_ad_hoc_run_is_read_only_when_asked_or_when_its_script_says_so(string script, string? flag, string reason, string fix)
    {
        using var workspace = await WorkspaceAsync("    writes: true\n");

        var result = await workspace.RunAsync(["run", script, "--tenant", Tenant, "--output", "json", .. flag is null ? Array.Empty<string>() : [flag]]);

        Assert.Equal(1, result.ExitCode);
        var error = JsonNode.Parse(result.Output)!["tenants"]![0]!["error"]!.GetValue<string>();
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Contains(fix, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_write_inside_a_graph_batch_is_refused_naming_that_write()
    {
        using var workspace = await WorkspaceAsync("");
        workspace.Write("jobs/batch.csx", """
            var users = await Graph.Users.GetAsync(r => r.QueryParameters.Top = 1, CancellationToken);
            var batch = new BatchRequestContentCollection(Graph);
            await batch.AddBatchRequestStepAsync(Graph.Organization.ToGetRequestInformation());
            await batch.AddBatchRequestStepAsync(Graph.Users[users!.Value![0].Id].ToPatchRequestInformation(new User { JobTitle = "x" }));
            await Graph.Batch.PostAsync(batch, CancellationToken);
            return "sent";
            """);

        var result = await workspace.RunAsync("run", "jobs/batch.csx", "--read-only", "--tenant", Tenant, "--output", "json");

        Assert.Equal(1, result.ExitCode);
        var error = JsonNode.Parse(result.Output)!["tenants"]![0]!["error"]!.GetValue<string>();
        Assert.Contains("PATCH ", error, StringComparison.Ordinal);
        Assert.Contains("(in a Graph $batch)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runner_new_writes_read_only_jobs_unless_asked_for_one_that_writes()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);

        var plain = await workspace.RunAsync("new", "weekly-check");
        var writer = await workspace.RunAsync("new", "fix-things", "--writes");

        Assert.True(plain.ExitCode == 0 && writer.ExitCode == 0, plain + "\n" + writer);
        Assert.Contains("// runner: read-only\n", File.ReadAllText(workspace.Path("jobs/weekly-check.csx")), StringComparison.Ordinal);
        Assert.DoesNotContain("// runner: read-only", File.ReadAllText(workspace.Path("jobs/fix-things.csx")), StringComparison.Ordinal);
        Assert.Contains("writes: true", writer.Output, StringComparison.Ordinal);
        Assert.Contains("--what-if", writer.Output, StringComparison.Ordinal);
        var check = await workspace.RunAsync("run", "jobs/weekly-check.csx", "--tenant", Tenant);
        Assert.True(check.ExitCode == 0, check.ToString());
    }
}
