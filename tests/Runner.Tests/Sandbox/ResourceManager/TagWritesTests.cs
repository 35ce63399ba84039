using Azure;
using Azure.Core;
using Azure.ResourceManager;
using Azure.ResourceManager.Resources;
using Azure.ResourceManager.Resources.Models;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.ResourceManager;

/// <summary>
/// A created resource group and tags written at subscription, resource group and resource scope are there on the
/// next read through a fresh ArmClient call, and lists filtered by tag find them.
/// </summary>
public sealed class TagWritesTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task A_created_group_keeps_its_location_and_tags_for_later_reads_and_tag_filters()
    {
        var (customer, seeded) = Estate();
        var subscription = Subscription(customer, seeded);
        var data = new ResourceGroupData(AzureLocation.NorthEurope);
        data.Tags["owner"] = "megan@example.com";
        data.Tags["costCenter"] = "CC-42";

        await subscription.GetResourceGroups().CreateOrUpdateAsync(WaitUntil.Completed, "rg-onboarding", data);
        var read = (await Subscription(customer, seeded).GetResourceGroups().GetAsync("rg-onboarding")).Value;
        var byTag = new List<string>();
        await foreach (var group in subscription.GetResourceGroups().GetAllAsync(filter: "tagName eq 'costCenter' and tagValue eq 'CC-42'"))
        {
            byTag.Add(group.Data.Name);
        }

        Assert.Equal("northeurope", read.Data.Location.Name);
        Assert.Equal(new Dictionary<string, string> { ["owner"] = "megan@example.com", ["costCenter"] = "CC-42" }, read.Data.Tags);
        Assert.Equal(["rg-onboarding"], byTag);
    }

    [Fact]
    public async Task Tags_set_at_subscription_group_and_resource_scope_show_in_the_next_reads()
    {
        var (customer, seeded) = Estate();
        var group = seeded.ResourceGroups.First(g => g.Resources.Count > 0);
        var resource = group.Resources[0];
        var resourceId = new ResourceIdentifier($"/subscriptions/{seeded.SubscriptionId}/resourceGroups/{group.Name}/providers/{resource.Type}/{resource.Name}");
        var arm = fixture.Clients.Arm(customer.Id);
        var subscription = Subscription(customer, seeded);

        var subscriptionTags = new TagResourceData(new Tag());
        subscriptionTags.TagValues["billing"] = "csp-monthly";
        await subscription.GetTagResource().CreateOrUpdateAsync(WaitUntil.Completed, subscriptionTags);
        await (await subscription.GetResourceGroups().GetAsync(group.Name)).Value.SetTagsAsync(new Dictionary<string, string> { ["environment"] = "prod" });
        await arm.GetGenericResource(resourceId).AddTagAsync("backup", "daily");

        var subscriptionRead = (await arm.GetSubscriptionResource(new ResourceIdentifier($"/subscriptions/{seeded.SubscriptionId}")).GetAsync()).Value;
        var groupRead = (await subscription.GetResourceGroups().GetAsync(group.Name)).Value;
        var resourceRead = (await arm.GetGenericResource(resourceId).GetAsync()).Value;
        var tagged = new List<string>();
        await foreach (var found in subscription.GetGenericResourcesAsync(filter: "tagName eq 'backup' and tagValue eq 'daily'"))
        {
            tagged.Add(found.Id.ToString());
        }

        Assert.Equal("csp-monthly", subscriptionRead.Data.Tags["billing"]);
        Assert.Equal(new Dictionary<string, string> { ["environment"] = "prod" }, groupRead.Data.Tags);
        Assert.Equal("daily", resourceRead.Data.Tags["backup"]);
        Assert.Equal([resourceId.ToString()], tagged);
    }

    private (SandboxTenant, AzureSubscription) Estate()
    {
        var customer = fixture.Host.Context.Directory.Customers.First(c =>
            fixture.Host.Context.Directory.HasActiveRelationship(c, fixture.Host.Clock.GetUtcNow()) && fixture.Host.IsWritable(c) &&
            c.Content.AzureSubscriptions.Any(s => s.ResourceGroups.Any(g => g.Resources.Count > 0)));
        return (customer, customer.Content.AzureSubscriptions.First(s => s.ResourceGroups.Any(g => g.Resources.Count > 0)));
    }

    private SubscriptionResource Subscription(SandboxTenant customer, AzureSubscription seeded) =>
        fixture.Clients.Arm(customer.Id).GetSubscriptionResource(new ResourceIdentifier($"/subscriptions/{seeded.SubscriptionId}"));
}
