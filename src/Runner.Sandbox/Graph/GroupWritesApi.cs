using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// POST /groups ("Create group": 201 with the group, members and owners by reference), PATCH /groups/{id} ("Update
/// group": 204; displayName, description, mailNickname) and DELETE /groups/{id} ("Delete group": 204, gone from every
/// list), Graph v1.0. What the body may hold is <see cref="GroupBody"/>; GDAP roles are checked with the other writes
/// (Groups, User or Global Administrator).
/// </summary>
internal sealed class GroupWritesApi(SandboxContext context, GraphApi graph)
{
    private static readonly string[] Create = ["Group.Create", "Group.ReadWrite.All", "Directory.ReadWrite.All"];
    private static readonly string[] Write = ["Group.ReadWrite.All", "Directory.ReadWrite.All"];

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1.0/groups", (RequestDelegate)Add);
        routes.MapMethods("/v1.0/groups/{id}", ["PATCH"], (RequestDelegate)Update);
        routes.MapDelete("/v1.0/groups/{id}", (RequestDelegate)Remove);
    }

    private async Task Add(HttpContext http)
    {
        if (await graph.Authorize(http, Create) is not { } caller || await ReadBody(http, create: true) is not { } body)
        {
            return;
        }

        var content = caller.Tenant.Content;
        var group = new SandboxGroup(Guid.NewGuid(), body.DisplayName!, body.Description, body.MailNickname!, body.Unified, context.Clock.GetUtcNow(), [])
        {
            Visibility = body.Unified ? body.Visibility ?? "Public" : null,
        };
        string? missing;
        bool taken;
        lock (content.Sync)
        {
            missing = body.Members.Concat(body.Owners).FirstOrDefault(id => !Guid.TryParse(id, out var guid) || content.Users.All(u => u.Id != guid));
            taken = body.Unified && content.Directory.Groups.Any(g => g.IsMicrosoft365 && g.MailNickname.Equals(group.MailNickname, StringComparison.OrdinalIgnoreCase));
            if (missing is null && !taken)
            {
                group.MemberIds.AddRange(body.Members.Select(Guid.Parse).Distinct());
                group.OwnerIds.AddRange(body.Owners.Select(Guid.Parse).Distinct());
                content.Directory.Groups.Add(group);
            }
        }

        if (missing is not null)
        {
            await GraphObjects.NotFound(http, graph, missing);
            return;
        }

        if (taken)
        {
            // A Microsoft 365 group's mail address comes from its nickname, and two groups cannot share one.
            await graph.Error(http, 400, "Request_BadRequest", "Another object with the same value for property proxyAddresses already exists.");
            return;
        }

        graph.Audit(http, caller, "Add group", "GroupManagement", "Add", Target(group));
        var json = GraphObjects.Group(caller.Tenant, group, context.Options.Seed);
        json["@odata.context"] = graph.Context(http, "groups") + "/$entity";
        http.Response.Headers.Location = context.Url($"/v1.0/groups/{group.Id}");
        await http.WriteJson(json, 201);
    }

    private async Task Update(HttpContext http)
    {
        if (await graph.Authorize(http, Write) is not { } caller || await ReadBody(http, create: false) is not { } body)
        {
            return;
        }

        if (body.MailEnabled is not null || body.SecurityEnabled is not null)
        {
            await graph.Error(http, 501, "NotImplemented", $"The sandbox does not change a group's mailEnabled or securityEnabled. {SandboxDocs.Page} lists what it emulates.");
            return;
        }

        var id = (string)http.Request.RouteValues["id"]!;
        var content = caller.Tenant.Content;
        SandboxGroup? changed = null;
        lock (content.Sync)
        {
            var index = content.Directory.Groups.FindIndex(g => g.Id.ToString().Equals(id, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                var group = content.Directory.Groups[index];
                changed = content.Directory.Groups[index] = group with
                {
                    DisplayName = body.DisplayName ?? group.DisplayName,
                    Description = body.Description ?? group.Description,
                    MailNickname = body.MailNickname ?? group.MailNickname,
                };
            }
        }

        if (changed is not null)
        {
            graph.Audit(http, caller, "Update group", "GroupManagement", "Update", Target(changed));
        }

        await (changed is not null ? GraphObjects.NoContent(http) : GraphObjects.NotFound(http, graph, id));
    }

    private async Task Remove(HttpContext http)
    {
        if (await graph.Authorize(http, Write) is not { } caller)
        {
            return;
        }

        var id = (string)http.Request.RouteValues["id"]!;
        var content = caller.Tenant.Content;
        SandboxGroup? removed;
        lock (content.Sync)
        {
            removed = content.Directory.Groups.FirstOrDefault(g => g.Id.ToString().Equals(id, StringComparison.OrdinalIgnoreCase));
            if (removed is not null)
            {
                content.Directory.Groups.Remove(removed);
            }
        }

        if (removed is not null)
        {
            graph.Audit(http, caller, "Delete group", "GroupManagement", "Delete", Target(removed));
        }

        await (removed is not null ? GraphObjects.NoContent(http) : GraphObjects.NotFound(http, graph, id));
    }

    /// <summary>A group as an audit entry's target.</summary>
    internal static AuditTarget Target(SandboxGroup group, params AuditChange[] changes) =>
        new("Group", group.Id, group.DisplayName, null, changes.Length > 0 ? changes : [new AuditChange("DisplayName", null, DirectoryAuditSeeder.Json(group.DisplayName))]);

    private async Task<GroupBody?> ReadBody(HttpContext http, bool create)
    {
        if (await GraphObjects.Body(http, graph) is not { } json)
        {
            return null;
        }

        var (body, refusal) = GroupBody.Read(json, create);
        if (refusal is not null)
        {
            await graph.Error(http, refusal.Status, refusal.Code, refusal.Message);
        }

        return body;
    }
}
