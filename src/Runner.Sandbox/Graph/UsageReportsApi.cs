using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// Microsoft 365 usage reports, as "reportRoot: getMailboxUsageDetail", "getOffice365ActiveUserDetail" and
/// "getOneDriveUsageAccountDetail" describe them:
/// GET /reports/{report}(period='D7|D30|D90|D180') answers 302 with a preauthenticated download URL (valid a few
/// minutes, no Authorization header needed) for a CSV file (<see cref="UsageReports"/>). Needs Reports.Read.All and,
/// for a signed-in user, one of the roles "Authorization for APIs to read Office 365 usage reports" lists: otherwise
/// 403 S2SUnauthorized "Invalid permission." (observed wording). GET/PATCH /admin/reportSettings reads or switches
/// displayConcealedNames (ReportSettings.Read.All / ReportSettings.ReadWrite.All; changing it needs a Global
/// Administrator, as "Update adminReportSettings" says).
/// </summary>
internal sealed class UsageReportsApi(SandboxContext context, GraphApi graph)
{
    /// <summary>How long a download URL stays valid.</summary>
    public static readonly TimeSpan DownloadLifetime = TimeSpan.FromMinutes(5);

    private static readonly string[] ReportRoles =
    [
        GdapSeeder.GlobalAdministrator, GdapSeeder.GlobalReader, GdapSeeder.ReportsReader,
        "29232cdf-9323-42fd-ade2-1d097af3e4de", // Exchange Administrator
        "f28a1f50-f6e7-4571-818b-6a12f2af6b6c", // SharePoint Administrator
        "75941009-915a-4869-abe7-691bff18279e", // Skype for Business Administrator
        "69091246-20e8-4a56-aa4d-066075b2a7a8", // Teams Administrator
        "baf37b3a-610e-45da-9e62-d9d1e5e8914b", // Teams Communications Administrator
    ];

    private readonly ConcurrentDictionary<string, (byte[] Csv, DateTimeOffset Expires)> _downloads = new(StringComparer.Ordinal);

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/reports/getMailboxUsageDetail(period='{period}')", (RequestDelegate)(http => Report(http, UsageReports.MailboxUsageDetail)));
        routes.MapGet("/v1.0/reports/getOffice365ActiveUserDetail(period='{period}')", (RequestDelegate)(http => Report(http, UsageReports.Office365ActiveUserDetail)));
        routes.MapGet("/v1.0/reports/getOneDriveUsageAccountDetail(period='{period}')", (RequestDelegate)(http => Report(http, UsageReports.OneDriveUsageAccountDetail)));
        routes.MapGet("/reports/download/{token}", (RequestDelegate)Download);
        routes.MapGet("/v1.0/admin/reportSettings", (RequestDelegate)GetSettings);
        routes.MapMethods("/v1.0/admin/reportSettings", ["PATCH"], (RequestDelegate)UpdateSettings);
    }

    private async Task Report(HttpContext http, Func<TenantContent, DateTimeOffset, string, string> build)
    {
        if (await graph.Authorize(http, "Reports.Read.All") is not { } caller)
        {
            return;
        }

        if (!graph.HasRole(caller, ReportRoles))
        {
            await graph.Error(http, 403, "S2SUnauthorized", "Invalid permission.");
            return;
        }

        var period = (string)http.Request.RouteValues["period"]!;
        if (!UsageReports.Periods.Contains(period))
        {
            await graph.Error(http, 400, "BadRequest", $"Invalid value for period: '{period}'. Supported values are D7, D30, D90 and D180.");
            return;
        }

        var now = context.Clock.GetUtcNow();
        string csv;
        lock (caller.Tenant.Content.Sync)
        {
            csv = build(caller.Tenant.Content, new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero), period);
        }

        foreach (var expired in _downloads.Where(d => d.Value.Expires < now).Select(d => d.Key).ToList())
        {
            _downloads.TryRemove(expired, out _);
        }

        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        _downloads[token] = (Encoding.UTF8.GetBytes(csv), now + DownloadLifetime);
        http.Response.StatusCode = 302;
        http.Response.ContentType = "text/plain";
        http.Response.Headers.Location = context.Url($"/reports/download/{token}");
    }

    private async Task Download(HttpContext http)
    {
        var token = (string)http.Request.RouteValues["token"]!;
        if (!_downloads.TryGetValue(token, out var download) || download.Expires < context.Clock.GetUtcNow())
        {
            http.Response.StatusCode = 404;
            return;
        }

        http.Response.ContentType = "application/octet-stream";
        await http.Response.Body.WriteAsync(download.Csv, http.RequestAborted);
    }

    private async Task GetSettings(HttpContext http)
    {
        if (await graph.Authorize(http, "ReportSettings.Read.All", "ReportSettings.ReadWrite.All") is { } caller)
        {
            await WriteSettings(http, caller);
        }
    }

    private async Task UpdateSettings(HttpContext http)
    {
        if (await graph.Authorize(http, "ReportSettings.ReadWrite.All") is not { } caller || await GraphObjects.Body(http, graph) is not { } body)
        {
            return;
        }

        if (!graph.HasRole(caller, GdapSeeder.GlobalAdministrator))
        {
            await graph.Error(http, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
            return;
        }

        if (body["displayConcealedNames"] is not JsonValue value || !value.TryGetValue<bool>(out var conceal))
        {
            await graph.Error(http, 400, "BadRequest", "displayConcealedNames must be true or false.");
            return;
        }

        lock (caller.Tenant.Content.Sync)
        {
            caller.Tenant.Content.DisplayConcealedNames = conceal;
        }

        await GraphObjects.NoContent(http);
    }

    private async Task WriteSettings(HttpContext http, ApiCaller caller)
    {
        bool conceal;
        lock (caller.Tenant.Content.Sync)
        {
            conceal = caller.Tenant.Content.DisplayConcealedNames;
        }

        await http.WriteJson(new JsonObject
        {
            ["@odata.context"] = context.Url("/v1.0/$metadata#admin/reportSettings/$entity"),
            ["displayConcealedNames"] = conceal,
        });
    }
}
