using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using System.Text.Json.Nodes;
using Runner.Web.Data;

namespace Runner.Web.Pages;

/// <summary>One run: its tenants (sortable, filterable by status), results as tables or JSON, logs, errors, downloads.</summary>
internal static class RunPage
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<IResult> Render(HttpContext http, ConsoleSources sources, IAntiforgery antiforgery, string id, CancellationToken cancellation)
    {
        if (await sources.History.GetRunAsync(id, cancellation) is not { } details)
        {
            await using var scheduler = await sources.OpenScheduler(cancellation);
            if (await scheduler.FindQueuedAsync(id, cancellation) is { } queued)
            {
                // Not in history until a host starts it; the page looks again every two seconds (no script needed).
                http.Response.Headers["Refresh"] = "2";
                var waiting = await sources.HostRunning(scheduler, cancellation)
                    ? $"Run {queued.RunId} of {queued.Job} is queued: a host will start it in a moment."
                    : $"Run {queued.RunId} of {queued.Job} is queued: no `runner host` is running for this store, so it starts when one does.";
                return Layout.Page(http, $"Run {queued.RunId}", new Html().Element("p", waiting, "queued"));
            }

            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Layout.Page(http, "Run not found", new Html().Element("p", $"No run matches '{id}'."));
        }

        var run = details.Run;
        var body = new Html();
        body.Raw($"<dl class=\"run\" data-run=\"{Html.Encode(run.Id)}\" data-live=\"{(run.FinishedAt is null ? "run" : "")}\">")
            .Element("dt", "Job").Element("dd", run.Job)
            .Element("dt", "Status").Raw("<dd>").Element("span", run.Status.ToString(), $"status {run.Status.ToString().ToLowerInvariant()}").Raw("</dd>")
            .Element("dt", "Trigger").Element("dd", $"{run.Trigger} (attempt {run.Attempt}) on {run.Node}")
            .Element("dt", "Started").Element("dd", Html.Time(run.StartedAt))
            .Element("dt", "Duration").Element("dd", Html.Duration(run.Duration))
            .Element("dt", "Tenants").Raw("<dd class=\"counts\">").Text(RunsPage.Counts(run)).Raw("</dd>");
        if (run.Mode is not null || details.Writes.Count > 0)
        {
            body.Element("dt", "Writes").Element("dd", run.Mode switch
            {
                "what-if" => $"What-if run: {details.Writes.Count} planned, none sent",
                "read-only" => "Read-only run: writes refused",
                _ => $"{details.Writes.Count} sent",
            });
        }

        foreach (var action in await sources.History.ListActionsAsync(run.Id, null, 10, cancellation))
        {
            body.Element("dt", $"{char.ToUpperInvariant(action.Action[0])}{action.Action[1..]} by").Element("dd", $"{action.Actor} at {Html.Time(action.At)}{(action.Detail is null ? "" : $" ({action.Detail})")}");
        }

        if (run.Error is { } error)
        {
            body.Element("dt", "Error").Element("dd", error);
        }

        body.Raw("</dl>");
        if (run.FinishedAt is null && Access.ConsoleRoles.Of(http.User) == Access.ConsoleRole.Operator)
        {
            var token = antiforgery.GetAndStoreTokens(http);
            body.Raw($"<form method=\"post\" action=\"/runs/{Uri.EscapeDataString(run.Id)}/cancel\" class=\"cancel\"><input type=\"hidden\" name=\"{Html.Encode(token.FormFieldName)}\" value=\"{Html.Encode(token.RequestToken)}\">")
                .Raw("<button type=\"submit\">Cancel run</button> <small>Tenants not started are cancelled; running ones are asked to stop.</small></form>");
        }

        body.Raw("<p>").Link($"/runs/{run.Id}/results.csv", "Download CSV").Raw(" · ").Link($"/runs/{run.Id}/results.json", "Download JSON").Raw("</p>");
        body.Raw("<p class=\"filter\">Show <select data-filter-status><option value=\"\">every status</option>");
        foreach (var status in details.Tenants.Select(t => t.Status.ToString()).Distinct(StringComparer.Ordinal))
        {
            body.Raw("<option>").Text(status).Raw("</option>");
        }

        body.Raw("</select></p><table class=\"tenants sortable\"><thead><tr><th>Tenant</th><th>Status</th><th>Duration</th><th>Result</th><th>Error</th><th>Log</th></tr></thead><tbody>");
        var logs = details.Logs.ToLookup(l => l.TenantId);
        foreach (var tenant in details.Tenants)
        {
            body.Raw($"<tr data-status=\"{Html.Encode(tenant.Status.ToString())}\"><td>").Text(tenant.Domain.Length > 0 ? tenant.Domain : tenant.Name)
                .Raw("</td><td>").Element("span", tenant.Status.ToString(), $"status {tenant.Status.ToString().ToLowerInvariant()}")
                .Raw($"</td><td data-sort=\"{(long)tenant.Duration.TotalMilliseconds}\">").Text(Html.Duration(tenant.Duration)).Raw("</td><td>");
            Result(body, tenant.Result);
            body.Raw("</td><td>").Text(tenant.Error).Raw("</td><td>");
            var lines = logs[tenant.TenantId].ToList();
            if (lines.Count > 0)
            {
                body.Raw($"<details><summary>{lines.Count} line{(lines.Count == 1 ? "" : "s")}</summary><pre class=\"log\">");
                foreach (var line in lines)
                {
                    body.Text($"{line.Time.UtcDateTime:HH:mm:ss.fff} {line.Level,-11} {line.Message}\n");
                }

                body.Raw("</pre></details>");
            }

            body.Raw("</td></tr>");
        }

        body.Raw("</tbody></table>");
        RunWrites.Render(body, details);
        return Layout.Page(http, $"Run {run.Id}", body);
    }

    /// <summary>Rows (an array of flat objects) as a table, anything else as JSON.</summary>
    private static void Result(Html body, string? json)
    {
        if (json is null)
        {
            return;
        }

        var node = JsonNode.Parse(json);
        if (node is JsonArray { Count: > 0 } rows && rows.All(r => r is JsonObject o && o.All(p => p.Value is null or JsonValue)))
        {
            var columns = rows.SelectMany(r => ((JsonObject)r!).Select(p => p.Key)).Distinct(StringComparer.Ordinal).ToList();
            body.Raw("<table class=\"rows\"><thead><tr>");
            columns.ForEach(c => body.Element("th", c));
            body.Raw("</tr></thead><tbody>");
            foreach (JsonObject row in rows.Cast<JsonObject>())
            {
                body.Raw("<tr>");
                columns.ForEach(c => body.Element("td", row[c] is JsonValue v && v.TryGetValue<string>(out var s) ? s : row[c]?.ToJsonString()));
                body.Raw("</tr>");
            }

            body.Raw("</tbody></table>");
            return;
        }

        body.Element("pre", node is JsonValue value && value.TryGetValue<string>(out var text) ? text : node?.ToJsonString(Indented), "json");
    }
}
