using System.Text.Json.Nodes;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scripting;

/// <summary>A job can run once for the partner instead of once per customer: declared in runner.yaml or in the script.</summary>
public sealed class PartnerLevelTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private const string WhoAmI = "var org = await Graph.Organization.GetAsync(cancellationToken: CancellationToken);\nreturn new { Tenant.Domain, Tenant.IsPartner, organization = org!.Value![0].Id };\n";

    [Fact]
    public async Task A_job_declared_partner_level_in_runner_yaml_runs_once_in_the_partner_tenant()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host, """
            jobs:
              who-am-i:
                script: jobs/who-am-i.csx
                partnerLevel: true
            """);
        workspace.Write("jobs/who-am-i.csx", WhoAmI);

        var asJob = await workspace.RunAsync("run", "who-am-i", "--output", "json");
        var asScript = await workspace.RunAsync("run", "jobs/who-am-i.csx", "--output", "json");

        AssertPartnerOnly(asJob);
        Assert.True(asScript.ExitCode == 0, asScript.ToString());
        Assert.Equal(sandbox.Host.Customers.Count, JsonNode.Parse(asScript.Output)!["tenants"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_script_with_the_partner_level_directive_runs_once_in_the_partner_tenant()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.Write("jobs/who-am-i.csx", "// Partner-wide report.\n// runner: partner-level\n" + WhoAmI);

        AssertPartnerOnly(await workspace.RunAsync("run", "jobs/who-am-i.csx", "--tenant", "all", "--output", "json"));
    }

    private void AssertPartnerOnly(Infrastructure.CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        var row = Assert.Single(JsonNode.Parse(result.Output)!["tenants"]!.AsArray())!;
        Assert.Equal("Succeeded", (string)row["status"]!);
        Assert.True((bool)row["result"]!["isPartner"]!);
        Assert.Equal(sandbox.Host.PartnerTenantId.ToString(), (string)row["result"]!["organization"]!);
    }
}
