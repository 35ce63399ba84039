// licence-usage.csx: licences bought through Partner Center against licences assigned in the tenant, per product.
// Finds money spent on seats nobody uses (reduce the quantity before the renewal) and products assigned beyond
// what was bought. One row per product.
//
// Partner Center: the customer's subscriptions. Graph: subscribedSkus (Organization.Read.All or Directory.Read.All).
// Parameters: minUnused (default 1): only products with at least this many unassigned seats, or over-assigned.
//             all (default false): every product, whatever its numbers.
// Run:        runner run licence-usage --tenant all
#load "_editor/runner.globals.csx" // IntelliSense in VS Code; Runner skips this line

var minUnused = Params.Get<int>("minUnused", 1);
var all = Params.Get<bool>("all", false);

var subscriptions = await PartnerCenter.GetSubscriptionsAsync(cancellationToken: CancellationToken);
var skus = (await Graph.SubscribedSkus.GetAsync(cancellationToken: CancellationToken))?.Value ?? [];

foreach (var sku in skus)
{
    // A CSP subscription's id in Partner Center is the commerce subscription id the tenant lists for the SKU.
    var ids = new HashSet<string>(sku.SubscriptionIds ?? [], StringComparer.OrdinalIgnoreCase);
    var bought = subscriptions.Where(s => ids.Contains(s.Id)).ToList();
    if (bought.Count == 0)
    {
        continue; // bought elsewhere (direct, another partner, a trial): not this partner's to right-size
    }

    var purchased = bought.Where(s => s.Status == "active").Sum(s => s.Quantity);
    var assigned = sku.ConsumedUnits ?? 0;
    var unused = purchased - assigned;
    if (!all && unused < minUnused && unused >= 0)
    {
        continue;
    }

    Emit(new
    {
        product = sku.SkuPartNumber,
        offer = string.Join(", ", bought.Select(s => s.OfferName).Distinct()),
        purchased,
        assigned,
        unused = Math.Max(unused, 0),
        overAssigned = Math.Max(-unused, 0),
        suspended = bought.Where(s => s.Status == "suspended").Sum(s => s.Quantity),
        renews = bought.Where(s => s.Status == "active").Min(s => s.CommitmentEndDate),
        autoRenew = bought.All(s => s.AutoRenewEnabled),
    });
}

return null;
