using System.Text.Json;

namespace Runner.Auth;

/// <summary>Reads the exp claim of a JWT access token without validating it (only to know when to ask for a new one).</summary>
internal static class AccessTokenExpiry
{
    public static DateTimeOffset? Read(string accessToken)
    {
        var parts = accessToken.Split('.');
        if (parts.Length != 3 || parts[1].Length == 0)
        {
            return null;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload += new string('=', (4 - payload.Length % 4) % 4);
            using var document = JsonDocument.Parse(Convert.FromBase64String(payload));
            return document.RootElement.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return null;
        }
    }
}
