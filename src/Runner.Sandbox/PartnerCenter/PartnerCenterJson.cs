using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.PartnerCenter;

/// <summary>
/// Partner Center's resource shapes, as the REST reference shows them: camelCase properties, "links" whose URIs are
/// relative to /v1 (with the headers a client must send with them), and "attributes" with the objectType.
/// </summary>
internal static class PartnerCenterJson
{
    /// <summary>A customer. allowDelegatedAccess is only part of a customer read by id, never of the list.</summary>
    public static JsonObject Customer(SandboxTenant customer, bool byId)
    {
        var json = new JsonObject
        {
            ["id"] = customer.Id.ToString(),
            ["commerceId"] = DeterministicGuid.Create(0, $"commerce:{customer.Id}").ToString(),
            ["companyProfile"] = new JsonObject
            {
                ["tenantId"] = customer.Id.ToString(),
                ["domain"] = customer.Domain,
                ["companyName"] = customer.DisplayName,
                ["links"] = new JsonObject { ["self"] = Link($"/customers/{customer.Id}/profiles/company") },
                ["attributes"] = new JsonObject { ["objectType"] = "CustomerCompanyProfile" },
            },
            ["relationshipToPartner"] = "reseller",
        };
        if (byId)
        {
            json["allowDelegatedAccess"] = true;
        }

        json["links"] = new JsonObject { ["self"] = Link($"/customers/{customer.Id}") };
        json["attributes"] = new JsonObject { ["objectType"] = "Customer" };
        return json;
    }

    public static JsonObject Subscription(SandboxTenant customer, PartnerSubscription sub) => new()
    {
        ["id"] = sub.Id.ToString(),
        ["entitlementId"] = DeterministicGuid.Create(0, $"entitlement:{sub.Id}").ToString(),
        ["offerId"] = $"{sub.Product.OfferId}:{sub.Product.SkuPartNumber}",
        ["offerName"] = sub.Product.Name,
        ["friendlyName"] = sub.Product.Name,
        ["productType"] = new JsonObject { ["id"] = "OnlineServicesNCE", ["displayName"] = "OnlineServicesNCE" },
        ["quantity"] = sub.Quantity,
        ["unitType"] = "Licenses",
        ["hasPurchasableAddons"] = false,
        ["creationDate"] = Date(sub.CreationDate),
        ["effectiveStartDate"] = Date(sub.CreationDate),
        ["commitmentEndDate"] = Date(sub.CommitmentEndDate),
        ["status"] = sub.Status,
        ["autoRenewEnabled"] = sub.AutoRenewEnabled,
        ["isTrial"] = false,
        ["billingType"] = "license",
        ["billingCycle"] = sub.BillingCycle,
        ["termDuration"] = "P1Y",
        ["isMicrosoftProduct"] = true,
        ["attentionNeeded"] = false,
        ["actionTaken"] = false,
        ["contractType"] = "subscription",
        ["links"] = new JsonObject
        {
            ["product"] = Link($"/products/{sub.Product.OfferId.Split(':')[0]}?country=US"),
            ["sku"] = Link($"/products/{sub.Product.OfferId.Split(':')[0]}/skus/{sub.Product.OfferId.Split(':')[1]}?country=US"),
            ["self"] = Link($"/customers/{customer.Id}/subscriptions/{sub.Id}"),
        },
        ["orderId"] = DeterministicGuid.Create(0, $"order:{sub.Id}").ToString("N"),
        ["attributes"] = new JsonObject { ["etag"] = sub.Etag, ["objectType"] = "Subscription" },
    };

    /// <summary>A collection: totalCount is the number of items in this page, as in Microsoft's examples.</summary>
    public static JsonObject Collection(JsonNode[] items, JsonObject links) => new()
    {
        ["totalCount"] = items.Length,
        ["items"] = new JsonArray(items),
        ["links"] = links,
        ["attributes"] = new JsonObject { ["objectType"] = "Collection" },
    };

    public static JsonObject Link(string uri, params (string Key, string Value)[] headers) => new()
    {
        ["uri"] = uri,
        ["method"] = "GET",
        ["headers"] = new JsonArray(headers.Select(h => (JsonNode)new JsonObject { ["key"] = h.Key, ["value"] = h.Value }).ToArray()),
    };

    /// <summary>Partner Center's error body: code, description, data and source.</summary>
    /// <summary>A copy of <paramref name="node"/> with every property name in PascalCase.</summary>
    public static JsonNode Pascal(JsonNode node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(char.ToUpperInvariant(p.Key[0]) + p.Key[1..], p.Value is null ? null : Pascal(p.Value)))),
        JsonArray a => new JsonArray(a.Select(i => i is null ? null : Pascal(i)).ToArray()),
        _ => node.DeepClone(),
    };

    public static Task Error(HttpContext http, int status, string code, string description) =>
        http.WriteJson(new JsonObject
        {
            ["code"] = code,
            ["description"] = description,
            ["data"] = new JsonArray(),
            ["source"] = "PartnerFD",
        }, status);

    private static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
