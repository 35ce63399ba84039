using Runner.Execution;
using Runner.Scheduling;
using Runner.Web.Data;

namespace Runner.Web.Pages;

/// <summary>What an ops team keeps open: failures of the last day, runs in progress, next fires, the credential, GDAP ending soon.</summary>
internal static class OverviewPage
{
    public static async Task<IResult> Render(HttpContext http, ConsoleSources sources, CancellationToken cancellation)
    {
        var now = sources.Time.GetUtcNow();
        var body = new Html();
        var recent = await sources.History.ListRunsAsync(null, 1000, cancellation);
        var failures = recent.Where(r => r.StartedAt >= now.AddDays(-1) && r.Status is RunStatus.Failed or RunStatus.Error or RunStatus.Interrupted).ToList();
        body.Element("h2", $"Failures in the last 24 hours ({failures.Count})");
        RunsPage.Table(body, failures.Take(20).ToList());

        var running = await sources.History.ListRunningAsync(cancellation);
        body.Element("h2", $"Running now ({running.Count})");
        RunsPage.Table(body, running, live: true);

        body.Element("h2", "Next fires");
        await using (var scheduler = await sources.OpenScheduler(cancellation))
        {
            var jobs = await scheduler.ListAsync(ScheduledJob.All(sources.Config), now, cancellation);
            body.Raw("<table><thead><tr><th>Job</th><th>Next fire</th><th>State</th></tr></thead><tbody>");
            foreach (var job in jobs.Where(j => j.NextFire is not null).OrderBy(j => j.NextFire).Take(10))
            {
                body.Raw("<tr><td>").Link($"/jobs#{job.Job.Name}", job.Job.Name).Raw("</td><td>").Text(Html.Time(job.NextFire)).Raw("</td><td>").Text(job.State).Raw("</td></tr>");
            }

            body.Raw("</tbody></table>");
        }

        var credential = await sources.Credential(cancellation);
        body.Element("h2", "Credential");
        body.Raw("<p>").Text(credential.DaysLeft is { } days ? $"{days} days left before the 90-day limit ({credential.Health})." : $"{credential.Health}.")
            .Raw(" ").Link("/credential", "Details").Raw("</p>");

        var tenants = await sources.Tenants(cancellation);
        var ending = tenants.Where(t => t.Gdap.EndDateTime is { } end && end > now && end <= now.AddDays(30)).OrderBy(t => t.Gdap.EndDateTime).ToList();
        body.Element("h2", $"GDAP relationships ending within 30 days ({ending.Count})");
        body.Raw("<table><thead><tr><th>Customer</th><th>Domain</th><th>Ends</th><th>Relationship</th></tr></thead><tbody>");
        foreach (var tenant in ending)
        {
            body.Raw("<tr><td>").Text(tenant.CompanyName).Raw("</td><td>").Text(tenant.Domain).Raw("</td><td>").Text(Html.Time(tenant.Gdap.EndDateTime))
                .Raw("</td><td>").Text(tenant.Gdap.RelationshipName).Raw("</td></tr>");
        }

        body.Raw("</tbody></table>");
        return Layout.Page(http, "Overview", body);
    }
}
