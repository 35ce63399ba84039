using System.Text.Json.Nodes;
using Runner.Sandbox;
using Runner.Tests.Infrastructure;
using Runner.Tests.Sandbox;

namespace Runner.Tests.Writes;

/// <summary>
/// What-if, the write audit and read-only jobs, as an operator uses them: `runner run --what-if`, a real run, `runner
/// show --writes`, `runner audit`, against one sandbox whose state the tests read back through the APIs.
/// </summary>
public sealed class SafeWritesTests(SafeWritesTests.Fixture fixture) : IClassFixture<SafeWritesTests.Fixture>
{
    public sealed class Fixture : SandboxFixture;

    private SandboxHost Host => fixture.Host;

    /// <summary>Two customers where GDAP allows the writes and there is Azure to tag.</summary>
    private List<Runner.Sandbox.Data.SandboxTenant> Writable() =>
        [.. Host.Context.Directory.Customers
            .Where(c => Host.Context.Directory.HasActiveRelationship(c, Host.Clock.GetUtcNow()) && Host.IsWritable(c) && c.Content.AzureSubscriptions.Count > 0 && c.Content.PartnerSubscriptions.Any(s => s.Status == "active"))
            .OrderBy(c => c.Domain, StringComparer.Ordinal)
            .Take(2)];

    [Fact]
    public async Task A_what_if_run_plans_exactly_the_writes_a_real_run_sends_and_audits_and_changes_nothing()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        Directory.CreateDirectory(workspace.Path("jobs"));
        File.WriteAllText(workspace.Path("jobs/four-clients.csx"), FourClientsScript.Text);
        var tenants = Writable();
        Assert.Equal(2, tenants.Count);
        string[] selection = [.. tenants.SelectMany(t => new[] { "--tenant", t.Domain })];
        await using var reader = await SandboxSession.OpenAsync(Host);
        var before = await StateAsync(reader, tenants);
        var sent = Host.Requests.Snapshot().Count;

        var whatIf = await workspace.RunAsync(["run", "jobs/four-clients.csx", "--what-if", "--output", "json", .. selection]);

        Assert.True(whatIf.ExitCode == 0, whatIf.ToString());
        var planned = JsonNode.Parse(whatIf.Output)!;
        Assert.Equal("what-if", planned["mode"]!.GetValue<string>());
        Assert.All(planned["tenants"]!.AsArray(), t => Assert.True(t!["result"]!["whatIf"]!.GetValue<bool>()));
        var plan = Writes(planned["tenants"]!.AsArray().SelectMany(t => t!["writes"]!.AsArray().Select(w => (t["domain"]!.GetValue<string>(), w!))));
        Assert.Equal(tenants.Count * 5, plan.Count);
        Assert.All(tenants, t => Assert.Equal(["PATCH", "PATCH", "POST", "PUT", "PATCH"], plan.Where(p => p.Domain == t.Domain).Select(p => p.Method)));
        // Nothing the what-if run did reached the sandbox as a write: only reads, token requests and a batch of reads.
        var duringWhatIf = Host.Requests.Snapshot().Skip(sent).ToList();
        Assert.DoesNotContain(duringWhatIf, r => r.Method is "PATCH" or "PUT" or "DELETE");
        Assert.All(duringWhatIf.Where(r => r.Method == "POST"), r => Assert.True(r.Api == "token" || r.Path.EndsWith("/$batch", StringComparison.Ordinal), $"{r.Method} {r.Path}"));
        Assert.Equal(before, await StateAsync(reader, tenants));

        var real = await workspace.RunAsync(["run", "jobs/four-clients.csx", "--output", "json", .. selection]);

