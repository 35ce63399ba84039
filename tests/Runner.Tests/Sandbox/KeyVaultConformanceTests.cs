using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Identity.Client;
using Runner.Http;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox;

/// <summary>
/// The sandbox's Key Vault driven by Azure.Security.KeyVault.Secrets with an Azure.Identity credential, as Runner's
/// keyvault secret store uses it: the bearer challenge, set, get (latest and by version), list with paging, 404.
/// </summary>
public sealed class KeyVaultConformanceTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly CloudHttp _http = CloudHttp.Create(sandbox.Host.CaCertificatePath);

    [Fact]
    public async Task The_first_request_gets_the_bearer_challenge_naming_the_partner_tenant_and_the_vault_resource()
    {
        using var client = _http.CreateClient();

        var response = await client.GetAsync(new Uri(sandbox.Host.VaultUri, "secrets/anything?api-version=7.6"));

        Assert.Equal(401, (int)response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Equal($"authorization=\"{sandbox.Host.BaseUri.GetLeftPart(UriPartial.Authority)}/{sandbox.Host.PartnerTenantId}\", resource=\"https://vault.azure.net\"", challenge.Parameter);
        Assert.Contains("AKV10000", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Set_then_get_latest_and_by_version_round_trips_value_content_type_and_tags()
    {
        var secrets = Client();
        var name = "rt-" + Guid.NewGuid().ToString("N")[..8];
        var first = await secrets.SetSecretAsync(new KeyVaultSecret(name, "one") { Properties = { ContentType = "text/plain", Tags = { ["issuedAt"] = "2026-01-01T00:00:00Z" } } });
        var second = await secrets.SetSecretAsync(name, "two");

        var latest = await secrets.GetSecretAsync(name);
        var old = await secrets.GetSecretAsync(name, first.Value.Properties.Version);

        Assert.Equal("two", latest.Value.Value);
        Assert.Equal(second.Value.Properties.Version, latest.Value.Properties.Version);
        Assert.Equal("one", old.Value.Value);
        Assert.Equal("text/plain", old.Value.Properties.ContentType);
        Assert.Equal("2026-01-01T00:00:00Z", old.Value.Properties.Tags["issuedAt"]);
        Assert.Equal(sandbox.Host.VaultUri, latest.Value.Properties.VaultUri);
        Assert.True(latest.Value.Properties.Enabled);
        Assert.NotNull(latest.Value.Properties.UpdatedOn);
    }

    [Fact]
    public async Task Listing_secrets_and_versions_follows_next_links_across_pages()
    {
        var secrets = Client();
        var prefix = "page-" + Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < 30; i++)
        {
            await secrets.SetSecretAsync($"{prefix}-{i:00}", "v");
        }

        for (var i = 0; i < 27; i++)
        {
            await secrets.SetSecretAsync($"{prefix}-versions", $"v{i}");
        }

        var names = new List<string>();
        var pages = 0;
        await foreach (var page in secrets.GetPropertiesOfSecretsAsync().AsPages())
        {
            pages++;
            names.AddRange(page.Values.Select(p => p.Name));
        }

        var versions = new List<string>();
        await foreach (var version in secrets.GetPropertiesOfSecretVersionsAsync($"{prefix}-versions"))
        {
            versions.Add(version.Version);
        }

        Assert.True(pages >= 2);
        Assert.Equal(30, names.Count(n => n.StartsWith(prefix + "-", StringComparison.Ordinal) && n != prefix + "-versions"));
        Assert.Equal(27, versions.Distinct().Count());
    }

    [Fact]
    public async Task A_missing_secret_is_404_SecretNotFound()
    {
        var secrets = Client();

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => secrets.GetSecretAsync("does-not-exist-" + Guid.NewGuid().ToString("N")));

        Assert.Equal(404, error.Status);
        Assert.Equal("SecretNotFound", error.ErrorCode);
    }

    [Fact]
    public async Task A_token_from_a_customer_tenant_is_refused()
    {
        var customer = sandbox.Host.Customers.First(c => c.GdapStatus == "active");
        var app = ConfidentialClientApplicationBuilder.Create(sandbox.Host.ClientId.ToString()).WithClientSecret(sandbox.Host.ClientSecret)
            .WithAuthority(new Uri(sandbox.Host.BaseUri, customer.TenantId.ToString()).AbsoluteUri, validateAuthority: false)
            .WithInstanceDiscovery(false).WithHttpClientFactory(new MsalHttpClientFactory(_http)).Build();
        var token = await app.AcquireTokenForClient(["https://vault.azure.net/.default"]).ExecuteAsync();
        using var client = _http.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(sandbox.Host.VaultUri, "secrets?api-version=7.6"));
        request.Headers.Authorization = new("Bearer", token.AccessToken);

        var response = await client.SendAsync(request);

        Assert.Equal(401, (int)response.StatusCode);
        Assert.Contains("AKV10032", await response.Content.ReadAsStringAsync());
    }

    private SecretClient Client()
    {
        var transport = new HttpClientTransport(_http.CreateClient());
        var credential = new ClientSecretCredential(sandbox.Host.PartnerTenantId.ToString(), sandbox.Host.ClientId.ToString(), sandbox.Host.ClientSecret,
            new ClientSecretCredentialOptions { AuthorityHost = sandbox.Host.BaseUri, DisableInstanceDiscovery = true, Transport = transport });
        return new SecretClient(sandbox.Host.VaultUri, credential, new SecretClientOptions { DisableChallengeResourceVerification = true, Transport = transport, Retry = { MaxRetries = 0 } });
    }

    public void Dispose() => _http.Dispose();
}
