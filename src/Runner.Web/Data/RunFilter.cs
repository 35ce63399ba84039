using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Runner.Web.Data;

/// <summary>The runs list's filters and page, as the query string carries them (pages and API alike).</summary>
internal sealed record RunFilter(string? Job, string? Status, string? Tenant, DateOnly? From, DateOnly? To, int Page)
{
    public static RunFilter Parse(IQueryCollection query) => new(
        Value(query, "job"),
        Value(query, "status"),
        Value(query, "tenant"),
        DateOnly.TryParse(Value(query, "from"), CultureInfo.InvariantCulture, out var from) ? from : null,
        DateOnly.TryParse(Value(query, "to"), CultureInfo.InvariantCulture, out var to) ? to : null,
        int.TryParse(Value(query, "page"), out var page) && page > 0 ? page : 1);

    public RunFilter WithPage(int page) => this with { Page = page };

    public string ToQuery(string path)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        Add("job", Job);
        Add("status", Status);
        Add("tenant", Tenant);
        Add("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("page", Page > 1 ? Page.ToString(CultureInfo.InvariantCulture) : null);
        return parts.Count == 0 ? path : $"{path}?{string.Join('&', parts)}";
    }

    private static string? Value(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var value) && value.ToString() is { Length: > 0 } text ? text : null;
}
