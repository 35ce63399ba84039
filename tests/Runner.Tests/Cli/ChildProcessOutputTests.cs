using System.Text.Json.Nodes;
using Runner.Sandbox;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Cli;

/// <summary>
/// `runner run` as a real process: a process a script starts inherits its descriptors, and what it prints goes to
/// standard error, like what the script prints, so `--output json` stays parseable.
/// </summary>
public sealed class ChildProcessOutputTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private SandboxHost Host => sandbox.Host;

    [Fact]
    public async Task What_a_process_started_by_a_script_prints_goes_to_standard_error_never_into_the_json()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        workspace.Write("jobs/child.csx", """
            var child = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/sh", ["-c", "echo child of " + Tenant.Domain]) { UseShellExecute = false })!;
            await child.WaitForExitAsync(CancellationToken);
            return child.ExitCode;
            """);

        using var run = RunnerProcess.Start(workspace, "run", "jobs/child.csx", "--tenant", "all", "--parallel", "4", "--output", "json");
        var result = await run.ResultAsync(TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.ToString());
        var tenants = JsonNode.Parse(result.Output)!["tenants"]!.AsArray().Where(t => (string)t!["status"]! == "Succeeded").ToList();
        Assert.NotEmpty(tenants);
        foreach (var tenant in tenants)
        {
            Assert.Contains($"child of {(string)tenant!["domain"]!}", result.Error);
        }
    }
}
