using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Runner.Configuration;
using Runner.Tenants;
using Spectre.Console;

namespace Runner.Cli.Rendering;

/// <summary>`runner tenants`: the customer list, and with --check the token matrix (table, JSON or CSV).</summary>
internal static class TenantsRenderer
{
    private const int MaxProblemLines = 20;

    public static void WriteList(IReadOnlyList<CustomerTenant> tenants, DateTimeOffset now, OutputFormat format, TextWriter writer, IAnsiConsole console)
    {
        var ordered = Ordered(tenants).ToList();
        switch (format)
        {
            case OutputFormat.Json:
                writer.WriteLine(new JsonArray(ordered.Select(t => (JsonNode)Describe(t, now)).ToArray()).ToJsonString(Indented));
                return;
            case OutputFormat.Csv:
                writer.WriteLine("tenantId,domain,companyName,gdap,gdapEnds,relationships,roles,skipReason");
                foreach (var t in ordered)
                {
                    writer.WriteLine(Csv(t.Id.ToString(), t.Domain, t.CompanyName, t.Gdap.Status, Date(t.Gdap.EndDateTime),
                        t.Gdap.Relationships.Count.ToString(CultureInfo.InvariantCulture), string.Join("; ", t.Gdap.Roles), TenantSelector.SkipReason(t, now) ?? ""));
                }

                return;
        }

        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumns("Company", "Domain", "Tenant id", "GDAP", "Ends", "Roles");
        foreach (var tenant in ordered)
        {
            var skip = TenantSelector.SkipReason(tenant, now);
            var gdap = skip is null ? $"[green]{Markup.Escape(tenant.Gdap.Status)}[/]" : $"[yellow]{Markup.Escape(tenant.Gdap.Status)}[/]";
            var others = tenant.Gdap.Relationships.Count > 1 ? $" [grey](+{tenant.Gdap.Relationships.Count - 1})[/]" : "";
            table.AddRow(Markup.Escape(tenant.CompanyName), Markup.Escape(tenant.Domain), tenant.Id.ToString(), gdap + others, Date(tenant.Gdap.EndDateTime),
                Markup.Escape(string.Join(", ", tenant.Gdap.Roles)));
        }

        console.Write(table);
        console.WriteLine($"{tenants.Count} customers; {tenants.Count(t => TenantSelector.SkipReason(t, now) is null)} reachable.");
    }

    public static void WriteCheck(IReadOnlyList<TenantAccess> rows, DateTimeOffset now, OutputFormat format, TextWriter writer, IAnsiConsole console)
    {
        var ordered = rows.OrderBy(r => r.Tenant.CompanyName, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Tenant.Domain, StringComparer.OrdinalIgnoreCase).ToList();
        switch (format)
        {
            case OutputFormat.Json:
                writer.WriteLine(new JsonArray(ordered.Select(r =>
                {
                    var json = Describe(r.Tenant, now);
                    json["checked"] = r.Tried;
                    json["partnerCenter"] = Result(r.PartnerCenter);
                    json["graph"] = Result(r.Graph);
                    json["resourceManager"] = Result(r.ResourceManager);
                    return (JsonNode)json;
                }).ToArray()).ToJsonString(Indented));
                return;
            case OutputFormat.Csv:
                // One row per tenant and resource, with the same state, aadsts and message as the JSON.
                writer.WriteLine("tenantId,domain,companyName,gdap,resource,state,aadsts,message");
                foreach (var r in ordered)
                {
                    foreach (var (resource, result) in new[] { ("partnerCenter", r.PartnerCenter), ("graph", r.Graph), ("resourceManager", r.ResourceManager) })
                    {
                        writer.WriteLine(Csv(r.Tenant.Id.ToString(), r.Tenant.Domain, r.Tenant.CompanyName, r.Tenant.Gdap.Status, resource, Label(result),
                            result.Aadsts ?? "", result.Message ?? ""));
                    }
                }

                return;
        }

        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumns("Company", "Domain", "GDAP", "Partner Center", "Graph", "ARM");
        foreach (var r in ordered)
        {
            table.AddRow(Markup.Escape(r.Tenant.CompanyName), Markup.Escape(r.Tenant.Domain), Markup.Escape(r.Tenant.Gdap.Status),
                Cell(r.PartnerCenter), Cell(r.Graph), Cell(r.ResourceManager));
        }

        console.Write(table);
        var problems = ordered.Where(r => r.Tried).SelectMany(r => r.Results.Where(x => !x.Result.IsOk).Select(x => (r.Tenant, x.Resource, x.Result))).ToList();
        foreach (var (tenant, resource, result) in problems.Take(MaxProblemLines))
        {
            console.MarkupLine($"[grey]{Markup.Escape(tenant.Domain)} · {Markup.Escape(resource)}:[/] {Markup.Escape(result.Message ?? Label(result))}");
        }

        if (problems.Count > MaxProblemLines)
        {
            console.MarkupLine($"[grey]{problems.Count - MaxProblemLines} more problems: use --output json to see all of them.[/]");
        }

        var healthy = ordered.Count(r => r.Tried && r.IsHealthy);
        var noGdap = ordered.Count(r => !r.Tried);
        console.WriteLine($"{ordered.Count} customers: {healthy} OK for every resource, {noGdap} without GDAP (skipped by runs), {ordered.Count - healthy - noGdap} with problems.");
    }

