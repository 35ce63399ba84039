using System.Text.Json.Nodes;
using Runner.Sandbox;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Cli;

/// <summary>The whole run path, CLI to sandbox and back, with the real SDKs over HTTPS.</summary>
public sealed class RunCommandTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Run_hello_across_all_tenants_returns_each_customers_real_counts()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.CopyJob("hello.csx");

        var result = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", "all", "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var document = JsonNode.Parse(result.Output)!;
        var tenants = document["tenants"]!.AsArray();
        var seeded = sandbox.Host.Context.Directory;
        Assert.Equal(seeded.Customers.Count, tenants.Count);
        foreach (var customer in seeded.Customers)
        {
            var row = tenants.Single(t => (string)t!["tenantId"]! == customer.Id.ToString())!;
            var gdap = sandbox.Host.Customers.Single(c => c.TenantId == customer.Id).GdapStatus;
            if (gdap != "active")
            {
                Assert.Equal("Skipped", (string)row["status"]!);
                continue;
            }

            Assert.Equal("Succeeded", (string)row["status"]!);
            var content = customer.Content;
            Assert.Equal(content.Users.Count, (int)row["result"]!["users"]!);
            Assert.Equal(content.Users.Count(u => !u.AccountEnabled), (int)row["result"]!["disabled"]!);
            Assert.Equal(content.AzureSubscriptions.Count, (int)row["result"]!["azureSubscriptions"]!);
            Assert.Equal(content.PartnerSubscriptions.Count, (int)row["result"]!["partnerCenterSubscriptions"]!);
        }
    }

    [Fact]
    public async Task Run_with_one_tenant_by_domain_runs_only_that_tenant()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.CopyJob("hello.csx");
        var customer = sandbox.Host.Customers.First(c => c.GdapStatus == "active");

        var result = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", customer.Domain, "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var tenants = JsonNode.Parse(result.Output)!["tenants"]!.AsArray();
        var only = Assert.Single(tenants)!;
        Assert.Equal(customer.TenantId.ToString(), (string)only["tenantId"]!);
        Assert.Equal("Succeeded", (string)only["status"]!);
    }

    [Fact]
    public async Task Run_with_tenant_id_selects_that_tenant_and_prints_a_table()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.CopyJob("hello.csx");
        var customer = sandbox.Host.Customers.First(c => c.GdapStatus == "active");

        var result = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", customer.TenantId.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(customer.Domain, result.Output);
        Assert.Contains("Succeeded", result.Output);
        Assert.Contains("1 tenant, 1 succeeded", result.Output);
    }

    [Fact]
    public async Task A_script_that_does_not_compile_exits_2_and_names_its_line()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.Write("jobs/broken.csx", "var users = 1;\nvar x = users +;\nreturn x;\n");

        var result = await workspace.RunAsync("run", "jobs/broken.csx", "--tenant", "all");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("broken.csx(2,", result.Error);
        Assert.Contains("error CS", result.Error);
    }

    [Fact]
    public async Task A_failing_tenant_gives_exit_1_and_the_others_still_succeed()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        var target = sandbox.Host.Customers.First(c => c.GdapStatus == "active");
        workspace.Write("jobs/fail-one.csx", $$"""
            if (Tenant.Domain == "{{target.Domain}}")
            {
                throw new InvalidOperationException("boom for this tenant");
            }

            return Tenant.Domain;
            """);

        var result = await workspace.RunAsync("run", "jobs/fail-one.csx", "--output", "json");

        Assert.Equal(1, result.ExitCode);
        var tenants = JsonNode.Parse(result.Output)!["tenants"]!.AsArray();
        var failed = tenants.Single(t => (string)t!["domain"]! == target.Domain)!;
        Assert.Equal("Failed", (string)failed["status"]!);
        Assert.Contains("fail-one.csx(3)", (string)failed["error"]!);
        Assert.Contains("boom for this tenant", (string)failed["error"]!);
        Assert.All(tenants.Where(t => (string)t!["domain"]! != target.Domain && (string)t!["status"]! != "Skipped"),
            t => Assert.Equal("Succeeded", (string)t!["status"]!));
    }

    [Fact]
    public async Task An_unknown_tenant_is_a_usage_error_that_suggests_the_nearest()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.CopyJob("hello.csx");

        var result = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", "contso.onmicrosoft.com");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("contoso.onmicrosoft.com", result.Error);
    }
}
