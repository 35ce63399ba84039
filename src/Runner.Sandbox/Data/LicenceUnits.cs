namespace Runner.Sandbox.Data;

/// <summary>
/// A product's licences in a tenant, counted once for both views of them: Graph's subscribedSkus (prepaidUnits,
/// consumedUnits) and Partner Center's subscribedskus (activeUnits, consumedUnits, availableUnits, suspendedUnits).
/// Call under the content lock.
/// </summary>
internal sealed record LicenceUnits(int Active, int Suspended, int Consumed)
{
    public int Available => Math.Max(0, Active - Consumed);

    public static LicenceUnits Of(TenantContent content, Guid skuId, IReadOnlyCollection<PartnerSubscription> subscriptions) => new(
        subscriptions.Where(s => s.Status == "active").Sum(s => s.Quantity),
        subscriptions.Where(s => s.Status == "suspended").Sum(s => s.Quantity),
        content.Users.Count(u => u.AssignedSkuIds.Contains(skuId)));
}
