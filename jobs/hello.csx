// hello.csx: a first look at every customer, through all three clients.
// Run it: runner run jobs/hello.csx --tenant all
// (in Runner's repository: dotnet run --project src/Runner.Cli -- run jobs/hello.csx --tenant all)
#load "_editor/runner.globals.csx" // IntelliSense in VS Code; Runner skips this line

// Microsoft Graph: the customer's users (first page is enough for a count on small tenants; follow
// @odata.nextLink with PageIterator for large ones).
var users = await Graph.Users.GetAsync(r =>
{
    r.QueryParameters.Top = 999;
    r.QueryParameters.Select = ["id", "accountEnabled"];
}, CancellationToken);

// Azure Resource Manager: the customer's Azure subscriptions (the SDK follows nextLink itself).
var azureSubscriptions = 0;
await foreach (var subscription in Arm.GetSubscriptions().GetAllAsync(CancellationToken))
{
    azureSubscriptions++;
}

// Partner Center: what the partner sells this customer.
var licences = await PartnerCenter.GetSubscriptionsAsync();

Log.LogInformation("{Tenant}: {Users} users", Tenant.Domain, users?.Value?.Count);

return new
{
    users = users?.Value?.Count ?? 0,
    disabled = users?.Value?.Count(u => u.AccountEnabled == false) ?? 0,
    azureSubscriptions,
    partnerCenterSubscriptions = licences.Count,
    licences = licences.Where(s => s.Status == "active").Sum(s => s.Quantity),
};
