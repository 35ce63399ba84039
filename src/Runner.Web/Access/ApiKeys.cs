using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Runner.Secrets;

namespace Runner.Web.Access;

/// <summary>An API key as stored: its name and role (the key itself is never stored, only its SHA-256).</summary>
internal sealed record ApiKey(string Name, ConsoleRole Role, DateTimeOffset CreatedAt);

/// <summary>
/// API keys live in the configured secret store as `apikey-NAME` (so every node of a cluster, and Key Vault in
/// production, shares them): the value is the SHA-256 of the key, tags hold the role. A key reads `rk_NAME_RANDOM`,
/// so checking one is a single lookup. Shown once, at creation; revoking deletes the entry.
/// </summary>
internal static class ApiKeys
{
    private const string Prefix = "apikey-";

    /// <summary>What a revoked key's entry holds instead of a hash (never the hash of any key: not hex).</summary>
    private const string Revoked = "revoked";

    public static async Task<string> CreateAsync(ISecretStore store, string name, ConsoleRole role, DateTimeOffset now, CancellationToken cancellation)
    {
        if (!SecretNames.IsValid(Prefix + name) || name.Contains('_', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a valid key name: use letters, digits and dashes.", nameof(name));
        }

        var key = $"rk_{name}_{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '-')}";
        await store.SetAsync(Prefix + name, Hash(key), new Dictionary<string, string>
        {
            ["role"] = role.ToString(),
            ["createdAt"] = now.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
        }, null, cancellation);
        return key;
    }

    public static async Task<ApiKey?> VerifyAsync(ISecretStore store, string key, CancellationToken cancellation)
    {
        var parts = key.Split('_', 3);
        if (parts is not ["rk", var name, _] || !SecretNames.IsValid(Prefix + name) || await store.GetAsync(Prefix + name, cancellation) is not { } stored)
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(key)), Encoding.ASCII.GetBytes(stored.Value)))
        {
            return null;
        }

        var role = Enum.TryParse<ConsoleRole>(stored.Tags.GetValueOrDefault("role"), out var parsed) ? parsed : ConsoleRole.Viewer;
        return new ApiKey(name, role, stored.UpdatedOn);
    }

    /// <summary>Revokes a key: its hash is replaced, so the key no longer verifies (the entry stays, marked, for the record).</summary>
    public static async Task<bool> RevokeAsync(ISecretStore store, string name, DateTimeOffset now, CancellationToken cancellation)
    {
        if (!SecretNames.IsValid(Prefix + name) || await store.GetAsync(Prefix + name, cancellation) is not { } stored || stored.Value == Revoked)
        {
            return false;
        }

        await store.SetAsync(Prefix + name, Revoked, new Dictionary<string, string>(stored.Tags) { ["revokedAt"] = now.ToString("o", System.Globalization.CultureInfo.InvariantCulture) }, null, cancellation);
        return true;
    }

    public static string? FromRequest(HttpRequest request)
    {
        if (request.Headers.Authorization.ToString() is { Length: > 7 } header && header.StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase))
        {
            return header[7..].Trim();
        }

        return request.Headers.TryGetValue("X-Api-Key", out var value) && value.ToString().Length > 0 ? value.ToString() : null;
    }

    private static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
