using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// A user's mailbox through Graph (messages, mail folders and their inbox rules, mailbox settings, sendMail), as it
/// answers a partner's admin agent: Exchange Online grants a delegated token access to another user's mailbox only
/// with mailbox permissions, which no directory or GDAP role gives, so every such request is 403 ErrorAccessDenied
/// "Access is denied. Check credentials and try again." (Exchange's wording; the "Mail API" and "messageRule" pages
/// say delegated access covers the signed-in user's own and shared mailboxes). Reading other users' mail needs an
/// application permission, or Exchange's own admin API; mailbox content for app-only tokens is not emulated (501).
/// </summary>
internal sealed class MailboxAccessApi(GraphApi graph)
{
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/v1.0/users/{id}/messages/{**rest}", ["GET", "POST", "PATCH", "DELETE"], (RequestDelegate)Refuse);
        routes.MapMethods("/v1.0/users/{id}/mailFolders/{**rest}", ["GET", "POST", "PATCH", "DELETE"], (RequestDelegate)Refuse);
        routes.MapMethods("/v1.0/users/{id}/mailboxSettings", ["GET", "PATCH"], (RequestDelegate)Refuse);
        routes.MapPost("/v1.0/users/{id}/sendMail", (RequestDelegate)Refuse);
    }

    private async Task Refuse(HttpContext http)
    {
        if (await graph.Authorize(http) is not { } caller)
        {
            return;
        }

        if (caller.IsApp)
        {
            await graph.Error(http, 501, "NotImplemented", $"The sandbox does not emulate mailbox content ({http.Request.Method} {http.Request.Path}). {SandboxDocs.Page} lists what it emulates.");
            return;
        }

        if (await GraphObjects.RouteUser(http, graph, caller) is null)
        {
            return;
        }

        await graph.Error(http, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
    }
}
