using System.Text.Json;
using Runner.Web.Data;

namespace Runner.Web.Pages;

/// <summary>
/// Server-sent events for a run in progress: its status and tenant counts once a second (from history, which every
/// node writes), until it ends; the page's script updates in place and reloads for the final table.
/// </summary>
internal static class RunEvents
{
    public static async Task Stream(HttpContext http, ConsoleSources sources, string id, CancellationToken cancellation)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        string? last = null;
        while (!cancellation.IsCancellationRequested)
        {
            if (await sources.History.GetRunAsync(id, cancellation) is not { } details)
            {
                return;
            }

            var run = details.Run;
            var data = JsonSerializer.Serialize(new { status = run.Status.ToString(), counts = RunsPage.Counts(run), finished = run.FinishedAt is not null });
            if (data != last)
            {
                await http.Response.WriteAsync($"event: run\ndata: {data}\n\n", cancellation);
                await http.Response.Body.FlushAsync(cancellation);
                last = data;
            }

            if (run.FinishedAt is not null)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), sources.Time, cancellation);
        }
    }
}
