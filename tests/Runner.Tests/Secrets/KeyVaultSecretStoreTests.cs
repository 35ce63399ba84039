using System.Collections;
using Runner.Auth;
using Runner.Clouds;
using Runner.Configuration;
using Runner.Http;
using Runner.Sandbox;
using Runner.Secrets;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Secrets;

/// <summary>
/// The keyvault secret store: Azure.Security.KeyVault.Secrets with Azure.Identity against the sandbox's vault,
/// signed in with EnvironmentCredential-style settings (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET).
/// </summary>
public sealed class KeyVaultSecretStoreTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly CloudHttp _http = CloudHttp.Create(sandbox.Host.CaCertificatePath);
    private readonly List<CloudHttp> _others = [];

    [Fact]
    public async Task Set_get_tags_versions_and_a_missing_secret()
    {
        var store = Store(Credentials(sandbox.Host));
        var name = "kv-" + Guid.NewGuid().ToString("N")[..8];

        var missing = await store.GetAsync(name, CancellationToken.None);
        var first = await store.SetAsync(name, "value-one", new Dictionary<string, string> { ["issuedAt"] = "2026-01-01T00:00:00.0000000+00:00" }, null, CancellationToken.None);
        var read = await store.GetAsync(name, CancellationToken.None);
        var second = await store.SetAsync(name, "value-two", null, first.Version, CancellationToken.None);
        var conflict = await Assert.ThrowsAsync<SecretConflictException>(() => store.SetAsync(name, "value-three", null, first.Version, CancellationToken.None).AsTask());

        Assert.Null(missing);
        Assert.Equal("value-one", read!.Value);
        Assert.Equal(first.Version, read.Version);
        Assert.Equal("2026-01-01T00:00:00.0000000+00:00", read.Tags["issuedAt"]);
        Assert.NotEqual(first.Version, second.Version);
        Assert.Contains(name, conflict.Message);
        Assert.Equal("value-two", (await store.GetAsync(name, CancellationToken.None))!.Value);
        Assert.Equal("keyvault", store.Kind);
        Assert.Equal(sandbox.Host.VaultUri.AbsoluteUri, store.Location);
    }

    [Fact]
    public async Task A_wrong_credential_is_a_plain_error_without_the_secret()
    {
        var environment = Credentials(sandbox.Host);
        environment["AZURE_CLIENT_SECRET"] = "definitely-wrong-secret";
        var store = Store(environment);

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.GetAsync("anything", CancellationToken.None).AsTask());

        Assert.Contains("Could not sign in to Key Vault", error.Message);
        Assert.Contains("AZURE_CLIENT_ID", error.Message);
        Assert.DoesNotContain("definitely-wrong-secret", error.Message);
    }

    [Fact]
    public async Task Secret_set_consent_run_and_status_all_use_the_vault()
    {
        using var workspace = await KeyVaultWorkspaceAsync(sandbox.Host);
        using var browser = new PlayingBrowser(sandbox.Host);
        workspace.Browser = browser;
        workspace.CopyJob("hello.csx");
        workspace.Input = sandbox.Host.ClientSecret;

        var set = await workspace.RunAsync("secret", "set", "kv-app-secret");
        var consent = await workspace.RunAsync("consent");
        var run = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", sandbox.Host.Customers.First(c => c.GdapStatus == "active").Domain);
        var status = await workspace.RunAsync("auth", "status");

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("keyvault secret store", set.Output);
        Assert.True(consent.ExitCode == 0, consent.ToString());
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"keyvault secret store, {sandbox.Host.VaultUri}", status.Output);
        var stored = await Store(Credentials(sandbox.Host)).GetAsync(CredentialStore.RefreshTokenSecret, CancellationToken.None);
        Assert.Equal(sandbox.Host.AdminUserPrincipalName, stored!.Tags[CredentialStore.UsernameTag]);
        Assert.False(File.Exists(Path.Combine(workspace.StatePath, "secrets.bin")));
    }

    [Theory]
    [InlineData("24h", "7d", 2, 25, 2)]
    [InlineData("30d", "7d", 48, 8 * 24, 48)]
    public async Task Rotated_tokens_reach_key_vault_once_per_interval_and_always_when_the_stored_copy_is_old(
        string interval, string forceAfter, int hoursToSecondRun, int hoursToThirdRun, int hoursToFourthRun)
    {
        await using var own = await SandboxHost.StartAsync();
        using var workspace = await KeyVaultWorkspaceAsync(own, $"auth: {{ keyVaultWriteInterval: {interval}, forceWriteAfter: {forceAfter} }}");
        workspace.Time = own.Clock;
        var store = Store(Credentials(own), own);
        await store.SetAsync("kv-app-secret", own.ClientSecret, null, null, CancellationToken.None);
        var now = own.Clock.GetUtcNow();
        await new CredentialStore(null!, store, null!, new Runner.Redaction.SecretRedactor(), own.Clock, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)
            .WriteRefreshTokenAsync(own.IssueRefreshToken(), own.AdminUserPrincipalName, now, now, null, CancellationToken.None);
        workspace.Write("jobs/pc.csx", "var n = 0;\nawait foreach (var c in PartnerCenter.GetCustomersAsync()) { n++; }\nreturn n;\n");

        async Task<string> VersionAfterRunAsync(TimeSpan advance)
        {
            own.Clock.Advance(advance);
            var run = await workspace.RunAsync("run", "jobs/pc.csx", "--partner-level", "--refresh-tenants");
            Assert.True(run.ExitCode == 0, run.ToString());
            // A fresh client: Azure.Identity caches its token by the machine's clock, which the sandbox's has left behind.
            return (await Store(Credentials(own), own).GetAsync(CredentialStore.RefreshTokenSecret, CancellationToken.None))!.Version;
        }

        var imported = await VersionAfterRunAsync(TimeSpan.Zero);
        var sameDay = await VersionAfterRunAsync(TimeSpan.FromHours(hoursToSecondRun));
        var nextDay = await VersionAfterRunAsync(TimeSpan.FromHours(hoursToThirdRun));
        var sameDayAgain = await VersionAfterRunAsync(TimeSpan.FromHours(hoursToFourthRun));

        Assert.Equal(imported, sameDay);
        Assert.NotEqual(sameDay, nextDay);
        Assert.Equal(nextDay, sameDayAgain);
    }

    private static async Task<Workspace> KeyVaultWorkspaceAsync(SandboxHost host, string extra = "")
    {
        var workspace = await new Workspace().WithSandboxAsync(host, $"secrets: {{ store: keyvault, vault: {host.VaultUri} }}\n{extra}", seedCredential: false);
        workspace.Write("runner.yaml", File.ReadAllText(workspace.Path("runner.yaml")).Replace("secret:app-secret", "secret:kv-app-secret", StringComparison.Ordinal));
        File.Delete(Path.Combine(workspace.StatePath, "secrets.bin"));
        foreach (DictionaryEntry entry in Credentials(host))
        {
            workspace.Environment[entry.Key] = entry.Value;
        }

        return workspace;
    }

    private static Hashtable Credentials(SandboxHost host) => new()
    {
        ["AZURE_TENANT_ID"] = host.PartnerTenantId.ToString(),
        ["AZURE_CLIENT_ID"] = host.ClientId.ToString(),
        ["AZURE_CLIENT_SECRET"] = host.ClientSecret,
    };

    private KeyVaultSecretStore Store(IDictionary environment, SandboxHost? host = null)
    {
        host ??= sandbox.Host;
        var cloud = KnownClouds.Custom(new CustomEndpoints(host.BaseUri, host.BaseUri, host.BaseUri, host.BaseUri, host.CaCertificatePath));
        var http = _http;
        if (host != sandbox.Host)
        {
            http = CloudHttp.Create(host.CaCertificatePath);
            _others.Add(http);
        }

        return KeyVaultSecretStore.Create(host.VaultUri, cloud, http, environment);
    }

    public void Dispose()
    {
        _http.Dispose();
        _others.ForEach(h => h.Dispose());
    }
}
