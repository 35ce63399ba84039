using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Graph.Models;

namespace Runner.Tests.Sandbox.Admin;

/// <summary>/_sandbox/clock, /_sandbox/consent and /_sandbox/info, as a benchmark or another process uses them.</summary>
public sealed class AdminEndpointTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>, IDisposable
{
    private readonly SandboxAdminClient _admin = new(fixture.Host);

    [Fact]
    public async Task Advancing_the_clock_expires_a_relationship_that_ends_within_a_month()
    {
        var endingSoon = fixture.Host.Customers.Single(c => c.GdapStatus == "active" && c.GdapEnd < fixture.Host.Clock.GetUtcNow().AddDays(30));

        var advanced = await _admin.PostJsonAsync("clock/advance", """{ "days": 30, "hours": 1 }""");
        try
        {
            // Tokens already cached were issued before the jump and have expired on the sandbox clock: start afresh.
            await using var session = await SandboxSession.OpenAsync(fixture.Host);
            var relationships = await session.Graph(fixture.Host.PartnerTenantId).TenantRelationships.DelegatedAdminRelationships.GetAsync();
            var clock = await _admin.GetAsync("clock");

            Assert.Equal(DelegatedAdminRelationshipStatus.Expired, relationships!.Value!.Single(r => r.Customer!.TenantId == endingSoon.TenantId.ToString()).Status);
            Assert.Equal("expired", fixture.Host.Customers.Single(c => c.TenantId == endingSoon.TenantId).GdapStatus);
            Assert.Equal(TimeSpan.FromHours(721).TotalSeconds, (double)advanced["offsetSeconds"]!, 3);
            Assert.Equal((double)advanced["offsetSeconds"]!, (double)clock["offsetSeconds"]!, 3);
        }
        finally
        {
            await _admin.PostJsonAsync("clock/advance", """{ "days": -30, "hours": -1 }""");
        }
    }

    [Fact]
    public async Task Consent_hands_out_a_refresh_token_that_works_and_without_MFA_Partner_Center_refuses_it()
    {
        var partner = fixture.Host.PartnerTenantId.ToString();

        var withMfa = await _admin.PostJsonAsync("consent", "");
        var withoutMfa = await _admin.PostJsonAsync("consent", """{ "mfa": false }""");
        var allowed = await CustomersWith(await Redeem(partner, (string)withMfa["refresh_token"]!));
        var refused = await CustomersWith(await Redeem(partner, (string)withoutMfa["refresh_token"]!));

        Assert.Equal(fixture.Host.AdminUserPrincipalName, (string)withMfa["username"]!);
        Assert.Equal(partner, (string)withMfa["tenant_id"]!);
        Assert.Equal(fixture.Host.ClientId.ToString(), (string)withMfa["client_id"]!);
        Assert.Equal(HttpStatusCode.OK, allowed.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal("900421", (string)refused.Body!["code"]!);
    }

    [Fact]
    public async Task Info_names_the_endpoints_the_CA_file_and_the_partner()
    {
        var info = await _admin.GetAsync("info");

        Assert.Equal(fixture.Host.BaseUri.AbsoluteUri, (string)info["baseUrl"]!);
        Assert.Equal(fixture.Host.CaCertificatePath, (string)info["caFile"]!);
        Assert.True(File.Exists((string)info["caFile"]!));
        Assert.Equal($"{fixture.Host.BaseUri}v1.0/", (string)info["endpoints"]!["graph"]!);
        Assert.Equal(fixture.Host.PartnerTenantId.ToString(), (string)info["partnerTenantId"]!);
        Assert.Equal(10, (int)info["customers"]!);
    }

    public void Dispose() => _admin.Dispose();

    private async Task<string> Redeem(string tenant, string refreshToken)
    {
        using var response = await _admin.RedeemAsync(fixture.Host, tenant, refreshToken, "https://api.partnercenter.microsoft.com/.default");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return (string)body["access_token"]!;
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> CustomersWith(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/customers?size=1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _admin.Client.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }
}
