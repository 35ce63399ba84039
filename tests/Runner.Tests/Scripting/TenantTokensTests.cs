using System.Text.Json.Nodes;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scripting;

/// <summary>The Tokens global: tokens for this tenant and any resource, and an authenticated HttpClient.</summary>
public sealed class TenantTokensTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Tokens_for_exchange_defender_and_azure_ad_graph_are_for_this_tenant_and_the_http_client_is_authenticated()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.Write("jobs/tokens.csx", """
            string Claim(string jwt, string name)
            {
                var part = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
                var json = Encoding.UTF8.GetString(Convert.FromBase64String(part.PadRight(part.Length + (4 - part.Length % 4) % 4, '=')));
                return JsonDocument.Parse(json).RootElement.GetProperty(name).ToString();
            }

            var claims = new Dictionary<string, object>();
            foreach (var (name, scope) in new[] { ("exchange", Tokens.Scopes.ExchangeOnline), ("defender", Tokens.Scopes.Defender), ("aadGraph", Tokens.Scopes.AzureAdGraph) })
            {
                var token = await Tokens.GetAccessTokenAsync(scope);
                claims[name] = new { aud = Claim(token, "aud"), tid = Claim(token, "tid") };
            }

            var partner = await Tokens.GetPartnerAccessTokenAsync(Tokens.Scopes.PartnerCenter);
            claims["partnerCenter"] = new { aud = Claim(partner, "aud"), tid = Claim(partner, "tid") };
            // Partner Center tokens exist only in the partner tenant, even when asked for "this tenant".
            var pcHere = await Tokens.GetAccessTokenAsync(Tokens.Scopes.PartnerCenter);
            claims["partnerCenterHere"] = new { aud = Claim(pcHere, "aud"), tid = Claim(pcHere, "tid") };

            var http = Tokens.CreateHttpClient(Tokens.Scopes.Graph, new Uri(Tokens.Endpoints.Graph, "v1.0/"));
            var organization = JsonDocument.Parse(await http.GetStringAsync("organization", CancellationToken));
            claims["organization"] = organization.RootElement.GetProperty("value")[0].GetProperty("id").GetString()!;
            return claims;
            """);
        var customer = sandbox.Host.Customers.First(c => c.GdapStatus == "active");

        var result = await workspace.RunAsync("run", "jobs/tokens.csx", "--tenant", customer.Domain, "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("eyJ", result.Output);
        var claims = JsonNode.Parse(result.Output)!["tenants"]![0]!["result"]!;
        var tenant = customer.TenantId.ToString();
        Assert.Equal(("https://outlook.office365.com", tenant), Claims(claims["exchange"]!));
        Assert.Equal(("https://api.securitycenter.microsoft.com", tenant), Claims(claims["defender"]!));
        Assert.Equal(("https://graph.windows.net", tenant), Claims(claims["aadGraph"]!));
        Assert.Equal(("https://api.partnercenter.microsoft.com", sandbox.Host.PartnerTenantId.ToString()), Claims(claims["partnerCenter"]!));
        Assert.Equal(("https://api.partnercenter.microsoft.com", sandbox.Host.PartnerTenantId.ToString()), Claims(claims["partnerCenterHere"]!));
        Assert.Equal(tenant, (string)claims["organization"]!);
    }

    private static (string Audience, string Tenant) Claims(JsonNode node) => (((string)node["aud"]!).TrimEnd('/'), (string)node["tid"]!);
}
