using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>/security/secureScores through GraphServiceClient: daily scores worked out from the tenant's configuration.</summary>
public sealed class SecureScoresTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task The_latest_score_is_todays_and_sums_its_controls_from_the_tenants_configuration()
    {
        var customer = Customer(c => c.Content.Directory.SecurityDefaultsEnabled || c.Content.Directory.Policies.Any(p => p.State == "enabled"));
        var graph = fixture.Clients.Graph(customer.Id);

        var latest = await graph.Security.SecureScores.GetAsync(r => r.QueryParameters.Top = 1);

        var score = Assert.Single(latest!.Value!);
        Assert.Equal($"{customer.Id}_{fixture.Host.Clock.GetUtcNow().UtcDateTime:yyyy-MM-dd}", score.Id);
        Assert.Equal(customer.Id.ToString(), score.AzureTenantId);
        Assert.NotNull(latest.OdataNextLink);
        var controls = score.ControlScores!.ToDictionary(c => c.ControlName!, c => c.Score!.Value);
        Assert.Equal(10, controls["AdminMFAV2"]);
        Assert.Equal(8, controls["BlockLegacyAuthentication"]);
        var members = customer.Content.Users.Where(u => u.AccountEnabled && u.UserType == "Member").ToList();
        var registered = members.Count(u => customer.Content.Directory.Registrations.GetValueOrDefault(u.Id, []).Length > 0);
        Assert.Equal(Math.Round(9.0 * registered / members.Count, 2), controls["MFARegistrationV2"], 2);
        Assert.Equal(controls.Values.Sum(), score.CurrentScore!.Value, 2);
        Assert.Equal(28, score.MaxScore);
        Assert.Equal(customer.Content.Users.Count(u => u.AccountEnabled), score.ActiveUserCount);
        Assert.Equal("Microsoft", score.VendorInformation!.Vendor);
    }

    [Fact]
    public async Task Ninety_days_are_listed_newest_first_and_one_is_read_by_id()
    {
        var customer = Customer();
        var graph = fixture.Clients.Graph(customer.Id);

        var all = await graph.Security.SecureScores.GetAsync();
        var week = all!.Value![7];
        var again = await graph.Security.SecureScores[week.Id].GetAsync();

        Assert.Equal(90, all.Value!.Count);
        Assert.Null(all.OdataNextLink);
        var days = all.Value.Select(s => s.CreatedDateTime!.Value.UtcDateTime.Date).ToList();
        Assert.Equal(days.OrderDescending(), days);
        Assert.Equal(89, (days[0] - days[^1]).TotalDays);
        Assert.Equal(week.Id, again!.Id);
        Assert.Equal(week.CurrentScore, again.CurrentScore);
    }

    private SandboxTenant Customer(Func<SandboxTenant, bool>? also = null) => fixture.Host.ActiveCustomer(also);
}
