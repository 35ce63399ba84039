// untagged-resource-groups.csx: Azure resource groups missing tags your policy requires (owner, cost centre, ...),
// in every subscription of the customer. One row per resource group, naming the tags it lacks.
//
// Azure Resource Manager: Reader on the subscriptions (through GDAP or Azure Lighthouse).
// Parameters: tags (default "owner,costCenter"): the required tag names, comma-separated. Azure compares tag
//             names without regard to case, and so does this job.
// Run:        runner run untagged-resource-groups --tenant all --param tags=owner,costCenter,environment
#load "_editor/runner.globals.csx" // IntelliSense in VS Code; Runner skips this line

var required = Params.GetList<string>("tags");
if (required.Count == 0)
{
    required = ["owner", "costCenter"];
}

var groups = 0;
await foreach (var subscription in Arm.GetSubscriptions().GetAllAsync(CancellationToken))
{
    await foreach (var group in subscription.GetResourceGroups().GetAllAsync(cancellationToken: CancellationToken))
    {
        groups++;
        var tags = new HashSet<string>(group.Data.Tags.Keys, StringComparer.OrdinalIgnoreCase);
        var missing = required.Where(tag => !tags.Contains(tag)).ToList();
        if (missing.Count > 0)
        {
            Emit(new
            {
                subscription = subscription.Data.DisplayName,
                subscriptionId = subscription.Data.SubscriptionId,
                resourceGroup = group.Data.Name,
                location = group.Data.Location.Name,
                missing = string.Join(", ", missing),
            });
        }
    }
}

Log.LogInformation("Checked {Groups} resource groups for tags {Tags}", groups, string.Join(", ", required));
return null;
