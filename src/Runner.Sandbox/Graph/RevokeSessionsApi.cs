using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// POST /users/{id | userPrincipalName}/revokeSignInSessions ("user: revokeSignInSessions", what an MSP does first
/// when an account is compromised): 200 with {"value": true}; the user's signInSessionsValidFromDateTime becomes now
/// and refresh tokens issued to the user before now are refused, as after a password reset. Needs
/// User.RevokeSessions.All (or User.ReadWrite.All, Directory.ReadWrite.All); the GDAP roles are checked with the
/// other writes (Helpdesk, User or Global Administrator).
/// </summary>
internal sealed class RevokeSessionsApi(SandboxContext context, GraphApi graph)
{
    private static readonly string[] Write = ["User.RevokeSessions.All", "User.ReadWrite.All", "Directory.ReadWrite.All"];

    public void Map(IEndpointRouteBuilder routes) =>
        routes.MapPost("/v1.0/users/{id}/revokeSignInSessions", (RequestDelegate)Revoke);

    private async Task Revoke(HttpContext http)
    {
        if (await graph.Authorize(http, Write) is not { } caller || await GraphObjects.RouteUser(http, graph, caller) is not { } user)
        {
            return;
        }

        var now = context.Clock.GetUtcNow();
        lock (caller.Tenant.Content.Sync)
        {
            user.SignInSessionsValidFrom = now;
        }

        context.Identity.TokensValidFrom[user.Id] = now;
        graph.Audit(http, caller, "Invalidate all refresh tokens for user", "UserManagement", "Update", AuditTarget.Of(user));
        await http.WriteJson(new JsonObject
        {
            ["@odata.context"] = context.Url("/v1.0/$metadata#Edm.Boolean"),
            ["value"] = true,
        });
    }
}
