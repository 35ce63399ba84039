using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Identity.Client;
using Runner.Http;
using Runner.Sandbox;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox;

/// <summary>
/// The rest of the sandbox's Entra ID through MSAL: the device code flow on a public client, client credentials
/// with a secret and with a certificate, and refresh tokens as Entra issues them — rotated on every use, expired
/// after 90 days without use (on the sandbox clock), revoked, and refused per tenant without GDAP.
/// Each test that moves the clock starts its own sandbox.
/// </summary>
public sealed class EntraTokenLifecycleTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>, IDisposable
{
    private const string PartnerCenterScope = "https://api.partnercenter.microsoft.com/user_impersonation";
    private readonly CloudHttp _http = CloudHttp.Create(sandbox.Host.CaCertificatePath);

    [Fact]
    public async Task Device_code_flow_on_a_public_client_signs_in_through_the_verification_page()
    {
        using var browser = new SandboxBrowser(sandbox.Host);
        var app = PublicClientApplicationBuilder.Create(sandbox.Host.ClientId.ToString())
            .WithAuthority(Authority(sandbox.Host, "organizations"), validateAuthority: false)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new MsalHttpClientFactory(_http))
            .Build();
        string? page = null;
        string? message = null;

        var result = await app.AcquireTokenWithDeviceCode([PartnerCenterScope], async code =>
        {
            message = code.Message;
            page = await browser.ApproveDeviceCodeAsync(new Uri(code.VerificationUrl), code.UserCode);
        }).ExecuteAsync();

