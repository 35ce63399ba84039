// Three API calls per tenant, one to each API: Graph (users, first page), ARM (Azure subscriptions), Partner Center
// (the customer's subscriptions). The fan-out benchmark counts them at the sandbox.
var users = await Graph.Users.GetAsync(r =>
{
    r.QueryParameters.Top = 5;
    r.QueryParameters.Select = ["id"];
}, CancellationToken);
var azure = 0;
await foreach (var subscription in Arm.GetSubscriptions().GetAllAsync(CancellationToken))
{
    azure++;
}

var licences = await PartnerCenter.GetSubscriptionsAsync(cancellationToken: CancellationToken);
return new { users = users?.Value?.Count ?? 0, azure, licences = licences.Count };
