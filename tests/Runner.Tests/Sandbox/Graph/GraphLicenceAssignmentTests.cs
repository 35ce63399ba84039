using Runner.Tests.Infrastructure;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.AssignLicense;
using Runner.Sandbox.Data;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>assignLicense and subscribedSkus agree, and Graph's refusals (unknown SKU, no usage location, no free unit) are kept.</summary>
public sealed class GraphLicenceAssignmentTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task Consumed_units_count_every_assigned_licence_including_disabled_accounts()
    {
        var customers = Active().Take(5).ToList();
        var disabledLicensed = 0;
        foreach (var customer in customers)
        {
            var skus = await fixture.Clients.Graph(customer.Id).SubscribedSkus.GetAsync();
            foreach (var sku in skus!.Value!)
            {
                Assert.Equal(customer.Content.Users.Count(u => u.AssignedSkuIds.Contains(sku.SkuId!.Value)), sku.ConsumedUnits);
            }

            disabledLicensed += customer.Content.Users.Count(u => !u.AccountEnabled && u.AssignedSkuIds.Count > 0);
        }

        // Leavers keep their licences until someone removes them: that is what a licence clean-up job looks for.
        Assert.True(disabledLicensed > 0);
    }

    [Fact]
    public async Task A_licence_is_assigned_when_a_unit_is_free_and_shows_in_consumed_units()
    {
        var (customer, sku, user) = FreeUnit();
        var graph = fixture.Clients.Graph(customer.Id);
        var before = (await graph.SubscribedSkus.GetAsync())!.Value!.Single(s => s.SkuId == sku).ConsumedUnits;

        await graph.Users[user.Id.ToString()].AssignLicense.PostAsync(Add(sku));
        var after = (await graph.SubscribedSkus.GetAsync())!.Value!.Single(s => s.SkuId == sku).ConsumedUnits;
        var licensed = await graph.Users[user.Id.ToString()].GetAsync(r => r.QueryParameters.Select = ["assignedLicenses"]);

        Assert.Equal(before + 1, after);
        Assert.Contains(licensed!.AssignedLicenses!, l => l.SkuId == sku);
    }

    [Fact]
    public async Task An_unknown_sku_a_user_without_usage_location_and_a_full_sku_are_refused_as_Graph_refuses_them()
    {
        var customer = Active().First(c => c.Content.Users.Any(u => u.UsageLocation is null));
        var graph = fixture.Clients.Graph(customer.Id);
        var owned = customer.Content.PartnerSubscriptions.First(s => s.Status == "active").Product.SkuId;
        var nowhere = customer.Content.Users.First(u => u.UsageLocation is null);
        var located = customer.Content.Users.First(u => u.UsageLocation is not null);
        var unknown = Guid.Parse("c42b9cae-ea4f-4ab7-9717-81576235ccac");
        var (fullCustomer, fullSku, fullUser) = FullSku();

        var unknownSku = await Assert.ThrowsAsync<ODataError>(() => graph.Users[located.Id.ToString()].AssignLicense.PostAsync(Add(unknown)));
        var noLocation = await Assert.ThrowsAsync<ODataError>(() => graph.Users[nowhere.Id.ToString()].AssignLicense.PostAsync(Add(owned)));
        var full = await Assert.ThrowsAsync<ODataError>(() =>
            fixture.Clients.Graph(fullCustomer.Id).Users[fullUser.Id.ToString()].AssignLicense.PostAsync(Add(fullSku)));

        Assert.Equal((400, "Request_BadRequest", $"License {unknown} does not correspond to a valid company License."),
            (unknownSku.ResponseStatusCode, unknownSku.Error!.Code, unknownSku.Error.Message));
        Assert.Equal((400, "License assignment cannot be done for user with invalid usage location."), (noLocation.ResponseStatusCode, noLocation.Error!.Message));
        Assert.Equal((400, $"Subscription {fullSku} does not have any licenses available."), (full.ResponseStatusCode, full.Error!.Message));
        Assert.DoesNotContain(owned, nowhere.AssignedSkuIds);
        Assert.DoesNotContain(fullSku, fullUser.AssignedSkuIds);
    }

    private static AssignLicensePostRequestBody Add(Guid sku) => new() { AddLicenses = [new AssignedLicense { SkuId = sku, DisabledPlans = [] }], RemoveLicenses = [] };

    /// <summary>A customer with unused units of a SKU, and a located user without it.</summary>
    private (SandboxTenant, Guid, SandboxUser) FreeUnit()
    {
        foreach (var customer in Active())
        {
            foreach (var sub in customer.Content.PartnerSubscriptions.Where(s => s.Status == "active"))
            {
                var sku = sub.Product.SkuId;
                var user = customer.Content.Users.FirstOrDefault(u => u.UsageLocation is not null && !u.AssignedSkuIds.Contains(sku));
                if (user is not null && customer.Content.Users.Count(u => u.AssignedSkuIds.Contains(sku)) < sub.Quantity)
                {
                    return (customer, sku, user);
                }
            }
        }

        throw new InvalidOperationException("No sandbox customer has a free licence unit.");
    }

    /// <summary>A customer that uses every unit it bought of a SKU (positions 0 and 6 of each ten), and a located user without it.</summary>
    private (SandboxTenant, Guid, SandboxUser) FullSku()
    {
        foreach (var customer in Active().Where(c => c.Index % 10 is 0 or 6))
        {
            foreach (var sub in customer.Content.PartnerSubscriptions.Where(s => s.Status == "active"))
            {
                var sku = sub.Product.SkuId;
                var user = customer.Content.Users.FirstOrDefault(u => u.UsageLocation is not null && !u.AssignedSkuIds.Contains(sku));
                if (user is not null && customer.Content.Users.Count(u => u.AssignedSkuIds.Contains(sku)) >= sub.Quantity)
                {
                    return (customer, sku, user);
                }
            }
        }

        throw new InvalidOperationException("No sandbox customer uses every unit of a SKU.");
    }

    private IEnumerable<SandboxTenant> Active() =>
        fixture.Host.Context.Directory.Customers.Where(c => fixture.Host.Context.Directory.HasActiveRelationship(c, fixture.Host.Clock.GetUtcNow()) && fixture.Host.IsWritable(c));
}
