using System.Text.Json;

namespace Runner.Auth;

/// <summary>
/// The still-valid access tokens of the persisted MSAL cache, indexed by tenant, read once per process.
/// MSAL keeps every tenant's tokens of one account in one partition and scans it on each silent lookup, so
/// looking up N tenants × resources in a cache of N × resources tokens costs O(N²): about 3 s for 2,400 tenants.
/// Served from this index, a run that reuses the previous run's tokens pays O(N) instead. A miss is never an error:
/// the broker then asks MSAL, which stays the only writer and the source of truth.
/// </summary>
internal sealed class PersistedAccessTokens
{
    public static readonly PersistedAccessTokens Empty = new(new Dictionary<string, List<Entry>>());

    private readonly Dictionary<string, List<Entry>> _byTenant;

    private PersistedAccessTokens(Dictionary<string, List<Entry>> byTenant) => _byTenant = byTenant;

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
            using var document = JsonDocument.Parse(cache);
            if (!document.RootElement.TryGetProperty("AccessToken", out var tokens) || tokens.ValueKind != JsonValueKind.Object)
            {
                return Empty;
            }

            var byTenant = new Dictionary<string, List<Entry>>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in tokens.EnumerateObject())
            {
                var item = property.Value;
                if (Text(item, "home_account_id") is not { } account || !account.Equals(homeAccountId, StringComparison.OrdinalIgnoreCase) ||
                    Text(item, "client_id") is not { } client || !client.Equals(clientId, StringComparison.OrdinalIgnoreCase) ||
                    Text(item, "token_type") is { } type && !type.Equals("Bearer", StringComparison.OrdinalIgnoreCase) ||
                    Text(item, "realm") is not { Length: > 0 } realm ||
                    Text(item, "secret") is not { Length: > 0 } secret ||
                    Text(item, "target") is not { Length: > 0 } target ||
                    !long.TryParse(Text(item, "expires_on"), out var expiresOn))
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

                var scopes = new HashSet<string>(target.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.OrdinalIgnoreCase);
                list.Add(new Entry(scopes, new BrokeredToken(secret, expires, realm)));
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
    public BrokeredToken? Find(string tenant, string scope, DateTimeOffset validAfter)
    {
        if (!_byTenant.TryGetValue(tenant, out var entries))
        {
            return null;
        }

        BrokeredToken? best = null;
        foreach (var entry in entries)
        {
            if (entry.Token.ExpiresOn > validAfter && entry.Scopes.Contains(scope) && (best is null || entry.Token.ExpiresOn > best.ExpiresOn))
            {
                best = entry.Token;
            }
        }

        return best;
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private sealed record Entry(HashSet<string> Scopes, BrokeredToken Token);
}
