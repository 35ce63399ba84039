using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Runner.Web.Data;

namespace Runner.Web.Pages;

/// <summary>The pages and their form actions (every state-changing form checks its antiforgery token).</summary>
internal static class PageEndpoints
{
    public static void Map(WebApplication app)
    {
        var pages = app.MapGroup("").RequireAuthorization(WebConsole.ViewerPolicy);
        pages.MapGet("/", (HttpContext http, ConsoleSources s, CancellationToken c) => OverviewPage.Render(http, s, c));
        pages.MapGet("/jobs", (HttpContext http, ConsoleSources s, IAntiforgery a, CancellationToken c) => JobsPage.Render(http, s, a, c));
        pages.MapGet("/runs", (HttpContext http, ConsoleSources s, CancellationToken c) => RunsPage.Render(http, s, c));
        pages.MapGet("/runs/{id}", (HttpContext http, ConsoleSources s, IAntiforgery a, string id, CancellationToken c) => RunPage.Render(http, s, a, id, c));
        pages.MapGet("/runs/{id}/events", (HttpContext http, ConsoleSources s, string id, CancellationToken c) => RunEvents.Stream(http, s, id, c));
        pages.MapGet("/runs/{id}/results.csv", (ConsoleSources s, string id, CancellationToken c) => RunExport.Csv(s, id, c));
        pages.MapGet("/runs/{id}/results.json", (ConsoleSources s, string id, CancellationToken c) => RunExport.Json(s, id, c));
        pages.MapGet("/tenants", (HttpContext http, ConsoleSources s, CancellationToken c) => TenantsPage.Render(http, s, c));
        pages.MapGet("/credential", (HttpContext http, ConsoleSources s, CancellationToken c) => CredentialPage.Render(http, s, c));

        MapRunActions(app);
        var actions = app.MapGroup("/jobs/{name}").RequireAuthorization(WebConsole.OperatorPolicy).DisableAntiforgery();
        actions.MapPost("/run", (HttpContext http, ConsoleSources s, IAntiforgery a, string name, CancellationToken c) => Act(http, a, async () =>
        {
            var form = await http.Request.ReadFormAsync(c);
            var parameters = JobActions.ParseParameters(form["params"].ToString());
            var tenants = form["tenants"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var runId = await JobActions.TriggerAsync(s, name, parameters, tenants, Access.ConsoleRoles.DisplayName(http.User), c);
            return $"/runs/{Uri.EscapeDataString(runId)}";
        }));
        actions.MapPost("/pause", (HttpContext http, ConsoleSources s, IAntiforgery a, string name, CancellationToken c) =>
            Act(http, a, async () => { await JobActions.PauseAsync(s, name, pause: true, Access.ConsoleRoles.DisplayName(http.User), c); return "/jobs"; }));
        actions.MapPost("/resume", (HttpContext http, ConsoleSources s, IAntiforgery a, string name, CancellationToken c) =>
            Act(http, a, async () => { await JobActions.PauseAsync(s, name, pause: false, Access.ConsoleRoles.DisplayName(http.User), c); return "/jobs"; }));
    }

    private static void MapRunActions(WebApplication app) =>
        app.MapPost("/runs/{id}/cancel", (HttpContext http, ConsoleSources s, IAntiforgery a, string id, CancellationToken c) =>
                Act(http, a, async () => $"/runs/{Uri.EscapeDataString(await JobActions.CancelAsync(s, id, Access.ConsoleRoles.DisplayName(http.User), c))}"))
            .RequireAuthorization(WebConsole.OperatorPolicy).DisableAntiforgery();

    private static async Task<IResult> Act(HttpContext http, IAntiforgery antiforgery, Func<Task<string>> action)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Results.BadRequest("The form has expired or did not come from this console; reload the page and try again.");
        }

        try
        {
            return Results.Redirect(await action());
        }
        catch (JobActionException e)
        {
            return Layout.Page(http, "Not done", new Html().Element("p", e.Message));
        }
    }
}
