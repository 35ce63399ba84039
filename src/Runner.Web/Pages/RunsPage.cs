using Runner.Execution;
using Runner.History;
using Runner.Web.Data;

namespace Runner.Web.Pages;

/// <summary>Runs, newest first, filtered by job, status, tenant and date, a page at a time.</summary>
internal static class RunsPage
{
    public const int PageSize = 50;

    public static async Task<IResult> Render(HttpContext http, ConsoleSources sources, CancellationToken cancellation)
    {
        var filter = RunFilter.Parse(http.Request.Query);
        var page = await RunQueries.PageAsync(sources.History, filter, PageSize, cancellation);
        var body = new Html();
        body.Raw("<form method=\"get\" class=\"filters\">")
            .Raw("<label>Job <input name=\"job\" value=\"").Text(filter.Job).Raw("\"></label>")
            .Raw("<label>Status <select name=\"status\"><option value=\"\">any</option>");
        foreach (var status in Enum.GetNames<RunStatus>())
        {
            body.Raw($"<option{(string.Equals(filter.Status, status, StringComparison.OrdinalIgnoreCase) ? " selected" : "")}>").Text(status).Raw("</option>");
        }

        body.Raw("</select></label>")
            .Raw("<label>Tenant <input name=\"tenant\" value=\"").Text(filter.Tenant).Raw("\"></label>")
            .Raw("<label>From <input type=\"date\" name=\"from\" value=\"").Text(filter.From?.ToString("yyyy-MM-dd")).Raw("\"></label>")
            .Raw("<label>To <input type=\"date\" name=\"to\" value=\"").Text(filter.To?.ToString("yyyy-MM-dd")).Raw("\"></label>")
            .Raw("<button type=\"submit\">Filter</button></form>");
        Table(body, page.Runs);
        body.Raw("<p class=\"paging\">");
        if (filter.Page > 1)
        {
            body.Link(filter.WithPage(filter.Page - 1).ToQuery("/runs"), "Newer");
        }

        body.Text($" Page {filter.Page} ");
        if (page.HasMore)
        {
            body.Link(filter.WithPage(filter.Page + 1).ToQuery("/runs"), "Older");
        }

        body.Raw("</p>");
        return Layout.Page(http, "Runs", body);
    }

    /// <summary>A runs table; <paramref name="live"/> marks rows the script refreshes while runs are in progress.</summary>
    public static void Table(Html body, IReadOnlyList<RunRecord> runs, bool live = false)
    {
        if (runs.Count == 0)
        {
            body.Element("p", "None.", "empty");
            return;
        }

        body.Raw($"<table class=\"runs\"{(live ? " data-live=\"runs\"" : "")}><thead><tr><th>Run</th><th>Job</th><th>Trigger</th><th>Node</th><th>Started</th><th>Duration</th><th>Status</th><th>Tenants</th></tr></thead><tbody>");
        foreach (var run in runs)
        {
            body.Raw($"<tr data-run=\"{Html.Encode(run.Id)}\"><td>").Link($"/runs/{run.Id}", run.Id).Raw("</td><td>").Text(run.Job).Raw("</td><td>").Text(run.Trigger)
                .Raw("</td><td>").Text(run.Node).Raw("</td><td>").Text(Html.Time(run.StartedAt)).Raw("</td><td>").Text(Html.Duration(run.Duration))
                .Raw("</td><td>").Element("span", run.Status.ToString(), $"status {run.Status.ToString().ToLowerInvariant()}")
                .Raw(run.Mode == "what-if" ? " <small class=\"what-if\">what-if</small>" : "")
                .Raw("</td><td>").Text(Counts(run)).Raw("</td></tr>");
        }

        body.Raw("</tbody></table>");
    }

    public static string Counts(RunRecord run) =>
        $"{run.Total}: {run.Succeeded} ok, {run.Failed} failed, {run.TimedOut} timed out, {run.Skipped} skipped, {run.Cancelled} cancelled";
}
