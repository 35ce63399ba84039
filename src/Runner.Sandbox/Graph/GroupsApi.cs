using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>GET /groups, a group, its members and owners, POST members/$ref ("Add members") and DELETE members/{id}/$ref
/// ("Remove member"), Graph v1.0.</summary>
internal sealed class GroupsApi(SandboxContext context, GraphApi graph)
{
    private static readonly string[] Read = ["Group.Read.All", "GroupMember.Read.All", "Directory.Read.All", "Group.ReadWrite.All", "GroupMember.ReadWrite.All"];
    private static readonly string[] Write = ["GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"];

    /// <summary>What "List groups" filters on (eq, ne, in, startswith; any() on groupTypes and resourceProvisioningOptions).</summary>
    private static readonly IReadOnlyDictionary<string, FilterProperty<JsonObject>> Filterable =
        new Dictionary<string, FilterProperty<JsonObject>>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = new(EdmType.String, g => (string?)g["id"]),
            ["displayName"] = new(EdmType.String, g => (string?)g["displayName"]),
            ["mail"] = new(EdmType.String, g => (string?)g["mail"]),
            ["mailNickname"] = new(EdmType.String, g => (string?)g["mailNickname"]),
            ["mailEnabled"] = new(EdmType.Boolean, g => (bool?)g["mailEnabled"]),
            ["securityEnabled"] = new(EdmType.Boolean, g => (bool?)g["securityEnabled"]),
            ["visibility"] = new(EdmType.String, g => (string?)g["visibility"]),
            ["groupTypes"] = new(EdmType.String, g => g["groupTypes"]!.AsArray().Select(t => (object)(string)t!), IsCollection: true),
            // No seeded group is a team; a filter for teams finds none rather than every group.
            ["resourceProvisioningOptions"] = new(EdmType.String, _ => Array.Empty<object>(), IsCollection: true),
        };

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/groups", (RequestDelegate)List);
        routes.MapGet("/v1.0/groups/{id}", (RequestDelegate)Get);
        routes.MapGet("/v1.0/groups/{id}/members", (RequestDelegate)Members);
        routes.MapGet("/v1.0/groups/{id}/owners", (RequestDelegate)Owners);
        routes.MapPost("/v1.0/groups/{id}/members/$ref", (RequestDelegate)(http => AddMember(http, MemberRelation)));
        routes.MapDelete("/v1.0/groups/{id}/members/{memberId}/$ref", (RequestDelegate)(http => RemoveMember(http, MemberRelation)));
        routes.MapPost("/v1.0/groups/{id}/owners/$ref", (RequestDelegate)(http => AddMember(http, OwnerRelation)));
        routes.MapDelete("/v1.0/groups/{id}/owners/{memberId}/$ref", (RequestDelegate)(http => RemoveMember(http, OwnerRelation)));
    }

    private async Task List(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is { } caller)
        {
            if (await GroupExpansion.ReadAsync(http, graph) is not (true, var members))
            {
                return;
            }

            if (await GraphList.Filter(http, graph, Filterable, "microsoft.graph.group") is not { } filter)
            {
                return;
            }

            List<JsonObject> groups;
            lock (caller.Tenant.Content.Sync)
            {
                groups = caller.Tenant.Content.Directory.Groups.Select(g => GroupExpansion.WithMembers(caller, g, members, context.Options.Seed)).Where(filter).ToList();
            }

            await GraphList.Write(http, graph, "groups", "microsoft.graph.group", groups, expanded: members is null ? null : "members");
        }
    }

    private async Task Get(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is { } caller && await Find(http, caller) is { } group)
        {
            if (await GroupExpansion.ReadAsync(http, graph) is not (true, var members))
            {
                return;
            }

            if (http.Query("$expand") is { Length: > 0 } expand && members is null)
            {
                await graph.Error(http, 501, "NotImplemented", $"The sandbox does not emulate $expand={expand} on a group; it expands members. {SandboxDocs.Page} lists what it emulates.");
                return;
            }

            JsonObject json;
            lock (caller.Tenant.Content.Sync)
            {
                json = GroupExpansion.WithMembers(caller, group, members, context.Options.Seed);
            }

            json["@odata.context"] = graph.Context(http, "groups") + "/$entity";
            await http.WriteJson(json);
        }
    }

    private Task Members(HttpContext http) => Users(http, group => group.MemberIds);

    /// <summary>"List group owners": the users made owners when the group was created; seeded groups have none.</summary>
    private Task Owners(HttpContext http) => Users(http, group => group.OwnerIds);

    private async Task Users(HttpContext http, Func<SandboxGroup, List<Guid>> ids)
    {
        if (await graph.Authorize(http, Read) is not { } caller || await Find(http, caller) is not { } group)
        {
            return;
        }

        List<JsonObject> users;
        lock (caller.Tenant.Content.Sync)
        {
            users = GraphObjects.Users(caller.Tenant, ids(group).ToList());
        }

        await GraphList.Write(http, graph, "directoryObjects", "microsoft.graph.directoryObject", users);
    }

    /// <summary>A group's members or owners, as the two $ref writes name them.</summary>
    private sealed record Relation(string Property, Func<SandboxGroup, List<Guid>> Ids, string Added, string Removed);

    private static readonly Relation MemberRelation = new("members", g => g.MemberIds, "Add member to group", "Remove member from group");

    private static readonly Relation OwnerRelation = new("owners", g => g.OwnerIds, "Add owner to group", "Remove owner from group");

    /// <summary>The body names the member or owner as {"@odata.id": ".../directoryObjects/{id}"}; 204 on success.</summary>
    private async Task AddMember(HttpContext http, Relation relation)
    {
        if (await graph.Authorize(http, Write) is not { } caller || await Find(http, caller) is not { } group)
        {
            return;
        }

        string? reference = null;
        try
        {
            var body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            reference = body?["@odata.id"]?.GetValue<string>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
        }

        var memberId = reference?.TrimEnd('/').Split('/')[^1];
        if (memberId is null || !Guid.TryParse(memberId, out var id))
        {
            await graph.Error(http, 400, "BadRequest", "Invalid object identifier '" + (memberId ?? "") + "'.");
            return;
        }

        var content = caller.Tenant.Content;
        string outcome;
        SandboxUser? member;
        lock (content.Sync)
        {
            member = content.Users.FirstOrDefault(u => u.Id == id);
            outcome = member is null ? "unknown" : relation.Ids(group).Contains(id) ? "duplicate" : "added";
            if (outcome == "added")
            {
                relation.Ids(group).Add(id);
            }
        }

        if (outcome == "added")
        {
            graph.Audit(http, caller, relation.Added, "GroupManagement", "Assign", AuditTarget.Of(member!), GroupWritesApi.Target(group));
        }

        await (outcome switch
        {
            // "Add members" / "Add owners": adding an existing one is refused, not ignored.
            "duplicate" => graph.Error(http, 400, "Request_BadRequest", $"One or more added object references already exist for the following modified properties: '{relation.Property}'."),
            "unknown" => GraphObjects.NotFound(http, graph, memberId),
            _ => GraphObjects.NoContent(http),
        });
    }

    /// <summary>"Remove member" / "Remove group owner": 204; an object that is not one is 404 Request_ResourceNotFound, as Graph answers.</summary>
    private async Task RemoveMember(HttpContext http, Relation relation)
    {
        if (await graph.Authorize(http, Write) is not { } caller || await Find(http, caller) is not { } group)
        {
            return;
        }

        var memberId = (string)http.Request.RouteValues["memberId"]!;
        bool removed;
        SandboxUser? member;
        lock (caller.Tenant.Content.Sync)
        {
            removed = Guid.TryParse(memberId, out var id) && relation.Ids(group).Remove(id);
            member = removed ? caller.Tenant.Content.Users.FirstOrDefault(u => u.Id == id) : null;
        }

        if (member is not null)
        {
            graph.Audit(http, caller, relation.Removed, "GroupManagement", "Unassign", AuditTarget.Of(member), GroupWritesApi.Target(group));
        }

        await (removed ? GraphObjects.NoContent(http) : GraphObjects.NotFound(http, graph, memberId));
    }

    private Task<SandboxGroup?> Find(HttpContext http, ApiCaller caller) =>
        GraphObjects.RouteItem(http, graph, caller, c => c.Directory.Groups, g => g.Id);
}