        Assert.Contains("enter the code", message);
        Assert.Contains("You have signed in", page);
        var claims = EntraSignInTests.Claims(result.AccessToken);
        Assert.Contains("mfa", claims["amr"]!.AsArray().Select(a => (string?)a));
        Assert.Equal(sandbox.Host.PartnerTenantId.ToString(), (string?)claims["tid"]);
        Assert.NotNull(EntraSignInTests.RefreshTokenIn(app));
    }

    [Fact]
    public async Task The_RFC_8628_grant_type_urn_is_polled_until_the_person_approves()
    {
        using var browser = new SandboxBrowser(sandbox.Host);
        using var client = _http.CreateClient();
        var tokenUrl = new Uri(sandbox.Host.BaseUri, $"{sandbox.Host.PartnerTenantId}/oauth2/v2.0/token");
        var start = await client.PostAsync(new Uri(sandbox.Host.BaseUri, $"{sandbox.Host.PartnerTenantId}/oauth2/v2.0/devicecode"),
            Form(("client_id", sandbox.Host.ClientId.ToString()), ("scope", PartnerCenterScope + " offline_access")));
        var device = JsonNode.Parse(await start.Content.ReadAsStringAsync())!;
        var poll = Form(("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("client_id", sandbox.Host.ClientId.ToString()), ("device_code", (string)device["device_code"]!));

        var pending = await client.PostAsync(tokenUrl, poll);
        var pendingBody = JsonNode.Parse(await pending.Content.ReadAsStringAsync())!;
        await browser.ApproveDeviceCodeAsync(new Uri((string)device["verification_uri"]!), (string)device["user_code"]!);
        var done = await client.PostAsync(tokenUrl, Form(("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("client_id", sandbox.Host.ClientId.ToString()), ("device_code", (string)device["device_code"]!)));
        var tokens = JsonNode.Parse(await done.Content.ReadAsStringAsync())!;

        Assert.Equal(900, (int)device["expires_in"]!);
        Assert.Equal(5, (int)device["interval"]!);
        Assert.Equal(400, (int)pending.StatusCode);
        Assert.Equal("authorization_pending", (string?)pendingBody["error"]);
        Assert.StartsWith("AADSTS70016:", (string?)pendingBody["error_description"], StringComparison.Ordinal);
        Assert.True(done.IsSuccessStatusCode, tokens.ToJsonString());
        Assert.NotNull((string?)tokens["refresh_token"]);
    }

    [Fact]
    public async Task A_device_code_refresh_token_is_bound_to_the_public_client_as_Entra_binds_it()
    {
        using var browser = new SandboxBrowser(sandbox.Host);
        using var client = _http.CreateClient();
        var tokenUrl = new Uri(sandbox.Host.BaseUri, $"{sandbox.Host.PartnerTenantId}/oauth2/v2.0/token");
        var start = await client.PostAsync(new Uri(sandbox.Host.BaseUri, $"{sandbox.Host.PartnerTenantId}/oauth2/v2.0/devicecode"),
            Form(("client_id", sandbox.Host.ClientId.ToString()), ("scope", PartnerCenterScope + " offline_access")));
        var device = JsonNode.Parse(await start.Content.ReadAsStringAsync())!;
        await browser.ApproveDeviceCodeAsync(new Uri((string)device["verification_uri"]!), (string)device["user_code"]!);
        var issued = JsonNode.Parse(await (await client.PostAsync(tokenUrl, Form(("grant_type", "device_code"), ("client_id", sandbox.Host.ClientId.ToString()), ("device_code", (string)device["device_code"]!)))).Content.ReadAsStringAsync())!;
        var publicToken = (string)issued["refresh_token"]!;

        // With the app's secret: AADSTS700025, as Entra answers a public client's token presented with a credential.
        var withSecret = await RawRedeemAsync(client, sandbox.Host, publicToken, withSecret: true);
        // As a public client (no credential): accepted, and the rotated token stays bound to the public client.
        var asPublic = await RawRedeemAsync(client, sandbox.Host, publicToken, withSecret: false);
        var rotated = (string)JsonNode.Parse(await asPublic.Content.ReadAsStringAsync())!["refresh_token"]!;
        var rotatedWithSecret = await RawRedeemAsync(client, sandbox.Host, rotated, withSecret: true);
        // And a confidential client's token without its secret: AADSTS7000218.
        var confidentialWithout = await RawRedeemAsync(client, sandbox.Host, sandbox.Host.IssueRefreshToken(), withSecret: false);

        var refused = JsonNode.Parse(await withSecret.Content.ReadAsStringAsync())!;
        Assert.Equal(401, (int)withSecret.StatusCode);
        Assert.Equal("invalid_client", (string?)refused["error"]);
        Assert.StartsWith("AADSTS700025: Client is public so neither 'client_assertion' nor 'client_secret' should be presented.", (string?)refused["error_description"], StringComparison.Ordinal);
        Assert.True(asPublic.IsSuccessStatusCode);
        Assert.Equal(401, (int)rotatedWithSecret.StatusCode);
        Assert.Equal(401, (int)confidentialWithout.StatusCode);
        Assert.StartsWith("AADSTS7000218:", (string?)JsonNode.Parse(await confidentialWithout.Content.ReadAsStringAsync())!["error_description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Error_descriptions_put_trace_id_correlation_id_and_timestamp_on_their_own_lines_as_Entra_does()
    {
        using var client = _http.CreateClient();

        var response = await RawRedeemAsync(client, sandbox.Host, "1.AQsandbox.not-a-token", withSecret: true);
        var description = (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error_description"]!;

        Assert.Matches(new Regex(@"^AADSTS9002313: [^\r\n]+\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$"), description);
    }

    [Fact]
    public async Task Client_credentials_work_with_the_secret_and_with_a_registered_certificate()
    {
        using var certificate = SelfSigned();
        sandbox.Host.RegisterClientCertificate(certificate);
        var withSecret = ConfidentialClientApplicationBuilder.Create(sandbox.Host.ClientId.ToString()).WithClientSecret(sandbox.Host.ClientSecret);
        var withCertificate = ConfidentialClientApplicationBuilder.Create(sandbox.Host.ClientId.ToString()).WithCertificate(certificate, sendX5C: true);
        using var unregistered = SelfSigned();
        var withUnknownCertificate = ConfidentialClientApplicationBuilder.Create(sandbox.Host.ClientId.ToString()).WithCertificate(unregistered);

        var a = await Build(withSecret).AcquireTokenForClient(["https://graph.microsoft.com/.default"]).ExecuteAsync();
        var b = await Build(withCertificate).AcquireTokenForClient(["https://graph.microsoft.com/.default"]).ExecuteAsync();
        var refused = await Assert.ThrowsAnyAsync<MsalServiceException>(() => Build(withUnknownCertificate).AcquireTokenForClient(["https://graph.microsoft.com/.default"]).ExecuteAsync());

        Assert.Equal("app", (string?)EntraSignInTests.Claims(a.AccessToken)["idtyp"]);
        // "Access token claims reference": an app-only token's oid (and sub) is the app's service principal in the
        // tenant, never the application id.
        var principal = sandbox.Host.Context.Directory.Application.ServicePrincipalId(sandbox.Host.PartnerTenantId).ToString();
        Assert.Equal(principal, (string?)EntraSignInTests.Claims(a.AccessToken)["oid"]);
        Assert.Equal(principal, (string?)EntraSignInTests.Claims(a.AccessToken)["sub"]);
        Assert.NotEqual(sandbox.Host.ClientId.ToString(), principal);
        Assert.Equal(sandbox.Host.ClientId.ToString(), (string?)EntraSignInTests.Claims(b.AccessToken)["appid"]);
        Assert.Contains("AADSTS700027", refused.Message);

        IConfidentialClientApplication Build(ConfidentialClientApplicationBuilder builder) => builder
            .WithAuthority(Authority(sandbox.Host, sandbox.Host.PartnerTenantId.ToString()), validateAuthority: false)
            .WithInstanceDiscovery(false).WithHttpClientFactory(new MsalHttpClientFactory(_http)).Build();
    }

    [Fact]
    public async Task A_refresh_token_unused_for_90_days_expires_with_Entras_AADSTS700082_text()
    {
        await using var own = await SandboxHost.StartAsync();
        using var http = CloudHttp.Create(own.CaCertificatePath);
        using var client = http.CreateClient();
        var issuedAt = own.Clock.GetUtcNow();
        var refreshToken = own.IssueRefreshToken();
        var used = await RedeemAsync(client, own, refreshToken);
        own.Clock.Advance(TimeSpan.FromDays(89));
        var stillValid = await RedeemAsync(client, own, (string)used["refresh_token"]!);
        own.Clock.Advance(TimeSpan.FromDays(91));

        var expired = await RedeemAsync(client, own, (string)stillValid["refresh_token"]!);

        Assert.NotEqual(refreshToken, (string)used["refresh_token"]!);
        Assert.NotNull((string?)stillValid["access_token"]);
        Assert.Equal("invalid_grant", (string?)expired["error"]);
        Assert.Equal("bad_token", (string?)expired["suberror"]);
        Assert.Equal(700082, (int)expired["error_codes"]![0]!);
        Assert.Matches(new Regex(@"^AADSTS700082: The refresh token has expired due to inactivity\. The token was issued on \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z and was inactive for 90\.00:00:00\.\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$"),
            (string)expired["error_description"]!);
        Assert.Contains(issuedAt.AddDays(89).UtcDateTime.ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture), (string)expired["error_description"]!);
    }

    [Fact]
    public async Task Revoking_the_admins_sessions_makes_every_earlier_refresh_token_invalid_grant()
    {
        await using var own = await SandboxHost.StartAsync();
        using var http = CloudHttp.Create(own.CaCertificatePath);
        using var client = http.CreateClient();
        var refreshToken = own.IssueRefreshToken();

        own.RevokeAdminSessions();
        var refused = await RedeemAsync(client, own, refreshToken);

        Assert.Equal("invalid_grant", (string?)refused["error"]);
        Assert.StartsWith("AADSTS50173:", (string?)refused["error_description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_customer_without_active_GDAP_refuses_tokens_for_that_tenant_only()
    {
        using var client = _http.CreateClient();
        var refreshToken = sandbox.Host.IssueRefreshToken();
        var without = sandbox.Host.Customers.First(c => c.GdapStatus != "active");
        var with = sandbox.Host.Customers.First(c => c.GdapStatus == "active");

        var refused = await RedeemAsync(client, sandbox.Host, refreshToken, without.TenantId.ToString());
        var allowed = await RedeemAsync(client, sandbox.Host, refreshToken, with.Domain);

        Assert.StartsWith("AADSTS50020:", (string?)refused["error_description"], StringComparison.Ordinal);
        Assert.Equal(with.TenantId.ToString(), (string?)EntraSignInTests.Claims((string)allowed["access_token"]!)["tid"]);
    }

    [Fact]
    public async Task A_token_without_mfa_is_refused_by_partner_center_with_900421()
    {
        using var client = _http.CreateClient();
        var tokens = await RedeemAsync(client, sandbox.Host, sandbox.Host.IssueRefreshToken(mfa: false));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(sandbox.Host.BaseUri, "v1/customers"));
        request.Headers.Authorization = new("Bearer", (string)tokens["access_token"]!);

        var response = await client.SendAsync(request);

        Assert.Equal(401, (int)response.StatusCode);
        Assert.Equal("900421", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["code"]);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Partner_center_refuses_a_token_issued_in_a_customer_tenant_with_401_and_a_challenge()
    {
        using var client = _http.CreateClient();
        var customer = sandbox.Host.Customers.First(c => c.GdapStatus == "active");
        var tokens = await RedeemAsync(client, sandbox.Host, sandbox.Host.IssueRefreshToken(), customer.TenantId.ToString());
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(sandbox.Host.BaseUri, $"v1/customers/{customer.TenantId}/subscriptions"));
        request.Headers.Authorization = new("Bearer", (string)tokens["access_token"]!);

        var response = await client.SendAsync(request);

        Assert.Equal(401, (int)response.StatusCode);
        Assert.Equal("900420", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["code"]);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> RawRedeemAsync(HttpClient client, SandboxHost host, string refreshToken, bool withSecret)
    {
        var fields = new List<(string, string)> { ("grant_type", "refresh_token"), ("client_id", host.ClientId.ToString()), ("refresh_token", refreshToken), ("scope", PartnerCenterScope + " offline_access") };
        if (withSecret)
        {
            fields.Add(("client_secret", host.ClientSecret));
        }

        return await client.PostAsync(new Uri(host.BaseUri, $"{host.PartnerTenantId}/oauth2/v2.0/token"), Form([.. fields]));
    }

    private static async Task<JsonNode> RedeemAsync(HttpClient client, SandboxHost host, string refreshToken, string? tenant = null)
    {
        var response = await client.PostAsync(new Uri(host.BaseUri, $"{tenant ?? host.PartnerTenantId.ToString()}/oauth2/v2.0/token"), Form(
            ("grant_type", "refresh_token"), ("client_id", host.ClientId.ToString()), ("client_secret", host.ClientSecret),
            ("refresh_token", refreshToken), ("scope", PartnerCenterScope + " offline_access")));
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    private static string Authority(SandboxHost host, string tenant) => new Uri(host.BaseUri, tenant).AbsoluteUri;

    internal static X509Certificate2 SelfSigned()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Runner test app", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null, X509KeyStorageFlags.Exportable);
    }

    public void Dispose() => _http.Dispose();
}
