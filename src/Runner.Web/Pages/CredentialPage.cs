using Runner.Web.Data;

namespace Runner.Web.Pages;

/// <summary>`runner auth status` as a page, and how to re-consent. Never the token itself.</summary>
internal static class CredentialPage
{
    public static async Task<IResult> Render(HttpContext http, ConsoleSources sources, CancellationToken cancellation)
    {
        var status = await sources.Credential(cancellation);
        var body = new Html();
        body.Raw("<dl>")
            .Element("dt", "Health").Raw("<dd>").Element("span", status.Health.ToString(), $"status {status.Health.ToString().ToLowerInvariant()}").Raw("</dd>")
            .Element("dt", "Consented by").Element("dd", status.Username ?? "—")
            .Element("dt", "Consented").Element("dd", Html.Time(status.ConsentedAt))
            .Element("dt", "Last redeemed").Element("dd", Html.Time(status.LastRedeemedAt))
            .Element("dt", "Last rotated and stored").Element("dd", Html.Time(status.LastWrittenBackAt))
            .Element("dt", "Stored token issued").Element("dd", Html.Time(status.StoredTokenIssuedAt))
            .Element("dt", "Expires without use").Element("dd", Html.Time(status.ExpiresAt))
            .Element("dt", "Days left").Element("dd", status.DaysLeft?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—")
            .Element("dt", "Store").Element("dd", status.Store);
        if (status.LastWriteBackError is { } writeBack)
        {
            body.Element("dt", "Last write-back failure").Element("dd", $"{Html.Time(status.LastWriteBackFailedAt)}: {writeBack}");
        }

        if (status.StoreError is { } storeError)
        {
            body.Element("dt", "Store problem").Element("dd", storeError);
        }

        body.Raw("</dl>").Element("h2", "Rotation history");
        await History(body, sources, cancellation);
        body.Element("h2", "Re-consent")
            .Element("p", "Every run and `runner auth refresh` rotates the refresh token and restarts the 90 days. If it has expired or was revoked, a partner admin with MFA runs `runner consent` (or `runner consent --device-code` on a server without a browser) once; the new token is stored in the secret store and every node uses it.");
        return Layout.Page(http, "Credential", body);
    }

    /// <summary>
    /// The keep-alive job's runs (daily, scheduler.keepAlive): each redeems the refresh token, Entra rotates it, and
    /// the new one is written back to the store — so their results are the credential's rotation history.
    /// </summary>
    private static async Task History(Html body, ConsoleSources sources, CancellationToken cancellation)
    {
        var runs = await sources.History.ListRunsAsync(Scheduling.SchedulerKeys.KeepAlive, 20, cancellation);
        if (runs.Count == 0)
        {
            body.Element("p", "No keep-alive run yet: `runner host` runs it daily (scheduler.keepAlive), and `runner trigger keep-alive` runs it now.", "empty");
            return;
        }

        body.Raw("<table><thead><tr><th>Run</th><th>When</th><th>Status</th><th>Rotated</th><th>Stored</th><th>Days left</th></tr></thead><tbody>");
        foreach (var run in runs)
        {
            var result = (await sources.History.GetRunAsync(run.Id, cancellation))?.Tenants.FirstOrDefault()?.Result is { } json ? System.Text.Json.Nodes.JsonNode.Parse(json) : null;
            body.Raw("<tr><td>").Link($"/runs/{run.Id}", run.Id).Raw("</td><td>").Text(Html.Time(run.StartedAt)).Raw("</td><td>")
                .Element("span", run.Status.ToString(), $"status {run.Status.ToString().ToLowerInvariant()}")
                .Raw("</td><td>").Text((bool?)result?["exchanged"] == true ? "yes" : "no")
                .Raw("</td><td>").Text(Html.Time(DateTimeOffset.TryParse((string?)result?["lastWrittenBackAt"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var stored) ? stored : null))
                .Raw("</td><td>").Text(result?["daysLeft"]?.ToString() ?? "—").Raw("</td></tr>");
        }

        body.Raw("</tbody></table>");
    }
}
