using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Runner.Clients;
using Runner.State;

namespace Runner.Tenants;

/// <summary>
/// The partner's customers (every Partner Center page) with each one's GDAP state from Graph, cached in the
/// state folder for a configurable time so a run does not list thousands of customers every time.
/// </summary>
internal sealed class TenantDirectory(
    TenantClientFactory clients,
    StateDirectory state,
    Configuration.TenantSettings settings,
    string sourceFingerprint,
    TimeProvider time,
    ILogger log)
{
    private IReadOnlyList<CustomerTenant>? _loaded;

    /// <summary>The customer list if it is cached and fresh, without asking Partner Center; else null.</summary>
    public IReadOnlyList<CustomerTenant>? Cached() => _loaded ?? TryReadCache();

    public async Task<IReadOnlyList<CustomerTenant>> GetAsync(bool refresh, CancellationToken cancellationToken)
    {
        if (!refresh && _loaded is not null)
        {
            return _loaded;
        }

        if (!refresh && TryReadCache() is { } cached)
        {
            return _loaded = cached;
        }

        var customers = await clients.PartnerCenter(null, cancellationToken).ListCustomersAsync(cancellationToken);
        var relationships = await ReadRelationshipsAsync(cancellationToken);
        var tenants = customers
            .Where(c => c.TenantId != Guid.Empty)
            .Select(c => new CustomerTenant
            {
                Id = c.TenantId,
                Domain = c.Domain,
                CompanyName = c.CompanyName,
                CustomerId = c.Id,
                Gdap = relationships is null ? GdapAccess.Unknown : relationships.GetValueOrDefault(c.TenantId, GdapAccess.None),
            })
            .ToList();
        WriteCache(tenants);
        return _loaded = tenants;
    }

    /// <summary>The partner's GDAP relationships by customer; null when Graph would not tell (then nobody is skipped).</summary>
    private async Task<Dictionary<Guid, GdapAccess>?> ReadRelationshipsAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // What a relationship says is kept, not Graph's object of it: at 12,500 customers the Kiota models (each with its
        // backing store and additional data) took about 250 MB until the last page was read.
        var byTenant = new Dictionary<Guid, List<GdapRelationshipInfo>>();
        try
        {
            var graph = clients.Graph(clients.Broker.PartnerTenant);
            var page = await graph.TenantRelationships.DelegatedAdminRelationships.GetAsync(cancellationToken: cancellationToken);
            var iterator = PageIterator<DelegatedAdminRelationship, DelegatedAdminRelationshipCollectionResponse>.CreatePageIterator(graph, page!, relationship =>
            {
                if (relationship.Customer?.TenantId is { } id && Guid.TryParse(id, out var tenantId))
                {
                    if (!byTenant.TryGetValue(tenantId, out var list))
                    {
                        byTenant[tenantId] = list = [];
                    }

                    list.Add(ToInfo(relationship, now));
                }

                return true;
            });
            await iterator.IterateAsync(cancellationToken);
            return byTenant.ToDictionary(p => p.Key, p => Combine(p.Value));
        }
        catch (Exception e) when (e is Microsoft.Kiota.Abstractions.ApiException or Auth.TokenAcquisitionException { NeedsOperator: false })
        {
            log.LogWarning("Could not read GDAP relationships from Graph ({Reason}); no tenant will be skipped for missing GDAP.", e.Message);
            return null;
        }
    }

    /// <summary>
    /// One customer's access from all its relationships: access if any grants it, with the roles of every one in
    /// force; the status shown is that of the relationship that decides (in force first, then the one most recently
    /// in force, then the rest; among equals the later end).
    /// </summary>
    internal static GdapAccess Combine(IReadOnlyList<DelegatedAdminRelationship> relationships, DateTimeOffset now) =>
        Combine(relationships.Select(r => ToInfo(r, now)).ToList());

    private static GdapAccess Combine(List<GdapRelationshipInfo> infos)
    {
        var best = infos
            .OrderByDescending(i => GdapAccess.GrantsAccess(i.Status))
            .ThenByDescending(i => i.EndDateTime is not null)
            .ThenByDescending(i => i.EndDateTime ?? DateTimeOffset.MinValue)
            .First();
        var roles = infos.Where(i => GdapAccess.GrantsAccess(i.Status)).SelectMany(i => i.Roles).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new GdapAccess(best.Status, best.EndDateTime, best.Name) { Relationships = infos, Roles = roles };
    }

    private static GdapRelationshipInfo ToInfo(DelegatedAdminRelationship relationship, DateTimeOffset now)
    {
        var status = relationship.Status?.ToString() is { Length: > 0 } s ? char.ToLowerInvariant(s[0]) + s[1..] : "unknown";
        if (GdapAccess.GrantsAccess(status) && relationship.EndDateTime is { } end && end <= now)
        {
            status = "expired";
        }

        var extend = relationship.AutoExtendDuration is { } d && d > TimeSpan.Zero ? System.Xml.XmlConvert.ToString(d) : null;
        var roles = relationship.AccessDetails?.UnifiedRoles?.Select(r => GdapRoles.Name(r.RoleDefinitionId ?? "")).ToList() ?? [];
        return new GdapRelationshipInfo(relationship.Id ?? "", relationship.DisplayName ?? "", status, relationship.EndDateTime, extend, roles);
    }

    private IReadOnlyList<CustomerTenant>? TryReadCache()
    {
        if (settings.CacheFor <= TimeSpan.Zero || !File.Exists(state.TenantCacheFile))
        {
            return null;
        }

        try
        {
            var cache = JsonSerializer.Deserialize(File.ReadAllBytes(state.TenantCacheFile), TenantCacheJson.Default.CacheFile);
            if (cache is null || cache.Source != sourceFingerprint || time.GetUtcNow() - cache.FetchedAt > settings.CacheFor)
            {
                return null;
            }

            return cache.Tenants;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            log.LogDebug("Ignoring an unreadable tenant cache: {Reason}", e.Message);
            return null;
        }
    }

    private void WriteCache(List<CustomerTenant> tenants)
    {
        try
        {
            AtomicFile.Write(state.TenantCacheFile, JsonSerializer.SerializeToUtf8Bytes(new CacheFile(sourceFingerprint, time.GetUtcNow(), tenants), TenantCacheJson.Default.CacheFile));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.LogWarning("Could not cache the customer list in {File}: {Reason}", state.TenantCacheFile, e.Message);
        }
    }

    internal sealed record CacheFile(string Source, DateTimeOffset FetchedAt, List<CustomerTenant> Tenants);
}

/// <summary>Source-generated: every run reads the cached customer list, and reflection-based JSON costs each process its start-up.</summary>
[JsonSerializable(typeof(TenantDirectory.CacheFile))]
internal sealed partial class TenantCacheJson : JsonSerializerContext;
