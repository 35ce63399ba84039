using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.ResourceManager.Resources;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.ResourceManager;

/// <summary>
/// Deleting a resource group as ARM does it ("Resource Groups - Delete", "Track asynchronous Azure operations"):
/// 202 with a Location to poll, the group "Deleting" meanwhile, then gone with its resources.
/// </summary>
public sealed class ResourceGroupDeleteTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    private const string Api = "api-version=2022-09-01";

    [Fact]
    public async Task DeleteAsync_WaitUntilCompleted_returns_when_the_group_and_its_resources_are_gone()
    {
        var (customer, seeded, group) = Estate(0);
        var resourceIds = group.Resources.Select(r => $"/subscriptions/{seeded.SubscriptionId}/resourceGroups/{group.Name}/providers/{r.Type}/{r.Name}").ToList();
        var subscription = fixture.Clients.Arm(customer.Id).GetSubscriptionResource(new ResourceIdentifier($"/subscriptions/{seeded.SubscriptionId}"));
        var resource = (await subscription.GetResourceGroups().GetAsync(group.Name)).Value;

        var operation = await resource.DeleteAsync(WaitUntil.Completed);
        var exists = (await subscription.GetResourceGroups().ExistsAsync(group.Name)).Value;
        var read = await Assert.ThrowsAsync<RequestFailedException>(() => subscription.GetResourceGroups().GetAsync(group.Name));
        var remaining = new List<string>();
        await foreach (var generic in subscription.GetGenericResourcesAsync())
        {
            remaining.Add(generic.Id.ToString());
        }

        Assert.True(operation.HasCompleted);
        Assert.Equal(200, operation.GetRawResponse().Status);
        Assert.False(exists);
        Assert.Equal((404, "ResourceGroupNotFound"), (read.Status, read.ErrorCode));
        Assert.NotEmpty(resourceIds);
        Assert.Empty(remaining.Intersect(resourceIds, StringComparer.OrdinalIgnoreCase));
        Assert.DoesNotContain(group, seeded.ResourceGroups);
    }

    [Fact]
    public async Task A_deletion_is_202_with_a_Location_that_answers_202_while_the_group_is_Deleting_then_200()
    {
        var (customer, seeded, group) = Estate(1);
        using var arm = fixture.Clients.RawArm(customer.Id);
        var path = $"subscriptions/{seeded.SubscriptionId}/resourcegroups/{group.Name}";

        using var accepted = await arm.DeleteAsync($"{path}?{Api}");
        var location = accepted.Headers.Location!;
        var deleting = JsonNode.Parse(await arm.GetStringAsync($"{path}?{Api}"))!;
        using var refusedWrite = await arm.PatchAsync($"{path}?{Api}", new StringContent("""{"tags": {"owner": "lee"}}""", Encoding.UTF8, "application/json"));
        using var again = await arm.DeleteAsync($"{path}?{Api}");
        using var pending = await arm.GetAsync(location);
        using var done = await arm.GetAsync(location);
        using var gone = await arm.GetAsync($"{path}?{Api}");

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.StartsWith(fixture.Host.BaseUri.ToString(), location.ToString());
        Assert.Contains($"/subscriptions/{seeded.SubscriptionId}/operationresults/", location.ToString());
        Assert.NotNull(accepted.Headers.RetryAfter);
        Assert.Equal("Deleting", (string)deleting["properties"]!["provisioningState"]!);
        Assert.Equal(HttpStatusCode.Conflict, refusedWrite.StatusCode);
        Assert.Contains("ResourceGroupBeingDeleted", await refusedWrite.Content.ReadAsStringAsync());
        Assert.Equal(location, again.Headers.Location);
        Assert.Equal(HttpStatusCode.Accepted, pending.StatusCode);
        Assert.Equal(location, pending.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task A_deletion_nobody_polls_completes_on_the_sandbox_clock()
    {
        var (customer, seeded, group) = Estate(2);
        using var arm = fixture.Clients.RawArm(customer.Id);
        var path = $"subscriptions/{seeded.SubscriptionId}/resourcegroups/{group.Name}";

        using var accepted = await arm.DeleteAsync($"{path}?{Api}");
        fixture.Host.Clock.Advance(TimeSpan.FromSeconds(11));
        var groups = JsonNode.Parse(await arm.GetStringAsync($"subscriptions/{seeded.SubscriptionId}/resourcegroups?{Api}&$top=100"))!;

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.DoesNotContain(group.Name, groups["value"]!.AsArray().Select(g => (string)g!["name"]!));
    }

    [Fact]
    public async Task Deleting_an_unknown_group_is_404_and_read_only_GDAP_roles_are_403()
    {
        var (customer, seeded, _) = Estate(0);
        var readOnly = fixture.Host.Context.Directory.Customers.First(c =>
            fixture.Host.Context.Directory.HasActiveRelationship(c, fixture.Host.Clock.GetUtcNow()) && !fixture.Host.IsWritable(c) &&
            c.Content.AzureSubscriptions.Any(s => s.ResourceGroups.Count > 0));
        var readOnlySubscription = readOnly.Content.AzureSubscriptions.First(s => s.ResourceGroups.Count > 0);
        using var arm = fixture.Clients.RawArm(customer.Id);
        using var readOnlyArm = fixture.Clients.RawArm(readOnly.Id);

        using var unknown = await arm.DeleteAsync($"subscriptions/{seeded.SubscriptionId}/resourcegroups/rg-never-created?{Api}");
        using var refused = await readOnlyArm.DeleteAsync($"subscriptions/{readOnlySubscription.SubscriptionId}/resourcegroups/{readOnlySubscription.ResourceGroups[0].Name}?{Api}");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("ResourceGroupNotFound", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("AuthorizationFailed", await refused.Content.ReadAsStringAsync());
        Assert.Equal("Succeeded", readOnlySubscription.ResourceGroups[0].ProvisioningState);
    }

    /// <summary>The n-th writable customer's first subscription with resources, and its first group with resources.</summary>
    private (SandboxTenant, AzureSubscription, ResourceGroup) Estate(int n)
    {
        var customer = fixture.Host.Context.Directory.Customers.Where(c =>
            fixture.Host.Context.Directory.HasActiveRelationship(c, fixture.Host.Clock.GetUtcNow()) && fixture.Host.IsWritable(c) &&
            c.Content.AzureSubscriptions.Any(s => s.ResourceGroups.Any(g => g.Resources.Count > 0))).Skip(n).First();
        var subscription = customer.Content.AzureSubscriptions.First(s => s.ResourceGroups.Any(g => g.Resources.Count > 0));
        return (customer, subscription, subscription.ResourceGroups.First(g => g.Resources.Count > 0));
    }
}
