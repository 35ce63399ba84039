// Exactly three API calls per tenant, one to each API, one page each: Graph (users), ARM (Azure subscriptions),
// Partner Center (the customer's subscriptions). The fan-out benchmark counts them at the sandbox.
var users = await Graph.Users.GetAsync(r =>
{
    r.QueryParameters.Top = 5;
    r.QueryParameters.Select = ["id"];
}, CancellationToken);
var azure = 0;
await foreach (var page in Arm.GetSubscriptions().GetAllAsync(CancellationToken).AsPages())
{
    azure = page.Values.Count;
    break; // the first page only (the sandbox pages subscriptions two at a time)
}

var licences = await PartnerCenter.GetSubscriptionsAsync(cancellationToken: CancellationToken);
return new { users = users?.Value?.Count ?? 0, azure, licences = licences.Count };
