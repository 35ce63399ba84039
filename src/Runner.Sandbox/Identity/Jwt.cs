using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Runner.Sandbox.Identity;

/// <summary>Writes and checks the compact JWS form of JSON Web Tokens (RS256).</summary>
internal static class Jwt
{
    public static string Sign(JsonObject claims, SigningKeys keys)
    {
        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = "RS256", ["kid"] = keys.KeyId, ["x5t"] = keys.KeyId };
        var signingInput = $"{Base64Url.Encode(Encoding.UTF8.GetBytes(header.ToJsonString()))}.{Base64Url.Encode(Encoding.UTF8.GetBytes(claims.ToJsonString()))}";
        var signature = keys.Rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signingInput}.{Base64Url.Encode(signature)}";
    }

    /// <summary>Returns the claims of a token signed by <paramref name="keys"/>, or null when it is malformed or forged.</summary>
    public static JsonObject? Verify(string token, SigningKeys keys)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var signature = Base64Url.Decode(parts[2]);
            var input = Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
            if (!keys.Rsa.VerifyData(input, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return null;
            }

            return JsonNode.Parse(Base64Url.Decode(parts[1])) as JsonObject;
        }
        catch (Exception e) when (e is FormatException or JsonException or CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Reads the claims without checking a signature (client assertions are checked separately).</summary>
    public static (JsonObject Header, JsonObject Claims)? ReadUnverified(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            return (JsonNode.Parse(Base64Url.Decode(parts[0])) as JsonObject ?? [], JsonNode.Parse(Base64Url.Decode(parts[1])) as JsonObject ?? []);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}
