using System.Text.Json.Nodes;
using Runner.Sandbox;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Writes;

/// <summary>The Secrets global: what runner.yaml (or --secret) grants, read from the store, masked everywhere.</summary>
public sealed class JobSecretsTests(JobSecretsTests.Fixture fixture) : IClassFixture<JobSecretsTests.Fixture>
{
    public sealed class Fixture : SandboxFixture;

    private const string PsaKey = "psa-0123456789-abcdef";

    private SandboxHost Host => fixture.Host;

    private string Tenant => Host.Context.Directory.Customers.First(c => Host.Context.Directory.HasActiveRelationship(c, Host.Clock.GetUtcNow())).Domain;

    private async Task<Workspace> WorkspaceAsync(string secrets, bool store = true)
    {
        var workspace = await new Workspace().WithSandboxAsync(Host, $"jobs:\n  psa-sync:\n    script: jobs/psa-sync.csx\n    secrets: {secrets}\n");
        workspace.Write("jobs/psa-sync.csx", """
            var key = Secrets["psa-api-key"];
            Log.LogInformation("Calling the PSA with {Key}", key);
            Console.WriteLine($"key={key}");
            return new { key, granted = string.Join(",", Secrets.Names), length = key.Length };
            """);
        if (!store)
        {
            return workspace;
        }

        workspace.Input = PsaKey;
        var stored = await workspace.RunAsync("secret", "set", "psa-api-key");
        Assert.True(stored.ExitCode == 0, stored.ToString());
        return workspace;
    }

    [Fact]
    public async Task A_granted_secret_reaches_the_script_and_its_value_is_masked_in_results_logs_console_and_history()
    {
        using var workspace = await WorkspaceAsync("[psa-api-key]");

        var result = await workspace.RunAsync("run", "psa-sync", "--tenant", Tenant, "--output", "json", "--verbose");

        Assert.True(result.ExitCode == 0, result.ToString());
        var tenant = JsonNode.Parse(result.Output)!["tenants"]![0]!;
        Assert.Equal(PsaKey.Length, tenant["result"]!["length"]!.GetValue<int>());
        Assert.Equal("psa-api-key", tenant["result"]!["granted"]!.GetValue<string>());
        var show = await workspace.RunAsync("show", JsonNode.Parse(result.Output)!["runId"]!.GetValue<string>(), "--output", "json");
        foreach (var text in new[] { result.Output, result.Error, show.Output })
        {
            Assert.DoesNotContain(PsaKey, text, StringComparison.Ordinal);
        }

        Assert.Contains("[REDACTED]", show.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_not_granted_fails_the_tenant_naming_it_and_how_to_grant_it()
    {
        using var workspace = await WorkspaceAsync("[]");

        var result = await workspace.RunAsync("run", "psa-sync", "--tenant", Tenant, "--output", "json");

        Assert.Equal(1, result.ExitCode);
        var error = JsonNode.Parse(result.Output)!["tenants"]![0]!["error"]!.GetValue<string>();
        Assert.Contains("'psa-api-key' is not granted to the job 'psa-sync'", error, StringComparison.Ordinal);
        Assert.Contains("jobs.psa-sync.secrets: [psa-api-key]", error, StringComparison.Ordinal);
        Assert.Contains("--secret psa-api-key", error, StringComparison.Ordinal);

        var adHoc = await workspace.RunAsync("run", "jobs/psa-sync.csx", "--secret", "psa-api-key", "--tenant", Tenant, "--output", "json");
        Assert.True(adHoc.ExitCode == 0, adHoc.ToString());
        Assert.DoesNotContain(PsaKey, adHoc.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_granted_secret_missing_from_the_store_stops_the_run_before_any_tenant()
    {
        using var workspace = await WorkspaceAsync("[psa-api-key, itglue-key]");

        var result = await workspace.RunAsync("run", "psa-sync", "--tenant", Tenant);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("The secret 'itglue-key' granted to the job 'psa-sync' is not in the secret store", result.Error, StringComparison.Ordinal);
        Assert.Contains("runner secret set itglue-key", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[partner-refresh-token]", "runner.yaml", "the partner's refresh token")]
    [InlineData("[app-secret]", "", "Runner's own credential")]
    [InlineData("[\"no spaces\"]", "runner.yaml", "is not a secret name")]
    public async Task Runners_own_credential_can_never_be_granted(string secrets, string where, string message)
    {
        using var workspace = await WorkspaceAsync(secrets, store: false);

        var result = await workspace.RunAsync("run", "psa-sync", "--tenant", Tenant);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Contains(where, result.Error, StringComparison.Ordinal);
    }
}
