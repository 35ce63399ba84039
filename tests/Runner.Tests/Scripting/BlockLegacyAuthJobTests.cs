using System.Text.Json.Nodes;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scripting;

/// <summary>The block-legacy-auth sample job, in a sandbox of its own (it changes policies other jobs' figures read):
/// a what-if run plans without changing anything, the real run covers every tenant the partner may change, and a
/// second run has nothing left to do.</summary>
public sealed class BlockLegacyAuthJobTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task What_if_plans_then_every_tenant_the_partner_may_change_blocks_legacy_authentication_and_a_second_run_changes_nothing()
    {
        var customers = sandbox.Host.Context.Directory.Customers.Where(c => sandbox.Host.Customers.Single(s => s.TenantId == c.Id).GdapStatus == "active").ToList();
        var before = customers.ToDictionary(c => c.Id, c => (c.Content.Directory.SecurityDefaultsEnabled, c.Content.Directory.Policies.Count));
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.CopyJob("block-legacy-auth.csx");

        var whatIf = await workspace.RunAsync("run", "jobs/block-legacy-auth.csx", "--what-if", "--output", "json");
        Assert.True(whatIf.ExitCode == 0, whatIf.ToString());
        Assert.All(customers, c => Assert.Equal(before[c.Id], (c.Content.Directory.SecurityDefaultsEnabled, c.Content.Directory.Policies.Count)));
        var planned = Tenants(whatIf.Output);
        Assert.Contains(planned, t => t["writes"]!.AsArray().Count > 0);

        var real = await workspace.RunAsync("run", "jobs/block-legacy-auth.csx", "--output", "json");
        var tenants = Tenants(real.Output);
        foreach (var customer in customers)
        {
            var status = (string)tenants.Single(t => (string)t["tenantId"]! == customer.Id.ToString())["status"]!;
            var mayChange = sandbox.Host.RolesInForce(customer).Overlaps([GdapSeeder.ConditionalAccessAdministrator, GdapSeeder.SecurityAdministrator, GdapSeeder.GlobalAdministrator]);
            var covered = DirectorySeeder.HasPremium(customer.Content)
                ? customer.Content.Directory.Policies.Any(p => p.BuiltInControls.Contains("block") && p.ClientAppTypes.Contains("exchangeActiveSync"))
                : customer.Content.Directory.SecurityDefaultsEnabled;
            Assert.True(covered || (!mayChange && status == "Failed"), $"{customer.Domain}: {status}");
        }

        var again = await workspace.RunAsync("run", "jobs/block-legacy-auth.csx", "--what-if", "--output", "json");
        var second = Tenants(again.Output);
        Assert.All(second.Where(t => (string)t["status"]! == "Succeeded"), t => Assert.Empty(t["writes"]!.AsArray()));
    }

    private static List<JsonNode> Tenants(string output) => [.. JsonNode.Parse(output)!["tenants"]!.AsArray().Select(t => t!)];
}
