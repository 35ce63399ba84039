using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>GET /groups, a group, its members, POST members/$ref ("Add members") and DELETE members/{id}/$ref
/// ("Remove member"), Graph v1.0.</summary>
internal sealed class GroupsApi(SandboxContext context, GraphApi graph)
{
    private static readonly string[] Read = ["Group.Read.All", "GroupMember.Read.All", "Directory.Read.All", "Group.ReadWrite.All", "GroupMember.ReadWrite.All"];
    private static readonly string[] Write = ["GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"];

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/groups", (RequestDelegate)List);
        routes.MapGet("/v1.0/groups/{id}", (RequestDelegate)Get);
        routes.MapGet("/v1.0/groups/{id}/members", (RequestDelegate)Members);
        routes.MapPost("/v1.0/groups/{id}/members/$ref", (RequestDelegate)AddMember);
        routes.MapDelete("/v1.0/groups/{id}/members/{memberId}/$ref", (RequestDelegate)RemoveMember);
    }

    private async Task List(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is { } caller)
        {
            await GraphList.Write(http, graph, "groups", "microsoft.graph.group", caller.Tenant.Content.Directory.Groups.Select(g => Group(caller.Tenant, g)).ToList());
        }
    }

    private async Task Get(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is { } caller && await Find(http, caller) is { } group)
        {
            var json = Group(caller.Tenant, group);
            json["@odata.context"] = graph.Context(http, "groups") + "/$entity";
            await http.WriteJson(json);
        }
    }

    private async Task Members(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is not { } caller || await Find(http, caller) is not { } group)
        {
            return;
        }

        List<JsonObject> members;
        lock (caller.Tenant.Content.Sync)
        {
            members = GraphObjects.Users(caller.Tenant, group.MemberIds.ToList());
        }

        await GraphList.Write(http, graph, "directoryObjects", "microsoft.graph.directoryObject", members);
    }

    /// <summary>The body names the member as {"@odata.id": ".../directoryObjects/{id}"}; 204 on success.</summary>
    private async Task AddMember(HttpContext http)
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
        lock (content.Sync)
        {
            outcome = content.Users.All(u => u.Id != id) ? "unknown" : group.MemberIds.Contains(id) ? "duplicate" : "added";
            if (outcome == "added")
            {
                group.MemberIds.Add(id);
            }
        }

        await (outcome switch
        {
            // "Add members": adding an existing member is refused, not ignored.
            "duplicate" => graph.Error(http, 400, "Request_BadRequest", "One or more added object references already exist for the following modified properties: 'members'."),
            "unknown" => GraphObjects.NotFound(http, graph, memberId),
            _ => NoContent(http),
        });
    }

    /// <summary>"Remove member": 204; an object that is not a member is 404 Request_ResourceNotFound, as Graph answers.</summary>
    private async Task RemoveMember(HttpContext http)
    {
        if (await graph.Authorize(http, Write) is not { } caller || await Find(http, caller) is not { } group)
        {
            return;
        }

        var memberId = (string)http.Request.RouteValues["memberId"]!;
        bool removed;
        lock (caller.Tenant.Content.Sync)
        {
            removed = Guid.TryParse(memberId, out var id) && group.MemberIds.Remove(id);
        }

        await (removed ? NoContent(http) : GraphObjects.NotFound(http, graph, memberId));
    }

    private static Task NoContent(HttpContext http)
    {
        http.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    private async Task<SandboxGroup?> Find(HttpContext http, ApiCaller caller)
    {
        var id = (string)http.Request.RouteValues["id"]!;
        var group = caller.Tenant.Content.Directory.Groups.FirstOrDefault(g => g.Id.ToString().Equals(id, StringComparison.OrdinalIgnoreCase));
        if (group is null)
        {
            await GraphObjects.NotFound(http, graph, id);
        }

        return group;
    }

    private JsonObject Group(SandboxTenant tenant, SandboxGroup group) => new()
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
        ["visibility"] = group.IsMicrosoft365 ? "Private" : null,
        ["renewedDateTime"] = UserProperties.Date(group.CreatedDateTime),
        ["securityIdentifier"] = $"S-1-12-1-{context.Options.Seed}-{group.Id.GetHashCode() & int.MaxValue}",
    };
}
