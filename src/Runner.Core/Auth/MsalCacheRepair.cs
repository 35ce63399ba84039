using System.Globalization;
using System.Text.Json.Nodes;

namespace Runner.Auth;

/// <summary>
/// Keeps MSAL's rule that an account holds at most one access token per tenant for any one scope. MSAL deletes the
/// tokens a new one overlaps when it saves it, but a cache merged from two processes, or written by an older Runner,
/// can hold two (say "…/user_impersonation" and "…/user_impersonation openid profile"); MSAL then refuses every silent
/// lookup that matches both ("multiple tokens satisfying the requirements"), until the cache is cleared.
/// </summary>
internal static class MsalCacheRepair
{
    /// <summary>The serialized cache (MsalV3) without overlapping access tokens; unchanged when it has none or is not JSON.</summary>
    public static byte[] RemoveOverlappingAccessTokens(byte[] cache)
    {
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(cache) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return cache;
        }

        return root?["AccessToken"] is JsonObject tokens && RemoveOverlapping(tokens) > 0
            ? System.Text.Encoding.UTF8.GetBytes(root.ToJsonString())
            : cache;
    }

    /// <summary>
    /// Removes, per account, environment, client, tenant and token type, every access token whose scopes overlap a
    /// newer one's (newer: cached later, then expiring later), as MSAL would have on saving the newer. Returns how many.
    /// </summary>
    public static int RemoveOverlapping(JsonObject accessTokens)
    {
        var removed = new List<string>();
        var groups = accessTokens
            .Where(p => p.Value is JsonObject)
            .GroupBy(p => string.Join('\n', new[] { "home_account_id", "environment", "client_id", "realm", "token_type", "keyid" }
                .Select(field => (Text(p.Value!, field) ?? (field == "token_type" ? "Bearer" : "")).ToLowerInvariant())));
        foreach (var group in groups)
        {
            var kept = new List<HashSet<string>>();
            foreach (var (key, value) in group.OrderByDescending(p => Number(p.Value!, "cached_at")).ThenByDescending(p => Number(p.Value!, "expires_on")))
            {
                var scopes = (Text(value!, "target") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
                if (kept.Any(k => k.Overlaps(scopes)))
                {
                    removed.Add(key);
                }
                else
                {
                    kept.Add(scopes);
                }
            }
        }

        removed.ForEach(key => accessTokens.Remove(key));
        return removed.Count;
    }

    private static string? Text(JsonNode entry, string field) => entry[field]?.ToString();

    private static long Number(JsonNode entry, string field) =>
        long.TryParse(Text(entry, field), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