        Assert.True(real.ExitCode == 0, real.ToString());
        var runId = JsonNode.Parse(real.Output)!["runId"]!.GetValue<string>();
        var show = await workspace.RunAsync("show", runId, "--writes", "--output", "json");
        Assert.True(show.ExitCode == 0, show.ToString());
        var audited = JsonNode.Parse(show.Output)!.AsArray();
        Assert.Equal(plan.Select(p => (p.Domain, p.Method, p.Url)).Order(), Writes(audited.Select(w => (w!["domain"]!.GetValue<string>(), w!))).Select(p => (p.Domain, p.Method, p.Url)).Order());
        Assert.All(audited, w =>
        {
            Assert.False(w!["simulated"]!.GetValue<bool>());
            Assert.InRange(w["status"]!.GetValue<int>(), 200, 299);
            Assert.False(string.IsNullOrEmpty(w["requestId"]?.GetValue<string>()), w.ToJsonString());
            Assert.StartsWith("sha256:", w["bodyHash"]!.GetValue<string>());
        });
        var after = await StateAsync(reader, tenants);
        Assert.NotEqual(before, after);
        Assert.Contains("\"jobTitle\":\"Audited\"", after);
        Assert.Contains("\"department\":\"Audit\"", after);
        Assert.Contains("\"audited\":\"yes\"", after);

        // The audit answers "what did this job change in this tenant": the real writes, not the what-if plan.
        var audit = await workspace.RunAsync("audit", "--job", "four-clients", "--tenant", tenants[0].Domain, "--since", "1h", "--output", "json");
        Assert.True(audit.ExitCode == 0, audit.ToString());
        var rows = JsonNode.Parse(audit.Output)!.AsArray();
        Assert.Equal(5, rows.Count);
        Assert.All(rows, r => Assert.Equal(runId, r!["runId"]!.GetValue<string>()));
        var withPlans = await workspace.RunAsync("audit", "--job", "four-clients", "--tenant", tenants[0].Domain, "--include-what-if", "--output", "csv");
        Assert.Equal(11, withPlans.Output.Trim().Split('\n').Length);
        Assert.Equal(5, withPlans.Output.Split('\n').Count(l => l.Contains(",true,", StringComparison.Ordinal)));
    }

    private static List<(string Domain, string Method, string Url)> Writes(IEnumerable<(string Domain, JsonNode Write)> writes) =>
        [.. writes.Select(w => (w.Domain, w.Write["method"]!.GetValue<string>(), w.Write["url"]!.GetValue<string>()))];

    /// <summary>What the script changes, read through the real APIs: users' titles and departments, group members,
    /// resource-group tags, subscription quantities.</summary>
    private async Task<string> StateAsync(SandboxSession session, IEnumerable<Runner.Sandbox.Data.SandboxTenant> tenants)
    {
        var state = new JsonObject();
        foreach (var tenant in tenants)
        {
            var graph = session.RawGraph(tenant.Id);
            var arm = session.RawArm(tenant.Id);
            var users = JsonNode.Parse(await graph.GetStringAsync("users?$select=id,jobTitle,department&$top=999"))!["value"]!;
            var groups = JsonNode.Parse(await graph.GetStringAsync("groups"))!["value"]!.AsArray();
            var members = new JsonObject();
            foreach (var group in groups)
            {
                var id = group!["id"]!.GetValue<string>();
                members[id] = JsonNode.Parse(await graph.GetStringAsync($"groups/{id}/members?$select=id"))!["value"]!.DeepClone();
            }

            var tags = new JsonObject();
            foreach (var subscription in tenant.Content.AzureSubscriptions)
            {
                var id = subscription.SubscriptionId;
                tags[id] = JsonNode.Parse(await arm.GetStringAsync($"subscriptions/{id}/resourcegroups?api-version=2022-09-01"))!["value"]!.DeepClone();
            }

            var sold = JsonNode.Parse(await session.RawPartnerCenter().GetStringAsync($"customers/{tenant.Id}/subscriptions"))!["items"]!;
            state[tenant.Domain] = new JsonObject { ["users"] = users.DeepClone(), ["members"] = members, ["groups"] = tags, ["quantities"] = new JsonArray([.. sold.AsArray().Select(s => (JsonNode?)s!["quantity"]!.DeepClone())]) };
        }

        return state.ToJsonString();
    }
}
