using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>The tenant itself: /organization, /domains and /subscribedSkus (licences owned versus assigned).</summary>
internal sealed class GraphDirectoryApi(SandboxContext context, GraphApi graph)
{
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/organization", (RequestDelegate)ListOrganization);
        routes.MapGet("/v1.0/organization/{id}", (RequestDelegate)GetOrganization);
        routes.MapGet("/v1.0/domains", (RequestDelegate)ListDomains);
        routes.MapGet("/v1.0/subscribedSkus", (RequestDelegate)ListSubscribedSkus);
    }

    private async Task ListOrganization(HttpContext http)
    {
        if (await graph.Authorize(http) is { } caller)
        {
            await GraphList.Write(http, graph, "organization", "microsoft.graph.organization", [Organization(caller.Tenant)]);
        }
    }

    /// <summary>Another tenant's organization object is refused: a token only ever reads its own tenant.</summary>
    private async Task GetOrganization(HttpContext http)
    {
        if (await graph.Authorize(http) is not { } caller)
        {
            return;
        }

        var id = (string)http.Request.RouteValues["id"]!;
        if (!Guid.TryParse(id, out var guid) || guid != caller.Tenant.Id)
        {
            await graph.Error(http, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
            return;
        }

        var json = Organization(caller.Tenant);
        json["@odata.context"] = context.Url("/v1.0/$metadata#organization/$entity");
        await http.WriteJson(json);
    }

    private async Task ListDomains(HttpContext http)
    {
        if (await graph.Authorize(http, "Domain.Read.All", "Directory.Read.All") is not { } caller)
        {
            return;
        }

        var names = caller.Tenant.Content.VerifiedDomains;
        var domains = names.Select((name, i) => new JsonObject
        {
            ["authenticationType"] = "Managed",
            ["availabilityStatus"] = null,
            ["id"] = name,
            ["isAdminManaged"] = true,
            ["isDefault"] = i == names.Count - 1,
            ["isInitial"] = i == 0,
            ["isRoot"] = true,
            ["isVerified"] = true,
            ["passwordNotificationWindowInDays"] = 14,
            ["passwordValidityPeriodInDays"] = 2147483647,
            ["supportedServices"] = i == 0 ? new JsonArray("Email", "OfficeCommunicationsOnline") : new JsonArray("Email"),
            ["state"] = null,
        }).ToList();
        await GraphList.Write(http, graph, "domains", "microsoft.graph.domain", domains);
    }

    /// <summary>
    /// Licences the tenant owns (prepaid units, from its Partner Center subscriptions, so a quantity changed there
    /// shows here) and how many are assigned to users (consumed units).
    /// </summary>
    private async Task ListSubscribedSkus(HttpContext http)
    {
        if (await graph.Authorize(http, "Organization.Read.All", "Directory.Read.All") is not { } caller)
        {
            return;
        }

        var content = caller.Tenant.Content;
        List<JsonObject> skus;
        lock (content.Sync)
        {
            skus = content.PartnerSubscriptions.GroupBy(s => s.Product.SkuId).Select(g => Sku(caller.Tenant, g.Key, g.ToList())).ToList();
        }

        await GraphList.Write(http, graph, "subscribedSkus", "microsoft.graph.subscribedSku", skus);
    }

    private static JsonObject Sku(SandboxTenant tenant, Guid skuId, List<PartnerSubscription> subscriptions)
    {
        var product = subscriptions[0].Product;
        var units = LicenceUnits.Of(tenant.Content, skuId, subscriptions);
        return new JsonObject
        {
            ["accountId"] = tenant.Id.ToString(),
            ["accountName"] = tenant.DisplayName,
            ["appliesTo"] = "User",
            ["capabilityStatus"] = subscriptions.Any(s => s.Status == "active") ? "Enabled" : "Suspended",
            ["consumedUnits"] = units.Consumed,
            ["id"] = $"{tenant.Id}_{skuId}",
            ["prepaidUnits"] = new JsonObject
            {
                ["enabled"] = units.Active,
                ["lockedOut"] = 0,
                ["suspended"] = units.Suspended,
                ["warning"] = 0,
            },
            ["servicePlans"] = GraphObjects.ServicePlans(product),
            ["skuId"] = skuId.ToString(),
            ["skuPartNumber"] = product.SkuPartNumber,
            ["subscriptionIds"] = new JsonArray(subscriptions.Select(s => (JsonNode)s.Id.ToString()).ToArray()),
        };
    }

    private static JsonObject Organization(SandboxTenant tenant)
    {
        var content = tenant.Content;
        return new JsonObject
        {
            ["id"] = tenant.Id.ToString(),
            ["deletedDateTime"] = null,
            ["businessPhones"] = new JsonArray("+44 20 7946 0000"),
            ["city"] = content.CountryLetterCode switch { "DE" => "Berlin", "US" => "Seattle", _ => "London" },
            ["country"] = null,
            ["countryLetterCode"] = content.CountryLetterCode,
            ["createdDateTime"] = UserProperties.Date(content.CreatedDateTime),
            ["displayName"] = tenant.DisplayName,
            ["marketingNotificationEmails"] = new JsonArray(),
            ["onPremisesLastSyncDateTime"] = null,
            ["onPremisesSyncEnabled"] = null,
            ["partnerTenantType"] = tenant.IsPartner ? "resellerPartnerDelegatedAdmin" : null,
            ["postalCode"] = "00000",
            ["preferredLanguage"] = "en",
            ["securityComplianceNotificationMails"] = new JsonArray(),
            ["securityComplianceNotificationPhones"] = new JsonArray(),
            ["state"] = null,
            ["street"] = "1 Sample Street",
            ["technicalNotificationMails"] = new JsonArray($"admin@{tenant.Domain}"),
            ["tenantType"] = "AAD",
            ["assignedPlans"] = new JsonArray(),
            ["privacyProfile"] = null,
            ["provisionedPlans"] = new JsonArray(),
            ["verifiedDomains"] = new JsonArray(content.VerifiedDomains.Select((d, i) => (JsonNode)new JsonObject
            {
                ["capabilities"] = i == 0 ? "Email, OfficeCommunicationsOnline" : "Email",
                ["isDefault"] = i == content.VerifiedDomains.Count - 1,
                ["isInitial"] = i == 0,
                ["name"] = d,
                ["type"] = "Managed",
            }).ToArray()),
        };
    }
}
