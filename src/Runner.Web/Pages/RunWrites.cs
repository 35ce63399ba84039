using Runner.History;

namespace Runner.Web.Pages;

/// <summary>A run's writes on its page: what it changed (or, for a what-if run, would have changed), per tenant.</summary>
internal static class RunWrites
{
    public static void Render(Html body, RunDetails details)
    {
        if (details.Writes.Count == 0)
        {
            return;
        }

        var whatIf = details.Run.Mode == "what-if";
        body.Element("h2", whatIf ? $"Planned writes ({details.Writes.Count}, none sent)" : $"Writes ({details.Writes.Count})");
        body.Raw("<table class=\"writes sortable\"><thead><tr><th>Tenant</th><th>API</th><th>Method</th><th>Path</th><th>Status</th><th>Request id</th><th>Body</th></tr></thead><tbody>");
        foreach (var audited in details.Writes)
        {
            var w = audited.Write;
            var path = Uri.TryCreate(w.Url, UriKind.Absolute, out var url) ? url.PathAndQuery : w.Url;
            body.Raw("<tr><td>").Text(audited.Domain).Raw("</td><td>").Text(w.Api).Raw("</td><td>").Text(w.Method)
                .Raw("</td><td>").Element("code", path)
                .Raw("</td><td>").Text(w.Simulated ? "planned" : w.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no answer")
                .Raw("</td><td>").Text(w.RequestId).Raw("</td><td>");
            if (w.Body is { } text)
            {
                body.Raw("<details><summary>").Text(w.Summary).Raw("</summary>").Element("pre", text, "json").Raw("</details>");
            }

            body.Raw("</td></tr>");
        }

        body.Raw("</tbody></table>");
    }
}
