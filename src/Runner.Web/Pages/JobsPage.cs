using Microsoft.AspNetCore.Antiforgery;
using Runner.Scheduling;
using Runner.Web.Access;
using Runner.Web.Data;

namespace Runner.Web.Pages;

/// <summary>Jobs: schedule, time zone, next fire, last status; operators get Run now (with parameters), Pause and Resume.</summary>
internal static class JobsPage
{
    public static async Task<IResult> Render(HttpContext http, ConsoleSources sources, IAntiforgery antiforgery, CancellationToken cancellation)
    {
        var now = sources.Time.GetUtcNow();
        var operate = ConsoleRoles.Of(http.User) == ConsoleRole.Operator;
        var token = operate ? antiforgery.GetAndStoreTokens(http) : null;
        var body = new Html();
        await using var scheduler = await sources.OpenScheduler(cancellation);
        var jobs = await scheduler.ListAsync(ScheduledJob.All(sources.Config), now, cancellation);
        if (!await sources.HostRunning(scheduler, cancellation))
        {
            body.Element("p", "No `runner host` is running for this store: scheduled fires and Run now wait until one starts.", "warning");
        }

        body.Raw("<table class=\"jobs\"><thead><tr><th>Job</th><th>Schedule</th><th>Time zone</th><th>Next fire</th><th>State</th><th>Last run</th>")
            .Raw(operate ? "<th>Actions</th>" : "").Raw("</tr></thead><tbody>");
        foreach (var job in jobs)
        {
            var last = (await sources.History.ListRunsAsync(job.Job.Name, 1, cancellation)).FirstOrDefault();
            body.Raw($"<tr id=\"{Html.Encode(job.Job.Name)}\"><td>").Text(job.Job.Name).Raw("</td><td>").Text(CronText.Describe(job.Job.Cron))
                .Raw("<br><code>").Text(job.Job.Cron ?? "").Raw("</code></td><td>").Text(job.Job.TimeZone.Id).Raw("</td><td>").Text(Html.Time(job.NextFire))
                .Raw("</td><td>").Text(job.RunningOn.Count > 0 ? $"running on {string.Join(", ", job.RunningOn)}" : job.State);
            if ((await sources.History.ListActionsAsync(null, job.Job.Name, 20, cancellation)).FirstOrDefault(a => a.Action is "paused" or "resumed") is { } change)
            {
                body.Raw("<br><small>").Text($"{change.Action} by {change.Actor}, {Html.Time(change.At)}").Raw("</small>");
            }

            body.Raw("</td><td>");
            if (last is not null)
            {
                body.Element("span", last.Status.ToString(), $"status {last.Status.ToString().ToLowerInvariant()}").Raw(" ").Link($"/runs/{last.Id}", Html.Time(last.StartedAt));
            }

            body.Raw("</td>");
            if (token is not null)
            {
                var name = Uri.EscapeDataString(job.Job.Name);
                body.Raw("<td class=\"actions\">")
                    .Raw($"<form method=\"post\" action=\"/jobs/{name}/run\" class=\"run-now\"><input type=\"hidden\" name=\"{Html.Encode(token.FormFieldName)}\" value=\"{Html.Encode(token.RequestToken)}\">")
                    .Raw("<label>Parameters (name=value, one per line)<textarea name=\"params\" rows=\"2\"></textarea></label>")
                    .Raw("<label>Tenants (empty: the job's own; id, domain, name, group:NAME or name:GLOB, comma-separated)<input name=\"tenants\"></label><button type=\"submit\">Run now</button></form>");
                var paused = job.State == "paused";
                body.Raw($"<form method=\"post\" action=\"/jobs/{name}/{(paused ? "resume" : "pause")}\"><input type=\"hidden\" name=\"{Html.Encode(token.FormFieldName)}\" value=\"{Html.Encode(token.RequestToken)}\">")
                    .Raw($"<button type=\"submit\">{(paused ? "Resume" : "Pause")}</button></form></td>");
            }

            body.Raw("</tr>");
        }

        body.Raw("</tbody></table>");
        return Layout.Page(http, "Jobs", body);
    }
}
