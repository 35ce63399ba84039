using Runner.Sandbox;
using Runner.Tenants;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Clients;

/// <summary>A sandbox of its own: these tests slow its APIs down.</summary>
public sealed class SlowApiFixture : SandboxFixture;

/// <summary>
/// runner.yaml's per-API limits hold for a whole run: many tenants' Graph, ARM and Partner Center calls together never
/// have more requests in flight at the sandbox than the limit of each API.
/// </summary>
public sealed class ConcurrencyLimitTests(SlowApiFixture sandbox) : IClassFixture<SlowApiFixture>, IDisposable
{
    private SandboxHost Host => sandbox.Host;

    public void Dispose() => Host.Faults.Clear();

    [Fact]
    public async Task Calls_from_many_tenants_share_each_APIs_concurrency_limit()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host, "limits: { partnerCenter: 2, graph: 3, resourceManager: 2 }");
        await using var session = await Sessions.OpenAsync(workspace);
        var all = await session.Tenants.GetAsync(refresh: false, CancellationToken.None);
        var tenants = TenantSelector.Select(all, ["all"], [], session.Config.Tenants, DateTimeOffset.UtcNow).Run;

        // Tokens first, so that only the API calls themselves overlap below.
        foreach (var tenant in tenants)
        {
            await session.Broker.GetTokenAsync(tenant.Id.ToString(), session.Cloud.Endpoints.GraphScope, CancellationToken.None);
            await session.Broker.GetTokenAsync(tenant.Id.ToString(), session.Cloud.Endpoints.ResourceManagerScope, CancellationToken.None);
        }

        foreach (var api in new[] { "graph", "arm", "partnerCenter" })
        {
            Host.Faults.For(api).Latency = TimeSpan.FromMilliseconds(100);
        }

        Host.Requests.ResetConcurrency();
        await Task.WhenAll(tenants.SelectMany(tenant => new[]
        {
            Task.Run(async () => await session.Clients.Graph(tenant.Id.ToString()).Users.GetAsync()),
            Task.Run(async () =>
            {
                await foreach (var _ in session.Clients.Arm(tenant.Id.ToString()).GetSubscriptions().GetAllAsync())
                {
                }
            }),
            Task.Run(async () => await session.Clients.PartnerCenter(tenant.CustomerId, CancellationToken.None).GetSubscriptionsAsync()),
        }));

        Assert.InRange(Host.Requests.MaxConcurrent("graph"), 1, 3);
        Assert.InRange(Host.Requests.MaxConcurrent("arm"), 1, 2);
        Assert.InRange(Host.Requests.MaxConcurrent("partnerCenter"), 1, 2);
    }

    [Fact]
    public async Task Without_a_tight_limit_the_same_calls_do_overlap()
    {
        // The check above means something only if these calls overlap when allowed to.
        using var workspace = await new Workspace().WithSandboxAsync(Host, "limits: { graph: 32 }");
        await using var session = await Sessions.OpenAsync(workspace);
        var all = await session.Tenants.GetAsync(refresh: false, CancellationToken.None);
        var tenants = TenantSelector.Select(all, ["all"], [], session.Config.Tenants, DateTimeOffset.UtcNow).Run;
        foreach (var tenant in tenants)
        {
            await session.Broker.GetTokenAsync(tenant.Id.ToString(), session.Cloud.Endpoints.GraphScope, CancellationToken.None);
        }

        Host.Faults.For("graph").Latency = TimeSpan.FromSeconds(2);
        Host.Requests.ResetConcurrency();
        await Task.WhenAll(tenants.Select(tenant => Task.Run(async () => await session.Clients.Graph(tenant.Id.ToString()).Users.GetAsync())));

        Assert.True(Host.Requests.MaxConcurrent("graph") > 3, $"max {Host.Requests.MaxConcurrent("graph")} Graph requests at once");
    }
}
