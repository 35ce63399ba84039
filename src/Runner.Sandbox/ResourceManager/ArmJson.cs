using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.ResourceManager;

/// <summary>ARM's resource shapes, as in the Azure REST API specification's examples.</summary>
internal static class ArmJson
{
    public const string TagsSuffix = "providers/Microsoft.Resources/tags/default";

    public static JsonObject Subscription(AzureSubscription sub, Guid partnerTenantId) => new()
    {
        ["id"] = $"/subscriptions/{sub.SubscriptionId}",
        ["authorizationSource"] = "RoleBased",
        ["managedByTenants"] = new JsonArray(new JsonObject { ["tenantId"] = partnerTenantId.ToString() }),
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
        ["tags"] = Tags(sub.Tags),
    };

    public static string GroupId(AzureSubscription sub, ResourceGroup group) => $"/subscriptions/{sub.SubscriptionId}/resourceGroups/{group.Name}";

    public static string ResourceId(AzureSubscription sub, ResourceGroup group, AzureResource resource) =>
        $"{GroupId(sub, group)}/providers/{resource.Type}/{resource.Name}";

    public static JsonObject ResourceGroup(AzureSubscription sub, ResourceGroup group) => new()
    {
        ["id"] = GroupId(sub, group),
        ["name"] = group.Name,
        ["type"] = "Microsoft.Resources/resourceGroups",
        ["location"] = group.Location,
        ["tags"] = Tags(group.Tags),
        ["properties"] = new JsonObject { ["provisioningState"] = group.ProvisioningState },
    };

    /// <summary>A resource as the list returns it (GenericResourceExpanded), with createdTime and friends when expanded.</summary>
    public static JsonObject ListedResource(AzureSubscription sub, ResourceGroup group, AzureResource resource, IReadOnlySet<string> expand)
    {
        var json = new JsonObject
        {
            ["id"] = ResourceId(sub, group, resource),
            ["name"] = resource.Name,
            ["type"] = resource.Type,
            ["location"] = resource.Location,
            ["tags"] = Tags(resource.Tags),
        };
        if (resource.Kind.Length > 0)
        {
            json["kind"] = resource.Kind;
        }

        if (expand.Contains("createdTime"))
        {
            json["createdTime"] = Date(resource.CreatedTime);
        }

        if (expand.Contains("changedTime"))
        {
            json["changedTime"] = Date(resource.CreatedTime);
        }

        if (expand.Contains("provisioningState"))
        {
            json["provisioningState"] = "Succeeded";
        }

        return json;
    }

    /// <summary>A resource read by id: the listed shape plus its provider-specific properties.</summary>
    public static JsonObject Resource(AzureSubscription sub, ResourceGroup group, AzureResource resource)
    {
        var json = ListedResource(sub, group, resource, new HashSet<string>());
        json["properties"] = new JsonObject { ["provisioningState"] = "Succeeded" };
        return json;
    }

    /// <summary>The Tags API's resource: one "default" tags object per scope.</summary>
    public static JsonObject TagsResource(string scopeId, Dictionary<string, string> tags) => new()
    {
        ["id"] = $"{scopeId}/{TagsSuffix}",
        ["name"] = "default",
        ["type"] = "Microsoft.Resources/tags",
        ["properties"] = new JsonObject { ["tags"] = Tags(tags) },
    };

    public static JsonObject Tags(Dictionary<string, string> tags)
    {
        var json = new JsonObject();
        foreach (var (key, value) in tags)
        {
            json[key] = value;
        }

        return json;
    }

    /// <summary>ARM's error body: { "error": { "code", "message" } }.</summary>
    public static Task Error(HttpContext http, int status, string code, string message) =>
        http.WriteJson(new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }, status);

    private static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
}
