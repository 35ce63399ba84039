namespace Runner.Tests.Writes;

/// <summary>A job that writes through all four clients, to the same places every run: Graph (a PATCH, and a PATCH
/// inside a $batch next to a read), Tokens' HttpClient (a group member added by POST $ref), ARM (a tag on a resource
/// group, read then PUT by the SDK) and Partner Center (a subscription's quantity).</summary>
internal static class FourClientsScript
{
    public const string Text = """
        using System.Net.Http.Json;
        using Azure.ResourceManager.Resources;

        var users = await Graph.Users.GetAsync(r => { r.QueryParameters.Top = 999; r.QueryParameters.Select = ["id", "userPrincipalName", "userType"]; }, CancellationToken);
        var members = users!.Value!.Where(u => u.UserType != "Guest").OrderBy(u => u.UserPrincipalName, StringComparer.Ordinal).ToList();
        await Graph.Users[members[0].Id].PatchAsync(new User { JobTitle = "Audited" }, cancellationToken: CancellationToken);

        var batch = new BatchRequestContentCollection(Graph);
        var read = await batch.AddBatchRequestStepAsync(Graph.Organization.ToGetRequestInformation());
        var write = await batch.AddBatchRequestStepAsync(Graph.Users[members[1].Id].ToPatchRequestInformation(new User { Department = "Audit" }));
        var answers = await Graph.Batch.PostAsync(batch, CancellationToken);
        var organization = await answers.GetResponseByIdAsync<OrganizationCollectionResponse>(read);
        var codes = await answers.GetResponsesStatusCodesAsync();

        Group? group = null;
        User? outsider = null;
        foreach (var candidate in (await Graph.Groups.GetAsync(cancellationToken: CancellationToken))!.Value!.OrderBy(g => g.DisplayName, StringComparer.Ordinal))
        {
            var current = await Graph.Groups[candidate.Id].Members.GetAsync(cancellationToken: CancellationToken);
            outsider = members.FirstOrDefault(m => current!.Value!.All(x => x.Id != m.Id));
            if (outsider is not null) { group = candidate; break; }
        }

        var http = Tokens.CreateHttpClient(Tokens.Scopes.Graph, new Uri(Tokens.Endpoints.Graph, "v1.0/"));
        var added = await http.PostAsJsonAsync($"groups/{group!.Id}/members/$ref",
            new Dictionary<string, string> { ["@odata.id"] = new Uri(Tokens.Endpoints.Graph, $"v1.0/directoryObjects/{outsider!.Id}").AbsoluteUri }, CancellationToken);
        added.EnsureSuccessStatusCode();

        var subscriptions = new List<SubscriptionResource>();
        await foreach (var s in Arm.GetSubscriptions().GetAllAsync(CancellationToken)) subscriptions.Add(s);
        var groupsInAzure = new List<ResourceGroupResource>();
        await foreach (var g in subscriptions.OrderBy(s => s.Data.SubscriptionId, StringComparer.Ordinal).First().GetResourceGroups().GetAllAsync(cancellationToken: CancellationToken)) groupsInAzure.Add(g);
        var resourceGroup = groupsInAzure.OrderBy(g => g.Data.Name, StringComparer.Ordinal).First();
        await resourceGroup.AddTagAsync("audited", "yes", CancellationToken);

        var sold = await PartnerCenter.GetSubscriptionsAsync(cancellationToken: CancellationToken);
        var licence = sold.Where(s => s.Status == "active").OrderBy(s => s.Id, StringComparer.Ordinal).First();
        var updated = await PartnerCenter.UpdateSubscriptionQuantityAsync(licence, licence.Quantity + 1, cancellationToken: CancellationToken);

        return new
        {
            WhatIf,
            organization = organization?.Value?.FirstOrDefault()?.DisplayName,
            batchWrite = (int)codes[write],
            member = outsider.UserPrincipalName,
            resourceGroup = resourceGroup.Data.Name,
            quantity = updated.Quantity,
        };
        """;
}
