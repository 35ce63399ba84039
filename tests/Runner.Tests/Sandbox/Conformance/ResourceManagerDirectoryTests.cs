using Azure.Core;
using Azure.ResourceManager;
using Azure.ResourceManager.Resources;
using Runner.Sandbox.Data;

namespace Runner.Tests.Sandbox.Conformance;

/// <summary>What ArmClient asks ARM about where it may go: tenants, locations, tag names, and resources of one type.</summary>
public sealed class ResourceManagerDirectoryTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task Tenants_list_the_tokens_tenant_with_its_domains()
    {
        var customer = Customer();
        var tenants = await fixture.Clients.Arm(customer.Id).GetTenants().GetAllAsync().ToListAsync();

        var tenant = Assert.Single(tenants);
        Assert.Equal(customer.Id, tenant.Data.TenantId);
        Assert.Equal(customer.DisplayName, tenant.Data.DisplayName);
        Assert.Equal(customer.Domain, tenant.Data.DefaultDomain);
        Assert.Equal(customer.Content.VerifiedDomains, tenant.Data.Domains);
    }

    [Fact]
    public async Task Locations_name_every_region_the_seeded_resources_use()
    {
        var customer = Customer();
        var subscription = await Subscription(customer);
        var locations = await subscription.GetLocationsAsync().ToListAsync();

        Assert.Superset(SandboxNames.Locations.ToHashSet(), locations.Select(l => l.Name).ToHashSet());
        var east = locations.Single(l => l.Name == "eastus");
        Assert.Equal("East US", east.DisplayName);
        Assert.Equal("westus", Assert.Single(east.Metadata.PairedRegions).Name);
    }

    [Fact]
    public async Task Tag_names_count_every_use_on_groups_and_resources()
    {
        var customer = Customer();
        var seeded = customer.Content.AzureSubscriptions[0];
        var subscription = await Subscription(customer);
        var names = await subscription.GetAllPredefinedTagsAsync().ToListAsync();

        var expected = seeded.ResourceGroups.SelectMany(g => g.Resources.Select(r => r.Tags).Prepend(g.Tags)).SelectMany(t => t)
            .GroupBy(t => t.Key).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected.OrderBy(p => p.Key), names.Select(n => new KeyValuePair<string, int>(n.TagName, (int)n.Count.Value!.Value)).OrderBy(p => p.Key));
    }

    [Fact]
    public async Task Resources_of_one_type_are_listed_at_subscription_and_group_scope()
    {
        var customer = Customer(c => c.Content.AzureSubscriptions[0].ResourceGroups.Any(g => g.Resources.Any(r => r.Type == "Microsoft.Storage/storageAccounts")));
        var seeded = customer.Content.AzureSubscriptions[0];
        var http = fixture.Clients.RawArm(customer.Id);

        var all = await http.GetStringAsync($"subscriptions/{seeded.SubscriptionId}/providers/Microsoft.Storage/storageAccounts?api-version=2023-05-01&$top=100");
        var expected = seeded.ResourceGroups.SelectMany(g => g.Resources.Where(r => r.Type == "Microsoft.Storage/storageAccounts")).Select(r => r.Name).ToList();
        Assert.Equal(expected, System.Text.Json.Nodes.JsonNode.Parse(all)!["value"]!.AsArray().Select(r => (string)r!["name"]!));

        var unknown = await http.GetAsync($"subscriptions/{seeded.SubscriptionId}/providers/Microsoft.Storage/nothings?api-version=2023-05-01");
        Assert.Equal(System.Net.HttpStatusCode.NotImplemented, unknown.StatusCode);
        Assert.Contains("does not emulate GET", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private SandboxTenant Customer(Func<SandboxTenant, bool>? predicate = null) =>
        fixture.Host.Context.Directory.Customers
            .Where(c => fixture.Host.Context.Directory.HasActiveRelationship(c, fixture.Host.Clock.GetUtcNow()) && c.Content.AzureSubscriptions.Count > 0)
            .First(c => predicate?.Invoke(c) ?? true);

    private async Task<SubscriptionResource> Subscription(SandboxTenant customer) =>
        (await fixture.Clients.Arm(customer.Id).GetSubscriptions().GetAsync(customer.Content.AzureSubscriptions[0].SubscriptionId)).Value;
}
