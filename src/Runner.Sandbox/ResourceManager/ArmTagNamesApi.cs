using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Runner.Sandbox.ResourceManager;

/// <summary>
/// "Tags - List" (GET /subscriptions/{id}/tagNames): every tag name used on the subscription's resource groups and
/// resources, with how often each name and each value is used, paged with nextLink like ARM's other lists.
/// </summary>
internal sealed class ArmTagNamesApi(ArmAccess access)
{
    public void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/subscriptions/{subscriptionId}/tagNames", (RequestDelegate)List);

    private async Task List(HttpContext http)
    {
        if (await access.FindSubscription(http) is not ({ } sub, { } tenant))
        {
            return;
        }

        var usage = new SortedDictionary<string, SortedDictionary<string, int>>(StringComparer.OrdinalIgnoreCase);
        lock (tenant.Content.Sync)
        {
            foreach (var group in sub.ResourceGroups)
            {
                Count(usage, group.Tags);
                foreach (var resource in group.Resources)
                {
                    Count(usage, resource.Tags);
                }
            }
        }

        var prefix = $"/subscriptions/{sub.SubscriptionId}/tagNames/";
        var names = usage.Select(name => (JsonNode)new JsonObject
        {
            ["id"] = prefix + name.Key,
            ["tagName"] = name.Key,
            ["count"] = Total(name.Value.Values.Sum()),
            ["values"] = new JsonArray([.. name.Value.Select(value => (JsonNode)new JsonObject
            {
                ["id"] = $"{prefix}{name.Key}/tagValues/{value.Key}",
                ["tagValue"] = value.Key,
                ["count"] = Total(value.Value),
            })]),
        }).ToList();
        await access.WritePage(http, names, ResourceManagerApi.ResourcePageSize);
    }

    private static void Count(SortedDictionary<string, SortedDictionary<string, int>> usage, Dictionary<string, string> tags)
    {
        foreach (var (name, value) in tags)
        {
            if (!usage.TryGetValue(name, out var values))
            {
                usage[name] = values = new SortedDictionary<string, int>(StringComparer.Ordinal);
            }

            values[value] = values.GetValueOrDefault(value) + 1;
        }
    }

    private static JsonObject Total(int value) => new() { ["type"] = "Total", ["value"] = value };
}