    /// <summary>The matrix's words: OK / no GDAP / consent missing / MFA / conditional access / unavailable / other + AADSTS code.</summary>
    public static string Label(AccessResult result) => result.State switch
    {
        AccessState.Ok => "OK",
        AccessState.NoGdap => "no GDAP",
        AccessState.ConsentMissing => "consent missing",
        AccessState.MfaRequired => "MFA",
        AccessState.ConditionalAccess => "conditional access",
        AccessState.Unavailable => "unavailable",
        _ => result.Aadsts is null ? "other" : $"other {result.Aadsts}",
    };

    private static string Cell(AccessResult result) => result.State switch
    {
        AccessState.Ok => "[green]OK[/]",
        AccessState.NoGdap => "[grey]no GDAP[/]",
        _ => $"[red]{Markup.Escape(Label(result))}[/]",
    };

    private static JsonObject Result(AccessResult result) => new()
    {
        ["state"] = Label(result),
        ["aadsts"] = result.Aadsts,
        ["message"] = result.Message,
    };

    private static JsonObject Describe(CustomerTenant t, DateTimeOffset now) => new()
    {
        ["tenantId"] = t.Id.ToString(),
        ["domain"] = t.Domain,
        ["companyName"] = t.CompanyName,
        ["customerId"] = t.CustomerId,
        ["gdap"] = t.Gdap.Status,
        ["gdapEnds"] = t.Gdap.EndDateTime?.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
        ["roles"] = new JsonArray(t.Gdap.Roles.Select(r => (JsonNode)r).ToArray()),
        ["relationships"] = new JsonArray(t.Gdap.Relationships.Select(r => (JsonNode)new JsonObject
        {
            ["id"] = r.Id,
            ["name"] = r.Name,
            ["status"] = r.Status,
            ["ends"] = r.EndDateTime?.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
            ["autoExtend"] = r.AutoExtendDuration,
            ["roles"] = new JsonArray(r.Roles.Select(x => (JsonNode)x).ToArray()),
        }).ToArray()),
        ["skipReason"] = TenantSelector.SkipReason(t, now),
    };

    private static IEnumerable<CustomerTenant> Ordered(IEnumerable<CustomerTenant> tenants) =>
        tenants.OrderBy(t => t.CompanyName, StringComparer.OrdinalIgnoreCase).ThenBy(t => t.Domain, StringComparer.OrdinalIgnoreCase);

    private static string Date(DateTimeOffset? value) => value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    private static string Csv(params string[] cells) =>
        string.Join(',', cells.Select(c => c.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{c.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : c));

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
