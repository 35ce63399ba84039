using Microsoft.Graph.Models.ODataErrors;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>A customer's app registrations and their credentials through GraphServiceClient.</summary>
public sealed class ApplicationsTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task Applications_list_their_secrets_and_certificates_with_end_dates_and_never_a_secret()
    {
        var customer = fixture.Host.ActiveCustomer(c => c.Content.Applications.Any(a => a.Secrets.Count > 0));
        var graph = fixture.Clients.Graph(customer.Id);

        var apps = await graph.Applications.GetAsync(r => r.QueryParameters.Select = ["id", "appId", "displayName", "passwordCredentials", "keyCredentials"]);

        Assert.Equal(customer.Content.Applications.Select(a => a.AppId.ToString()), apps!.Value!.Select(a => a.AppId));
        foreach (var (seeded, read) in customer.Content.Applications.Zip(apps.Value!))
        {
            Assert.Equal(seeded.DisplayName, read.DisplayName);
            Assert.Equal(seeded.Secrets.Select(s => (s.KeyId, s.EndDateTime.ToUnixTimeSeconds(), s.Hint)),
                read.PasswordCredentials!.Select(s => (s.KeyId!.Value, s.EndDateTime!.Value.ToUnixTimeSeconds(), s.Hint!)));
            Assert.All(read.PasswordCredentials!, s => Assert.Null(s.SecretText));
            Assert.Equal(seeded.Certificates.Select(c => c.EndDateTime.ToUnixTimeSeconds()), read.KeyCredentials!.Select(c => c.EndDateTime!.Value.ToUnixTimeSeconds()));
            Assert.All(read.KeyCredentials!, c => Assert.Equal(("AsymmetricX509Cert", "Verify"), (c.Type, c.Usage)));
        }
    }

    [Fact]
    public async Task An_application_is_read_by_object_id_by_app_id_and_found_by_a_display_name_filter()
    {
        var customer = fixture.Host.ActiveCustomer(c => c.Content.Applications.Count > 0);
        var app = customer.Content.Applications[0];
        var graph = fixture.Clients.Graph(customer.Id);

        var byId = await graph.Applications[app.Id.ToString()].GetAsync();
        var byAppId = await graph.ApplicationsWithAppId(app.AppId.ToString()).GetAsync();
        var filtered = await graph.Applications.GetAsync(r => r.QueryParameters.Filter = $"displayName eq '{app.DisplayName}'");
        var missing = await Assert.ThrowsAsync<ODataError>(() => graph.ApplicationsWithAppId(Guid.NewGuid().ToString()).GetAsync());

        Assert.Equal(app.AppId.ToString(), byId!.AppId);
        Assert.Equal(app.Id.ToString(), byAppId!.Id);
        Assert.Equal([app.Id.ToString()], filtered!.Value!.Select(a => a.Id));
        Assert.Equal((404, "Request_ResourceNotFound"), (missing.ResponseStatusCode, missing.Error!.Code));
    }

    [Fact]
    public void The_seeded_credentials_include_expired_ones_ones_ending_within_30_days_and_later_ones()
    {
        var now = fixture.Host.Clock.GetUtcNow();
        var ends = fixture.Host.Context.Directory.Customers.SelectMany(c => c.Content.Applications)
            .SelectMany(a => a.Secrets.Concat(a.Certificates)).Select(c => (c.EndDateTime - now).TotalDays).ToList();

        Assert.Contains(ends, d => d < 0);
        Assert.Contains(ends, d => d is > 0 and <= 30);
        Assert.Contains(ends, d => d > 30);
    }
}
