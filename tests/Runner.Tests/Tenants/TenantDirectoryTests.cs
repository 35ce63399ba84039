using Microsoft.Extensions.Time.Testing;
using Runner.Sandbox;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Tenants;

/// <summary>A sandbox with more customers than one Partner Center page (200) and one Graph page of GDAP relationships.</summary>
public sealed class LargeSandboxFixture : SandboxFixture
{
    protected override int Customers => 450;
}

/// <summary>The customer list from every Partner Center page, GDAP from Graph, and its cache in the state folder.</summary>
public sealed class TenantDirectoryTests(LargeSandboxFixture sandbox) : IClassFixture<LargeSandboxFixture>
{
    private SandboxHost Host => sandbox.Host;

    [Fact]
    public async Task Every_customer_is_listed_across_pages_with_its_GDAP_state()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        Host.Requests.Clear();
        await using var session = await Sessions.OpenAsync(workspace);

        var tenants = await session.Tenants.GetAsync(refresh: false, CancellationToken.None);

        var expected = Host.Customers.ToDictionary(c => c.TenantId);
        Assert.Equal(450, tenants.Count);
        Assert.Equal(expected.Keys.Order(), tenants.Select(t => t.Id).Order());
        foreach (var tenant in tenants)
        {
            var customer = expected[tenant.Id];
            Assert.Equal(customer.Domain, tenant.Domain);
            Assert.Equal(customer.CompanyName, tenant.CompanyName);
            Assert.Equal(customer.GdapStatus, tenant.Gdap.Status);
        }

        Assert.Equal(3, CustomerPageRequests());
        Assert.True(RelationshipPageRequests() >= 2, "GDAP relationships of 450 customers take more than one Graph page");
    }

    [Fact]
    public async Task A_second_session_reuses_the_cached_list_without_asking_Partner_Center_or_Graph()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        await LoadOnceAsync(workspace);

        await using var second = await Sessions.OpenAsync(workspace);
        var tenants = await second.Tenants.GetAsync(refresh: false, CancellationToken.None);

        Assert.Equal(450, tenants.Count);
        Assert.Equal(0, CustomerPageRequests());
        Assert.Equal(0, RelationshipPageRequests());
    }

    [Fact]
    public async Task Refresh_reloads_the_list_even_when_the_cache_is_fresh()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        await LoadOnceAsync(workspace);

        await using var second = await Sessions.OpenAsync(workspace);
        var tenants = await second.Tenants.GetAsync(refresh: true, CancellationToken.None);

        Assert.Equal(450, tenants.Count);
        Assert.Equal(3, CustomerPageRequests());
    }

    [Fact]
    public async Task The_cache_is_used_for_tenants_cacheFor_and_reloaded_after_it()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host, "tenants: { cacheFor: 10m }");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await LoadOnceAsync(workspace, time);

        time.Advance(TimeSpan.FromMinutes(9));
        await using (var within = await Sessions.OpenAsync(workspace, time))
        {
            Assert.Equal(450, (await within.Tenants.GetAsync(refresh: false, CancellationToken.None)).Count);
        }

        Assert.Equal(0, CustomerPageRequests());

        time.Advance(TimeSpan.FromMinutes(2));
        await using var after = await Sessions.OpenAsync(workspace, time);
        Assert.Equal(450, (await after.Tenants.GetAsync(refresh: false, CancellationToken.None)).Count);
        Assert.Equal(3, CustomerPageRequests());
    }

    [Fact]
    public async Task A_cacheFor_of_zero_never_reuses_the_list()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host, "tenants: { cacheFor: 0s }");
        await LoadOnceAsync(workspace);

        await using var second = await Sessions.OpenAsync(workspace);
        await second.Tenants.GetAsync(refresh: false, CancellationToken.None);

        Assert.Equal(3, CustomerPageRequests());
    }

    /// <summary>Loads the list in a session of its own (as an earlier `runner` process would), then forgets the requests.</summary>
    private async Task LoadOnceAsync(Workspace workspace, TimeProvider? time = null)
    {
        await using (var session = await Sessions.OpenAsync(workspace, time))
        {
            await session.Tenants.GetAsync(refresh: false, CancellationToken.None);
        }

        Host.Requests.Clear();
    }

    private int CustomerPageRequests() =>
        Host.Requests.Snapshot().Count(r => r is { Api: "partnerCenter", Method: "GET", Path: "/v1/customers" });

    private int RelationshipPageRequests() =>
        Host.Requests.Snapshot().Count(r => r.Path.EndsWith("/tenantRelationships/delegatedAdminRelationships", StringComparison.Ordinal));
}
