using System.Text.Json.Nodes;
using Runner.Auth;
using Runner.Execution;
using Runner.Sandbox;
using Runner.Sandbox.Identity;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Execution;

/// <summary>A sandbox of its own: these tests count its token requests and make its token endpoint fail.</summary>
public sealed class TokenSandboxFixture : SandboxFixture;

/// <summary>
/// Token economy, counted at the sandbox's token endpoint: one exchange per tenant and resource per run, none on the
/// next run, one shared exchange for concurrent first requests, refusals asked once, transient failures retried.
/// </summary>
public sealed class TokenEconomyTests(TokenSandboxFixture sandbox) : IClassFixture<TokenSandboxFixture>, IDisposable
{
    private SandboxHost Host => sandbox.Host;

    public void Dispose() => Host.Faults.Clear();

    [Fact]
    public async Task A_run_exchanges_once_per_tenant_and_resource_and_the_next_run_not_at_all()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        workspace.CopyJob("hello.csx");
        Host.Counters.Reset();

        var first = await workspace.RunAsync("run", "jobs/hello.csx", "--output", "json");

        Assert.True(first.ExitCode == 0, first.ToString());
        var active = Host.Customers.Where(c => c.GdapStatus == "active").ToList();
        Assert.Equal(8, JsonNode.Parse(first.Output)!["summary"]!["succeeded"]!.GetValue<int>());
        // hello.csx uses Graph and ARM in each customer tenant (Partner Center calls go with the partner's token);
        // the partner's own: Partner Center (the refresh token's import) and Graph (the GDAP relationships).
        Assert.Equal(2 + active.Count * 2, Host.Counters.Get("token"));
        Assert.Equal(2, Host.Counters.Get("token", Host.PartnerTenantId.ToString()));
        Assert.All(active, c => Assert.Equal(2, Host.Counters.Get("token", c.TenantId.ToString())));
        Assert.All(Host.Customers.Where(c => c.GdapStatus != "active"), c => Assert.Equal(0, Host.Counters.Get("token", c.TenantId.ToString())));

