using System.Text.Json;

namespace Runner.Clients.PartnerCenter;

/// <summary>A Partner Center customer.</summary>
public sealed record PartnerCenterCustomer(string Id, Guid TenantId, string Domain, string CompanyName, string RelationshipToPartner);

/// <summary>A Partner Center subscription (licences bought for a customer).</summary>
public sealed record PartnerCenterSubscription
{
    public required string Id { get; init; }

    public required string OfferId { get; init; }

    public required string OfferName { get; init; }

    public required string FriendlyName { get; init; }

    public required int Quantity { get; init; }

    public required string UnitType { get; init; }

    /// <summary>active, suspended, deleted, expired, pending or disabled.</summary>
    public required string Status { get; init; }

    public bool AutoRenewEnabled { get; init; }

    public string? BillingCycle { get; init; }

    public DateTimeOffset? CreationDate { get; init; }

    public DateTimeOffset? CommitmentEndDate { get; init; }

    /// <summary>The version tag required to change the subscription (optimistic concurrency).</summary>
    public required string Etag { get; init; }

    /// <summary>The whole resource as Partner Center returned it, for fields not mapped above.</summary>
    public JsonElement Raw { get; init; }
}

/// <summary>A product's licences in a customer tenant, as Partner Center's "Get a list of available licenses" counts them.</summary>
/// <param name="SkuId">The product SKU's id (the same skuId Graph's subscribedSkus and licence assignments use).</param>
/// <param name="Name">The product's name, e.g. "Microsoft 365 Business Premium".</param>
/// <param name="SkuPartNumber">e.g. "SPB".</param>
/// <param name="TotalUnits">Units bought, in every state.</param>
/// <param name="ActiveUnits">Units of active subscriptions: what can be assigned.</param>
/// <param name="ConsumedUnits">Units assigned to users.</param>
/// <param name="AvailableUnits">Active units not assigned.</param>
/// <param name="SuspendedUnits">Units of suspended subscriptions.</param>
/// <param name="CapabilityStatus">Enabled, Suspended, Warning, ...</param>
public sealed record PartnerCenterSubscribedSku(
    string SkuId,
    string Name,
    string SkuPartNumber,
    int TotalUnits,
    int ActiveUnits,
    int ConsumedUnits,
    int AvailableUnits,
    int SuspendedUnits,
    string CapabilityStatus);

/// <summary>A user account of a customer tenant, as Partner Center lists it.</summary>
/// <param name="Id">The user's object id in the customer's directory.</param>
/// <param name="State">"active" or "inactive" (sign-in blocked).</param>
public sealed record PartnerCenterUser(string Id, string UserPrincipalName, string DisplayName, string? FirstName, string? LastName, string State, string? UsageLocation);

/// <summary>A Partner Center call failed; the message carries Partner Center's own code and description.</summary>
public sealed class PartnerCenterException(int statusCode, string? code, string message, string? requestId)
    : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public string? Code { get; } = code;

    /// <summary>MS-RequestId of the failed call, for Microsoft support.</summary>
    public string? RequestId { get; } = requestId;

    /// <summary>True when a write was refused because the resource changed since it was read (400, code 2055,
    /// "Etag is no longer valid"): read it again and retry.</summary>
    public bool IsStaleEtag => StatusCode is 400 or 412 && Code == "2055";
}
