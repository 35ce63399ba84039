using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.ResourceManager;

/// <summary>
/// Azure Resource Manager for the token's tenant: subscriptions, resource groups, resources (see
/// <see cref="ArmResourcesApi"/>), resource providers and the Tags API (see <see cref="ArmTagsApi"/>).
/// </summary>
internal sealed class ResourceManagerApi(SandboxContext context)
{
    internal const int SubscriptionPageSize = 2;
    internal const int ResourcePageSize = 5;

    private readonly ArmAccess _access = new(context);

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/subscriptions", (RequestDelegate)ListSubscriptions);
        routes.MapGet("/subscriptions/{subscriptionId}", (RequestDelegate)GetSubscription);
        routes.MapGet("/subscriptions/{subscriptionId}/resourcegroups", (RequestDelegate)ListResourceGroups);
        routes.MapGet("/subscriptions/{subscriptionId}/resourcegroups/{resourceGroup}", (RequestDelegate)GetResourceGroup);
        routes.MapMethods("/subscriptions/{subscriptionId}/resourcegroups/{resourceGroup}", ["HEAD"], (RequestDelegate)ResourceGroupExists);
        routes.MapMethods("/subscriptions/{subscriptionId}/resourcegroups/{resourceGroup}", ["PATCH"], (RequestDelegate)PatchResourceGroup);
        routes.MapPut("/subscriptions/{subscriptionId}/resourcegroups/{resourceGroup}", (RequestDelegate)PutResourceGroup);
        routes.MapDelete("/subscriptions/{subscriptionId}/resourcegroups/{resourceGroup}", (RequestDelegate)DeleteResourceGroup);
        routes.MapGet("/subscriptions/{subscriptionId}/operationresults/{operationId}", (RequestDelegate)PollOperation);
        new ArmResourcesApi(_access).Map(routes);
        new ArmTagsApi(_access).Map(routes);
        new ArmTagNamesApi(_access).Map(routes);
        new ArmDirectoryApi(_access).Map(routes);
        new ArmMetadataApi(context).Map(routes);
        new ArmTypedListApi(_access).Map(routes);
        new ArmRoleAssignmentsApi(_access).Map(routes);
    }

    private async Task ListSubscriptions(HttpContext http)
    {
        if (await _access.Authorize(http) is not { } caller)
        {
            return;
        }

        var all = caller.Tenant.Content.AzureSubscriptions.Select(s => (JsonNode)ArmJson.Subscription(s, context.Directory.Partner.Id)).ToList();
        await _access.WritePage(http, all, SubscriptionPageSize, withCount: true);
    }

    private async Task GetSubscription(HttpContext http)
    {
        if (await _access.FindSubscription(http) is { } found)
        {
            await http.WriteJson(ArmJson.Subscription(found.Subscription, context.Directory.Partner.Id));
        }
    }

    /// <summary>Resource groups, filtered by tagName/tagValue when asked, as ARM allows for this list.</summary>
    private async Task ListResourceGroups(HttpContext http)
    {
        if (await _access.FindSubscription(http) is not ({ } sub, { } tenant))
        {
            return;
        }

        if (await ArmFilter.FromRequestAsync(http, resourceGroups: true) is not { } filter)
        {
            return;
        }

        List<JsonNode> groups;
        lock (tenant.Content.Sync)
        {
            groups = sub.ResourceGroups
                .Where(g => filter(new ArmFilterTarget(g.Name, "Microsoft.Resources/resourceGroups", g.Location, g.Name, g.Tags)))
                .Select(g => (JsonNode)ArmJson.ResourceGroup(sub, g))
                .ToList();
        }

        await _access.WritePage(http, groups, ResourcePageSize);
    }

    private async Task GetResourceGroup(HttpContext http)
    {
        if (await _access.FindSubscription(http) is not ({ } sub, { } tenant) || await ArmAccess.FindGroup(http, sub, tenant) is not { } group)
        {
            return;
        }

        JsonObject body;
        lock (tenant.Content.Sync)
        {
            body = ArmJson.ResourceGroup(sub, group);
        }

        await http.WriteJson(body);
    }

    /// <summary>"Resource Groups - Check Existence": 204 when it exists, 404 when not, neither with a body (HEAD).</summary>
    private async Task ResourceGroupExists(HttpContext http)
    {
        if (await _access.FindSubscription(http) is not ({ } sub, { } tenant))
        {
            return;
        }

        var name = (string)http.Request.RouteValues["resourceGroup"]!;
        lock (tenant.Content.Sync)
        {
            http.Response.StatusCode = sub.ResourceGroups.Any(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase)) ? 204 : 404;
        }
    }

    /// <summary>PATCH a resource group: its tags are replaced by the ones sent (ResourceGroupResource.Update).</summary>
    private async Task PatchResourceGroup(HttpContext http)
    {
        if (await _access.FindSubscription(http) is not ({ } sub, { } tenant) || await ArmAccess.FindGroup(http, sub, tenant) is not { } group)
        {
            return;
        }

        if (await ReadBody(http) is not { } body)
        {
            return;
        }

        if (group.ProvisioningState == "Deleting")
        {
            await ResourceGroupDeletions.BeingDeleted(http, group);
            return;
        }

        JsonObject result;
        lock (tenant.Content.Sync)
        {
            if (body["tags"] is JsonObject tags)
            {
                ArmTagsApi.Replace(group.Tags, tags);
            }

            result = ArmJson.ResourceGroup(sub, group);
        }

        await http.WriteJson(result);
    }

    /// <summary>PUT a resource group: creates it (201) or updates its location-less properties and tags (200).</summary>
    private async Task PutResourceGroup(HttpContext http)
    {
        if (await _access.FindSubscription(http) is not ({ } sub, { } tenant) || await ReadBody(http) is not { } body)
        {
            return;
        }

        var name = (string)http.Request.RouteValues["resourceGroup"]!;
        if (body["location"] is not JsonValue locationNode || !locationNode.TryGetValue<string>(out var location) || location.Length == 0)
        {
            await ArmJson.Error(http, 400, "LocationRequired", "The location property is required for this definition.");
            return;
        }

        var created = false;
        JsonObject? result = null;
        ResourceGroup? deleting = null;
        lock (tenant.Content.Sync)
        {
            var group = sub.ResourceGroups.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase));
            if (group is null)
            {
                group = new ResourceGroup { Name = name, Location = location, Tags = new Dictionary<string, string>(StringComparer.Ordinal), Resources = [] };
                sub.ResourceGroups.Add(group);
                created = true;
            }

            if (group.ProvisioningState == "Deleting")
            {
                deleting = group;
            }
            else
            {
                ArmTagsApi.Replace(group.Tags, body["tags"] as JsonObject ?? []);
                result = ArmJson.ResourceGroup(sub, group);
            }
        }

        await (deleting is not null ? ResourceGroupDeletions.BeingDeleted(http, deleting) : http.WriteJson(result!, created ? 201 : 200));
    }

    /// <summary>"Resource Groups - Delete": 202 with a Location to poll; the group and its resources go when it completes.</summary>
    private async Task DeleteResourceGroup(HttpContext http)
    {
        if (await _access.FindSubscription(http) is ({ } sub, { } tenant) && await ArmAccess.FindGroup(http, sub, tenant) is { } group)
        {
            await _access.Deletions.Delete(http, sub, tenant, group);
        }
    }

    private async Task PollOperation(HttpContext http)
    {
        if (await _access.FindSubscription(http) is ({ } sub, { } tenant))
        {
            await _access.Deletions.Poll(http, sub, tenant);
        }
    }

    private static async Task<JsonObject?> ReadBody(HttpContext http)
    {
        if (await RequestJson.ObjectAsync(http) is { } body)
        {
            return body;
        }

        await ArmJson.Error(http, 400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.");
        return null;
    }
}
