using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Runner.Scheduling;
using Runner.History;
using Runner.Web.Data;

namespace Runner.Web.Api;

/// <summary>
/// The REST API under /api/v1: the same data as the pages, as JSON. Reads need the Viewer role, actions the
/// Operator role; actions take no cookies' word for it (an API key is required), so a web page elsewhere cannot
/// make a signed-in browser act.
/// </summary>
internal static class ApiEndpoints
{
    public static void Map(WebApplication app)
    {
        var read = app.MapGroup("/api/v1").RequireAuthorization(WebConsole.ViewerPolicy);
        read.MapGet("/openapi.json", () => Results.Text(OpenApiDocument.Json, "application/json"));
        read.MapGet("/jobs", Jobs);
        read.MapGet("/runs", async (HttpContext http, ConsoleSources s, CancellationToken c) =>
        {
            var page = await RunQueries.PageAsync(s.History, RunFilter.Parse(http.Request.Query), 100, c);
            return Results.Json(new JsonObject { ["runs"] = new JsonArray([.. page.Runs.Select(r => (JsonNode)RunJson.Run(r))]), ["hasMore"] = page.HasMore });
        });
        read.MapGet("/runs/{id}", async (ConsoleSources s, string id, CancellationToken c) =>
            await s.History.GetRunAsync(id, c) is { } details ? Results.Json(RunJson.Details(details)) : Results.NotFound(new { error = $"No run matches '{id}'." }));
        read.MapGet("/runs/{id}/tenants/{tenant}/log", async (ConsoleSources s, string id, string tenant, CancellationToken c) =>
        {
            if (await s.History.GetRunAsync(id, c) is not { } details)
            {
                return Results.NotFound(new { error = $"No run matches '{id}'." });
            }

            var match = details.Tenants.FirstOrDefault(t => string.Equals(t.TenantId, tenant, StringComparison.OrdinalIgnoreCase) || string.Equals(t.Domain, tenant, StringComparison.OrdinalIgnoreCase));
            return match is null
                ? Results.NotFound(new { error = $"Run {details.Run.Id} has no tenant '{tenant}'." })
                : Results.Json(RunJson.Log(details.Logs.Where(l => l.TenantId == match.TenantId)));
        });
        read.MapGet("/tenants", async (ConsoleSources s, CancellationToken c) => Results.Json((await s.Tenants(c)).Select(t => new
        {
            tenantId = t.Id,
            domain = t.Domain,
            companyName = t.CompanyName,
            gdap = t.Gdap.Status,
            gdapEnds = t.Gdap.EndDateTime,
            roles = t.Gdap.Roles,
        })));
        read.MapGet("/credential", async (ConsoleSources s, CancellationToken c) =>
        {
            var status = await s.Credential(c);
            return Results.Json(new
            {
                health = status.Health.ToString(), username = status.Username, consentedAt = status.ConsentedAt, lastRedeemedAt = status.LastRedeemedAt,
                lastWrittenBackAt = status.LastWrittenBackAt, expiresAt = status.ExpiresAt, daysLeft = status.DaysLeft, store = status.Store,
            });
        });

        MapRunActions(app);
        var act = app.MapGroup("/api/v1/jobs/{name}").RequireAuthorization(WebConsole.OperatorPolicy).AddEndpointFilter(RequireApiKey);
        act.MapPost("/trigger", async (HttpContext http, ConsoleSources s, string name, TriggerRequest? body, CancellationToken c) =>
            await Do(async () => Results.Accepted(null, new { runId = await JobActions.TriggerAsync(s, name, body?.Parameters ?? [], body?.Tenants ?? [], Access.ConsoleRoles.DisplayName(http.User), c) })));
        act.MapPost("/pause", async (HttpContext http, ConsoleSources s, string name, CancellationToken c) =>
            await Do(async () => { await JobActions.PauseAsync(s, name, true, Access.ConsoleRoles.DisplayName(http.User), c); return Results.NoContent(); }));
        act.MapPost("/resume", async (HttpContext http, ConsoleSources s, string name, CancellationToken c) =>
            await Do(async () => { await JobActions.PauseAsync(s, name, false, Access.ConsoleRoles.DisplayName(http.User), c); return Results.NoContent(); }));
    }

    private static void MapRunActions(WebApplication app) =>
        app.MapPost("/api/v1/runs/{id}/cancel", async (HttpContext http, ConsoleSources s, string id, CancellationToken c) =>
                await Do(async () => Results.Accepted(null, new { runId = await JobActions.CancelAsync(s, id, Access.ConsoleRoles.DisplayName(http.User), c), status = "cancel requested" })))
            .RequireAuthorization(WebConsole.OperatorPolicy).AddEndpointFilter(RequireApiKey);

    private static async Task<IResult> Jobs(ConsoleSources s, CancellationToken c)
    {
        await using var scheduler = await s.OpenScheduler(c);
        var jobs = await scheduler.ListAsync(ScheduledJob.All(s.Config), s.Time.GetUtcNow(), c);
        return Results.Json(jobs.Select(j => new
        {
            name = j.Job.Name, schedule = j.Job.Cron, timeZone = j.Job.TimeZone.Id, nextFire = j.NextFire, state = j.State, runningOn = j.RunningOn,
        }));
    }

    private static async Task<IResult> Do(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (JobActionException e)
        {
            return Results.BadRequest(new { error = e.Message });
        }
    }

    private static ValueTask<object?> RequireApiKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.User.Identity?.AuthenticationType is "apikey" or "bearer"
            ? next(context)
            : ValueTask.FromResult<object?>(Results.Json(new { error = "Actions through the API need an API key (Authorization: ApiKey KEY); `runner apikey create NAME --role operator` makes one." }, statusCode: StatusCodes.Status401Unauthorized));
}

/// <summary>POST /api/v1/jobs/{name}/trigger body.</summary>
internal sealed record TriggerRequest(Dictionary<string, string>? Parameters, List<string>? Tenants);
