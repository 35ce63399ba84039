using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.ResourceManager;

/// <summary>
/// The Tags API, {scope}/providers/Microsoft.Resources/tags/default, at subscription, resource group and resource
/// scope: GET, PUT (replace), PATCH (operation Merge, Replace or Delete) and DELETE (remove all). It is what
/// ArmClient's AddTag, SetTags and RemoveTag call once the Microsoft.Resources provider lists a "tags" type.
/// </summary>
internal sealed class ArmTagsApi(ArmAccess access)
{
    public void Map(IEndpointRouteBuilder routes) =>
        routes.MapMethods($"/subscriptions/{{subscriptionId}}/{ArmJson.TagsSuffix}", ["GET", "PUT", "PATCH", "DELETE"], (RequestDelegate)OnSubscription);

    public static async Task Handle(HttpContext http, string scopeId, Dictionary<string, string> tags, object sync)
    {
        JsonObject? body = null;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsDelete(http.Request.Method))
        {
            try
            {
                body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject;
            }
            catch (JsonException)
            {
            }

            if (body?["properties"]?["tags"] is not JsonObject)
            {
                await ArmJson.Error(http, 400, "InvalidRequestContent", "The request content must be {\"properties\": {\"tags\": {...}}}.");
                return;
            }
        }

        var operation = (body?["operation"] as JsonValue)?.GetValue<string>() ?? "";
        if (HttpMethods.IsPatch(http.Request.Method) && operation is not ("Merge" or "Replace" or "Delete"))
        {
            await ArmJson.Error(http, 400, "InvalidTagOperation", $"The tag operation '{operation}' is not valid. Use Merge, Replace or Delete.");
            return;
        }

        var sent = body?["properties"]?["tags"] as JsonObject;
        JsonObject result;
        lock (sync)
        {
            switch (http.Request.Method)
            {
                case "PUT":
                    Replace(tags, sent!);
                    break;
                case "DELETE":
                    tags.Clear();
                    break;
                case "PATCH" when operation == "Replace":
                    Replace(tags, sent!);
                    break;
                case "PATCH" when operation == "Merge":
                    foreach (var (key, value) in sent!)
                    {
                        tags[key] = value?.ToString() ?? "";
                    }

                    break;
                case "PATCH":
                    // Delete removes the keys sent; with a value, only when it matches.
                    foreach (var (key, value) in sent!)
                    {
                        if (tags.TryGetValue(key, out var current) && (string.IsNullOrEmpty(value?.ToString()) || current == value.ToString()))
                        {
                            tags.Remove(key);
                        }
                    }

                    break;
            }

            result = ArmJson.TagsResource(scopeId, tags);
        }

        if (HttpMethods.IsDelete(http.Request.Method))
        {
            http.Response.StatusCode = 200;
            return;
        }

        await http.WriteJson(result);
    }

    /// <summary>Replaces every tag with the ones in <paramref name="sent"/> (callers hold the tenant's lock).</summary>
    public static void Replace(Dictionary<string, string> tags, JsonObject sent)
    {
        tags.Clear();
        foreach (var (key, value) in sent)
        {
            tags[key] = value?.ToString() ?? "";
        }
    }

    private async Task OnSubscription(HttpContext http)
    {
        if (await access.FindSubscription(http) is ({ } sub, { } tenant))
        {
            await Handle(http, $"/subscriptions/{sub.SubscriptionId}", sub.Tags, tenant.Content.Sync);
        }
    }
}
