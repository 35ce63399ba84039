using System.Net;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.ResourceManager;
using Azure.ResourceManager.Resources;
using Azure.ResourceManager.Resources.Models;
using Runner.Sandbox.Data;

namespace Runner.Tests.Sandbox.Conformance;

/// <summary>Azure Resource Manager as ArmClient uses it: subscriptions, resource groups, resources, tags, and the JSON.</summary>
public sealed class ResourceManagerConformanceTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    private const string TagsUnderGroup = "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroup}/providers/{**path}";

    [Fact]
    public async Task Subscriptions_are_paged_through_nextLink_and_a_caller_sees_only_its_tenants()
    {
        var customer = Customer(c => c.Content.AzureSubscriptions.Count == 3);
        var before = fixture.Host.Counters.GetEndpoint("GET /subscriptions");

        var subscriptions = new List<SubscriptionResource>();
        await foreach (var subscription in Arm(customer).GetSubscriptions().GetAllAsync())
        {
            subscriptions.Add(subscription);
        }

        Assert.Equal(customer.Content.AzureSubscriptions.Select(s => s.SubscriptionId), subscriptions.Select(s => s.Data.SubscriptionId));
        Assert.All(subscriptions, s => Assert.Equal(customer.Id, s.Data.TenantId));
        Assert.Equal(2, fixture.Host.Counters.GetEndpoint("GET /subscriptions") - before);
    }

    [Fact]
    public async Task Resource_groups_and_resources_are_the_seeded_estate()
    {
        var customer = Customer(c => c.Content.AzureSubscriptions.Any(s => s.ResourceGroups.Sum(g => g.Resources.Count) > 5));
        var seeded = customer.Content.AzureSubscriptions.First(s => s.ResourceGroups.Sum(g => g.Resources.Count) > 5);
        var subscription = await Arm(customer).GetSubscriptions().GetAsync(seeded.SubscriptionId);

        var groups = new List<ResourceGroupResource>();
        await foreach (var group in subscription.Value.GetResourceGroups().GetAllAsync())
        {
            groups.Add(group);
        }

        var resources = new List<GenericResource>();
        await foreach (var resource in subscription.Value.GetGenericResourcesAsync())
        {
            resources.Add(resource);
        }

        Assert.Equal(seeded.ResourceGroups.Select(g => (g.Name, g.Location)), groups.Select(g => (g.Data.Name, g.Data.Location.Name)));
        Assert.Equal(seeded.ResourceGroups.Select(g => g.Tags.OrderBy(t => t.Key)), groups.Select(g => g.Data.Tags.OrderBy(t => t.Key)));
        Assert.Equal(
            seeded.ResourceGroups.SelectMany(g => g.Resources.Select(r => $"/subscriptions/{seeded.SubscriptionId}/resourceGroups/{g.Name}/providers/{r.Type}/{r.Name}")),
            resources.Select(r => r.Id.ToString()));
    }

    [Fact]
    public async Task Resources_are_filtered_by_type_and_tag_and_expanded_with_their_created_time()
    {
        // A subscription with prod-tagged resources, so the tag filter has something to find.
        var customer = Customer(c => c.Content.AzureSubscriptions.Count > 0 &&
            c.Content.AzureSubscriptions[0].ResourceGroups.SelectMany(g => g.Resources).Any(r => r.Tags.GetValueOrDefault("environment") == "prod"));
        var seeded = customer.Content.AzureSubscriptions[0];
        var all = seeded.ResourceGroups.SelectMany(g => g.Resources).ToList();
        var type = all[0].Type;
        var subscription = Arm(customer).GetSubscriptionResource(new ResourceIdentifier($"/subscriptions/{seeded.SubscriptionId}"));

        var ofType = await Collect(subscription.GetGenericResourcesAsync(filter: $"resourceType eq '{type}'", expand: "createdTime,changedTime"));
        var tagged = await Collect(subscription.GetGenericResourcesAsync(filter: "tagName eq 'environment' and tagValue eq 'prod'"));
        var error = await Assert.ThrowsAsync<RequestFailedException>(() => Collect(subscription.GetGenericResourcesAsync(filter: "kind gt 'x'")));

        Assert.Equal(all.Count(r => r.Type == type), ofType.Count);
        Assert.All(ofType, r => Assert.Equal(type, r.Data.ResourceType.ToString()));
        Assert.All(ofType, r => Assert.NotNull(r.Data.CreatedOn));
        Assert.NotEmpty(tagged);
        Assert.Equal(all.Count(r => r.Tags.GetValueOrDefault("environment") == "prod"), tagged.Count);
        Assert.Equal((400, "InvalidFilterInQueryString"), (error.Status, error.ErrorCode));
    }

    [Fact]
    public async Task Resource_group_tags_are_added_replaced_and_removed_through_the_Tags_API()
    {
        var customer = Customer(c => c.Content.AzureSubscriptions.Count > 0, skip: 1);
        var seeded = customer.Content.AzureSubscriptions[0].ResourceGroups[0];
        var subscription = (await Arm(customer).GetSubscriptions().GetAsync(customer.Content.AzureSubscriptions[0].SubscriptionId)).Value;
        var group = (await subscription.GetResourceGroups().GetAsync(seeded.Name)).Value;
        var tagCalls = fixture.Host.Counters.GetEndpoint($"PUT {TagsUnderGroup}");

        var added = (await group.AddTagAsync("costCenter", "CC-1234")).Value;
        var replaced = (await group.SetTagsAsync(new Dictionary<string, string> { ["owner"] = "adele@example.com", ["app"] = "crm" })).Value;
        var removed = (await group.RemoveTagAsync("app")).Value;

        Assert.Equal("CC-1234", added.Data.Tags["costCenter"]);
        Assert.Equal(["app", "owner"], replaced.Data.Tags.Keys.Order());
        Assert.Equal(["owner"], removed.Data.Tags.Keys);
        Assert.Equal(["owner"], seeded.Tags.Keys);
        Assert.True(fixture.Host.Counters.GetEndpoint($"PUT {TagsUnderGroup}") - tagCalls >= 3);
    }

    [Fact]
    public async Task A_resource_group_update_replaces_its_tags_and_a_put_creates_a_group()
    {
        var customer = Customer(c => c.Content.AzureSubscriptions.Count > 0, skip: 2);
        var seededSubscription = customer.Content.AzureSubscriptions[0];
        var subscription = (await Arm(customer).GetSubscriptions().GetAsync(seededSubscription.SubscriptionId)).Value;
        var group = (await subscription.GetResourceGroups().GetAsync(seededSubscription.ResourceGroups[0].Name)).Value;

        var patch = new ResourceGroupPatch();
        patch.Tags["owner"] = "lee@example.com";
        var updated = (await group.UpdateAsync(patch)).Value;
        var data = new ResourceGroupData(AzureLocation.WestEurope);
        data.Tags["environment"] = "test";
        var created = (await subscription.GetResourceGroups().CreateOrUpdateAsync(WaitUntil.Completed, "rg-created-by-test", data)).Value;

        Assert.Equal(["owner"], updated.Data.Tags.Keys);
        Assert.Equal("rg-created-by-test", created.Data.Name);
        Assert.Contains(seededSubscription.ResourceGroups, g => g.Name == "rg-created-by-test" && g.Tags["environment"] == "test");
    }

    [Fact]
    public async Task Subscription_tags_and_a_resource_read_by_id_use_the_Tags_API_and_the_providers_api_version()
    {
        var customer = Customer(c => c.Content.AzureSubscriptions.Count > 0, skip: 3);
        var seeded = customer.Content.AzureSubscriptions[0];
        var arm = Arm(customer);
        var subscription = arm.GetSubscriptionResource(new ResourceIdentifier($"/subscriptions/{seeded.SubscriptionId}"));
        var resource = seeded.ResourceGroups.First(g => g.Resources.Count > 0).Resources[0];
        var resourceId = $"/subscriptions/{seeded.SubscriptionId}/resourceGroups/{seeded.ResourceGroups.First(g => g.Resources.Count > 0).Name}/providers/{resource.Type}/{resource.Name}";

        var tags = new TagResourceData(new Tag());
        tags.TagValues["billing"] = "partner";
        await subscription.GetTagResource().CreateOrUpdateAsync(WaitUntil.Completed, tags);
        var read = (await subscription.GetTagResource().GetAsync()).Value;
        var generic = (await arm.GetGenericResource(new ResourceIdentifier(resourceId)).GetAsync()).Value;

        Assert.Equal("partner", read.Data.TagValues["billing"]);
        Assert.Equal("partner", seeded.Tags["billing"]);
        Assert.Equal(resource.Name, generic.Data.Name);
        Assert.Equal(resource.Location, generic.Data.Location.Name);
    }

    [Fact]
    public async Task Responses_have_the_documented_shapes()
    {
        var customer = Customer(c => c.Content.AzureSubscriptions.Count > 0);
        var seeded = customer.Content.AzureSubscriptions[0];
        var group = seeded.ResourceGroups.First(g => g.Resources.Count > 0);
        using var raw = fixture.Clients.RawArm(customer.Id);
        var prefix = $"subscriptions/{seeded.SubscriptionId}";

        JsonShape.AssertMatches("ResourceManager/subscription-list.json", await GetJson(raw, "subscriptions?api-version=2022-12-01"));
        JsonShape.AssertMatches("ResourceManager/resourcegroup.json", await GetJson(raw, $"{prefix}/resourcegroups/{group.Name}?api-version=2022-09-01"));
        JsonShape.AssertMatches("ResourceManager/resource-list.json", await GetJson(raw, $"{prefix}/resources?api-version=2022-09-01&$expand=createdTime,changedTime,provisioningState"));
        JsonShape.AssertMatches("ResourceManager/tags.json", await GetJson(raw, $"{prefix}/resourceGroups/{group.Name}/providers/Microsoft.Resources/tags/default?api-version=2022-09-01"));
        JsonShape.AssertMatches("ResourceManager/provider.json", await GetJson(raw, $"{prefix}/providers/Microsoft.Resources?api-version=2022-09-01"));

        using var noVersion = await raw.GetAsync("subscriptions");
        Assert.Equal(HttpStatusCode.BadRequest, noVersion.StatusCode);
        var error = JsonNode.Parse(await noVersion.Content.ReadAsStringAsync());
        JsonShape.AssertMatches("ResourceManager/error.json", error);
        Assert.Equal("MissingApiVersionParameter", (string)error!["error"]!["code"]!);
    }

    /// <summary>A customer the partner may write to: its GDAP relationships in force grant more than read-only roles.</summary>
    private SandboxTenant Customer(Func<SandboxTenant, bool> predicate, int skip = 0) =>
        fixture.Host.Context.Directory.Customers
            .Where(c => fixture.Host.Context.Directory.HasActiveRelationship(c, fixture.Host.Clock.GetUtcNow()))
            .Where(c => fixture.Host.Context.Directory.GrantedRoles(c.Id, fixture.Host.Clock.GetUtcNow()).Contains(Runner.Sandbox.Data.GdapSeeder.UserAdministrator)
                        || fixture.Host.Context.Directory.GrantedRoles(c.Id, fixture.Host.Clock.GetUtcNow()).Contains(Runner.Sandbox.Data.GdapSeeder.GlobalAdministrator))
            .Where(predicate)
            .Skip(skip)
            .First();

    private ArmClient Arm(SandboxTenant customer) => fixture.Clients.Arm(customer.Id);

    private static async Task<JsonNode> GetJson(HttpClient client, string relative) => JsonNode.Parse(await client.GetStringAsync(relative))!;

    private static async Task<List<T>> Collect<T>(AsyncPageable<T> pageable)
        where T : notnull
    {
        var list = new List<T>();
        await foreach (var item in pageable)
        {
            list.Add(item);
        }

        return list;
    }
}
