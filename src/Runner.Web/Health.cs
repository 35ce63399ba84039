using Runner.Web.Data;

namespace Runner.Web;

/// <summary>/healthz: 200 when history and the scheduler store answer, 503 with the reason otherwise (for load balancers).</summary>
internal static class Health
{
    public static async Task<IResult> Check(ConsoleSources sources, CancellationToken cancellation)
    {
        try
        {
            await sources.History.ListRunsAsync(null, 1, cancellation);
            await using var scheduler = await sources.OpenScheduler(cancellation);
            var hosted = await sources.HostRunning(scheduler, cancellation);
            return Results.Json(new { status = "ok", history = "ok", scheduler = "ok", hostRunning = hosted });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Results.Json(new { status = "unhealthy", error = sources.Redactor.Redact(e.Message) }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
