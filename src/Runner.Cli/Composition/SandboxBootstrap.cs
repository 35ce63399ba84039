using Runner.Auth;
using Runner.Clouds;
using Runner.Configuration;
using Runner.Runtime;
using Runner.Sandbox;
using Runner.Sandbox.Hosting;
using Runner.Secrets;

namespace Runner.Cli.Composition;

/// <summary>
/// cloud: sandbox — starts the local cloud inside this process (its CA and keys kept in the state folder), points
/// every client at it, and stores its app secret and a partner admin refresh token as if consent had happened.
/// </summary>
internal static class SandboxBootstrap
{
    public const string AppSecretName = "sandbox-app-secret";

    public static async Task<(SandboxHost Host, CloudConnection Connection)> StartAsync(RunnerConfig config, string dataDirectory, CancellationToken cancellationToken)
    {
        var settings = config.Sandbox;
        var host = await SandboxHost.StartAsync(new SandboxOptions
        {
            Seed = settings.Seed,
            Customers = settings.Customers,
            DataDirectory = dataDirectory,
            ConfigureFaults = faults => ApplyFaults(settings.Faults, faults),
        }, cancellationToken);
        if (settings.Faults.AdvanceClock > TimeSpan.Zero)
        {
            host.Clock.Advance(settings.Faults.AdvanceClock);
        }

        var endpoints = KnownClouds.Custom(new CustomEndpoints(host.BaseUri, host.BaseUri, host.BaseUri, host.BaseUri, host.CaCertificatePath), "sandbox");
        var secretReference = config.Partner.ClientSecret ?? $"secret:{AppSecretName}";
        var connection = new CloudConnection(
            endpoints,
            host.CaCertificatePath,
            new PartnerDefaults(host.PartnerTenantId.ToString(), host.ClientId.ToString(), secretReference),
            Fingerprint(settings, host));
        return (host, connection);
    }

    /// <summary>Which sandbox a stored credential belongs to: another seed or customer count is another directory.</summary>
    private static string Fingerprint(SandboxSettings settings, SandboxHost host) => $"sandbox:{settings.Seed}:{settings.Customers}:{host.PartnerTenantId}";

    /// <summary>
    /// Stores the sandbox app's secret and, when no credential exists yet — or the stored one was seeded for another
    /// sandbox (its seed or customer count changed, so its admin no longer exists and nothing could renew it) — a
    /// fresh partner admin refresh token, as if the admin had consented again. A credential from `runner consent`
    /// against this sandbox is left alone.
    /// </summary>
    public static async Task SeedAsync(SandboxHost host, string dataDirectory, ISecretStore store, CloudConnection connection, TokenCacheFile cache, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!store.CanWrite)
        {
            return;
        }

        var reference = connection.Partner!.ClientSecretReference;
        if (reference.StartsWith("secret:", StringComparison.Ordinal))
        {
            var name = reference[7..];
            var current = await store.GetAsync(name, cancellationToken);
            if (current?.Value != host.ClientSecret)
            {
                await store.SetAsync(name, host.ClientSecret, new Dictionary<string, string> { ["source"] = "sandbox" }, null, cancellationToken);
            }
        }

        // Which sandbox the stored credential was made for is kept beside the sandbox's data (the secret's own tags are
        // rewritten at every rotation). Another seed or customer count is another directory: its admin is gone.
        var marker = Path.Combine(dataDirectory, "credential-for");
        var fingerprint = connection.Fingerprint;
        var stored = await store.GetAsync(CredentialStore.RefreshTokenSecret, cancellationToken);
        var madeFor = File.Exists(marker) ? (await File.ReadAllTextAsync(marker, cancellationToken)).Trim() : null;
        var seededForAnother = stored is not null && madeFor is not null && madeFor != fingerprint;
        if (seededForAnother)
        {
            // The local token cache holds the old sandbox's tokens: start again from the new credential.
            using (await cache.LockAsync(cancellationToken))
            {
                File.Delete(cache.Path);
            }
        }

        if (seededForAnother || (!cache.Exists && stored is null))
        {
            var now = time.GetUtcNow();
            var tags = new Dictionary<string, string>
            {
                [CredentialStore.UsernameTag] = host.AdminUserPrincipalName,
                [CredentialStore.ConsentedAtTag] = now.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
                [CredentialStore.IssuedAtTag] = now.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
                ["source"] = "sandbox",
            };
            await store.SetAsync(CredentialStore.RefreshTokenSecret, host.IssueRefreshToken(), tags, null, cancellationToken);
        }

        if (madeFor != fingerprint)
        {
            Directory.CreateDirectory(dataDirectory);
            await File.WriteAllTextAsync(marker, fingerprint, cancellationToken);
        }
    }

    /// <summary>Sets the faults of runner.yaml's sandbox: faults: section on a sandbox.</summary>
    public static void ApplyFaults(SandboxFaultSettings settings, SandboxFaults faults)
    {
        foreach (var (api, latency) in settings.Latency)
        {
            foreach (var name in Expand(api))
            {
                faults.For(name).Latency = latency;
            }
        }

        foreach (var (api, rate) in settings.ThrottleRate)
        {
            foreach (var name in Expand(api))
            {
                faults.For(name).ThrottleRate = rate;
            }
        }

        foreach (var (api, rate) in settings.ErrorRate)
        {
            foreach (var name in Expand(api))
            {
                faults.For(name).ErrorRate = rate;
            }
        }

        foreach (var tenant in settings.FailingTenants)
        {
            faults.FailingTenants[tenant] = true;
        }

        foreach (var (api, retryAfter) in settings.RetryAfter)
        {
            foreach (var name in Expand(api))
            {
                faults.For(name).RetryAfterSeconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
            }
        }

        foreach (var (tenant, delay) in settings.SlowTenants)
        {
            faults.SlowTenants[tenant] = delay;
        }

        faults.TokenOutage = settings.TokenOutage;
    }

    private static IEnumerable<string> Expand(string api) => api == "*" ? SandboxFaults.ApiNames : [api];
}
