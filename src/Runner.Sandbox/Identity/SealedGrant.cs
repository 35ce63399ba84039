using System.Security.Cryptography;
using System.Text.Json;

namespace Runner.Sandbox.Identity;

/// <summary>What a refresh token or authorization code stands for. Sealed with AES-GCM into the opaque
/// string the client holds, so validity needs no server-side table (as with Entra's own tokens).</summary>
internal sealed record SealedGrant(
    string Kind,
    Guid UserId,
    Guid ClientId,
    long IssuedAtUnix,
    bool Mfa,
    string? Scope = null,
    string? RedirectUri = null,
    string? CodeChallenge = null,
    Guid? TenantId = null,
    string? Nonce = null,
    string? CodeChallengeMethod = null,
    string? UserCode = null,
    bool PublicClient = false)
{
    public DateTimeOffset IssuedAt => DateTimeOffset.FromUnixTimeSeconds(IssuedAtUnix);

    public string Seal(SigningKeys keys, string prefix)
    {
        var plain = JsonSerializer.SerializeToUtf8Bytes(this);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(keys.SealKey, 16))
        {
            aes.Encrypt(nonce, plain, cipher, tag);
        }

        var blob = new byte[12 + cipher.Length + 16];
        nonce.CopyTo(blob, 0);
        cipher.CopyTo(blob, 12);
        tag.CopyTo(blob, 12 + cipher.Length);
        return prefix + Base64Url.Encode(blob);
    }

    public static SealedGrant? Unseal(string value, SigningKeys keys, string prefix)
    {
        if (!value.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            var blob = Base64Url.Decode(value[prefix.Length..]);
            if (blob.Length < 12 + 16 + 2)
            {
                return null;
            }

            var plain = new byte[blob.Length - 28];
            using (var aes = new AesGcm(keys.SealKey, 16))
            {
                aes.Decrypt(blob.AsSpan(0, 12), blob.AsSpan(12, plain.Length), blob.AsSpan(12 + plain.Length, 16), plain);
            }

            return JsonSerializer.Deserialize<SealedGrant>(plain);
        }
        catch (Exception e) when (e is FormatException or CryptographicException or JsonException)
        {
            return null;
        }
    }
}
