using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// The directory's deleted users, as "List deletedItems", "Get deleted item", "Restore deleted item" and "Permanently
/// delete an item" describe them: GET /directory/deletedItems/microsoft.graph.user (the cast is required: without it
/// 400), GET and DELETE /directory/deletedItems/{id}, POST /directory/deletedItems/{id}/restore. A deleted user is kept
/// 30 days by the sandbox clock; in deleted items its userPrincipalName carries its object id (without dashes) before
/// the original, as Entra shows it. A restore brings back the user with its group memberships and ownerships, roles,
/// MFA registration and the licences still free; it is refused while another user holds its userPrincipalName, and a
/// user who held a directory role needs the roles <see cref="SensitiveActions"/> names. Other casts (groups, applications) are not emulated: 501.
/// </summary>
internal sealed class DeletedItemsApi(SandboxContext context, GraphApi graph)
{
    private static readonly string[] Read = ["User.Read.All", "Directory.Read.All"];

    private static readonly string[] Restore = ["User.ReadWrite.All", "Directory.ReadWrite.All", "User.DeleteRestore.All"];

    /// <summary>How long Entra keeps a deleted object.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/directory/deletedItems", (RequestDelegate)(http =>
            graph.Error(http, 400, "Request_BadRequest", "The type of the deleted items must be given as a cast, for example /directory/deletedItems/microsoft.graph.user.")));
        routes.MapGet("/v1.0/directory/deletedItems/{id}", (RequestDelegate)Get);
        routes.MapDelete("/v1.0/directory/deletedItems/{id}", (RequestDelegate)Purge);
        routes.MapPost("/v1.0/directory/deletedItems/{id}/restore", (RequestDelegate)RestoreUser);
    }

    private async Task Get(HttpContext http)
    {
        var id = (string)http.Request.RouteValues["id"]!;
        if (id.EndsWith(".user", StringComparison.OrdinalIgnoreCase) && id.Contains("graph.", StringComparison.OrdinalIgnoreCase))
        {
            await List(http);
            return;
        }

        if (id.Contains("graph.", StringComparison.OrdinalIgnoreCase))
        {
            await graph.Error(http, 501, "NotImplemented", $"The sandbox keeps only deleted users in deleted items, not {id}. {SandboxDocs.Page} lists what it emulates.");
            return;
        }

        if (await graph.Authorize(http, Read) is { } caller)
        {
            await GraphObjects.WriteOne(http, graph, caller, "directoryObjects", _ => Kept(caller), d => d.User.Id, id, Json);
        }
    }

    private async Task List(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is not { } caller)
        {
            return;
        }

        List<JsonObject> users;
        lock (caller.Tenant.Content.Sync)
        {
            users = Kept(caller).OrderByDescending(d => d.DeletedDateTime).Select(Json).ToList();
        }

        await GraphList.Write(http, graph, "users", "microsoft.graph.user", users);
    }

    private async Task RestoreUser(HttpContext http)
    {
        if (await graph.Authorize(http, Restore) is not { } caller)
        {
            return;
        }

        var id = (string)http.Request.RouteValues["id"]!;
        var content = caller.Tenant.Content;
        DeletedUser? deleted;
        string outcome;
        lock (content.Sync)
        {
            deleted = Find(caller, id);
            outcome = deleted is null ? "unknown"
                : !SensitiveActions.MayDeleteOrRestore(graph, caller, SensitiveActions.Templates(content, deleted.RoleIds)) ? "denied"
                : content.Users.Any(u => u.UserPrincipalName.Equals(deleted.User.UserPrincipalName, StringComparison.OrdinalIgnoreCase)) ? "taken"
                : "restored";
            if (outcome == "restored")
            {
                Bring(content, deleted!);
            }
        }

        switch (outcome)
        {
            case "unknown":
                await GraphObjects.NotFound(http, graph, id);
                return;
            case "denied":
                await graph.Error(http, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
                return;
            case "taken":
                await graph.Error(http, 400, "Request_BadRequest", "Another object with the same value for property userPrincipalName already exists.");
                return;
        }

        graph.Audit(http, caller, "Restore user", "UserManagement", "Restore", AuditTarget.Of(deleted!.User));
        var json = GraphObjects.TypedUser(deleted.User, UserProperties.Default);
        json["@odata.context"] = graph.Context(http, "directoryObjects") + "/$entity";
        await http.WriteJson(json);
    }

    private async Task Purge(HttpContext http)
    {
        if (await graph.Authorize(http, Restore) is not { } caller)
        {
            return;
        }

        var id = (string)http.Request.RouteValues["id"]!;
        DeletedUser? deleted;
        lock (caller.Tenant.Content.Sync)
        {
            deleted = Find(caller, id);
            if (deleted is not null)
            {
                caller.Tenant.Content.DeletedUsers.Remove(deleted);
            }
        }

        if (deleted is null)
        {
            await GraphObjects.NotFound(http, graph, id);
            return;
        }

        graph.Audit(http, caller, "Hard delete user", "UserManagement", "Delete", AuditTarget.Of(deleted.User));
        await GraphObjects.NoContent(http);
    }

    /// <summary>Puts the user back where it was (call under the content lock); licences taken meanwhile stay taken.</summary>
    private static void Bring(TenantContent content, DeletedUser deleted)
    {
        var user = deleted.User;
        content.DeletedUsers.Remove(deleted);
        user.AssignedSkuIds.RemoveAll(sku => LicenceUnits.Of(content, sku, [.. content.PartnerSubscriptions.Where(s => s.Product.SkuId == sku)]).Available == 0);
        content.Users.Add(user);
        content.Directory.Groups.Where(g => deleted.GroupIds.Contains(g.Id)).ToList().ForEach(g => g.MemberIds.Add(user.Id));
        content.Directory.Groups.Where(g => deleted.OwnedGroupIds.Contains(g.Id)).ToList().ForEach(g => g.OwnerIds.Add(user.Id));
        content.Directory.Roles.Where(r => deleted.RoleIds.Contains(r.Id)).ToList().ForEach(r => r.MemberIds.Add(user.Id));
        content.Directory.Registrations[user.Id] = deleted.Registrations;
    }

    /// <summary>The deleted user with this object id still kept (call under the content lock).</summary>
    private DeletedUser? Find(ApiCaller caller, string id) =>
        Kept(caller).FirstOrDefault(d => d.User.Id.ToString().Equals(id, StringComparison.OrdinalIgnoreCase));

    private IEnumerable<DeletedUser> Kept(ApiCaller caller)
    {
        var since = context.Clock.GetUtcNow() - Retention;
        return caller.Tenant.Content.DeletedUsers.Where(d => d.DeletedDateTime > since);
    }

    private static JsonObject Json(DeletedUser deleted)
    {
        var json = GraphObjects.TypedUser(deleted.User, UserProperties.Default);
        json["userPrincipalName"] = $"{deleted.User.Id:N}{deleted.User.UserPrincipalName}";
        json["deletedDateTime"] = UserProperties.Date(deleted.DeletedDateTime);
        return json;
    }
}
