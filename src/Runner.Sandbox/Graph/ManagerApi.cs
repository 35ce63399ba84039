using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// A user's manager and direct reports, Graph v1.0: GET /users/{id}/manager ("List manager": the manager, or 404 when
/// there is none), GET /users/{id}/directReports, PUT /users/{id}/manager/$ref ("Assign manager": 204) and DELETE
/// /users/{id}/manager/$ref ("Remove manager": 204). Reading needs User.Read.All or Directory.Read.All, writing
/// User.ReadWrite.All or Directory.ReadWrite.All; GDAP roles are checked with the other writes (User or Global Administrator).
/// </summary>
internal sealed class ManagerApi(GraphApi graph)
{
    private static readonly string[] Read = ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];
    private static readonly string[] Write = ["User.ReadWrite.All", "Directory.ReadWrite.All"];

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/users/{id}/manager", (RequestDelegate)Manager);
        routes.MapGet("/v1.0/users/{id}/directReports", (RequestDelegate)DirectReports);
        routes.MapPut("/v1.0/users/{id}/manager/$ref", (RequestDelegate)Assign);
        routes.MapDelete("/v1.0/users/{id}/manager/$ref", (RequestDelegate)Remove);
    }

    private async Task Manager(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is not { } caller || await GraphObjects.RouteUser(http, graph, caller) is not { } user)
        {
            return;
        }

        JsonObject? manager;
        lock (caller.Tenant.Content.Sync)
        {
            manager = user.ManagerId is { } id ? GraphObjects.Users(caller.Tenant, [id]).FirstOrDefault() : null;
        }

        if (manager is null)
        {
            await GraphObjects.NotFound(http, graph, "manager");
            return;
        }

        manager["@odata.context"] = graph.Context(http, "directoryObjects") + "/$entity";
        await http.WriteJson(manager);
    }

    private async Task DirectReports(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is not { } caller || await GraphObjects.RouteUser(http, graph, caller) is not { } user)
        {
            return;
        }

        List<JsonObject> reports;
        lock (caller.Tenant.Content.Sync)
        {
            reports = GraphObjects.Users(caller.Tenant, caller.Tenant.Content.Users.Where(u => u.ManagerId == user.Id).Select(u => u.Id).ToList());
        }

        await GraphList.Write(http, graph, "directoryObjects", "microsoft.graph.directoryObject", reports);
    }

    /// <summary>The body names the manager as {"@odata.id": ".../users/{id}"} (or directoryObjects/{id}).</summary>
    private async Task Assign(HttpContext http)
    {
        if (await graph.Authorize(http, Write) is not { } caller || await GraphObjects.RouteUser(http, graph, caller) is not { } user ||
            await GraphObjects.Body(http, graph) is not { } body)
        {
            return;
        }

        var reference = body["@odata.id"] is JsonValue value && value.TryGetValue<string>(out var text) ? text.TrimEnd('/').Split('/')[^1] : null;
        if (reference is null || !Guid.TryParse(reference, out var managerId))
        {
            await graph.Error(http, 400, "BadRequest", $"Invalid object identifier '{reference}'.");
            return;
        }

        string outcome;
        lock (caller.Tenant.Content.Sync)
        {
            outcome = managerId == user.Id ? "self" : caller.Tenant.Content.Users.All(u => u.Id != managerId) ? "unknown" : "done";
            if (outcome == "done")
            {
                user.ManagerId = managerId;
            }
        }

        if (outcome == "done")
        {
            graph.Audit(http, caller, "Set user manager", "UserManagement", "Update", AuditTarget.Of(user, new AuditChange("Manager.ObjectID", null, $"[\"{managerId}\"]")));
        }

        await (outcome switch
        {
            "self" => graph.Error(http, 400, "Request_BadRequest", "A user cannot be their own manager."),
            "unknown" => GraphObjects.NotFound(http, graph, reference),
            _ => GraphObjects.NoContent(http),
        });
    }

    private async Task Remove(HttpContext http)
    {
        if (await graph.Authorize(http, Write) is not { } caller || await GraphObjects.RouteUser(http, graph, caller) is not { } user)
        {
            return;
        }

        bool had;
        lock (caller.Tenant.Content.Sync)
        {
            had = user.ManagerId is not null;
            user.ManagerId = null;
        }

        if (had)
        {
            graph.Audit(http, caller, "Remove user manager", "UserManagement", "Update", AuditTarget.Of(user));
        }

        await (had ? GraphObjects.NoContent(http) : GraphObjects.NotFound(http, graph, "manager"));
    }
}
