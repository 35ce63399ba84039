using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;
using Runner.Sandbox.Identity;

namespace Runner.Sandbox.Graph;

/// <summary>
/// Entra's role-based access through roleManagement/directory, the same facts as /directoryRoles seen the newer way:
/// roleDefinitions (the built-in roles the sandbox seeds, id = template id) and roleAssignments (one per role member,
/// directoryScopeId "/", with Entra's id shape), $filter on principalId and roleDefinitionId, $expand=principal or
/// roleDefinition ("List unifiedRoleAssignments"). RoleManagement.Read.Directory or Directory.Read.All. Assigning roles
/// is not emulated (501).
/// </summary>
internal sealed class RoleManagementApi(GraphApi graph)
{
    private const string Root = "roleManagement/directory";

    private static readonly string[] Read = ["RoleManagement.Read.Directory", "Directory.Read.All", "RoleManagement.ReadWrite.Directory"];

    private sealed record Assignment(string Id, DirectoryRole Role, SandboxUser Principal);

    private static readonly IReadOnlyDictionary<string, FilterProperty<Assignment>> AssignmentFilters =
        new Dictionary<string, FilterProperty<Assignment>>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = new(EdmType.String, a => a.Id),
            ["principalId"] = new(EdmType.String, a => a.Principal.Id.ToString()),
            ["roleDefinitionId"] = new(EdmType.String, a => a.Role.RoleTemplateId.ToString()),
            ["directoryScopeId"] = new(EdmType.String, _ => "/"),
        };

    private static readonly IReadOnlyDictionary<string, FilterProperty<(Guid Template, string Name, string Description)>> DefinitionFilters =
        new Dictionary<string, FilterProperty<(Guid Template, string Name, string Description)>>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = new(EdmType.String, d => d.Template.ToString()),
            ["templateId"] = new(EdmType.String, d => d.Template.ToString()),
            ["displayName"] = new(EdmType.String, d => d.Name),
            ["isBuiltIn"] = new(EdmType.Boolean, _ => true),
        };

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet($"/v1.0/{Root}/roleDefinitions", (RequestDelegate)Definitions);
        routes.MapGet($"/v1.0/{Root}/roleDefinitions/{{id}}", (RequestDelegate)Definition);
        routes.MapGet($"/v1.0/{Root}/roleAssignments", (RequestDelegate)Assignments);
        routes.MapGet($"/v1.0/{Root}/roleAssignments/{{id}}", (RequestDelegate)AssignmentById);
    }

    private async Task Definitions(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is not null && await GraphList.Filter(http, graph, DefinitionFilters, "microsoft.graph.unifiedRoleDefinition") is { } filter)
        {
            await GraphList.Write(http, graph, $"{Root}/roleDefinitions", "microsoft.graph.unifiedRoleDefinition",
                DirectorySeeder.RoleTemplates.Where(filter).Select(DefinitionJson).ToList());
        }
    }

    private async Task Definition(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is { } caller)
        {
            await GraphObjects.WriteOne(http, graph, caller, $"{Root}/roleDefinitions", _ => DirectorySeeder.RoleTemplates, d => d.Template,
                (string)http.Request.RouteValues["id"]!, DefinitionJson);
        }
    }

    private async Task Assignments(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is not { } caller || await GraphList.Filter(http, graph, AssignmentFilters, "microsoft.graph.unifiedRoleAssignment") is not { } filter)
        {
            return;
        }

        var expand = http.Query("$expand") is { } e && e is "principal" or "roleDefinition" ? e : null;
        List<JsonObject> assignments;
        lock (caller.Tenant.Content.Sync)
        {
            assignments = AllAssignments(caller.Tenant.Content).Where(filter).Select(a => AssignmentJson(a, expand)).ToList();
        }

        await GraphList.Write(http, graph, $"{Root}/roleAssignments", "microsoft.graph.unifiedRoleAssignment", assignments, expanded: expand);
    }

    private async Task AssignmentById(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is { } caller)
        {
            await GraphObjects.WriteOne(http, graph, caller, $"{Root}/roleAssignments", AllAssignments, a => a.Id,
                (string)http.Request.RouteValues["id"]!, a => AssignmentJson(a, null));
        }
    }

    /// <summary>Every role membership as an assignment (call under the content lock).</summary>
    private static IEnumerable<Assignment> AllAssignments(TenantContent content) =>
        content.Directory.Roles.SelectMany(r => r.MemberIds.Select(id => content.Users.FirstOrDefault(u => u.Id == id)).OfType<SandboxUser>()
            .Select(u => new Assignment(Base64Url.Encode([.. r.RoleTemplateId.ToByteArray(), .. u.Id.ToByteArray()]) + "-1", r, u)));

    private static JsonObject AssignmentJson(Assignment a, string? expand)
    {
        var json = new JsonObject
        {
            ["id"] = a.Id,
            ["principalId"] = a.Principal.Id.ToString(),
            ["roleDefinitionId"] = a.Role.RoleTemplateId.ToString(),
            ["directoryScopeId"] = "/",
            ["appScopeId"] = null,
        };
        if (expand == "principal")
        {
            json["principal"] = GraphObjects.TypedUser(a.Principal, UserProperties.Default);
        }
        else if (expand == "roleDefinition")
        {
            json["roleDefinition"] = DefinitionJson(DirectorySeeder.RoleTemplates.First(t => t.Template == a.Role.RoleTemplateId));
        }

        return json;
    }

    private static JsonObject DefinitionJson((Guid Template, string Name, string Description) d) => new()
    {
        ["id"] = d.Template.ToString(),
        ["templateId"] = d.Template.ToString(),
        ["displayName"] = d.Name,
        ["description"] = d.Description,
        ["isBuiltIn"] = true,
        ["isEnabled"] = true,
        ["version"] = "1",
        ["resourceScopes"] = new JsonArray("/"),
        ["rolePermissions"] = new JsonArray(),
    };
}
