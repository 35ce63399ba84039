using System.Globalization;
using System.Text.Json.Nodes;

namespace Runner.Auth;

/// <summary>
/// Merges two of MSAL's serialized caches (the documented MsalV3 JSON) when two processes saved the token cache
/// at the same time: every access token either holds is kept (the later-expiring one when both hold one for the
/// same tenant and scope, the newer one when their scopes overlap), and the refresh token comes from the side that redeemed last, so the newest one is
/// never lost. Accounts, id tokens and app metadata come from the newer side.
/// </summary>
internal static class MsalCacheMerger
{
    private static readonly string[] Sections = ["AccessToken", "RefreshToken", "IdToken", "Account", "AppMetadata"];

    public static byte[] Merge(byte[] mine, DateTimeOffset mineRedeemedAt, byte[] theirs, DateTimeOffset theirsRedeemedAt)
    {
        var ours = Parse(mine);
        var other = Parse(theirs);
        if (ours is null)
        {
            return theirs;
        }

        if (other is null)
        {
            return mine;
        }

        // Ties go to the copy on disk: it is what every other process already sees.
        var (newer, older) = mineRedeemedAt > theirsRedeemedAt ? (ours, other) : (other, ours);
        var merged = new JsonObject();
        foreach (var section in Sections)
        {
            var result = new JsonObject();
            foreach (var source in new[] { older, newer })
            {
                if (source[section] is not JsonObject entries)
                {
                    continue;
                }

                foreach (var (key, value) in entries)
                {
                    if (value is null)
                    {
                        continue;
                    }

                    if (section == "AccessToken" && result[key] is JsonObject existing && ExpiresOn(existing) > ExpiresOn(value))
                    {
                        continue;
                    }

                    result[key] = value.DeepClone();
                }
            }

            if (section == "AccessToken")
            {
                // Each side may hold a token the other's newer one replaced (under another key, with other scopes).
                MsalCacheRepair.RemoveOverlapping(result);
            }

            merged[section] = result;
        }

        foreach (var (key, value) in newer)
        {
            if (!Sections.Contains(key) && value is not null)
            {
                merged[key] = value.DeepClone();
            }
        }

        return System.Text.Encoding.UTF8.GetBytes(merged.ToJsonString());
    }

    private static JsonObject? Parse(byte[] blob)
    {
        if (blob.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(blob) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static long ExpiresOn(JsonNode entry) =>
        long.TryParse(entry["expires_on"]?.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
