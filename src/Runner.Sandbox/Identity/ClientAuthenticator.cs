using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Http;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Identity;

/// <summary>Checks a confidential client's secret or signed client assertion, with Entra's error codes.</summary>
internal static class ClientAuthenticator
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>Returns the application, or the error to send. A client without either credential is refused
    /// unless <paramref name="allowPublic"/> (device code flow on an app with public client flows enabled).</summary>
    public static (SandboxApplication? App, EntraError? Error) Authenticate(SandboxContext context, IFormCollection form, string tenantName, bool allowPublic)
    {
        var clientId = form["client_id"].ToString();
        var app = context.Directory.Application;
        if (!Guid.TryParse(clientId, out var id) || id != app.ClientId)
        {
            return (null, string.IsNullOrEmpty(clientId)
                ? EntraError.MissingParameter("client_id")
                : EntraError.UnknownApplication(clientId, tenantName));
        }

        var secret = form["client_secret"].ToString();
        var assertion = form["client_assertion"].ToString();
        if (secret.Length > 0)
        {
            var matches = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(app.ClientSecret));
            return matches ? (app, null) : (null, EntraError.InvalidSecret(app.ClientId));
        }

        if (assertion.Length > 0)
        {
            if (form["client_assertion_type"] != AssertionType)
            {
                return (null, EntraError.InvalidAssertion("client_assertion_type must be " + AssertionType + "."));
            }

            var failure = CheckAssertion(context, app, assertion);
            return failure is null ? (app, null) : (null, EntraError.InvalidAssertion(failure));
        }

        return allowPublic ? (app, null) : (null, EntraError.MissingClientCredential());
    }

    private static string? CheckAssertion(SandboxContext context, SandboxApplication app, string assertion)
    {
        if (Jwt.ReadUnverified(assertion) is not var (header, claims))
        {
            return "The assertion is not a JWT.";
        }

        var thumbprint = (string?)header["x5t#S256"] ?? (string?)header["x5t"];
        if (thumbprint is null || !app.Certificates.TryGetValue(thumbprint, out var certificate))
        {
            return $"Key was not found. Thumbprint of key used by client: '{thumbprint}'. Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '{app.ClientId}'.";
        }

        var parts = assertion.Split('.');
        var algorithm = (string?)header["alg"];
        var padding = algorithm switch
        {
            "RS256" => RSASignaturePadding.Pkcs1,
            "PS256" => RSASignaturePadding.Pss,
            _ => null,
        };
        using var rsa = certificate.GetRSAPublicKey();
        if (padding is null || rsa is null ||
            !rsa.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Base64Url.Decode(parts[2]), HashAlgorithmName.SHA256, padding))
        {
            return "The signature does not verify with the registered certificate.";
        }

        if ((string?)claims["sub"] != app.ClientId.ToString() || (string?)claims["iss"] != app.ClientId.ToString())
        {
            return "The assertion's iss and sub must be the client id.";
        }

        var now = context.Clock.GetUtcNow().ToUnixTimeSeconds();
        // MSAL writes exp as a JSON string, other libraries as a number; Entra accepts both.
        if (!long.TryParse(claims["exp"]?.ToString(), out var exp) || exp < now - 300)
        {
            return "The assertion has expired.";
        }

        return null;
    }

    /// <summary>The thumbprints a registered certificate is known by (SHA-1 and SHA-256, base64url).</summary>
    public static IEnumerable<string> Thumbprints(X509Certificate2 certificate)
    {
        yield return Base64Url.Encode(certificate.GetCertHash(HashAlgorithmName.SHA1));
        yield return Base64Url.Encode(certificate.GetCertHash(HashAlgorithmName.SHA256));
    }
}
