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
            $"sandbox:{settings.Seed}:{settings.Customers}:{host.PartnerTenantId}");
        return (host, connection);
    }

    /// <summary>Stores the sandbox app's secret and, when no credential exists yet, a fresh partner admin refresh token.</summary>
    public static async Task SeedAsync(SandboxHost host, ISecretStore store, CloudConnection connection, TokenCacheFile cache, TimeProvider time, CancellationToken cancellationToken)
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

        if (!cache.Exists && await store.GetAsync(CredentialStore.RefreshTokenSecret, cancellationToken) is null)
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
