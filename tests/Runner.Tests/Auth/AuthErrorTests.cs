using System.Text.Json.Nodes;
using Runner.Auth;
using Runner.Sandbox;
using Runner.Sandbox.Identity;
using Runner.Secrets;
using Runner.State;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Auth;

/// <summary>
/// What an operator reads when Entra refuses, from a real run against the sandbox: the fix in plain words, the
/// failing tenant alone failing while the others run, and exit code 3 when the partner credential itself needs
/// an operator.
/// </summary>
public sealed class AuthErrorTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private const string Job = "return (await Graph.Organization.GetAsync(cancellationToken: CancellationToken))?.Value?.Count;\n";

    [Fact]
    public async Task Missing_consent_in_one_customer_fails_that_tenant_with_the_fix_and_the_others_run()
    {
        var (broken, healthy) = TwoActiveCustomers();
        sandbox.Host.SetTenantRefusal(broken.Domain, TenantRefusal.ConsentMissing);
        try
        {
            var (result, tenants) = await RunAsync(broken.Domain, healthy.Domain);

            Assert.Equal(1, result.ExitCode);
            var failed = tenants.Single(t => (string)t!["domain"]! == broken.Domain)!;
            Assert.Equal("Failed", (string)failed["status"]!);
            Assert.Contains($"The partner application has no consent in tenant", (string)failed["error"]!);
            Assert.Contains("AADSTS65001", (string)failed["error"]!);
            Assert.Equal("Succeeded", (string)tenants.Single(t => (string)t!["domain"]! == healthy.Domain)!["status"]!);
        }
        finally
        {
            sandbox.Host.SetTenantRefusal(broken.Domain, null);
        }
    }

    [Fact]
    public async Task Conditional_access_in_a_customer_fails_that_tenant_only()
    {
        var (broken, healthy) = TwoActiveCustomers();
        sandbox.Host.SetTenantRefusal(broken.TenantId.ToString(), TenantRefusal.ConditionalAccess);
        try
        {
            var (result, tenants) = await RunAsync(broken.Domain, healthy.Domain);

            Assert.Equal(1, result.ExitCode);
            var error = (string)tenants.Single(t => (string)t!["domain"]! == broken.Domain)!["error"]!;
            Assert.Contains("Conditional Access policy in tenant", error);
            Assert.Contains("AADSTS53003", error);
            Assert.Equal("Succeeded", (string)tenants.Single(t => (string)t!["domain"]! == healthy.Domain)!["status"]!);
        }
        finally
        {
            sandbox.Host.SetTenantRefusal(broken.TenantId.ToString(), null);
        }
    }

    [Fact]
    public async Task Conditional_access_in_the_partner_tenant_stops_the_run_with_exit_3()
    {
        sandbox.Host.SetTenantRefusal(sandbox.Host.PartnerDomain, TenantRefusal.ConditionalAccess);
        try
        {
            var (result, _) = await RunAsync(TwoActiveCustomers().A.Domain);

            Assert.Equal(3, result.ExitCode);
            Assert.Contains("Conditional Access policy in the partner tenant", result.Error);
        }
        finally
        {
            sandbox.Host.SetTenantRefusal(sandbox.Host.PartnerDomain, null);
        }
    }

    [Fact]
    public async Task A_sign_in_without_mfa_where_mfa_is_required_exits_3_and_says_to_consent_with_mfa()
    {
        sandbox.Host.SetTenantRefusal(sandbox.Host.PartnerDomain, TenantRefusal.MfaRequired);
        try
        {
            var (result, _) = await RunAsync([TwoActiveCustomers().A.Domain], mfa: false);

            Assert.Equal(3, result.ExitCode);
            Assert.Contains("Multi-factor authentication is required. Run `runner consent` and complete the MFA prompt.", result.Error);
            Assert.Contains("AADSTS50076", result.Error);
        }
        finally
        {
            sandbox.Host.SetTenantRefusal(sandbox.Host.PartnerDomain, null);
        }
    }

    [Fact]
    public async Task Partner_center_refusing_a_token_without_mfa_exits_3_with_the_fix()
    {
        var (result, _) = await RunAsync([TwoActiveCustomers().A.Domain], mfa: false);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("no multi-factor authentication (Partner Center 900421;", result.Error);
        Assert.Contains("Run `runner consent` and complete the MFA prompt", result.Error);
    }

    [Fact]
    public async Task A_script_whose_partner_center_calls_are_refused_for_missing_mfa_exits_3_with_the_fix_per_tenant()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.Write("jobs/subs.csx", "return (await PartnerCenter.GetSubscriptionsAsync()).Count;");
        var (a, b) = TwoActiveCustomers();
        // The first run caches the customer list; then the credential is replaced by a sign-in without MFA.
        var first = await workspace.RunAsync("run", "jobs/subs.csx", "--tenant", a.Domain, "--tenant", b.Domain);
        Assert.True(first.ExitCode == 0, first.ToString());
        await Store(workspace).SetAsync(CredentialStore.RefreshTokenSecret, sandbox.Host.IssueRefreshToken(mfa: false), null, null, CancellationToken.None);
        File.Delete(Path.Combine(workspace.StatePath, "tokens.bin"));

        var result = await workspace.RunAsync("run", "jobs/subs.csx", "--tenant", a.Domain, "--tenant", b.Domain, "--output", "json");

        Assert.True(result.ExitCode == 3, result.ToString());
        var tenants = JsonNode.Parse(result.Output)!["tenants"]!.AsArray();
        Assert.Equal(2, tenants.Count);
        Assert.All(tenants, t => Assert.Contains("no multi-factor authentication (Partner Center 900421;", (string)t!["error"]!));
    }

    [Fact]
    public async Task A_wrong_client_secret_exits_3_and_names_the_setting()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        await Store(workspace).SetAsync("app-secret", "not-the-secret", null, null, CancellationToken.None);
        workspace.Write("jobs/org.csx", Job);

        var result = await workspace.RunAsync("run", "jobs/org.csx", "--tenant", TwoActiveCustomers().A.Domain);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("client secret or certificate was refused", result.Error);
        Assert.Contains("AADSTS7000215", result.Error);
        Assert.DoesNotContain("not-the-secret", result.Error + result.Output);
    }

    [Fact]
    public async Task A_revoked_refresh_token_exits_3_and_says_to_consent_again()
    {
        await using var own = await SandboxHost.StartAsync();
        using var workspace = await new Workspace().WithSandboxAsync(own);
        workspace.Write("jobs/org.csx", Job);
        own.RevokeAdminSessions();

        var result = await workspace.RunAsync("run", "jobs/org.csx", "--tenant", own.Customers.First(c => c.GdapStatus == "active").Domain);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("was revoked", result.Error);
        Assert.Contains("runner consent", result.Error);
    }

    [Fact]
    public async Task A_refresh_token_idle_for_90_days_exits_3_and_says_to_consent_again()
    {
        await using var own = await SandboxHost.StartAsync();
        using var workspace = await new Workspace { Time = own.Clock }.WithSandboxAsync(own);
        workspace.Write("jobs/org.csx", Job);
        own.Clock.Advance(TimeSpan.FromDays(90.5));

        var result = await workspace.RunAsync("run", "jobs/org.csx", "--tenant", own.Customers.First(c => c.GdapStatus == "active").Domain);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("The refresh token expired after 90 days without use. Run `runner consent`", result.Error);
    }

    private async Task<(CliResult Result, JsonArray Tenants)> RunAsync(params string[] tenants) => await RunAsync(tenants, mfa: true);

    private async Task<(CliResult Result, JsonArray Tenants)> RunAsync(string[] tenants, bool mfa)
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        if (!mfa)
        {
            await Store(workspace).SetAsync(CredentialStore.RefreshTokenSecret, sandbox.Host.IssueRefreshToken(mfa: false), null, null, CancellationToken.None);
        }

        workspace.Write("jobs/org.csx", Job);
        var args = new List<string> { "run", "jobs/org.csx", "--output", "json" };
        foreach (var tenant in tenants)
        {
            args.AddRange(["--tenant", tenant]);
        }

        var result = await workspace.RunAsync([.. args]);
        var parsed = result.Output.TrimStart().StartsWith('{') ? JsonNode.Parse(result.Output)!["tenants"]!.AsArray() : [];
        return (result, parsed);
    }

    private (SandboxCustomer A, SandboxCustomer B) TwoActiveCustomers()
    {
        var active = sandbox.Host.Customers.Where(c => c.GdapStatus == "active").ToList();
        return (active[0], active[1]);
    }

    private static LocalSecretStore Store(Workspace workspace) =>
        new(new StateDirectory(workspace.StatePath), Path.Combine(workspace.StatePath, "store.key"), workspace.Environment, TimeProvider.System);
}
