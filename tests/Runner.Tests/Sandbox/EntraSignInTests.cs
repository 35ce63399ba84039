using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Identity.Client;
using Runner.Http;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox;

/// <summary>
/// The sandbox's interactive Entra ID driven by MSAL as Runner and operators use it: the authorization code flow
/// with PKCE on a confidential client through the real sign-in pages (password, authenticator code, consent),
/// and the checks Entra makes on the way, each with Entra's own error code.
/// </summary>
public sealed class EntraSignInTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>, IDisposable
{
    private const string PartnerCenterScope = "https://api.partnercenter.microsoft.com/user_impersonation";
    private readonly CloudHttp _http = CloudHttp.Create(sandbox.Host.CaCertificatePath);
    private readonly SandboxBrowser _browser = new(sandbox.Host);

    [Fact]
    public async Task Auth_code_with_pkce_signs_in_with_mfa_and_returns_tokens_msal_can_refresh()
    {
        var app = Confidential("http://localhost:8731");
        var url = await app.GetAuthorizationRequestUrl([PartnerCenterScope]).WithPkce(out var verifier).ExecuteAsync();

        var redirect = await _browser.SignInAsync(url);

        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.StartsWith("http://localhost:8731/?", redirect.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        var code = SandboxBrowser.Parameters(redirect.Headers.Location!)["code"];
        var result = await app.AcquireTokenByAuthorizationCode([PartnerCenterScope], code).WithPkceCodeVerifier(verifier).ExecuteAsync();
        var claims = Claims(result.AccessToken);
        Assert.Equal("https://api.partnercenter.microsoft.com", (string?)claims["aud"]);
        Assert.Equal(sandbox.Host.PartnerTenantId.ToString(), (string?)claims["tid"]);
        Assert.Equal(sandbox.Host.AdminUserId.ToString(), (string?)claims["oid"]);
        Assert.Equal("user_impersonation", (string?)claims["scp"]);
        Assert.Contains("mfa", claims["amr"]!.AsArray().Select(a => (string?)a));
        Assert.True((long)claims["exp"]! > (long)claims["iat"]!);
        Assert.Equal(sandbox.Host.AdminUserPrincipalName, result.Account.Username);
        var firstRefreshToken = RefreshTokenIn(app);

        var customer = sandbox.Host.Customers.First(c => c.GdapStatus == "active");
        var silent = await app.AcquireTokenSilent(["https://graph.microsoft.com/.default"], result.Account).WithTenantId(customer.TenantId.ToString()).ExecuteAsync();

        Assert.Equal(customer.TenantId.ToString(), (string?)Claims(silent.AccessToken)["tid"]);
        Assert.NotEqual(firstRefreshToken, RefreshTokenIn(app));
    }

    [Fact]
    public async Task A_wrong_code_verifier_is_refused_with_AADSTS501481()
    {
        var app = Confidential("http://localhost:8732");
        var url = await app.GetAuthorizationRequestUrl([PartnerCenterScope]).WithPkce(out _).ExecuteAsync();
        var code = SandboxBrowser.Parameters((await _browser.SignInAsync(url)).Headers.Location!)["code"];

        var error = await Assert.ThrowsAnyAsync<MsalServiceException>(() =>
            app.AcquireTokenByAuthorizationCode([PartnerCenterScope], code).WithPkceCodeVerifier(new string('x', 43)).ExecuteAsync());

        Assert.Contains("AADSTS501481", error.Message);
    }

    [Fact]
    public async Task A_code_is_redeemed_once_only()
    {
        var app = Confidential("http://localhost:8733");
        var url = await app.GetAuthorizationRequestUrl([PartnerCenterScope]).WithPkce(out var verifier).ExecuteAsync();
        var code = SandboxBrowser.Parameters((await _browser.SignInAsync(url)).Headers.Location!)["code"];
        await app.AcquireTokenByAuthorizationCode([PartnerCenterScope], code).WithPkceCodeVerifier(verifier).ExecuteAsync();

        var error = await Assert.ThrowsAnyAsync<MsalServiceException>(() =>
            app.AcquireTokenByAuthorizationCode([PartnerCenterScope], code).WithPkceCodeVerifier(verifier).ExecuteAsync());

        Assert.Contains("AADSTS54005", error.Message);
    }

    [Theory]
    [InlineData("http://localhost:40123")]
    [InlineData("http://localhost:8400/")]
    [InlineData("http://localhost")]
    public async Task Any_port_on_the_registered_loopback_uri_is_accepted(string redirectUri)
    {
        var app = Confidential(redirectUri);
        var url = await app.GetAuthorizationRequestUrl([PartnerCenterScope]).WithPkce(out _).ExecuteAsync();

        var redirect = await _browser.SignInAsync(url);

        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.Equal(new Uri(redirectUri).AbsoluteUri, redirect.Headers.Location!.GetLeftPart(UriPartial.Path));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8400")]
    [InlineData("http://localhost:8400/callback")]
    [InlineData("https://evil.example.com/")]
    public async Task A_redirect_uri_that_is_not_registered_is_shown_as_AADSTS50011_and_not_followed(string redirectUri)
    {
        var app = Confidential(redirectUri);
        var url = await app.GetAuthorizationRequestUrl([PartnerCenterScope]).WithPkce(out _).ExecuteAsync();

        var page = await _browser.SignInAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        var error = SandboxBrowser.ErrorOn(await page.Content.ReadAsStringAsync());
        Assert.StartsWith("AADSTS50011: The redirect URI '" + redirectUri + "'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_application_is_shown_as_AADSTS700016()
    {
        var app = ConfidentialClientApplicationBuilder.Create(Guid.NewGuid().ToString())
            .WithClientSecret("x").WithRedirectUri("http://localhost:8400")
            .WithAuthority(new Uri(sandbox.Host.BaseUri, sandbox.Host.PartnerTenantId.ToString()).AbsoluteUri, validateAuthority: false)
            .WithInstanceDiscovery(false).WithHttpClientFactory(new MsalHttpClientFactory(_http)).Build();
        var url = await app.GetAuthorizationRequestUrl([PartnerCenterScope]).ExecuteAsync();

        var page = await _browser.SignInAsync(url);

        Assert.Contains("AADSTS700016", SandboxBrowser.ErrorOn(await page.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_wrong_client_secret_is_refused_with_AADSTS7000215()
    {
        var good = Confidential("http://localhost:8734");
        var url = await good.GetAuthorizationRequestUrl([PartnerCenterScope]).WithPkce(out var verifier).ExecuteAsync();
        var code = SandboxBrowser.Parameters((await _browser.SignInAsync(url)).Headers.Location!)["code"];
        var bad = Confidential("http://localhost:8734", secret: "wrong-secret");

        var error = await Assert.ThrowsAnyAsync<MsalServiceException>(() =>
            bad.AcquireTokenByAuthorizationCode([PartnerCenterScope], code).WithPkceCodeVerifier(verifier).ExecuteAsync());

        Assert.Equal("invalid_client", error.ErrorCode);
        Assert.Contains("AADSTS7000215", error.Message);
    }

    [Fact]
    public async Task A_wrong_password_and_a_wrong_authenticator_code_keep_the_person_on_the_page()
    {
        var app = Confidential("http://localhost:8735");
        var url = await app.GetAuthorizationRequestUrl([PartnerCenterScope]).WithPkce(out _).ExecuteAsync();

        _browser.Password = "not-the-password";
        var wrongPassword = await (await _browser.SignInAsync(url)).Content.ReadAsStringAsync();
        _browser.Password = Runner.Sandbox.Identity.SandboxCredentials.AdminPassword;
        _browser.MfaCode = "000000" == sandbox.Host.CurrentMfaCode() ? "111111" : "000000";
        var wrongCode = await (await _browser.SignInAsync(url)).Content.ReadAsStringAsync();

        Assert.Contains("AADSTS50126", SandboxBrowser.ErrorOn(wrongPassword));
        Assert.Contains("verification code", SandboxBrowser.ErrorOn(wrongCode));
        Assert.Contains("id=\"mfa\"", wrongCode);
    }

    [Fact]
    public async Task Declining_consent_redirects_with_access_denied_and_AADSTS65004()
    {
        var app = Confidential("http://localhost:8736");
        var url = await app.GetAuthorizationRequestUrl([PartnerCenterScope]).WithPkce(out _).ExecuteAsync();
        _browser.Accept = false;

        var redirect = await _browser.SignInAsync(url);

        var parameters = SandboxBrowser.Parameters(redirect.Headers.Location!);
        Assert.Equal("access_denied", parameters["error"]);
        Assert.StartsWith("AADSTS65004:", parameters["error_description"], StringComparison.Ordinal);
        Assert.False(parameters.ContainsKey("code"));
    }

    [Fact]
    public async Task A_plain_text_challenge_method_other_than_S256_or_plain_is_refused_at_the_redirect()
    {
        var app = Confidential("http://localhost:8737");
        var url = await app.GetAuthorizationRequestUrl([PartnerCenterScope]).ExecuteAsync();
        var withBadMethod = new Uri(url.AbsoluteUri + "&code_challenge=" + new string('a', 43) + "&code_challenge_method=S512");

        var redirect = await _browser.SignInAsync(withBadMethod);

        var parameters = SandboxBrowser.Parameters(redirect.Headers.Location!);
        Assert.Equal("invalid_request", parameters["error"]);
        Assert.StartsWith("AADSTS50149:", parameters["error_description"], StringComparison.Ordinal);
    }

    private IConfidentialClientApplication Confidential(string redirectUri, string? secret = null) =>
        ConfidentialClientApplicationBuilder.Create(sandbox.Host.ClientId.ToString())
            .WithClientSecret(secret ?? sandbox.Host.ClientSecret)
            .WithRedirectUri(redirectUri)
            .WithAuthority(new Uri(sandbox.Host.BaseUri, sandbox.Host.PartnerTenantId.ToString()).AbsoluteUri, validateAuthority: false)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new MsalHttpClientFactory(_http))
            .Build();

    internal static JsonObject Claims(string jwt) =>
        JsonNode.Parse(Convert.FromBase64String(Pad(jwt.Split('.')[1])))!.AsObject();

    private static string Pad(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - s.Length % 4) % 4);
    }

    internal static string? RefreshTokenIn(IClientApplicationBase app)
    {
        string? token = null;
        app.UserTokenCache.SetAfterAccess(args =>
        {
            using var document = JsonDocument.Parse(args.TokenCache.SerializeMsalV3());
            token = document.RootElement.GetProperty("RefreshToken").EnumerateObject().Select(p => p.Value.GetProperty("secret").GetString()).FirstOrDefault();
        });
        app.GetAccountsAsync().GetAwaiter().GetResult();
        return token;
    }

    public void Dispose()
    {
        _browser.Dispose();
        _http.Dispose();
    }
}
