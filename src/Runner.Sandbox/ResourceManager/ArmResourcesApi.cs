using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.ResourceManager;

/// <summary>Resources (listed with $filter/$expand/$top, or read by id), and the resource providers that describe them.</summary>
internal sealed class ArmResourcesApi(ArmAccess access)
{
    private readonly ArmTypedListApi _typed = new(access);

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/subscriptions/{subscriptionId}/resources", (RequestDelegate)ListResources);
        routes.MapGet("/subscriptions/{subscriptionId}/resourcegroups/{resourceGroup}/resources", (RequestDelegate)ListResources);
        routes.MapGet("/subscriptions/{subscriptionId}/providers", (RequestDelegate)ListProviders);
        routes.MapGet("/subscriptions/{subscriptionId}/providers/{providerNamespace}", (RequestDelegate)GetProvider);
        routes.MapMethods("/subscriptions/{subscriptionId}/resourcegroups/{resourceGroup}/providers/{**path}", ["GET", "PUT", "PATCH", "DELETE"], (RequestDelegate)UnderGroup);
    }

    private async Task ListResources(HttpContext http)
    {
        if (await access.FindSubscription(http) is not ({ } sub, { } tenant))
        {
            return;
        }

        var groupName = http.Request.RouteValues["resourceGroup"] as string;
        if (await ArmFilter.FromRequestAsync(http, resourceGroups: false) is not { } filter)
        {
            return;
        }

        var expand = new HashSet<string>((http.Query("$expand") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.OrdinalIgnoreCase);
        List<JsonNode> resources;
        lock (tenant.Content.Sync)
        {
            var groups = sub.ResourceGroups.Where(g => groupName is null || string.Equals(g.Name, groupName, StringComparison.OrdinalIgnoreCase)).ToList();
            if (groupName is not null && groups.Count == 0)
            {
                resources = null!;
            }
            else
            {
                resources = groups
                    .SelectMany(g => g.Resources.Select(r => (Group: g, Resource: r)))
                    .Where(x => filter(new ArmFilterTarget(x.Resource.Name, x.Resource.Type, x.Resource.Location, x.Group.Name, x.Resource.Tags)))
                    .Select(x => (JsonNode)ArmJson.ListedResource(sub, x.Group, x.Resource, expand))
                    .ToList();
            }
        }

        if (resources is null)
        {
            await ArmJson.Error(http, 404, "ResourceGroupNotFound", $"Resource group '{groupName}' could not be found.");
            return;
        }

        await access.WritePage(http, resources, ResourceManagerApi.ResourcePageSize);
    }

    private async Task ListProviders(HttpContext http)
    {
        if (await access.FindSubscription(http) is ({ } sub, _))
        {
            var all = ArmProviders.Namespaces.Select(n => (JsonNode)ArmProviders.Provider(sub.SubscriptionId, n)).ToArray();
            await http.WriteJson(new JsonObject { ["value"] = new JsonArray(all) });
        }
    }

    private async Task GetProvider(HttpContext http)
    {
        if (await access.FindSubscription(http) is not ({ } sub, _))
        {
            return;
        }

        var name = (string)http.Request.RouteValues["providerNamespace"]!;
        if (!ArmProviders.Exists(name))
        {
            await ArmJson.Error(http, 404, "InvalidResourceNamespace", $"The resource namespace '{name}' is invalid.");
            return;
        }

        await http.WriteJson(ArmProviders.Provider(sub.SubscriptionId, name));
    }

    /// <summary>
    /// Everything under .../resourceGroups/{rg}/providers/: the group's tags, a resource by id, or a resource's tags.
    /// </summary>
    private async Task UnderGroup(HttpContext http)
    {
        if (await access.FindSubscription(http) is not ({ } sub, { } tenant) || await ArmAccess.FindGroup(http, sub, tenant) is not { } group)
        {
            return;
        }

        if (!HttpMethods.IsGet(http.Request.Method) && group.ProvisioningState == "Deleting")
        {
            await ResourceGroupDeletions.BeingDeleted(http, group);
            return;
        }

        var path = ((string)http.Request.RouteValues["path"]!).Trim('/');
        if (string.Equals(path, ArmJson.TagsSuffix["providers/".Length..], StringComparison.OrdinalIgnoreCase))
        {
            await ArmTagsApi.Handle(http, ArmJson.GroupId(sub, group), group.Tags, tenant.Content.Sync);
            return;
        }

        var segments = path.Split('/');
        if (segments.Length == 2 && HttpMethods.IsGet(http.Request.Method))
        {
            await _typed.List(http, sub, tenant, group, segments[0], segments[1]);
            return;
        }

        var tagsOfResource = segments.Length == 7 && string.Equals(string.Join('/', segments[3..]), ArmJson.TagsSuffix, StringComparison.OrdinalIgnoreCase);
        if (segments.Length != 3 && !tagsOfResource)
        {
            await ArmJson.Error(http, 400, "InvalidResourceType", $"The resource type '{path}' is not supported by the sandbox.");
            return;
        }

        var type = $"{segments[0]}/{segments[1]}";
        var resource = group.Resources.FirstOrDefault(r =>
            string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase) && string.Equals(r.Name, segments[2], StringComparison.OrdinalIgnoreCase));
        if (resource is null)
        {
            await ArmJson.Error(http, 404, "ResourceNotFound",
                $"The Resource '{type}/{segments[2]}' under resource group '{group.Name}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
            return;
        }

        if (tagsOfResource)
        {
            await ArmTagsApi.Handle(http, ArmJson.ResourceId(sub, group, resource), resource.Tags, tenant.Content.Sync);
            return;
        }

        if (!HttpMethods.IsGet(http.Request.Method))
        {
            await ArmJson.Error(http, 405, "MethodNotAllowed", $"The sandbox only reads resources; {http.Request.Method} is not emulated.");
            return;
        }

        var apiVersion = http.Query("api-version")!;
        var versions = ArmProviders.ApiVersions(resource.Namespace, resource.ResourceType) ?? [];
        if (!versions.Contains(apiVersion, StringComparer.OrdinalIgnoreCase))
        {
            await ArmJson.Error(http, 400, "NoRegisteredProviderFound",
                $"No registered resource provider found for location '{resource.Location}' and API version '{apiVersion}' for type '{resource.ResourceType}'. The supported api-versions are '{string.Join(", ", versions)}'.");
            return;
        }

        JsonObject body;
        lock (tenant.Content.Sync)
        {
            body = ArmJson.Resource(sub, group, resource);
        }

        await http.WriteJson(body);
    }
}
