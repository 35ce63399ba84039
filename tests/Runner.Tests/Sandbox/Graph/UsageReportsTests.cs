using System.Text;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Runner.Http;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>Microsoft 365 usage reports through GraphServiceClient: the 302 to a CSV download the SDK follows, concealed
/// names and the setting that reveals them, and the roles and periods Graph checks.</summary>
public sealed class UsageReportsTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task Mailbox_usage_lists_every_mailbox_with_its_quotas_and_conceals_names_by_default()
    {
        var customer = Reporting(c => c.Content.DisplayConcealedNames);
        var mailboxes = customer.Content.Users.Where(u => u.UserType == "Member" && HasPlan(customer, u, "EXCHANGE_S_")).ToList();

        var rows = await CsvAsync(await fixture.Clients.Graph(customer.Id).Reports.GetMailboxUsageDetailWithPeriod("D30").GetAsync());

        Assert.Equal("Report Refresh Date", rows[0][0]);
        Assert.Contains("Storage Used (Byte)", rows[0]);
        var data = rows.Skip(1).ToList();
        Assert.Equal(mailboxes.Count, data.Count);
        Assert.All(data, r => Assert.Matches("^[0-9A-F]{32}$", r[1]));
        Assert.DoesNotContain(data, r => mailboxes.Any(m => r[1] == m.UserPrincipalName));
        var used = rows[0].IndexOf("Storage Used (Byte)");
        var warning = rows[0].IndexOf("Issue Warning Quota (Byte)");
        Assert.All(data, r => Assert.True(long.Parse(r[warning]) is 49L * 1024 * 1024 * 1024 or 99L * 1024 * 1024 * 1024));
        Assert.All(data, r => Assert.InRange(long.Parse(r[used]), 1, long.Parse(r[warning]) + 400L * 1024 * 1024));
    }

    [Fact]
    public async Task A_global_administrator_reveals_names_and_the_active_user_report_then_names_each_user()
    {
        var customer = Reporting(c => c.Content.DisplayConcealedNames && fixture.Host.RolesInForce(c).Contains(GdapSeeder.GlobalAdministrator));
        var graph = fixture.Clients.Graph(customer.Id);
        var members = customer.Content.Users.Where(u => u.UserType == "Member").ToList();

        await graph.Admin.ReportSettings.PatchAsync(new AdminReportSettings { DisplayConcealedNames = false });
        var settings = await graph.Admin.ReportSettings.GetAsync();
        var rows = await CsvAsync(await graph.Reports.GetOffice365ActiveUserDetailWithPeriod("D7").GetAsync());

        Assert.False(settings!.DisplayConcealedNames);
        var exchange = rows[0].IndexOf("Has Exchange License");
        Assert.Equal(members.Select(m => m.UserPrincipalName).Order(), rows.Skip(1).Select(r => r[1]).Order());
        foreach (var member in members)
        {
            Assert.Equal(HasPlan(customer, member, "EXCHANGE_S_") ? "True" : "False", rows.Single(r => r[1] == member.UserPrincipalName)[exchange]);
        }
    }

    [Fact]
    public async Task OneDrive_usage_has_a_terabyte_per_suite_licensed_member()
    {
        var customer = Reporting(c => c.Content.Users.Any(u => HasPlan(c, u, "MCOSTANDARD")));
        var owners = customer.Content.Users.Where(u => u.UserType == "Member" && HasPlan(customer, u, "MCOSTANDARD")).ToList();

        var rows = await CsvAsync(await fixture.Clients.Graph(customer.Id).Reports.GetOneDriveUsageAccountDetailWithPeriod("D7").GetAsync());

        Assert.Equal("Site URL", rows[0][1]);
        Assert.Equal(owners.Count, rows.Count - 1);
        Assert.All(rows.Skip(1), r => Assert.Equal("1099511627776", r[Array.IndexOf(rows[0], "Storage Allocated (Byte)")]));
        if (!customer.Content.DisplayConcealedNames)
        {
            Assert.Equal(owners.Select(o => o.UserPrincipalName).Order(), rows.Skip(1).Select(r => r[Array.IndexOf(rows[0], "Owner Principal Name")]).Order());
        }
    }

    [Fact]
    public async Task Without_a_reporting_role_graph_refuses_and_only_a_global_administrator_changes_the_setting()
    {
        var standard = fixture.Host.ActiveCustomer(c => !fixture.Host.RolesInForce(c).Overlaps([GdapSeeder.GlobalAdministrator, GdapSeeder.GlobalReader, GdapSeeder.ReportsReader]));
        var reader = Reporting(c => !fixture.Host.RolesInForce(c).Contains(GdapSeeder.GlobalAdministrator));
        var before = reader.Content.DisplayConcealedNames;

        var refused = await Assert.ThrowsAsync<ODataError>(() => fixture.Clients.Graph(standard.Id).Reports.GetMailboxUsageDetailWithPeriod("D7").GetAsync());
        var period = await Assert.ThrowsAsync<ODataError>(() => fixture.Clients.Graph(reader.Id).Reports.GetMailboxUsageDetailWithPeriod("D14").GetAsync());
        var denied = await Assert.ThrowsAsync<ODataError>(() => fixture.Clients.Graph(reader.Id).Admin.ReportSettings.PatchAsync(new AdminReportSettings { DisplayConcealedNames = !before }));

        Assert.Equal((403, "S2SUnauthorized"), (refused.ResponseStatusCode, refused.Error!.Code));
        Assert.Equal(400, period.ResponseStatusCode);
        Assert.Equal(403, denied.ResponseStatusCode);
        Assert.Equal(before, reader.Content.DisplayConcealedNames);
    }

    [Fact]
    public async Task The_download_link_needs_no_token_and_is_answered_once_issued_only()
    {
        var customer = Reporting(_ => true);
        using var raw = fixture.Clients.RawGraph(customer.Id);
        using var http = CloudHttp.Create(fixture.Host.CaCertificatePath);
        using var anonymous = http.CreateClient(TimeSpan.FromSeconds(30));

        // The HTTP stack follows the 302 and, as .NET does on any redirect, drops the Authorization header.
        using var followed = await raw.GetAsync("reports/getMailboxUsageDetail(period='D7')");
        var location = followed.RequestMessage!.RequestUri!;
        var csv = await anonymous.GetStringAsync(location);
        using var forged = await anonymous.GetAsync(new Uri(location, "/reports/download/" + new string('0', 48)));

        Assert.Equal(200, (int)followed.StatusCode);
        Assert.StartsWith("/reports/download/", location.AbsolutePath);
        Assert.Null(followed.RequestMessage.Headers.Authorization);
        Assert.StartsWith("Report Refresh Date,", csv.TrimStart('\uFEFF'));
        Assert.Equal(404, (int)forged.StatusCode);
    }

    /// <summary>A customer where the partner holds a role that reads usage reports.</summary>
    private SandboxTenant Reporting(Func<SandboxTenant, bool> also) => fixture.Host.ActiveCustomer(c =>
        fixture.Host.RolesInForce(c).Overlaps([GdapSeeder.GlobalAdministrator, GdapSeeder.GlobalReader, GdapSeeder.ReportsReader]) &&
        c.Content.Users.Any(u => HasPlan(c, u, "EXCHANGE_S_")) && also(c));

    private static bool HasPlan(SandboxTenant tenant, SandboxUser user, string prefix) =>
        tenant.Content.PartnerSubscriptions.Any(s => user.AssignedSkuIds.Contains(s.Product.SkuId) && s.Product.ServicePlans.Any(p => p.StartsWith(prefix, StringComparison.Ordinal)));

    /// <summary>The CSV's rows split on commas (the sandbox's names contain none).</summary>
    private static async Task<List<string[]>> CsvAsync(Stream? stream)
    {
        using var reader = new StreamReader(stream!, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(','))];
    }
}
