using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Graph;

namespace Runner.Sandbox.PartnerCenter;

/// <summary>
/// What Partner Center tells a partner about a customer's directory: GET /v1/customers/{id}/subscribedskus ("Get a
/// list of available licenses": per product, the units bought, in use and free, from the same data as Graph's
/// subscribedSkus) and GET /v1/customers/{id}/users ("Get all user accounts for a customer"). Every sandbox tenant
/// has fewer users than a page holds, so the users come in one page, without links.next.
/// </summary>
internal sealed class CustomerDirectoryApi(PartnerCenterApi api)
{
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/customers/{customerId}/subscribedskus", (RequestDelegate)SubscribedSkus);
        routes.MapGet("/v1/customers/{customerId}/users", (RequestDelegate)Users);
    }

    private async Task SubscribedSkus(HttpContext http)
    {
        if (await api.Authorize(http) is null || await api.FindCustomer(http) is not { } customer)
        {
            return;
        }

        JsonNode[] items;
        lock (customer.Content.Sync)
        {
            items = customer.Content.PartnerSubscriptions.GroupBy(s => s.Product).Select(g => (JsonNode)Sku(customer, g.Key, g.ToList())).ToArray();
        }

        await api.Respond(http, PartnerCenterJson.Collection(items, new JsonObject { ["self"] = PartnerCenterJson.Link($"/customers/{customer.Id}/subscribedskus") }));
    }

    private async Task Users(HttpContext http)
    {
        if (await api.Authorize(http) is null || await api.FindCustomer(http) is not { } customer)
        {
            return;
        }

        JsonNode[] items;
        lock (customer.Content.Sync)
        {
            items = customer.Content.Users.Select(u => (JsonNode)User(customer, u)).ToArray();
        }

        await api.Respond(http, PartnerCenterJson.Collection(items, new JsonObject { ["self"] = PartnerCenterJson.Link($"/customers/{customer.Id}/users") }));
    }

    private static JsonObject Sku(SandboxTenant customer, Product product, List<PartnerSubscription> subscriptions)
    {
        var units = LicenceUnits.Of(customer.Content, product.SkuId, subscriptions);
        return new JsonObject
        {
            ["availableUnits"] = units.Available,
            ["activeUnits"] = units.Active,
            ["consumedUnits"] = units.Consumed,
            ["suspendedUnits"] = units.Suspended,
            ["totalUnits"] = subscriptions.Sum(s => s.Quantity),
            ["warningUnits"] = 0,
            ["productSku"] = new JsonObject
            {
                ["id"] = product.SkuId.ToString(),
                ["name"] = product.Name,
                ["skuPartNumber"] = product.SkuPartNumber,
                ["targetType"] = "User",
                ["licenseGroupId"] = "group1",
            },
            ["servicePlans"] = new JsonArray([.. GraphObjects.ServicePlans(product).Select(p => (JsonNode)new JsonObject
            {
                ["displayName"] = (string?)p!["servicePlanName"],
                ["serviceName"] = (string?)p["servicePlanName"],
                ["id"] = (string?)p["servicePlanId"],
                ["capabilityStatus"] = "Enabled",
                ["targetType"] = "User",
            })]),
            ["capabilityStatus"] = units.Active > 0 ? "Enabled" : "Suspended",
            ["attributes"] = new JsonObject { ["objectType"] = "SubscribedSku" },
        };
    }

    private static JsonObject User(SandboxTenant customer, SandboxUser user) => new()
    {
        ["id"] = user.Id.ToString(),
        ["userPrincipalName"] = user.UserPrincipalName,
        ["firstName"] = user.GivenName,
        ["lastName"] = user.Surname,
        ["displayName"] = user.DisplayName,
        ["userDomainType"] = "none",
        ["state"] = user.AccountEnabled ? "active" : "inactive",
        ["lastDirectorySyncTime"] = null,
        ["usageLocation"] = user.UsageLocation,
        ["links"] = new JsonObject { ["self"] = PartnerCenterJson.Link($"/customers/{customer.Id}/users/{user.Id}") },
        ["attributes"] = new JsonObject { ["objectType"] = "CustomerUser" },
    };
}
