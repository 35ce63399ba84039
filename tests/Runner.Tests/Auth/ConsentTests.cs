using Runner.Runtime;
using System.Net;
using System.Net.Sockets;
using Runner.Auth;
using Runner.Secrets;
using Runner.State;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Auth;

/// <summary>
/// `runner consent` end to end against the sandbox: MSAL's authorization code flow with PKCE, a loopback listener,
/// the sandbox's sign-in pages played by an HTTP client, and the credential stored for the runs that follow.
/// </summary>
public sealed class ConsentTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Consent_in_the_browser_stores_the_refresh_token_and_cache_and_the_next_run_uses_them()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host, seedCredential: false);
        using var browser = new PlayingBrowser(sandbox.Host);
        workspace.Browser = browser;
        workspace.CopyJob("hello.csx");

        var consent = await workspace.RunAsync("consent");
        var page = await browser.Page;

        Assert.True(consent.ExitCode == 0, consent.ToString());
        Assert.Contains(sandbox.Host.AdminUserPrincipalName, consent.Output);
        Assert.Contains("Signed in", page);
        var query = SandboxBrowser.Parameters(browser.Opened!);
        Assert.Equal("S256", query["code_challenge_method"]);
        var redirect = new Uri(query["redirect_uri"]);
        Assert.Equal("localhost", redirect.Host);
        Assert.InRange(redirect.Port, LoopbackListener.FirstPort, LoopbackListener.LastPort);
        var stored = await Store(workspace).GetAsync(CredentialStore.RefreshTokenSecret, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(sandbox.Host.AdminUserPrincipalName, stored.Tags[CredentialStore.UsernameTag]);
        Assert.True(DateTimeOffset.UtcNow - CredentialStore.ConsentedAt(stored)!.Value < TimeSpan.FromMinutes(5));
        Assert.True(File.Exists(Path.Combine(workspace.StatePath, "tokens.bin")));

        var customer = sandbox.Host.Customers.First(c => c.GdapStatus == "active");
        var run = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", customer.Domain);
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public async Task Consent_with_the_device_code_flow_is_redeemed_as_a_public_client_across_runs_rotations_and_a_new_machine()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host, seedCredential: false);
        using var browser = new SandboxBrowser(sandbox.Host);
        workspace.CopyJob("hello.csx");
        await using (var session = await Sessions.OpenAsync(workspace))
        {
            string? shown = null;
            var result = await session.ConsentFlow().RunWithDeviceCodeAsync(async prompt =>
            {
                shown = prompt.Message;
                await browser.ApproveDeviceCodeAsync(new Uri(prompt.VerificationUrl), prompt.UserCode);
            }, CancellationToken.None);

            Assert.Contains("enter the code", shown);
            Assert.Equal(sandbox.Host.AdminUserPrincipalName, result.Username);
        }

        // Entra binds a device-code refresh token to the public client: redeemed with the secret it answers AADSTS700025.
        var stored = await Store(workspace).GetAsync(CredentialStore.RefreshTokenSecret, CancellationToken.None);
        Assert.Equal("public", stored!.Tags[CredentialStore.ClientTypeTag]);
        var run = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", "all");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("700025", run.ToString());

        // Rotation: the rotated token is written back, still marked public, and the next run redeems it.
        var refresh = await workspace.RunAsync("auth", "refresh");
        Assert.True(refresh.ExitCode == 0, refresh.ToString());
        var rotated = await Store(workspace).GetAsync(CredentialStore.RefreshTokenSecret, CancellationToken.None);
        Assert.NotEqual(stored.Value, rotated!.Value);
        Assert.Equal("public", rotated.Tags[CredentialStore.ClientTypeTag]);
        var second = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", "all");
        Assert.True(second.ExitCode == 0, second.ToString());

        // A new machine starts from the secret store alone: the tag tells it how to redeem the token.
        File.Delete(Path.Combine(workspace.StatePath, "tokens.bin"));
        var fresh = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", "all", "--refresh-tenants");
        Assert.True(fresh.ExitCode == 0, fresh.ToString());
    }

    [Fact]
    public async Task Without_a_browser_the_url_is_printed_and_consent_gives_up_after_the_configured_time()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host, "auth: { consentTimeout: 5s }", seedCredential: false);

        var result = await workspace.RunAsync("consent", "--no-browser");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Open this address in a browser", result.Error);
        Assert.Contains(sandbox.Host.BaseUri.GetLeftPart(UriPartial.Authority) + "/" + sandbox.Host.PartnerTenantId + "/oauth2/v2.0/authorize?", result.Error);
        Assert.Contains("No sign-in came back within 5 seconds (auth.consentTimeout)", result.Error);
        Assert.Contains("runner consent --device-code", result.Error);
    }

    [Fact]
    public async Task An_unregistered_redirect_uri_names_the_exact_uri_to_register()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host, seedCredential: false);
        using var browser = new PlayingBrowser(sandbox.Host);
        workspace.Browser = browser;
        var registered = sandbox.Host.Context.Directory.Application.RedirectUris;
        var saved = registered.ToList();
        registered.Clear();
        registered.Add("https://portal.example.com/callback");
        try
        {
            var result = await workspace.RunAsync("consent");

            Assert.Equal(3, result.ExitCode);
            Assert.Contains("AADSTS50011", result.Error);
            Assert.Contains("exactly `http://localhost`", result.Error);
            Assert.Null(browser.Opened);
        }
        finally
        {
            registered.Clear();
            registered.AddRange(saved);
        }
    }

    [Fact]
    public async Task Declining_consent_stores_nothing_and_says_how_to_retry()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host, seedCredential: false);
        using var browser = new PlayingBrowser(sandbox.Host);
        browser.Browser.Accept = false;
        workspace.Browser = browser;

        var result = await workspace.RunAsync("consent");
        var page = await browser.Page;

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("consent was declined", result.Error);
        Assert.Contains("did not complete", page);
        Assert.Null(await Store(workspace).GetAsync(CredentialStore.RefreshTokenSecret, CancellationToken.None));
    }

    [Fact]
    public async Task Consent_with_a_certificate_instead_of_a_client_secret()
    {
        using var certificate = Sandbox.EntraTokenLifecycleTests.SelfSigned();
        sandbox.Host.RegisterClientCertificate(certificate);
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host, seedCredential: false);
        File.WriteAllBytes(workspace.Path("app.pfx"), certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx));
        workspace.Write("runner.yaml", File.ReadAllText(workspace.Path("runner.yaml")).Replace("clientSecret: secret:app-secret", "certificate: file:app.pfx", StringComparison.Ordinal));
        using var browser = new PlayingBrowser(sandbox.Host);
        workspace.Browser = browser;

        var result = await workspace.RunAsync("consent");

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public void The_loopback_listener_keeps_its_port_and_a_second_one_takes_the_next_free_port()
    {
        using var first = LoopbackListener.Start();
        using var second = LoopbackListener.Start();

        Assert.InRange(first.Port, LoopbackListener.FirstPort, LoopbackListener.LastPort);
        Assert.NotEqual(first.Port, second.Port);
        var intruder = new TcpListener(IPAddress.Loopback, first.Port);
        Assert.Throws<SocketException>(() => intruder.Start());
        intruder.Dispose();
    }

    private static LocalSecretStore Store(Workspace workspace) =>
        new(new StateDirectory(workspace.StatePath), Path.Combine(workspace.StatePath, "store.key"), workspace.Environment, TimeProvider.System);
}
