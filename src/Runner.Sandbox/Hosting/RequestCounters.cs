using System.Collections.Concurrent;

namespace Runner.Sandbox.Hosting;

/// <summary>Counts requests per API and per API and tenant, so tests and benchmarks can assert on traffic
/// (for example how many token exchanges a run made).</summary>
public sealed class RequestCounters
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public void Increment(string api, string? tenant)
    {
        _counts.AddOrUpdate(api, 1, static (_, n) => n + 1);
        if (tenant is not null)
        {
            _counts.AddOrUpdate($"{api}:{tenant.ToLowerInvariant()}", 1, static (_, n) => n + 1);
        }
    }

    /// <summary>Requests to <paramref name="api"/> (token, partnerCenter, arm, graph, keyVault, authorize, devicecode),
    /// optionally only those for one tenant id or domain as the request named it.</summary>
    public long Get(string api, string? tenant = null) =>
        _counts.GetValueOrDefault(tenant is null ? api : $"{api}:{tenant.ToLowerInvariant()}");

    public IReadOnlyDictionary<string, long> Snapshot() => new SortedDictionary<string, long>(_counts, StringComparer.Ordinal);

    public void Reset() => _counts.Clear();
}
