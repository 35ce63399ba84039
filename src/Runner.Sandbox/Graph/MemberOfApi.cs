using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// GET /users/{id | userPrincipalName}/memberOf and /transitiveMemberOf ("List a user's direct memberships", "List a
/// user's memberships (direct and transitive)"): the groups and activated directory roles the user is a member of,
/// typed with @odata.type, and the casts /microsoft.graph.group and /microsoft.graph.directoryRole (or graph.group,
/// as the SDK sends it) that keep one kind. The sandbox has no nested groups, so both lists are the same.
/// </summary>
internal sealed class MemberOfApi(SandboxContext context, GraphApi graph)
{
    private const string GroupCast = "graph.group";
    private const string RoleCast = "graph.directoryRole";

    private static readonly string[] Read =
        ["User.Read.All", "User.ReadWrite.All", "GroupMember.Read.All", "Group.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"];

    public void Map(IEndpointRouteBuilder routes)
    {
        foreach (var relation in new[] { "memberOf", "transitiveMemberOf" })
        {
            routes.MapGet($"/v1.0/users/{{id}}/{relation}", (RequestDelegate)List);
            routes.MapGet($"/v1.0/users/{{id}}/{relation}/{{cast}}", (RequestDelegate)List);
        }
    }

    private async Task List(HttpContext http)
    {
        // Graph takes a cast with or without the "microsoft." namespace prefix; the SDK sends "graph.group".
        var segment = http.Request.RouteValues["cast"] as string;
        var cast = segment?.StartsWith("microsoft.", StringComparison.OrdinalIgnoreCase) == true ? segment["microsoft.".Length..] : segment;
        if (cast is not null && !cast.Equals(GroupCast, StringComparison.OrdinalIgnoreCase) && !cast.Equals(RoleCast, StringComparison.OrdinalIgnoreCase))
        {
            // What Graph answers for a segment it does not know after a navigation property.
            await graph.Error(http, 400, "BadRequest", $"Resource not found for the segment '{cast}'.");
            return;
        }

        if (await graph.Authorize(http, Read) is not { } caller || await GraphObjects.RouteUser(http, graph, caller) is not { } user)
        {
            return;
        }

        List<JsonObject> items;
        lock (caller.Tenant.Content.Sync)
        {
            items = Memberships(caller.Tenant, user, context.Options.Seed, cast);
        }

        var (entitySet, entity) = cast is null ? ("directoryObjects", "microsoft.graph.directoryObject") : (cast.EndsWith("group", StringComparison.OrdinalIgnoreCase) ? "groups" : "directoryRoles", "microsoft." + cast);
        await GraphList.Write(http, graph, entitySet, entity, items);
    }

    /// <summary>The user's groups and roles, typed, or one kind of them by <paramref name="cast"/> (graph.group or
    /// graph.directoryRole); also what $expand=memberOf on users adds (call under the content lock).</summary>
    public static List<JsonObject> Memberships(SandboxTenant tenant, SandboxUser user, int seed, string? cast = null)
    {
        var items = new List<JsonObject>();
        var directory = tenant.Content.Directory;
        if (cast is null || cast.Equals(GroupCast, StringComparison.OrdinalIgnoreCase))
        {
            items.AddRange(directory.Groups.Where(g => g.MemberIds.Contains(user.Id)).Select(g => GraphObjects.Typed("group", GraphObjects.Group(tenant, g, seed))));
        }

        if (cast is null || cast.Equals(RoleCast, StringComparison.OrdinalIgnoreCase))
        {
            items.AddRange(directory.Roles.Where(r => r.MemberIds.Contains(user.Id)).Select(r => GraphObjects.Typed("directoryRole", GraphObjects.Role(r))));
        }

        return items;
    }
}
