using System.Security.Cryptography;
using System.Text;

namespace Runner.Sandbox.Identity;

/// <summary>RFC 7636 proof key checks, with Entra's error codes.</summary>
internal static class Pkce
{
    /// <summary>Null when the challenge parameters are acceptable, else the error to redirect with.</summary>
    public static EntraError? CheckChallenge(string? challenge, string? method)
    {
        if (string.IsNullOrEmpty(challenge))
        {
            return string.IsNullOrEmpty(method) ? null : EntraError.InvalidCodeChallengeMethod();
        }

        if (method is not (null or "" or "S256" or "plain"))
        {
            return EntraError.InvalidCodeChallengeMethod();
        }

        return challenge.Length is < 43 or > 128 ? EntraError.InvalidCodeChallengeSize() : null;
    }

    public static bool Verify(string challenge, string? method, string? verifier)
    {
        if (string.IsNullOrEmpty(verifier))
        {
            return false;
        }

        var expected = method is "plain" ? verifier : Base64Url.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(challenge));
    }
}
