using System.Text.Json.Nodes;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Admin;

/// <summary>sandbox: faults: in runner.yaml reach the built-in sandbox (cloud: sandbox), and a bad key stops the run.</summary>
public sealed class FaultsInRunnerYamlTests
{
    [Fact]
    public async Task Every_fault_key_is_read_and_a_failing_tenant_and_an_advanced_clock_show_in_the_run()
    {
        using var workspace = new Workspace().WithBuiltInSandbox("""
              faults:
                latency: { graph: 5ms, "*": 1ms }
                throttleRate: { keyVault: 0.5 }
                retryAfter: { keyVault: 2s }
                errorRate: { keyVault: 0.1 }
                failingTenants: [fabrikam.onmicrosoft.com]
                slowTenants: { tailspintoys.onmicrosoft.com: 20ms }
                tokenOutage: false
                advanceClock: 30d
            """);
        workspace.CopyJob("hello.csx");

        var result = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", "all", "--output", "json");

        Assert.True(result.ExitCode == 1, result.ToString());
        var tenants = JsonNode.Parse(result.Output)!["tenants"]!.AsArray();
        Assert.Equal("Failed", (string)tenants.Single(t => (string)t!["domain"]! == "fabrikam.onmicrosoft.com")!["status"]!);
        Assert.Equal("Succeeded", (string)tenants.Single(t => (string)t!["domain"]! == "tailspintoys.onmicrosoft.com")!["status"]!);
        // 30 days on, the relationship that was about to end has ended too: three customers are skipped, not two.
        Assert.Equal(3, tenants.Count(t => (string)t!["status"]! == "Skipped"));
        Assert.Equal(6, tenants.Count(t => (string)t!["status"]! == "Succeeded"));
    }

    [Fact]
    public async Task An_unknown_fault_key_is_a_configuration_error_that_suggests_the_right_one()
    {
        using var workspace = new Workspace().WithBuiltInSandbox("""
              faults:
                slowTenant: { contoso.onmicrosoft.com: 1s }
            """);
        workspace.CopyJob("hello.csx");

        var result = await workspace.RunAsync("run", "jobs/hello.csx");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("sandbox.faults.slowTenant", result.Error);
        Assert.Contains("slowTenants", result.Error);
    }
}
