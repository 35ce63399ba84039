using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Runner.Sandbox.Data;

namespace Runner.Sandbox.Graph;

/// <summary>Directory objects as members lists return them: typed with @odata.type, with the default properties.</summary>
internal static class GraphObjects
{
    /// <summary>The users with these ids, in the tenant's order (call under the content lock).</summary>
    public static List<JsonObject> Users(SandboxTenant tenant, IReadOnlyCollection<Guid> ids) =>
        tenant.Content.Users.Where(u => ids.Contains(u.Id)).Select(u =>
        {
            var json = new JsonObject { ["@odata.type"] = "#microsoft.graph.user" };
            foreach (var (key, value) in UserProperties.Project(u, UserProperties.Default))
            {
                json[key] = value?.DeepClone();
            }

            return json;
        }).ToList();

    public static Task NotFound(HttpContext http, GraphApi graph, string id) =>
        graph.Error(http, 404, "Request_ResourceNotFound", $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");
}
