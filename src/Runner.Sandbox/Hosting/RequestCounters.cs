using System.Collections.Concurrent;

namespace Runner.Sandbox.Hosting;

/// <summary>
/// Counts requests per API, per API and tenant, and per endpoint (method and route), so tests and benchmarks can
/// assert on traffic (for example how many token exchanges a run made for one customer).
/// </summary>
public sealed class RequestCounters
{
    private readonly ConcurrentDictionary<string, long> _apis = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Api, string Tenant), long> _tenants = new();
    private readonly ConcurrentDictionary<string, long> _endpoints = new(StringComparer.Ordinal);
    private readonly Func<string, string?> _canonicalTenant;

    /// <param name="canonicalTenant">Maps a tenant as a request names it (id or domain) to one key, its id.</param>
    public RequestCounters(Func<string, string?>? canonicalTenant = null) =>
        _canonicalTenant = canonicalTenant ?? (t => t);

    public void Increment(string api, string? tenant, string? endpoint = null)
    {
        _apis.AddOrUpdate(api, 1, static (_, n) => n + 1);
        if (tenant is not null)
        {
            _tenants.AddOrUpdate((api, Canonical(tenant)), 1, static (_, n) => n + 1);
        }

        if (endpoint is not null)
        {
            _endpoints.AddOrUpdate(endpoint, 1, static (_, n) => n + 1);
        }
    }

    /// <summary>Requests to <paramref name="api"/> (token, partnerCenter, arm, graph, keyVault, authorize, devicecode),
    /// optionally only those about one tenant, given by id or domain.</summary>
    public long Get(string api, string? tenant = null) =>
        tenant is null ? _apis.GetValueOrDefault(api) : _tenants.GetValueOrDefault((api, Canonical(tenant)));

    /// <summary>Requests that matched one endpoint, for example "GET /v1.0/users" or "POST /{tenant}/oauth2/v2.0/token".</summary>
    public long GetEndpoint(string endpoint) => _endpoints.GetValueOrDefault(endpoint);

    /// <summary>Every count: per API ("graph"), per API and tenant ("graph:{tenant id}"), per endpoint ("GET /v1.0/users").</summary>
    public IReadOnlyDictionary<string, long> Snapshot()
    {
        var all = new SortedDictionary<string, long>(_apis, StringComparer.Ordinal);
        foreach (var ((api, tenant), count) in _tenants)
        {
            all[$"{api}:{tenant}"] = count;
        }

        foreach (var (endpoint, count) in _endpoints)
        {
            all[endpoint] = count;
        }

        return all;
    }

    public IReadOnlyDictionary<string, long> Apis => new SortedDictionary<string, long>(_apis, StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> Endpoints => new SortedDictionary<string, long>(_endpoints, StringComparer.Ordinal);

    /// <summary>Per tenant (by id), then per API.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Tenants =>
        _tenants.GroupBy(p => p.Key.Tenant, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => (IReadOnlyDictionary<string, long>)new SortedDictionary<string, long>(g.ToDictionary(p => p.Key.Api, p => p.Value), StringComparer.Ordinal),
                StringComparer.Ordinal);

    public void Reset()
    {
        _apis.Clear();
        _tenants.Clear();
        _endpoints.Clear();
    }

    private string Canonical(string tenant) => (_canonicalTenant(tenant) ?? tenant).ToLowerInvariant();
}
