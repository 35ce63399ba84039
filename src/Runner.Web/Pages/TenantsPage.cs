using Runner.Execution;
using Runner.Web.Data;

namespace Runner.Web.Pages;

/// <summary>The customer directory: GDAP status, roles and end date, groups, and each job's last outcome per tenant.</summary>
internal static class TenantsPage
{
    public static async Task<IResult> Render(HttpContext http, ConsoleSources sources, CancellationToken cancellation)
    {
        var tenants = await sources.Tenants(cancellation);
        var groups = sources.Config.Tenants.Groups;
        // The last run of each job, and each tenant's outcome in it.
        var lastRuns = (await sources.History.ListRunsAsync(null, 1000, cancellation)).Where(r => r.FinishedAt is not null)
            .GroupBy(r => r.Job, StringComparer.Ordinal).Select(g => g.First()).OrderBy(r => r.Job, StringComparer.Ordinal).Take(8).ToList();
        var outcomes = new Dictionary<string, Dictionary<string, TenantStatus>>(StringComparer.Ordinal);
        foreach (var run in lastRuns)
        {
            if (await sources.History.GetRunAsync(run.Id, cancellation) is { } details)
            {
                outcomes[run.Job] = details.Tenants.GroupBy(t => t.TenantId, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Status, StringComparer.OrdinalIgnoreCase);
            }
        }

        var body = new Html();
        body.Raw("<table class=\"tenants sortable\"><thead><tr><th>Customer</th><th>Domain</th><th>GDAP</th><th>Ends</th><th>Roles</th><th>Groups</th>");
        lastRuns.ForEach(r => body.Element("th", r.Job));
        body.Raw("</tr></thead><tbody>");
        foreach (var tenant in tenants.OrderBy(t => t.CompanyName, StringComparer.OrdinalIgnoreCase))
        {
            var inGroups = groups.Where(g => g.Value.Any(v => string.Equals(v, tenant.Domain, StringComparison.OrdinalIgnoreCase) ||
                string.Equals(v, tenant.CompanyName, StringComparison.OrdinalIgnoreCase) || string.Equals(v, tenant.Id.ToString(), StringComparison.OrdinalIgnoreCase))).Select(g => g.Key);
            body.Raw("<tr><td>").Text(tenant.CompanyName).Raw("</td><td>").Text(tenant.Domain).Raw("</td><td>").Text(tenant.Gdap.Status)
                .Raw("</td><td>").Text(Html.Time(tenant.Gdap.EndDateTime)).Raw("</td><td>").Text(string.Join(", ", tenant.Gdap.Roles))
                .Raw("</td><td>").Text(string.Join(", ", inGroups)).Raw("</td>");
            foreach (var run in lastRuns)
            {
                var status = outcomes.TryGetValue(run.Job, out var byTenant) && byTenant.TryGetValue(tenant.Id.ToString(), out var s) ? s.ToString() : "";
                body.Raw("<td>").Element("span", status, $"status {status.ToLowerInvariant()}").Raw("</td>");
            }

            body.Raw("</tr>");
        }

        body.Raw("</tbody></table>");
        return Layout.Page(http, $"Tenants ({tenants.Count})", body);
    }
}
