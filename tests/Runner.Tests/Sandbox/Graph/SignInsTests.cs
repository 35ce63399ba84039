using Microsoft.Graph.Models.ODataErrors;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>auditLogs/signIns through GraphServiceClient: the last 30 days, newest first, filtered as sign-in reviews filter.</summary>
public sealed class SignInsTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task Each_users_newest_sign_in_is_the_successful_one_sign_in_activity_reports()
    {
        var customer = fixture.Host.ActiveCustomer(c => DirectorySeeder.HasPremium(c.Content));
        var graph = fixture.Clients.Graph(customer.Id);
        var since = fixture.Host.Clock.GetUtcNow().AddDays(-30);

        var page = await graph.AuditLogs.SignIns.GetAsync(r => r.QueryParameters.Top = 999);
        var users = await graph.Users.GetAsync(r => { r.QueryParameters.Select = ["id", "signInActivity"]; r.QueryParameters.Top = 120; });

        var signIns = page!.Value!;
        Assert.NotEmpty(signIns);
        Assert.Equal(signIns.Select(s => s.CreatedDateTime).OrderDescending(), signIns.Select(s => s.CreatedDateTime));
        Assert.All(signIns, s => Assert.True(s.CreatedDateTime > since));
        foreach (var user in users!.Value!.Where(u => u.SignInActivity?.LastSignInDateTime > since))
        {
            var newest = signIns.First(s => s.UserId == user.Id);
            Assert.Equal(user.SignInActivity!.LastSignInDateTime!.Value.ToUnixTimeSeconds(), newest.CreatedDateTime!.Value.ToUnixTimeSeconds());
            Assert.Equal(0, newest.Status!.ErrorCode);
        }
    }

    [Fact]
    public async Task Filters_on_error_code_country_and_date_pick_the_seeded_sign_ins()
    {
        var customer = fixture.Host.ActiveCustomer(c => DirectorySeeder.HasPremium(c.Content) && c.Content.SignIns.Any(s => s.ErrorCode != 0));
        var kept = fixture.Host.Clock.GetUtcNow().AddDays(-30);
        var seeded = customer.Content.SignIns.Where(s => s.CreatedDateTime > kept).ToList();
        var graph = fixture.Clients.Graph(customer.Id);
        var week = fixture.Host.Clock.GetUtcNow().AddDays(-7);

        var failed = await graph.AuditLogs.SignIns.GetAsync(r => r.QueryParameters.Filter = "status/errorCode ne 0");
        var abroad = await graph.AuditLogs.SignIns.GetAsync(r => r.QueryParameters.Filter = $"location/countryOrRegion ne '{customer.Content.CountryLetterCode}'");
        var lastWeek = await graph.AuditLogs.SignIns.GetAsync(r => { r.QueryParameters.Filter = $"createdDateTime ge {week.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"; r.QueryParameters.Top = 999; });
        var one = await graph.AuditLogs.SignIns[seeded[0].Id.ToString()].GetAsync();

        Assert.Equal(seeded.Where(s => s.ErrorCode != 0).Select(s => s.Id.ToString()), failed!.Value!.Select(s => s.Id));
        Assert.All(failed.Value!, s => Assert.Equal(50126, s.Status!.ErrorCode));
        Assert.Equal(seeded.Where(s => s.CountryOrRegion != customer.Content.CountryLetterCode).Select(s => s.Id.ToString()), abroad!.Value!.Select(s => s.Id));
        Assert.Equal(seeded.Count(s => s.CreatedDateTime >= week), lastWeek!.Value!.Count);
        Assert.Equal(seeded[0].User.UserPrincipalName, one!.UserPrincipalName);
    }

    [Fact]
    public async Task A_tenant_without_entra_id_p1_is_refused_with_graphs_premium_error()
    {
        var customer = fixture.Host.ActiveCustomer(c => !DirectorySeeder.HasPremium(c.Content));

        var refused = await Assert.ThrowsAsync<ODataError>(() => fixture.Clients.Graph(customer.Id).AuditLogs.SignIns.GetAsync());

        Assert.Equal((403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant"), (refused.ResponseStatusCode, refused.Error!.Code));
    }

    [Fact]
    public void Legacy_authentication_sign_ins_appear_only_where_nothing_blocks_it()
    {
        var tenants = fixture.Host.Context.Directory.Customers.Where(c => DirectorySeeder.HasPremium(c.Content)).ToList();

        Assert.Contains(tenants, t => t.Content.SignIns.Any(s => s.ClientAppUsed is "IMAP4" or "Exchange ActiveSync"));
        foreach (var tenant in tenants)
        {
            var directory = tenant.Content.Directory;
            var blocked = directory.SecurityDefaultsEnabled || directory.Policies.Any(p => p.State == "enabled" && p.BuiltInControls.Contains("block"));
            Assert.True(!blocked || tenant.Content.SignIns.All(s => s.ClientAppUsed is "Browser" or "Mobile Apps and Desktop clients"), tenant.Domain);
        }
    }
}
