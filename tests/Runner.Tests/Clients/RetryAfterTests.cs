using System.Text.Json.Nodes;
using Runner.Sandbox;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Clients;

/// <summary>A sandbox of its own: these tests throttle every request of one API.</summary>
public sealed class ThrottlingSandboxFixture : SandboxFixture;

/// <summary>
/// Graph and ARM wait exactly the Retry-After the service sends (a configured backoff of 10 s would show), and a tenant
/// whose retries run out says which API gave up, after how many tries, on what answer.
/// </summary>
public sealed class RetryAfterTests(ThrottlingSandboxFixture sandbox) : IClassFixture<ThrottlingSandboxFixture>, IDisposable
{
    private const string SlowBackoff = "limits: { retries: 2, retryDelay: 10s }";

    private SandboxHost Host => sandbox.Host;

    public void Dispose() => Host.Faults.Clear();

    [Theory]
    [InlineData("graph", "Graph", "await Graph.Organization.GetAsync(cancellationToken: CancellationToken); return 1;")]
    [InlineData("arm", "Azure Resource Manager", "await foreach (var s in Arm.GetSubscriptions().GetAllAsync(CancellationToken)) { } return 1;")]
    public async Task A_throttled_api_is_retried_after_exactly_its_Retry_After_and_giving_up_names_the_api_tries_and_status(string api, string name, string script)
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host, SlowBackoff);
        workspace.Write("jobs/call.csx", script);
        var customer = Host.Customers.First(c => c.GdapStatus == "active");
        Assert.Equal(0, (await workspace.RunAsync("tenants")).ExitCode);
        Host.Faults.For(api).ThrottleRate = 1;
        Host.Faults.For(api).RetryAfterSeconds = 1;
        Host.Requests.Clear();

        var result = await workspace.RunAsync("run", "jobs/call.csx", "--tenant", customer.Domain, "--output", "json");

        Assert.Equal(1, result.ExitCode);
        var error = (string)JsonNode.Parse(result.Output)!["tenants"]![0]!["error"]!;
        Assert.StartsWith($"{name} gave up after 3 tries (last answer 429", error, StringComparison.Ordinal);
        var attempts = Host.Requests.Snapshot().Where(r => r.Api == api && r.StatusCode == 429).Select(r => r.At).Order().ToList();
        Assert.Equal(3, attempts.Count);
        foreach (var (earlier, later) in attempts.Zip(attempts.Skip(1)))
        {
            // Retry-After: 1 means one second, not the configured 10 s backoff, nor 10 s on top of it.
            Assert.InRange((later - earlier).TotalSeconds, 0.9, 5);
        }
    }
}
