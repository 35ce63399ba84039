using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>Directory objects as members lists return them: typed with @odata.type, with the default properties.</summary>
internal static class GraphObjects
{
    /// <summary>The users with these ids, in the tenant's order (call under the content lock).</summary>
    public static List<JsonObject> Users(SandboxTenant tenant, IReadOnlyCollection<Guid> ids) =>
        tenant.Content.Users.Where(u => ids.Contains(u.Id)).Select(u => TypedUser(u, UserProperties.Default)).ToList();

    /// <summary>A user as a directory object among others: typed, with the given properties.</summary>
    public static JsonObject TypedUser(SandboxUser user, IEnumerable<string> select) => Typed("user", UserProperties.Project(user, select));

    /// <summary><paramref name="properties"/> with @odata.type #microsoft.graph.{type} first, as Graph writes a derived type.</summary>
    public static JsonObject Typed(string type, JsonObject properties)
    {
        var json = new JsonObject { ["@odata.type"] = $"#microsoft.graph.{type}" };
        foreach (var (key, value) in properties)
        {
            json[key] = value?.DeepClone();
        }

        return json;
    }

    /// <summary>The item of the tenant's <paramref name="items"/> whose key is the route's {id} (or <paramref name="value"/>),
    /// or null after answering Graph's directory 404.</summary>
    public static async Task<T?> RouteItem<T, TKey>(HttpContext http, GraphApi graph, ApiCaller caller, Func<TenantContent, IEnumerable<T>> items,
        Func<T, TKey> key, string? value = null)
        where T : class
    {
        value ??= (string)http.Request.RouteValues["id"]!;
        T? item;
        lock (caller.Tenant.Content.Sync)
        {
            item = items(caller.Tenant.Content).FirstOrDefault(i => string.Equals(key(i)?.ToString(), value, StringComparison.OrdinalIgnoreCase));
        }

        if (item is null)
        {
            await NotFound(http, graph, value);
        }

        return item;
    }

    /// <summary>Answers the item of the tenant's <paramref name="items"/> whose key is <paramref name="value"/>, with its
    /// @odata.context, or 404 (Graph's directory 404 unless <paramref name="notFound"/> answers otherwise).</summary>
    public static async Task WriteOne<T, TKey>(HttpContext http, GraphApi graph, ApiCaller caller, string entitySet, Func<TenantContent, IEnumerable<T>> items,
        Func<T, TKey> key, string value, Func<T, JsonObject> json, Func<Task>? notFound = null)
    {
        JsonObject? body;
        lock (caller.Tenant.Content.Sync)
        {
            body = items(caller.Tenant.Content).Where(i => string.Equals(key(i)?.ToString(), value, StringComparison.OrdinalIgnoreCase)).Select(json).FirstOrDefault();
        }

        if (body is null)
        {
            await (notFound?.Invoke() ?? NotFound(http, graph, value));
            return;
        }

        body["@odata.context"] = graph.Context(http, entitySet) + "/$entity";
        await http.WriteJson(body);
    }

    /// <summary>The user the route's {id} names (object id or user principal name), or null after answering 404.</summary>
    public static async Task<SandboxUser?> RouteUser(HttpContext http, GraphApi graph, ApiCaller caller)
    {
        var id = (string)http.Request.RouteValues["id"]!;
        SandboxUser? user;
        lock (caller.Tenant.Content.Sync)
        {
            user = UserProperties.Find(caller.Tenant.Content, id);
        }

        if (user is null)
        {
            await NotFound(http, graph, id);
        }

        return user;
    }

    /// <summary>A group with the properties Graph returns by default.</summary>
    public static JsonObject Group(SandboxTenant tenant, SandboxGroup group, int seed) => new()
    {
        ["id"] = group.Id.ToString(),
        ["deletedDateTime"] = null,
        ["classification"] = null,
        ["createdDateTime"] = UserProperties.Date(group.CreatedDateTime),
        ["description"] = group.Description,
        ["displayName"] = group.DisplayName,
        ["groupTypes"] = group.IsMicrosoft365 ? new JsonArray("Unified") : new JsonArray(),
        ["mail"] = group.IsMicrosoft365 ? $"{group.MailNickname}@{tenant.Domain}" : null,
        ["mailEnabled"] = group.IsMicrosoft365,
        ["mailNickname"] = group.MailNickname,
        ["membershipRule"] = null,
        ["onPremisesSyncEnabled"] = null,
        ["securityEnabled"] = !group.IsMicrosoft365,
        ["visibility"] = group.IsMicrosoft365 ? group.Visibility ?? "Private" : null,
        ["renewedDateTime"] = UserProperties.Date(group.CreatedDateTime),
        ["securityIdentifier"] = $"S-1-12-1-{seed}-{group.Id.GetHashCode() & int.MaxValue}",
    };

    /// <summary>An activated directory role as Graph returns it.</summary>
    public static JsonObject Role(DirectoryRole role) => new()
    {
        ["id"] = role.Id.ToString(),
        ["deletedDateTime"] = null,
        ["description"] = role.Description,
        ["displayName"] = role.DisplayName,
        ["roleTemplateId"] = role.RoleTemplateId.ToString(),
    };

    /// <summary>A product's service plans as subscribedSkus and licenseDetails list them (ids stable per plan name).</summary>
    public static JsonArray ServicePlans(Product product) => new([.. product.ServicePlans.Select(plan => (JsonNode)new JsonObject
    {
        ["servicePlanId"] = DeterministicGuid.Create(0, $"plan:{plan}").ToString(),
        ["servicePlanName"] = plan,
        ["provisioningStatus"] = "Success",
        ["appliesTo"] = "User",
    })]);

    /// <summary>The 204 Graph answers to a write that returns nothing.</summary>
    public static Task NoContent(HttpContext http)
    {
        http.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    /// <summary>The request's JSON object, or null after Graph's 400 for a body that is not one.</summary>
    public static async Task<JsonObject?> Body(HttpContext http, GraphApi graph)
    {
        if (await RequestJson.ObjectAsync(http) is { } body)
        {
            return body;
        }

        await graph.Error(http, 400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
        return null;
    }

    public static Task NotFound(HttpContext http, GraphApi graph, string id) =>
        graph.Error(http, 404, "Request_ResourceNotFound", $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");
}
