using System.Collections;
using System.Text.RegularExpressions;
using Runner.Configuration;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Reliability;

/// <summary>
/// Thousands of seeded mutations of valid runner.yaml files (and of RUNNER__ overrides), read by ConfigLoader in
/// process: each is either accepted or refused with one ConfigException line naming the file and a line and column
/// (or the environment variable). Any other exception is a bug. The seeds are fixed, so a failure reproduces.
/// </summary>
public sealed class ConfigMutationTests : IDisposable
{
    private const int Seed = 20240917;

    private readonly TempFolder _folder = new("runner-mutations");

    public ConfigMutationTests()
    {
        _folder.Write("jobs/hello.csx", "return 1;\n");
    }

    private string ConfigPath => _folder.Combine("runner.yaml");

    [Fact]
    public void The_starting_files_are_valid()
    {
        foreach (var text in ValidConfigs.All)
        {
            var config = ConfigLoader.Parse(text, ConfigPath, new Hashtable());
            Assert.NotEmpty(config.Jobs);
        }
    }

    [Fact]
    public async Task Three_thousand_mutated_files_are_accepted_or_refused_with_one_located_line()
    {
        var failures = await Task.Run(() =>
        {
            var mutations = new Mutations(Seed);
            var found = new List<string>();
            for (var i = 0; i < 3000; i++)
            {
                var text = mutations.MutateYaml(ValidConfigs.All[i % ValidConfigs.All.Count]);
                if (Check(text, new Hashtable()) is { } problem)
                {
                    found.Add($"case {i}: {problem}\n--- runner.yaml ---\n{text}\n---");
                }
            }

            return found;
        });

        Assert.True(failures.Count == 0, $"{failures.Count} of 3000 mutations misbehaved; the first ones:\n{string.Join("\n", failures.Take(5))}");
    }

    [Fact]
    public async Task A_thousand_mutated_environment_overrides_are_accepted_or_refused_with_one_line()
    {
        var failures = await Task.Run(() =>
        {
            var mutations = new Mutations(Seed + 1);
            var found = new List<string>();
            for (var i = 0; i < 1000; i++)
            {
                var environment = mutations.MutateEnvironment();
                var text = ValidConfigs.All[i % ValidConfigs.All.Count];
                // Line 1 of every starting file is a comment: an error placed there stands for a node the environment made.
                var problem = Check(text, new Hashtable(environment)) ??
                    (Located(text, new Hashtable(environment)) is { Line: 1 } e && e.Source == ConfigPath ? $"an error placed on line 1, a comment: {e.Message}" : null);
                if (problem is not null)
                {
                    found.Add($"case {i}: {problem}\n--- environment ---\n{string.Join("\n", environment.Select(v => $"{v.Key}={v.Value}"))}\n---");
                }
            }

            return found;
        });

        Assert.True(failures.Count == 0, $"{failures.Count} of 1000 mutations misbehaved; the first ones:\n{string.Join("\n", failures.Take(5))}");
    }

    public void Dispose() => _folder.Dispose();

    private ConfigException? Located(string text, IDictionary environment)
    {
        try
        {
            ConfigLoader.Parse(text, ConfigPath, environment);
            return null;
        }
        catch (ConfigException e)
        {
            return e;
        }
    }

    /// <summary>Null when the loader behaved: accepted, or refused with one line that says where.</summary>
    private string? Check(string text, IDictionary environment)
    {
        try
        {
            ConfigLoader.Parse(text, ConfigPath, environment);
            return null;
        }
        catch (ConfigException e)
        {
            var located = new Regex($@"^({Regex.Escape(ConfigPath)}\(\d+,\d+\)|environment variable RUNNER__\S*): error: \S");
            if (e.Message.Contains('\n', StringComparison.Ordinal) || e.Message.Contains('\r', StringComparison.Ordinal))
            {
                return $"the error spans several lines: {e.Message}";
            }

            return located.IsMatch(e.Message) ? null : $"the error does not say where: {e.Message}";
        }
        catch (Exception e)
        {
            return $"unhandled {e}";
        }
    }
}

