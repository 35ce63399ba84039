using System.Collections.Concurrent;

namespace Runner.Sandbox.Hosting;

/// <summary>Faults to inject per API, changed at run time through the admin endpoint or set in runner.yaml.</summary>
public sealed class ApiFaults
{
    /// <summary>Added latency per request. Default none.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Share of requests (0–1) answered 429 with Retry-After. Default 0.</summary>
    public double ThrottleRate { get; set; }

    /// <summary>Seconds sent in Retry-After with a 429. Default 1.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Share of requests (0–1) answered 503. Default 0.</summary>
    public double ErrorRate { get; set; }
}

/// <summary>All injected faults. API names: token, partnerCenter, arm, graph, keyVault.</summary>
public sealed class SandboxFaults
{
    public static readonly string[] ApiNames = ["token", "partnerCenter", "arm", "graph", "keyVault"];

    private readonly ConcurrentDictionary<string, ApiFaults> _apis = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Tenants (id or domain) for which every API and token request fails with a 500.</summary>
    public ConcurrentDictionary<string, bool> FailingTenants { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Extra latency for every API request about a tenant (id or domain): a slow customer.</summary>
    public ConcurrentDictionary<string, TimeSpan> SlowTenants { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>When set, the token endpoint answers 503 to everything.</summary>
    public bool TokenOutage { get; set; }

    /// <summary>When set, Partner Center answers with PascalCase property names (as some of its APIs and its
    /// documentation's samples do). Default camelCase.</summary>
    public bool PartnerCenterPascalCase { get; set; }

    /// <summary>When set, Partner Center answers a subscription change 202 Accepted with a Location header (and
    /// Retry-After) instead of 200 with the changed subscription, as its asynchronous operations do. Default off.</summary>
    public bool PartnerCenterAcceptedWrites { get; set; }

    public ApiFaults For(string api) => _apis.GetOrAdd(api, _ => new ApiFaults());

    public bool TryGet(string api, out ApiFaults faults) => _apis.TryGetValue(api, out faults!);

    public void Clear()
    {
        _apis.Clear();
        FailingTenants.Clear();
        SlowTenants.Clear();
        TokenOutage = false;
        PartnerCenterPascalCase = false;
        PartnerCenterAcceptedWrites = false;
    }
}
