using System.Text.Json;

namespace Runner.Auth;

/// <summary>
/// Reads the refresh token out of MSAL's serialized cache (the documented MsalV3 JSON), to keep a copy in the
/// secret store. MSAL rotates it on every exchange and keeps exactly one per account.
/// </summary>
internal static class RefreshTokenReader
{
    public static string? Read(byte[] msalCache, string? homeAccountId)
    {
        if (msalCache.Length == 0)
        {
            return null;
        }

        using var document = JsonDocument.Parse(msalCache);
        if (!document.RootElement.TryGetProperty("RefreshToken", out var tokens) || tokens.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var entry in tokens.EnumerateObject())
        {
            var item = entry.Value;
            if (homeAccountId is not null && item.TryGetProperty("home_account_id", out var account) &&
                !string.Equals(account.GetString(), homeAccountId, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (item.TryGetProperty("secret", out var secret) && secret.GetString() is { Length: > 0 } value)
            {
                return value;
            }
        }

        return null;
    }
}