        Host.Counters.Reset();
        var second = await workspace.RunAsync("run", "jobs/hello.csx", "--output", "json", "--refresh-tenants");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(0, Host.Counters.Get("token"));
    }

    [Fact]
    public async Task Tokens_fetched_ahead_arrive_before_the_tenants_script_starts_and_add_no_exchange()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        workspace.Write("jobs/stamped.csx", """
            var started = DateTimeOffset.UtcNow;
            await Graph.Organization.GetAsync(cancellationToken: CancellationToken);
            await foreach (var subscription in Arm.GetSubscriptions().GetAllAsync(CancellationToken)) { }
            return started.ToString("o");
            """);
        // Long enough a tenant for the workers' fetching ahead to be done before they take the next one.
        Host.Faults.For("graph").Latency = TimeSpan.FromMilliseconds(150);
        Host.Counters.Reset();
        Host.Requests.Clear();

        var run = await workspace.RunAsync("run", "jobs/stamped.csx", "--output", "json", "--parallel", "2");

        Assert.True(run.ExitCode == 0, run.ToString());
        var active = Host.Customers.Where(c => c.GdapStatus == "active").ToList();
        Assert.Equal(2 + active.Count * 2, Host.Counters.Get("token"));
        Assert.All(active, c => Assert.Equal(2, Host.Counters.Get("token", c.TenantId.ToString())));
        var tokens = Host.Requests.Snapshot().Where(r => r.Api == "token").ToList();
        var ahead = JsonNode.Parse(run.Output)!["tenants"]!.AsArray().Where(t => (string?)t!["status"] == "Succeeded").Count(t =>
        {
            var id = (string)t!["tenantId"]!;
            var started = DateTimeOffset.Parse((string)t["result"]!, System.Globalization.CultureInfo.InvariantCulture);
            var own = tokens.Where(r => string.Equals(r.Tenant, id, StringComparison.OrdinalIgnoreCase)).ToList();
            return own.Count == 2 && own.All(r => r.At < started);
        });
        // 8 tenants, 2 at a time: a worker fetches for the tenant two places on once 4 succeeded, so the last two
        // (the last one, when the 4th success comes after a worker took the 5th tenant) are fetched for ahead.
        Assert.InRange(ahead, 1, active.Count - TokenPrefetch.Learning);
    }

    [Fact]
    public async Task Concurrent_first_requests_for_a_tenant_and_resource_share_one_exchange()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        await using var session = await Sessions.OpenAsync(workspace);
        await session.Broker.GetTokenAsync(session.Broker.PartnerTenant, session.Cloud.Endpoints.PartnerCenterScope, CancellationToken.None);
        var tenant = Host.Customers.First(c => c.GdapStatus == "active").TenantId.ToString();
        Host.Faults.For("token").Latency = TimeSpan.FromMilliseconds(300);
        Host.Counters.Reset();

        var tokens = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            var scope = i % 2 == 0 ? session.Cloud.Endpoints.GraphScope : session.Cloud.Endpoints.ResourceManagerScope;
            return (scope, (await session.Broker.GetTokenAsync(tenant, scope, CancellationToken.None)).Value);
        })));

        Assert.Equal(2, Host.Counters.Get("token", tenant));
        Assert.Equal(2, tokens.Distinct().Count());
    }

    [Fact]
    public async Task A_tenant_that_refuses_is_asked_once_per_run()
    {
        var refusing = Host.Customers.First(c => c.GdapStatus == "active");
        Host.SetTenantRefusal(refusing.Domain, TenantRefusal.ConsentMissing);
        try
        {
            using var workspace = await new Workspace().WithSandboxAsync(Host);
            await using var session = await Sessions.OpenAsync(workspace);
            Host.Counters.Reset();

            for (var i = 0; i < 3; i++)
            {
                var error = await Assert.ThrowsAsync<TokenAcquisitionException>(() =>
                    session.Broker.GetTokenAsync(refusing.TenantId.ToString(), session.Cloud.Endpoints.GraphScope, CancellationToken.None).AsTask());
                Assert.Equal(AuthProblem.ConsentMissing, error.Problem);
                Assert.Equal("AADSTS65001", error.Aadsts);
                Assert.False(error.NeedsOperator);
            }

            Assert.Equal(1, Host.Counters.Get("token", refusing.TenantId.ToString()));
        }
        finally
        {
            Host.SetTenantRefusal(refusing.Domain, null);
        }
    }

    [Theory]
    [InlineData("outage")]
    [InlineData("throttled")]
    public async Task A_transient_token_failure_is_retried_and_never_remembered(string fault)
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host, "limits: { retryDelay: 0s }");
        await using var session = await Sessions.OpenAsync(workspace);
        await session.Broker.GetTokenAsync(session.Broker.PartnerTenant, session.Cloud.Endpoints.PartnerCenterScope, CancellationToken.None);
        var tenant = Host.Customers.First(c => c.GdapStatus == "active").TenantId.ToString();
        if (fault == "outage")
        {
            Host.Faults.TokenOutage = true;
        }
        else
        {
            Host.Faults.For("token").RetryAfterSeconds = 0;
            Host.Faults.For("token").ThrottleRate = 1;
        }

        Host.Counters.Reset();
        var error = await Assert.ThrowsAsync<TokenAcquisitionException>(() =>
            session.Broker.GetTokenAsync(tenant, session.Cloud.Endpoints.GraphScope, CancellationToken.None).AsTask());
        var attempts = Host.Counters.Get("token", tenant);
        Host.Faults.Clear();

        Assert.True(error.IsTransient, error.Message);
        Assert.False(error.NeedsOperator);
        Assert.True(attempts >= 3, $"{attempts} token requests before giving up");
        var token = await session.Broker.GetTokenAsync(tenant, session.Cloud.Endpoints.GraphScope, CancellationToken.None);
        Assert.False(string.IsNullOrEmpty(token.Value));
        Assert.Equal(attempts + 1, Host.Counters.Get("token", tenant));
    }
}
