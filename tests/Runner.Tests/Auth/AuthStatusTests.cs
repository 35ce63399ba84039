using Runner.Auth;
using Runner.Sandbox;
using Runner.Secrets;
using Runner.State;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Auth;

/// <summary>
/// `runner auth status` and `runner auth refresh` over 90 days of sandbox time: Runner runs on the sandbox's clock,
/// so moving it forward ages the refresh token for both. Each test has its own sandbox, since it moves the clock.
/// </summary>
public sealed class AuthStatusTests
{
    [Fact]
    public async Task Status_counts_down_warns_at_14_days_and_fails_once_expired()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        using var workspace = await new Workspace { Time = sandbox.Clock }.WithSandboxAsync(sandbox);
        workspace.CopyJob("hello.csx");
        var customer = sandbox.Customers.First(c => c.GdapStatus == "active");
        Assert.Equal(0, (await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", customer.Domain)).ExitCode);

        var fresh = await workspace.RunAsync("auth", "status");
        sandbox.Clock.Advance(TimeSpan.FromDays(80));
        var soon = await workspace.RunAsync("auth", "status");
        sandbox.Clock.Advance(TimeSpan.FromDays(11));
        var expired = await workspace.RunAsync("auth", "status");

        Assert.True(fresh.ExitCode == 0, fresh.ToString());
        Assert.Contains(sandbox.AdminUserPrincipalName, fresh.Output);
        Assert.Contains("89 days left", fresh.Output);
        Assert.Contains("local secret store", fresh.Output);
        Assert.DoesNotContain("warning", fresh.Error);
        Assert.Equal(0, soon.ExitCode);
        Assert.Contains("9 days left", soon.Output);
        Assert.Contains("warning: the refresh token expires in 9 days", soon.Error);
        Assert.Contains("runner auth refresh", soon.Error);
        Assert.Equal(3, expired.ExitCode);
        Assert.Contains("expired after 90 days without use", expired.Error);
        Assert.Contains("runner consent", expired.Error);
    }

    [Fact]
    public async Task Refresh_rotates_the_token_stores_it_and_starts_the_90_days_again()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        using var workspace = await new Workspace { Time = sandbox.Clock }.WithSandboxAsync(sandbox);
        var before = await Store(workspace).GetAsync(CredentialStore.RefreshTokenSecret, CancellationToken.None);
        sandbox.Clock.Advance(TimeSpan.FromDays(85));

        var refresh = await workspace.RunAsync("auth", "refresh");
        var after = await Store(workspace).GetAsync(CredentialStore.RefreshTokenSecret, CancellationToken.None);
        var status = await workspace.RunAsync("auth", "status");

        Assert.True(refresh.ExitCode == 0, refresh.ToString());
        Assert.NotEqual(before!.Value, after!.Value);
        Assert.Equal(sandbox.Clock.GetUtcNow().Date, CredentialStore.IssuedAt(after)!.Value.UtcDateTime.Date);
        Assert.Contains("89 days left", status.Output);
        Assert.Equal(0, status.ExitCode);
    }

    [Fact]
    public async Task Refresh_after_90_idle_days_exits_3_with_AADSTS700082_in_plain_words()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        using var workspace = await new Workspace { Time = sandbox.Clock }.WithSandboxAsync(sandbox);
        sandbox.Clock.Advance(TimeSpan.FromDays(91));

        var result = await workspace.RunAsync("auth", "refresh");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("The refresh token expired after 90 days without use. Run `runner consent`", result.Error);
        Assert.Contains("AADSTS700082", result.Error);
    }

    [Fact]
    public async Task Status_without_any_consent_exits_3_and_says_to_consent()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        using var workspace = await new Workspace().WithSandboxAsync(sandbox, seedCredential: false);

        var result = await workspace.RunAsync("auth", "status");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Run `runner consent`", result.Error);
    }

    private static LocalSecretStore Store(Workspace workspace) =>
        new(new StateDirectory(workspace.StatePath), Path.Combine(workspace.StatePath, "store.key"), workspace.Environment, TimeProvider.System);
}
