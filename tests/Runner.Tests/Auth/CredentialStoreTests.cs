using Runner.Auth;
using Runner.Runtime;
using Runner.Sandbox;
using Runner.Secrets;
using Runner.State;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Auth;

/// <summary>
/// Write-back of the rotated refresh token: processes saving at the same time never lose the newest token, a
/// failed write never loses the working token, a newer token in the store is never overwritten, and a newer
/// token in the store is picked up when the cached one is refused. Each test has its own sandbox and clock.
/// </summary>
public sealed class CredentialStoreTests
{
    private const string PartnerCenterScope = "https://api.partnercenter.microsoft.com/user_impersonation";

    [Fact]
    public async Task Two_processes_saving_at_once_keep_the_newest_refresh_token_on_disk_and_in_the_store()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        using var workspace = await new Workspace { Time = sandbox.Clock }.WithSandboxAsync(sandbox);
        await using (var first = await Sessions.OpenAsync(workspace))
        {
            await first.Broker.GetTokenAsync(first.Broker.PartnerTenant, PartnerCenterScope, CancellationToken.None);
        }

        await using var older = await Sessions.OpenAsync(workspace);
        await using var newer = await Sessions.OpenAsync(workspace);
        sandbox.Clock.Advance(TimeSpan.FromMinutes(1));
        await older.Broker.RedeemAsync(CancellationToken.None);
        sandbox.Clock.Advance(TimeSpan.FromMinutes(1));
        var customer = sandbox.Customers.First(c => c.GdapStatus == "active").TenantId.ToString();
        await newer.Broker.GetTokenAsync(customer, "https://graph.microsoft.com/.default", CancellationToken.None);
        await newer.Broker.RedeemAsync(CancellationToken.None);

        await newer.Broker.FlushAsync(CancellationToken.None);
        var newest = RefreshTokenOnDisk(newer);
        await older.Broker.FlushAsync(CancellationToken.None);
        await Task.WhenAll(older.Broker.FlushAsync(true, CancellationToken.None), newer.Broker.FlushAsync(true, CancellationToken.None));

        Assert.Equal(newest, RefreshTokenOnDisk(older));
        Assert.Equal(newest, (await newer.Credentials.ReadRefreshTokenAsync(CancellationToken.None))!.Value);
        var merged = older.Credentials.LoadCache()!.Msal;
        Assert.Contains(customer, System.Text.Encoding.UTF8.GetString(merged.Span));
    }

    [Fact]
    public async Task A_failed_write_back_keeps_the_working_token_records_the_failure_and_retries_later()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        using var workspace = await new Workspace { Time = sandbox.Clock }.WithSandboxAsync(sandbox);
        var state = new StateDirectory(workspace.StatePath);
        await using var session = await Sessions.OpenAsync(workspace);
        await session.Broker.GetTokenAsync(session.Broker.PartnerTenant, PartnerCenterScope, CancellationToken.None);
        var before = (await session.Credentials.ReadRefreshTokenAsync(CancellationToken.None))!.Value;
        File.Move(state.SecretsFile, state.SecretsFile + ".aside");
        Directory.CreateDirectory(state.SecretsFile);

        sandbox.Clock.Advance(TimeSpan.FromHours(1));
        await session.Broker.RedeemAsync(CancellationToken.None);
        await session.Broker.FlushAsync(CancellationToken.None);
        var rotated = RefreshTokenOnDisk(session);
        var failed = session.Credentials.LoadCache()!.Metadata!;
        var status = await CredentialKeeper.StatusAsync(session, CancellationToken.None);

        Directory.Delete(state.SecretsFile);
        File.Move(state.SecretsFile + ".aside", state.SecretsFile);
        await session.Broker.FlushAsync(CancellationToken.None);
        await session.Broker.RedeemAsync(CancellationToken.None);
        await session.Broker.FlushAsync(CancellationToken.None);

        Assert.NotEqual(before, rotated);
        Assert.NotNull(failed.LastWriteBackFailedAt);
        Assert.NotNull(status.LastWriteBackFailedAt);
        Assert.Contains(state.SecretsFile, status.LastWriteBackError);
        var stored = (await session.Credentials.ReadRefreshTokenAsync(CancellationToken.None))!.Value;
        Assert.Equal(RefreshTokenOnDisk(session), stored);
        Assert.Null(session.Credentials.LoadCache()!.Metadata!.LastWriteBackFailedAt);
    }

    [Fact]
    public async Task A_token_stored_by_another_machine_after_ours_is_not_overwritten()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        using var workspace = await new Workspace { Time = sandbox.Clock }.WithSandboxAsync(sandbox);
        await using var session = await Sessions.OpenAsync(workspace);
        await session.Broker.GetTokenAsync(session.Broker.PartnerTenant, PartnerCenterScope, CancellationToken.None);
        sandbox.Clock.Advance(TimeSpan.FromHours(2));
        var elsewhere = sandbox.IssueRefreshToken();
        await session.Credentials.WriteRefreshTokenAsync(elsewhere, sandbox.AdminUserPrincipalName, sandbox.Clock.GetUtcNow(), sandbox.Clock.GetUtcNow(), null, CancellationToken.None);

        await session.Broker.FlushAsync(forceWriteBack: true, CancellationToken.None);

        Assert.Equal(elsewhere, (await session.Credentials.ReadRefreshTokenAsync(CancellationToken.None))!.Value);
    }

    [Fact]
    public async Task When_the_cached_token_is_revoked_a_newer_one_in_the_store_is_imported()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        using var workspace = await new Workspace { Time = sandbox.Clock }.WithSandboxAsync(sandbox);
        workspace.CopyJob("hello.csx");
        var customer = sandbox.Customers.First(c => c.GdapStatus == "active");
        Assert.Equal(0, (await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", customer.Domain)).ExitCode);
        sandbox.RevokeAdminSessions();
        sandbox.Clock.Advance(TimeSpan.FromMinutes(5));
        await using (var other = await Sessions.OpenAsync(workspace))
        {
            // A consent on another machine after the password reset puts a fresh token in the shared store.
            var now = sandbox.Clock.GetUtcNow();
            await other.Credentials.WriteRefreshTokenAsync(sandbox.IssueRefreshToken(), sandbox.AdminUserPrincipalName, now, now, null, CancellationToken.None);
        }

        sandbox.Clock.Advance(TimeSpan.FromHours(2));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var run = await workspace.RunAsync(limit.Token, "run", "jobs/hello.csx", "--tenant", customer.Domain, "--verbose");

        Assert.True(run.ExitCode == 0, run.ToString());
    }

    private static string? RefreshTokenOnDisk(RunnerSession session)
    {
        var contents = session.Credentials.LoadCache()!;
        return RefreshTokenReader.Read(contents.Msal.ToArray(), contents.Metadata!.HomeAccountId);
    }
}
