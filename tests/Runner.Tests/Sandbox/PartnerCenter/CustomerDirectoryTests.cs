using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.PartnerCenter;

/// <summary>A customer's licences and users through Runner's PartnerCenterClient, against Graph's view of the same tenant.</summary>
public sealed class CustomerDirectoryTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task Subscribed_skus_count_the_units_bought_assigned_and_free_as_graph_does()
    {
        var customer = fixture.Host.ActiveCustomer(c => c.Content.PartnerSubscriptions.Any(s => s.Status == "active"));
        var partnerCenter = fixture.Clients.PartnerCenter(customer.Id.ToString());

        var skus = await partnerCenter.GetSubscribedSkusAsync();
        var graph = await fixture.Clients.Graph(customer.Id).SubscribedSkus.GetAsync();

        Assert.Equal(customer.Content.PartnerSubscriptions.Select(s => s.Product.SkuId.ToString()).Distinct().Order(), skus.Select(s => s.SkuId).Order());
        foreach (var sku in skus)
        {
            var seen = graph!.Value!.Single(g => g.SkuId.ToString() == sku.SkuId);
            Assert.Equal((seen.PrepaidUnits!.Enabled, seen.ConsumedUnits, seen.SkuPartNumber), (sku.ActiveUnits, sku.ConsumedUnits, sku.SkuPartNumber));
            Assert.Equal(Math.Max(0, sku.ActiveUnits - sku.ConsumedUnits), sku.AvailableUnits);
            Assert.Equal(sku.ActiveUnits + sku.SuspendedUnits, sku.TotalUnits);
        }
    }

    [Fact]
    public async Task Users_are_every_account_of_the_customer_with_its_state()
    {
        var customer = fixture.Host.ActiveCustomer();

        var users = await fixture.Clients.PartnerCenter(customer.Id.ToString()).GetUsersAsync();

        Assert.Equal(customer.Content.Users.Select(u => (u.Id.ToString(), u.UserPrincipalName, u.AccountEnabled ? "active" : "inactive")),
            users.Select(u => (u.Id, u.UserPrincipalName, u.State)));
        Assert.Contains(users, u => u.State == "inactive");
    }
}
