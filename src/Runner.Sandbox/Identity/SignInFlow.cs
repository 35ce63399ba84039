using System.Security.Cryptography;
using System.Text.Json;

namespace Runner.Sandbox.Identity;

/// <summary>
/// One interactive sign-in in progress, carried between the sign-in pages in a sealed hidden field (as Entra
/// carries its flow token), so the pages need no server-side session and a client cannot skip a step.
/// </summary>
/// <param name="Kind">code (authorization code flow) or device (the device code verification page).</param>
/// <param name="Tenant">The tenant segment the flow started on (GUID, domain, organizations or common).</param>
/// <param name="Stage">password, mfa or consent: the step the next form post completes.</param>
internal sealed record SignInFlow(
    string Kind,
    string Tenant,
    Guid ClientId,
    string Scope,
    string Stage,
    long ExpiresAtUnix,
    string? RedirectUri = null,
    string? ResponseMode = null,
    string? State = null,
    string? Nonce = null,
    string? CodeChallenge = null,
    string? CodeChallengeMethod = null,
    string? LoginHint = null,
    string? UserCode = null,
    Guid? UserId = null,
    bool Mfa = false)
{
    private const string Prefix = "flow.";

    /// <summary>How long a person has to finish signing in, as Entra's flow token allows.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    public string Seal(SigningKeys keys)
    {
        var plain = JsonSerializer.SerializeToUtf8Bytes(this);
        var blob = new byte[12 + plain.Length + 16];
        RandomNumberGenerator.Fill(blob.AsSpan(0, 12));
        using (var aes = new AesGcm(keys.SealKey, 16))
        {
            aes.Encrypt(blob.AsSpan(0, 12), plain, blob.AsSpan(12, plain.Length), blob.AsSpan(12 + plain.Length, 16), "signin"u8);
        }

        return Prefix + Base64Url.Encode(blob);
    }

    public static SignInFlow? Unseal(string? value, SigningKeys keys)
    {
        if (value is null || !value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            var blob = Base64Url.Decode(value[Prefix.Length..]);
            if (blob.Length < 12 + 16 + 2)
            {
                return null;
            }

            var plain = new byte[blob.Length - 28];
            using (var aes = new AesGcm(keys.SealKey, 16))
            {
                aes.Decrypt(blob.AsSpan(0, 12), blob.AsSpan(12, plain.Length), blob.AsSpan(12 + plain.Length, 16), plain, "signin"u8);
            }

            return JsonSerializer.Deserialize<SignInFlow>(plain);
        }
        catch (Exception e) when (e is FormatException or CryptographicException or JsonException)
        {
            return null;
        }
    }
}
