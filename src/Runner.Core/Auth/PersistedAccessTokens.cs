using System.Globalization;
using System.Text.Json;

namespace Runner.Auth;

/// <summary>
/// The still-valid access tokens of the persisted MSAL cache, indexed by tenant, read once per process.
/// MSAL keeps every tenant's tokens of one account in one partition and scans it on each silent lookup, so
/// looking up N tenants × resources in a cache of N × resources tokens costs O(N²): about 3 s for 2,400 tenants.
/// Served from this index, a run that reuses the previous run's tokens pays O(N) instead. A miss is never an error:
/// the broker then asks MSAL, which stays the only writer and the source of truth. Tokens are kept as their UTF-8
/// bytes and become strings only when asked for: at 10,000 tenants the index holds 20,000 tokens, 50 MB as bytes and
/// twice that as strings, for the whole run (and pointing into the file's 80 MB instead would keep all of those).
/// </summary>
internal sealed class PersistedAccessTokens
{
    public static readonly PersistedAccessTokens Empty = new(new Dictionary<string, List<Entry>>());

    private readonly Dictionary<string, List<Entry>> _byTenant;

    private PersistedAccessTokens(Dictionary<string, List<Entry>> byTenant) => _byTenant = byTenant;

    /// <summary>How many tokens the index holds.</summary>
    public int Tokens => _byTenant.Values.Sum(e => e.Count);

    /// <summary>Reads the bearer access tokens of <paramref name="homeAccountId"/> and <paramref name="clientId"/>
    /// from MSAL's serialized cache (MsalV3 JSON) that are valid after <paramref name="validAfter"/>.</summary>
    public static PersistedAccessTokens Read(ReadOnlyMemory<byte>? msalCache, string? homeAccountId, string clientId, DateTimeOffset validAfter)
    {
        if (msalCache is not { Length: > 0 } cache || homeAccountId is null)
        {
            return Empty;
        }

        try
        {
            var json = cache.Span;
            var byTenant = new Dictionary<string, List<Entry>>(StringComparer.OrdinalIgnoreCase);
            // A handful of distinct scope lists (one per resource) shared by every tenant's entries.
            var scopeSets = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            foreach (var entry in MsalJson.Entries(json, "AccessToken"))
            {
                var value = entry.Value(json);
                if (entry.Key is null || AccessTokenEntry.Read(value) is not { } token ||
                    !string.Equals(token.Account, homeAccountId, StringComparison.OrdinalIgnoreCase) ||
                    !string.Equals(token.Client, clientId, StringComparison.OrdinalIgnoreCase) ||
                    !token.IsBearer || token.Realm is not { Length: > 0 } realm || !token.HasSecret || token.Target is not { Length: > 0 } target ||
                    !long.TryParse(token.ExpiresOn, NumberStyles.Integer, CultureInfo.InvariantCulture, out var expiresOn))
                {
                    continue;
                }

                var expires = DateTimeOffset.FromUnixTimeSeconds(expiresOn);
                if (expires <= validAfter)
                {
                    continue;
                }

                if (!byTenant.TryGetValue(realm, out var list))
                {
                    byTenant[realm] = list = [];
                }

                if (!scopeSets.TryGetValue(target, out var scopes))
                {
                    scopeSets[target] = scopes = new HashSet<string>(target.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.OrdinalIgnoreCase);
                }

                list.Add(new Entry(scopes, token.SecretBytes(value), expires));
            }

            return new PersistedAccessTokens(byTenant);
        }
        catch (JsonException)
        {
            // MSAL reads its own cache and will say what is wrong with it; the index just stays empty.
            return Empty;
        }
    }

    /// <summary>A token for <paramref name="tenant"/> whose scopes include <paramref name="scope"/> and that is valid
    /// after <paramref name="validAfter"/>; the one valid longest when there are several.</summary>
    public BrokeredToken? Find(string tenant, string scope, DateTimeOffset validAfter) =>
        Best(tenant, scope, validAfter) is { } best ? new BrokeredToken(System.Text.Encoding.UTF8.GetString(best.Secret), best.ExpiresOn, tenant) : null;

    /// <summary>Whether <see cref="Find"/> would find one, without making its string.</summary>
    public bool Has(string tenant, string scope, DateTimeOffset validAfter) => Best(tenant, scope, validAfter) is not null;

    private Entry? Best(string tenant, string scope, DateTimeOffset validAfter)
    {
        if (!_byTenant.TryGetValue(tenant, out var entries))
        {
            return null;
        }

        Entry? best = null;
        foreach (var entry in entries)
        {
            if (entry.ExpiresOn > validAfter && entry.Scopes.Contains(scope) && (best is null || entry.ExpiresOn > best.ExpiresOn))
            {
                best = entry;
            }
        }

        return best;
    }

    private sealed record Entry(HashSet<string> Scopes, byte[] Secret, DateTimeOffset ExpiresOn);
}
