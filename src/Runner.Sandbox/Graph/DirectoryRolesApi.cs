using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// GET /directoryRoles and their members: only activated roles are listed, each with the template id Microsoft
/// publishes ("List directoryRoles", "List members of a directory role").
/// </summary>
internal sealed class DirectoryRolesApi(GraphApi graph)
{
    private static readonly string[] Read = ["RoleManagement.Read.Directory", "Directory.Read.All", "RoleManagement.ReadWrite.Directory"];

    private static readonly IReadOnlyDictionary<string, FilterProperty<JsonObject>> Filterable =
        new Dictionary<string, FilterProperty<JsonObject>>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = new(EdmType.String, r => (string?)r["id"]),
            ["displayName"] = new(EdmType.String, r => (string?)r["displayName"]),
            ["roleTemplateId"] = new(EdmType.String, r => (string?)r["roleTemplateId"]),
        };

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/directoryRoles", (RequestDelegate)List);
        routes.MapGet("/v1.0/directoryRoles/{id}", (RequestDelegate)Get);
        routes.MapGet("/v1.0/directoryRoles/{id}/members", (RequestDelegate)Members);
    }

    private async Task List(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is { } caller && await GraphList.Filter(http, graph, Filterable, "microsoft.graph.directoryRole") is { } filter)
        {
            await GraphList.Write(http, graph, "directoryRoles", "microsoft.graph.directoryRole", caller.Tenant.Content.Directory.Roles.Select(GraphObjects.Role).Where(filter).ToList());
        }
    }

    private async Task Get(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is { } caller && await Find(http, caller) is { } role)
        {
            var json = GraphObjects.Role(role);
            json["@odata.context"] = graph.Context(http, "directoryRoles") + "/$entity";
            await http.WriteJson(json);
        }
    }

    private async Task Members(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is not { } caller || await Find(http, caller) is not { } role)
        {
            return;
        }

        List<JsonObject> members;
        lock (caller.Tenant.Content.Sync)
        {
            members = GraphObjects.Users(caller.Tenant, role.MemberIds);
        }

        await GraphList.Write(http, graph, "directoryObjects", "microsoft.graph.directoryObject", members);
    }

    /// <summary>By object id or, as Graph also allows, by roleTemplateId.</summary>
    private async Task<DirectoryRole?> Find(HttpContext http, ApiCaller caller)
    {
        var id = (string)http.Request.RouteValues["id"]!;
        var role = caller.Tenant.Content.Directory.Roles.FirstOrDefault(r =>
            r.Id.ToString().Equals(id, StringComparison.OrdinalIgnoreCase) || id.Equals($"roleTemplateId={r.RoleTemplateId}", StringComparison.OrdinalIgnoreCase));
        if (role is null)
        {
            await GraphObjects.NotFound(http, graph, id);
        }

        return role;
    }
}
