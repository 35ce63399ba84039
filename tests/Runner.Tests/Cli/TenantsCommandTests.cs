using System.Globalization;
using System.Text.Json.Nodes;
using Runner.Auth;
using Runner.Sandbox;
using Runner.Sandbox.Identity;
using Runner.Secrets;
using Runner.State;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Cli;

/// <summary>A sandbox of its own: these tests make some of its tenants refuse tokens.</summary>
public sealed class RefusingSandboxFixture : SandboxFixture;

/// <summary>`runner tenants`: the customer list, and with --check the token matrix per tenant and resource.</summary>
public sealed class TenantsCommandTests(RefusingSandboxFixture sandbox) : IClassFixture<RefusingSandboxFixture>
{
    private SandboxHost Host => sandbox.Host;

    [Fact]
    public async Task Tenants_lists_every_customer_with_its_GDAP_state()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);

        var table = await workspace.RunAsync("tenants");
        var json = await workspace.RunAsync("tenants", "--output", "json");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.All(Host.Customers, c => Assert.Contains(c.Domain, table.Output));
        Assert.Contains($"{Host.Customers.Count} customers; {Host.Customers.Count(c => c.GdapStatus == "active")} reachable.", table.Output);
        var rows = JsonNode.Parse(json.Output)!.AsArray();
        Assert.Equal(Host.Customers.Count, rows.Count);
        Assert.All(Host.Customers, c => Assert.Equal(c.GdapStatus, (string)rows.Single(r => (string)r!["tenantId"]! == c.TenantId.ToString())!["gdap"]!));
    }

    [Fact]
    public async Task Tenants_shows_each_customers_relationships_and_the_roles_in_force_and_scripts_see_them_on_Tenant_Gdap()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        workspace.Write("jobs/roles.csx", "return string.Join(\"|\", Tenant.Gdap.Roles) + \"#\" + Tenant.Gdap.Relationships.Count;");

        var json = await workspace.RunAsync("tenants", "--output", "json");
        var table = await workspace.RunAsync("tenants");
        var run = await workspace.RunAsync("run", "jobs/roles.csx", "--tenant", "all", "--output", "json");

        Assert.True(json.ExitCode == 0, json.ToString());
        var rows = JsonNode.Parse(json.Output)!.AsArray();
        foreach (var customer in Host.Customers)
        {
            var row = rows.Single(r => (string)r!["tenantId"]! == customer.TenantId.ToString())!;
            var seeded = Host.Relationships.Where(r => r.CustomerTenantId == customer.TenantId).ToList();
            Assert.Equal(seeded.Select(r => r.Id).Order(), row["relationships"]!.AsArray().Select(r => (string)r!["id"]!).Order());
            var inForce = seeded.Where(r => r.Status is "active" or "expiring").SelectMany(r => r.RoleDefinitionIds).Distinct().Count();
            Assert.Equal(inForce, row["roles"]!.AsArray().Count);
        }

        Assert.Contains("Directory Readers", table.Output);
        Assert.True(run.ExitCode == 0, run.ToString());
        var results = JsonNode.Parse(run.Output)!["tenants"]!.AsArray().Where(t => (string)t!["status"]! == "Succeeded").ToList();
        Assert.NotEmpty(results);
        Assert.All(results, t => Assert.Matches(@"^[A-Za-z ]+(\|[A-Za-z ]+)*#\d+$", (string)t!["result"]!));
    }

    [Fact]
    public async Task A_write_the_tenants_GDAP_roles_do_not_allow_fails_that_tenant_with_the_services_refusal_and_the_others_succeed()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        workspace.Write("jobs/tag.csx", """
            using Azure.ResourceManager.Resources;
            var count = 0;
            await foreach (var sub in Arm.GetSubscriptions().GetAllAsync(CancellationToken))
            {
                await foreach (var group in sub.GetResourceGroups().GetAllAsync(cancellationToken: CancellationToken))
                {
                    await group.AddTagAsync("reviewed", "2026-12", CancellationToken);
                    count++;
                    break;
                }
            }
            return count;
            """);

        var result = await workspace.RunAsync("run", "jobs/tag.csx", "--tenant", "all", "--output", "json");

        Assert.Equal(1, result.ExitCode);
        var tenants = JsonNode.Parse(result.Output)!["tenants"]!.AsArray();
        var failed = tenants.Where(t => (string)t!["status"]! == "Failed").ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, t => Assert.Contains("AuthorizationFailed", (string)t!["error"]!));
        Assert.Contains(tenants, t => (string)t!["status"]! == "Succeeded");
    }

    [Fact]
    public async Task Check_shows_OK_for_every_resource_of_every_reachable_tenant_and_exits_0()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);

        var result = await workspace.RunAsync("tenants", "--check", "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var row in JsonNode.Parse(result.Output)!.AsArray())
        {
            var expected = (string)row!["gdap"]! == "active" ? "OK" : "no GDAP";
            Assert.Equal([expected, expected, expected], new[] { "partnerCenter", "graph", "resourceManager" }.Select(r => (string)row[r]!["state"]!));
        }
    }

    [Fact]
    public async Task Check_names_what_each_refusing_tenant_is_missing()
    {
        var active = Host.Customers.Where(c => c.GdapStatus == "active").ToList();
        var (consent, mfa, blocked) = (active[0], active[1], active[2]);
        Host.SetTenantRefusal(consent.Domain, TenantRefusal.ConsentMissing);
        Host.SetTenantRefusal(mfa.Domain, TenantRefusal.MfaRequired);
        Host.SetTenantRefusal(blocked.Domain, TenantRefusal.ConditionalAccess);
        try
        {
            // The partner signs in with MFA, which satisfies a customer's MFA requirement (the tenant marked
            // MfaRequired is OK); a partner sign-in without MFA is refused by Partner Center as a whole (test below).
            using var workspace = await new Workspace().WithSandboxAsync(Host);

            var json = await workspace.RunAsync("tenants", "--check", "--output", "json");
            Assert.True(json.Output.Length > 0, json.ToString());
            var table = await workspace.RunAsync("tenants", "--check");

            Assert.Equal(1, json.ExitCode);
            var rows = JsonNode.Parse(json.Output)!.AsArray().ToDictionary(r => (string)r!["domain"]!, r => r!);
            foreach (var customer in Host.Customers)
            {
                (string State, string? Code) expected = customer.Domain == consent.Domain ? ("consent missing", "AADSTS65001")
                    : customer.Domain == blocked.Domain ? ("conditional access", "AADSTS53003")
                    : customer.GdapStatus == "active" ? ("OK", (string?)null)
                    : ("no GDAP", null);
                foreach (var resource in new[] { "graph", "resourceManager" })
                {
                    Assert.Equal(expected, ((string)rows[customer.Domain][resource]!["state"]!, (string?)rows[customer.Domain][resource]!["aadsts"]));
                }

                // Partner Center is asked about the customer with the partner's own token: Entra's per-tenant
                // refusals do not apply to it.
                Assert.Equal(customer.GdapStatus == "active" ? "OK" : "no GDAP", (string)rows[customer.Domain]["partnerCenter"]!["state"]!);
            }

            Assert.Equal(1, table.ExitCode);
            Assert.Contains("consent missing", table.Output);
            Assert.Contains("conditional access", table.Output);
            Assert.DoesNotContain($"{mfa.Domain} · Graph:", table.Output);
            Assert.Contains($"{Host.Customers.Count} customers: {active.Count - 2} OK for every resource, {Host.Customers.Count - active.Count} without GDAP (skipped by runs), 2 with problems.", table.Output);
        }
        finally
        {
            foreach (var customer in new[] { consent, mfa, blocked })
            {
                Host.SetTenantRefusal(customer.Domain, null);
            }
        }
    }

    [Fact]
    public async Task Check_asks_Partner_Center_about_each_customer_with_the_partner_token_and_never_for_a_customer_tenant_token()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        var before = Host.Requests.Snapshot().Count(r => r.Api == "partnerCenter" && r.Path.EndsWith("/subscriptions", StringComparison.Ordinal));

        var result = await workspace.RunAsync("tenants", "--check", "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var issued = Host.AccessTokensIssued("https://api.partnercenter.microsoft.com");
        Assert.Equal([Host.PartnerTenantId], issued.Keys.ToArray());
        var asked = Host.Requests.Snapshot().Count(r => r.Api == "partnerCenter" && r.Path.EndsWith("/subscriptions", StringComparison.Ordinal)) - before;
        Assert.Equal(Host.Customers.Count(c => c.GdapStatus == "active"), asked);
    }

    [Fact]
    public async Task A_partner_sign_in_without_mfa_makes_the_check_exit_3_with_the_fix()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        Assert.Equal(0, (await workspace.RunAsync("tenants")).ExitCode);
        await StoreRefreshTokenWithoutMfaAsync(workspace);

        var result = await workspace.RunAsync("tenants", "--check");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("Partner Center 900421", result.Error);
        Assert.Contains("runner consent", result.Error);
    }

    [Fact]
    public async Task Tokens_won_by_a_check_serve_the_next_run_without_new_exchanges()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        workspace.CopyJob("hello.csx");

        var check = await workspace.RunAsync("tenants", "--check");
        Host.Counters.Reset();
        var run = await workspace.RunAsync("run", "jobs/hello.csx");

        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(0, Host.Counters.Get("token"));
    }

    [Fact]
    public async Task A_missing_partner_credential_makes_the_check_exit_3()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host, seedCredential: false);

        var result = await workspace.RunAsync("tenants", "--check");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("runner consent", result.Error);
    }

    /// <summary>MfaRequired refuses only sign-ins without MFA, so this workspace's partner admin now signs in without it
    /// (Partner Center itself would refuse such tokens, so the customer list must already be cached).</summary>
    private async Task StoreRefreshTokenWithoutMfaAsync(Workspace workspace)
    {
        File.Delete(workspace.Path(".runner/tokens.bin"));
        var store = new LocalSecretStore(new StateDirectory(workspace.StatePath), workspace.Path(".runner/store.key"), workspace.Environment, TimeProvider.System);
        var now = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture);
        await store.SetAsync(CredentialStore.RefreshTokenSecret, Host.IssueRefreshToken(mfa: false), new Dictionary<string, string>
        {
            [CredentialStore.UsernameTag] = Host.AdminUserPrincipalName,
            [CredentialStore.ConsentedAtTag] = now,
            [CredentialStore.IssuedAtTag] = now,
        }, null, CancellationToken.None);
    }
}
