using System.Text.Json;
using System.Text.Json.Serialization;

namespace Runner.Clients.PartnerCenter;

/// <summary>Partner Center's JSON as it comes over the wire; mapped to the public records.</summary>
internal static class PartnerCenterWire
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    internal sealed record Collection<T>(
        [property: JsonPropertyName("totalCount")] int TotalCount,
        [property: JsonPropertyName("items")] List<T>? Items,
        [property: JsonPropertyName("links")] Links? Links);

    internal sealed record Links([property: JsonPropertyName("next")] Link? Next);

    internal sealed record Link(
        [property: JsonPropertyName("uri")] string Uri,
        [property: JsonPropertyName("method")] string? Method,
        [property: JsonPropertyName("headers")] List<Header>? Headers);

    internal sealed record Header([property: JsonPropertyName("key")] string Key, [property: JsonPropertyName("value")] string Value);

    internal sealed record Customer(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("companyProfile")] CompanyProfile? CompanyProfile,
        [property: JsonPropertyName("relationshipToPartner")] string? RelationshipToPartner);

    internal sealed record CompanyProfile(
        [property: JsonPropertyName("tenantId")] string? TenantId,
        [property: JsonPropertyName("domain")] string? Domain,
        [property: JsonPropertyName("companyName")] string? CompanyName);

    internal sealed record Error(
        [property: JsonPropertyName("code")] JsonElement Code,
        [property: JsonPropertyName("description")] string? Description,
        [property: JsonPropertyName("message")] string? Message);

    public static PartnerCenterCustomer ToCustomer(Customer c) => new(
        c.Id,
        Guid.TryParse(c.CompanyProfile?.TenantId, out var tenant) ? tenant : Guid.TryParse(c.Id, out var id) ? id : Guid.Empty,
        c.CompanyProfile?.Domain ?? "",
        c.CompanyProfile?.CompanyName ?? "",
        c.RelationshipToPartner ?? "");

    /// <summary>Maps a subscription in either property casing: Partner Center answers camelCase, but some of its
    /// APIs (and its documentation's samples) use PascalCase.</summary>
    public static PartnerCenterSubscription ToSubscription(JsonElement e) => new()
    {
        Id = Text(e, "id"),
        OfferId = Text(e, "offerId"),
        OfferName = Text(e, "offerName"),
        FriendlyName = Text(e, "friendlyName"),
        Quantity = Get(e, "quantity") is { } q && q.TryGetInt32(out var n) ? n : 0,
        UnitType = Text(e, "unitType"),
        Status = Text(e, "status"),
        AutoRenewEnabled = Get(e, "autoRenewEnabled") is { ValueKind: JsonValueKind.True },
        BillingCycle = Text(e, "billingCycle"),
        CreationDate = Date(e, "creationDate"),
        CommitmentEndDate = Date(e, "commitmentEndDate"),
        Etag = Get(e, "attributes") is { ValueKind: JsonValueKind.Object } attributes ? Text(attributes, "etag") : "",
        Raw = e.Clone(),
    };

    public static PartnerCenterSubscribedSku ToSubscribedSku(JsonElement e)
    {
        var sku = Get(e, "productSku") ?? default;
        return new PartnerCenterSubscribedSku(
            Text(sku, "id"),
            Text(sku, "name"),
            Text(sku, "skuPartNumber"),
            Number(e, "totalUnits"),
            Number(e, "activeUnits"),
            Number(e, "consumedUnits"),
            Number(e, "availableUnits"),
            Number(e, "suspendedUnits"),
            Text(e, "capabilityStatus"));
    }

    public static PartnerCenterUser ToUser(JsonElement e) => new(
        Text(e, "id"),
        Text(e, "userPrincipalName"),
        Text(e, "displayName"),
        Get(e, "firstName")?.GetString(),
        Get(e, "lastName")?.GetString(),
        Text(e, "state"),
        Get(e, "usageLocation")?.GetString());

    private static int Number(JsonElement e, string name) => Get(e, name) is { } value && value.TryGetInt32(out var n) ? n : 0;

    /// <summary>A property by name, ignoring case.</summary>
    public static JsonElement? Get(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (e.TryGetProperty(name, out var exact))
        {
            return exact;
        }

        foreach (var property in e.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    private static string Text(JsonElement e, string name) =>
        Get(e, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() ?? "" : "";

    private static DateTimeOffset? Date(JsonElement e, string name) =>
        Get(e, name) is { ValueKind: JsonValueKind.String } value && value.TryGetDateTimeOffset(out var date) ? date : null;
}
