using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;
using Runner.Sandbox.Identity;

namespace Runner.Sandbox.ResourceManager;

/// <summary>Azure Resource Manager: subscriptions, resource groups and resources of the token's tenant.</summary>
internal sealed class ResourceManagerApi(SandboxContext context)
{
    /// <summary>Small pages, so every client exercises nextLink paging even on small tenants.</summary>
    internal const int SubscriptionPageSize = 2;
    internal const int ResourcePageSize = 5;

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/subscriptions", (RequestDelegate)ListSubscriptions);
        routes.MapGet("/subscriptions/{subscriptionId}", (RequestDelegate)GetSubscription);
        routes.MapGet("/subscriptions/{subscriptionId}/resourcegroups", (RequestDelegate)ListResourceGroups);
        routes.MapGet("/subscriptions/{subscriptionId}/resourcegroups/{resourceGroup}", (RequestDelegate)GetResourceGroup);
        routes.MapMethods("/subscriptions/{subscriptionId}/resourcegroups/{resourceGroup}", ["PATCH"], (RequestDelegate)PatchResourceGroup);
        routes.MapGet("/subscriptions/{subscriptionId}/resources", (RequestDelegate)ListResources);
        routes.MapGet("/subscriptions/{subscriptionId}/resourcegroups/{resourceGroup}/resources", (RequestDelegate)ListResources);
    }

    private async Task ListSubscriptions(HttpContext http)
    {
        if (await Authorize(http) is not { } caller)
        {
            return;
        }

        var all = caller.Tenant.Content.AzureSubscriptions;
        await WritePage(http, all.Select(Subscription).ToList(), SubscriptionPageSize);
    }

    private async Task GetSubscription(HttpContext http)
    {
        if (await FindSubscription(http) is { } sub)
        {
            await http.WriteJson(Subscription(sub));
        }
    }

    private async Task ListResourceGroups(HttpContext http)
    {
        if (await FindSubscription(http) is not { } sub)
        {
            return;
        }

        List<JsonNode> groups;
        lock (context.Directory.FindTenant(sub.TenantId)!.Content.Sync)
        {
            groups = sub.ResourceGroups.Select(g => (JsonNode)ResourceGroupJson(sub, g)).ToList();
        }

        await WritePage(http, groups, ResourcePageSize);
    }

    private async Task GetResourceGroup(HttpContext http)
    {
        if (await FindSubscription(http) is not { } sub || await FindGroup(http, sub) is not { } group)
        {
            return;
        }

        await http.WriteJson(ResourceGroupJson(sub, group));
    }

    /// <summary>PATCH a resource group: ARM's way to replace its tags.</summary>
    private async Task PatchResourceGroup(HttpContext http)
    {
        if (await FindSubscription(http) is not { } sub || await FindGroup(http, sub) is not { } group)
        {
            return;
        }

        var body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject;
        if (body?["tags"] is JsonObject tags)
        {
            lock (context.Directory.FindTenant(sub.TenantId)!.Content.Sync)
            {
                group.Tags.Clear();
                foreach (var (key, value) in tags)
                {
                    group.Tags[key] = value?.ToString() ?? "";
                }
            }
        }

        await http.WriteJson(ResourceGroupJson(sub, group));
    }

    private async Task ListResources(HttpContext http)
    {
        if (await FindSubscription(http) is not { } sub)
        {
            return;
        }

        var groupName = http.Request.RouteValues["resourceGroup"] as string;
        var groups = sub.ResourceGroups.Where(g => groupName is null || string.Equals(g.Name, groupName, StringComparison.OrdinalIgnoreCase)).ToList();
        if (groupName is not null && groups.Count == 0)
        {
            await Error(http, 404, "ResourceGroupNotFound", $"Resource group '{groupName}' could not be found.");
            return;
        }

        var resources = groups.SelectMany(g => g.Resources.Select(r => (JsonNode)ResourceJson(sub, g, r))).ToList();
        await WritePage(http, resources, ResourcePageSize);
    }

    private async Task<ApiCaller?> Authorize(HttpContext http)
    {
        var check = context.Validator.Validate(http, KnownResources.ResourceManager);
        if (check.Succeeded)
        {
            return check.Caller;
        }

        http.Response.Headers.WWWAuthenticate =
            $"Bearer authorization_uri=\"{context.BaseUri.GetLeftPart(UriPartial.Authority)}/\", error=\"invalid_token\", error_description=\"{check.Message}\"";
        await Error(http, 401, check.Code, check.Message);
        return null;
    }

    /// <summary>A subscription of another tenant is refused exactly as ARM refuses it: the token's issuer is wrong.</summary>
    private async Task<AzureSubscription?> FindSubscription(HttpContext http)
    {
        if (await Authorize(http) is not { } caller)
        {
            return null;
        }

        var id = (string)http.Request.RouteValues["subscriptionId"]!;
        var own = caller.Tenant.Content.AzureSubscriptions.FirstOrDefault(s => string.Equals(s.SubscriptionId, id, StringComparison.OrdinalIgnoreCase));
        if (own is not null)
        {
            return own;
        }

        var owner = context.Directory.Customers.FirstOrDefault(t => t.Content.AzureSubscriptions.Any(s => string.Equals(s.SubscriptionId, id, StringComparison.OrdinalIgnoreCase)));
        if (owner is not null)
        {
            await Error(http, 401, "InvalidAuthenticationTokenTenant",
                $"The access token is from the wrong issuer 'https://sts.windows.net/{caller.Tenant.Id}/'. It must match the tenant 'https://sts.windows.net/{owner.Id}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/{owner.Id}' to get the token.");
            return null;
        }

        await Error(http, 404, "SubscriptionNotFound", $"The subscription '{id}' could not be found.");
        return null;
    }

    private static async Task<ResourceGroup?> FindGroup(HttpContext http, AzureSubscription sub)
    {
        var name = (string)http.Request.RouteValues["resourceGroup"]!;
        var group = sub.ResourceGroups.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase));
        if (group is null)
        {
            await Error(http, 404, "ResourceGroupNotFound", $"Resource group '{name}' could not be found.");
        }

        return group;
    }

    /// <summary>Writes one page of a list and an absolute nextLink with a $skiptoken when more remain.</summary>
    private async Task WritePage(HttpContext http, List<JsonNode> all, int pageSize)
    {
        var skip = int.TryParse(http.Query("$skiptoken"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        var page = all.Skip(skip).Take(pageSize).ToArray();
        var body = new JsonObject
        {
            ["value"] = new JsonArray(page),
            ["count"] = new JsonObject { ["type"] = "Total", ["value"] = all.Count },
        };
        if (skip + page.Length < all.Count)
        {
            var apiVersion = http.Query("api-version") ?? "2022-12-01";
            body["nextLink"] = context.Url($"{http.Request.Path}?api-version={Uri.EscapeDataString(apiVersion)}&$skiptoken={skip + page.Length}");
        }

        await http.WriteJson(body);
    }

    private JsonNode Subscription(AzureSubscription sub) => new JsonObject
    {
        ["id"] = $"/subscriptions/{sub.SubscriptionId}",
        ["authorizationSource"] = "RoleBased",
        ["managedByTenants"] = new JsonArray(new JsonObject { ["tenantId"] = context.Directory.Partner.Id.ToString() }),
        ["subscriptionId"] = sub.SubscriptionId,
        ["tenantId"] = sub.TenantId.ToString(),
        ["displayName"] = sub.DisplayName,
        ["state"] = sub.State,
        ["subscriptionPolicies"] = new JsonObject
        {
            ["locationPlacementId"] = "Public_2014-09-01",
            ["quotaId"] = "CSP_2015-05-01",
            ["spendingLimit"] = "Off",
        },
    };

    private static JsonObject ResourceGroupJson(AzureSubscription sub, ResourceGroup group) => new()
    {
        ["id"] = $"/subscriptions/{sub.SubscriptionId}/resourceGroups/{group.Name}",
        ["name"] = group.Name,
        ["type"] = "Microsoft.Resources/resourceGroups",
        ["location"] = group.Location,
        ["tags"] = Tags(group.Tags),
        ["properties"] = new JsonObject { ["provisioningState"] = "Succeeded" },
    };

    private static JsonObject ResourceJson(AzureSubscription sub, ResourceGroup group, AzureResource resource)
    {
        var json = new JsonObject
        {
            ["id"] = $"/subscriptions/{sub.SubscriptionId}/resourceGroups/{group.Name}/providers/{resource.Type}/{resource.Name}",
            ["name"] = resource.Name,
            ["type"] = resource.Type,
            ["location"] = resource.Location,
            ["tags"] = Tags(resource.Tags),
        };
        if (resource.Kind.Length > 0)
        {
            json["kind"] = resource.Kind;
        }

        return json;
    }

    private static JsonObject Tags(Dictionary<string, string> tags)
    {
        var json = new JsonObject();
        foreach (var (key, value) in tags)
        {
            json[key] = value;
        }

        return json;
    }

    internal static Task Error(HttpContext http, int status, string code, string message) =>
        http.WriteJson(new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }, status);
}
