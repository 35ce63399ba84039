using System.Text.Json;

namespace Runner.Auth;

/// <summary>
/// Reads the refresh token out of MSAL's serialized cache (the documented MsalV3 JSON), to keep a copy in the
/// secret store. MSAL rotates it on every exchange and keeps exactly one per account.
/// </summary>
internal static class RefreshTokenReader
{
    public static string? Read(ReadOnlySpan<byte> msalCache, string? homeAccountId)
    {
        if (msalCache.Length == 0)
        {
            return null;
        }

        foreach (var entry in MsalJson.Entries(msalCache, "RefreshToken"))
        {
            if (entry.Key is null)
            {
                continue;
            }

            var item = entry.Value(msalCache);
            if (homeAccountId is not null && MsalJson.Field(item, "home_account_id"u8) is { } account &&
                !string.Equals(account, homeAccountId, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (MsalJson.Field(item, "secret"u8) is { Length: > 0 } value)
            {
                return value;
            }
        }

        return null;
    }
}
