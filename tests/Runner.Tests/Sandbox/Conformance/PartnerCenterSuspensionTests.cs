using System.Text.Json;
using System.Text.Json.Nodes;
using Runner.Clients.PartnerCenter;
using Runner.Sandbox.Data;

namespace Runner.Tests.Sandbox.Conformance;

/// <summary>
/// "Suspend a subscription" and "Reactivate a suspended subscription" through Runner's PartnerCenterClient: a PATCH
/// of the full subscription with the new status and its etag. The change stays (Partner Center and Graph's
/// subscribedSkus read it back), the etag changes, and a stale etag or a quantity change while suspended is refused.
/// </summary>
public sealed class PartnerCenterSuspensionTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task A_suspended_subscription_reads_back_suspended_with_a_new_etag_until_reactivated()
    {
        var customer = Customer(0);
        var client = fixture.Clients.PartnerCenter(customer.Id.ToString());
        var original = (await client.GetSubscriptionsAsync()).First(s => s.Status == "active");
        var sku = customer.Content.PartnerSubscriptions.Single(s => s.Id.ToString() == original.Id).Product.SkuId;

        var suspended = await SetStatus(client, customer, original, "suspended");
        var read = await client.GetSubscriptionAsync(original.Id);
        var skus = (await fixture.Clients.Graph(customer.Id).SubscribedSkus.GetAsync())!.Value!.Single(s => s.SkuId == sku);
        var reactivated = await SetStatus(client, customer, read, "active");
        var readAgain = await client.GetSubscriptionAsync(original.Id);

        Assert.Equal("suspended", suspended.GetProperty("status").GetString());
        Assert.Equal(("suspended", original.Quantity), (read.Status, read.Quantity));
        Assert.NotEqual(original.Etag, read.Etag);
        Assert.Equal(original.Quantity, skus.PrepaidUnits!.Suspended);
        Assert.Equal("active", reactivated.GetProperty("status").GetString());
        Assert.Equal("active", readAgain.Status);
        Assert.NotEqual(read.Etag, readAgain.Etag);
    }

    [Fact]
    public async Task A_suspension_with_a_stale_etag_is_refused_with_2055_and_changes_nothing()
    {
        var customer = Customer(1);
        var client = fixture.Clients.PartnerCenter(customer.Id.ToString());
        var original = (await client.GetSubscriptionsAsync()).First(s => s.Status == "active");
        await client.UpdateSubscriptionQuantityAsync(original, original.Quantity + 1);

        var stale = await Assert.ThrowsAsync<PartnerCenterException>(() => SetStatus(client, customer, original, "suspended"));
        var read = await client.GetSubscriptionAsync(original.Id);

        Assert.Equal((400, "2055"), (stale.StatusCode, stale.Code));
        Assert.Equal(("active", original.Quantity + 1), (read.Status, read.Quantity));
    }

    [Fact]
    public async Task A_suspended_subscription_refuses_a_quantity_change_and_takes_it_once_reactivated()
    {
        var customer = Customer(2);
        var client = fixture.Clients.PartnerCenter(customer.Id.ToString());
        var original = (await client.GetSubscriptionsAsync()).First(s => s.Status == "active");

        await SetStatus(client, customer, original, "suspended");
        var suspended = await client.GetSubscriptionAsync(original.Id);
        var refused = await Assert.ThrowsAsync<PartnerCenterException>(() => client.UpdateSubscriptionQuantityAsync(suspended, suspended.Quantity + 3));
        await SetStatus(client, customer, suspended, "active");
        var changed = await client.UpdateSubscriptionQuantityAsync(await client.GetSubscriptionAsync(original.Id), original.Quantity + 3);
        var read = await client.GetSubscriptionAsync(original.Id);

        Assert.Equal((400, "2001"), (refused.StatusCode, refused.Code));
        Assert.Equal(original.Quantity + 3, changed.Quantity);
        Assert.Equal(("active", original.Quantity + 3), (read.Status, read.Quantity));
    }

    /// <summary>The documented request: the subscription as read, with its status changed, PATCHed back.</summary>
    private static Task<JsonElement> SetStatus(PartnerCenterClient client, SandboxTenant customer, PartnerCenterSubscription subscription, string status)
    {
        var body = JsonSerializer.SerializeToNode(subscription.Raw)!.AsObject();
        body["status"] = status;
        return client.SendJsonAsync(new HttpMethod("PATCH"), $"customers/{customer.Id}/subscriptions/{subscription.Id}", body);
    }

    /// <summary>The n-th customer with an active subscription (Partner Center writes are not GDAP's business).</summary>
    private SandboxTenant Customer(int n) =>
        fixture.Host.Context.Directory.Customers.Where(c => c.Content.PartnerSubscriptions.Any(s => s.Status == "active")).Skip(n).First();
}