/// <summary>Valid runner.yaml files that between them use every section and key.</summary>
internal static class ValidConfigs
{
    public const string Sandbox = """
        # Every section, with the values the documentation shows.
        cloud: sandbox
        secrets:
          store: local
        state: .runner
        tenants:
          exclude: [contoso.onmicrosoft.com]
          groups:
            eu: [fabrikam.onmicrosoft.com, "name:Tailspin*"]
            toys: ["name:*Toys*"]
          cacheFor: 1h
        defaults: { parallel: 8, timeout: "00:05:00", output: table }
        limits: { partnerCenter: 8, graph: 32, resourceManager: 32, token: 16, retries: 6, retryDelay: 1s }
        auth:
          keyVaultWriteInterval: 24h
          forceWriteAfter: 7d
          warnDays: 14
          consentTimeout: 5m
        jobs:
          hello:
            script: jobs/hello.csx
            schedule: "0 0 7 * * ?"
            timeZone: Europe/Berlin
            tenants: all
            exclude: [contoso.onmicrosoft.com]
            params: { days: 90, mode: report }
            timeout: "00:10:00"
            jobTimeout: 1h
            retries: 2
            retryBackoff: 1m
            parallel: 4
            partnerLevel: false
            misfire: fireOnce
            enabled: true
          nightly: { script: jobs/hello.csx, schedule: "0 30 2 ? * MON-FRI", tenants: [group:eu, "name:Tailspin*"] }
        scheduler:
          store: sqlite
          shutdownGrace: 30s
          historyRetentionDays: 90
          keepAlive: "0 17 3 * * ?"
          maxConcurrentJobs: 4
          nodeName: node-a
          checkinInterval: 7.5s
          misfireThreshold: 1m
        sandbox:
          customers: 10
          seed: 42
          faults:
            latency: { graph: 20ms }
            throttleRate: { arm: 0.1 }
            errorRate: { "*": 0.01 }
            failingTenants: [contoso.onmicrosoft.com]
            tokenOutage: false
            retryAfter: { graph: 1s }
            slowTenants: { fabrikam.onmicrosoft.com: 2s }
            advanceClock: 0s
        """;

    public const string Production = """
        # Production: Key Vault, a PostgreSQL cluster.
        cloud: public
        partner:
          tenant: contoso-partner.onmicrosoft.com
          clientId: 6f1f3c0e-0000-4000-8000-000000000001
          clientSecret: secret:app-secret
        secrets:
          store: keyvault
          vault: https://contoso-runner.vault.azure.net/
        defaults:
          parallel: 32
          output: json
        jobs:
          inactive-users:
            script: jobs/hello.csx
            schedule: "0 0 6 * * ?"
            timeZone: America/New_York
            misfire: skip
            retries: 1
        scheduler:
          store: postgres
          connectionString: env:RUNNER_PG
          keepAlive: false
        """;

    public const string Custom = """
        # A standalone sandbox or another custom cloud, with a certificate.
        cloud: custom
        endpoints:
          login: https://127.0.0.1:5001/
          partnerCenter: https://127.0.0.1:5001/
          resourceManager: https://127.0.0.1:5001/
          graph: https://127.0.0.1:5001/
          caFile: sandbox/ca.pem
        partner:
          tenant: 11111111-2222-3333-4444-555555555555
          clientId: 6f1f3c0e-0000-4000-8000-000000000001
          certificate: file:partner.pfx
          certificatePassword: env:PFX_PASSWORD
        secrets: { store: env }
        jobs:
          partner-report: { script: jobs/hello.csx, partnerLevel: true, enabled: false }
        """;

    public static readonly IReadOnlyList<string> All = [Sandbox, Production, Custom];
}
