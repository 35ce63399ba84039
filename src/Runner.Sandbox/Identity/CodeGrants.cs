using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Identity;

/// <summary>
/// The token endpoint's interactive grants: authorization_code (with the redirect URI and PKCE checked, each code
/// redeemable once within 10 minutes) and device_code (short form and the RFC 8628 URN), polled until the person
/// finishes on the verification page.
/// </summary>
internal sealed class CodeGrants(SandboxContext context, TokenEndpoint tokens)
{
    public const string DeviceCodeUrn = "urn:ietf:params:oauth:grant-type:device_code";

    /// <summary>Entra's authorization codes live about ten minutes.</summary>
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);

    public IResult AuthorizationCode(HttpContext http, string tenantName, IFormCollection form)
    {
        var now = context.Clock.GetUtcNow();
        var (app, clientError) = ClientAuthenticator.Authenticate(context, form, tenantName, allowPublic: false);
        if (app is null)
        {
            return clientError!.ToResult(http, now);
        }

        var value = form["code"].ToString();
        if (value.Length == 0)
        {
            return EntraError.MissingParameter("code").ToResult(http, now);
        }

        if (context.Issuer.ReadCode(value) is not { Kind: "code" } grant || grant.ClientId != app.ClientId)
        {
            return EntraError.CodeInvalid().ToResult(http, now);
        }

        if (now - grant.IssuedAt > CodeLifetime)
        {
            return EntraError.CodeExpired().ToResult(http, now);
        }

        var redirect = form["redirect_uri"].ToString();
        if (!SameRedirect(redirect, grant.RedirectUri))
        {
            return (redirect.Length == 0 ? EntraError.MissingParameter("redirect_uri") : EntraError.ReplyAddressMismatch(redirect, grant.RedirectUri ?? "")).ToResult(http, now);
        }

        if (grant.CodeChallenge is not null && !Pkce.Verify(grant.CodeChallenge, grant.CodeChallengeMethod, form["code_verifier"]))
        {
            return EntraError.CodeVerifierMismatch().ToResult(http, now);
        }

        var key = Convert.ToHexString(SHA256.HashData(Encoding.ASCII.GetBytes(value)));
        if (!context.Identity.RedeemedCodes.TryAdd(key, now))
        {
            return EntraError.CodeRedeemed().ToResult(http, now);
        }

        var user = context.Directory.PartnerAdmin.Id == grant.UserId ? context.Directory.PartnerAdmin : null;
        if (user is null)
        {
            return EntraError.CodeInvalid().ToResult(http, now);
        }

        if (context.Identity.TokensValidFrom.TryGetValue(user.Id, out var validFrom) && grant.IssuedAt < validFrom)
        {
            return EntraError.GrantRevoked(grant.IssuedAt, validFrom).ToResult(http, now);
        }

        var scope = form["scope"].ToString();
        return tokens.IssueForUser(http, tenantName, scope.Length > 0 ? scope : grant.Scope, user, app, grant.Mfa, grant.Nonce);
    }

    public IResult DeviceCode(HttpContext http, string tenantName, IFormCollection form)
    {
        var now = context.Clock.GetUtcNow();
        var (app, clientError) = ClientAuthenticator.Authenticate(context, form, tenantName, allowPublic: true);
        if (app is null)
        {
            return clientError!.ToResult(http, now);
        }

        var value = form["device_code"].ToString();
        if (value.Length == 0)
        {
            value = form["code"].ToString();
        }

        if (value.Length == 0)
        {
            return EntraError.MissingParameter("device_code").ToResult(http, now);
        }

        var grant = SealedGrant.Unseal(value, context.Keys, DeviceCodeEndpoints.DevicePrefix);
        if (grant is not { Kind: "device", UserCode: { } userCode } || grant.ClientId != app.ClientId ||
            !context.Identity.DeviceAuthorizations.TryGetValue(userCode, out var device))
        {
            return EntraError.BadVerificationCode().ToResult(http, now);
        }

        if (device.ExpiresAt <= now && device.Status != "approved")
        {
            context.Identity.DeviceAuthorizations.TryRemove(userCode, out _);
            return EntraError.DeviceCodeExpired().ToResult(http, now);
        }

        switch (device.Status)
        {
            case "pending":
                return EntraError.AuthorizationPending().ToResult(http, now);
            case "declined":
                context.Identity.DeviceAuthorizations.TryRemove(userCode, out _);
                return EntraError.DeviceCodeDeclined().ToResult(http, now);
        }

        // Approved: the first poll after approval gets the tokens; the device code is then spent.
        if (!context.Identity.DeviceAuthorizations.TryRemove(new KeyValuePair<string, DeviceAuthorization>(userCode, device)))
        {
            return EntraError.BadVerificationCode().ToResult(http, now);
        }

        var user = context.Directory.PartnerAdmin;
        var scope = form["scope"].ToString();
        return tokens.IssueForUser(http, tenantName, scope.Length > 0 ? scope : device.Scope, user, app, device.Mfa, nonce: null, publicClient: true);
    }

    /// <summary>The redirect URI must be the one the code was requested with (a trailing slash aside).</summary>
    private static bool SameRedirect(string given, string? original) =>
        original is not null && given.Length > 0 &&
        (string.Equals(given, original, StringComparison.Ordinal) || string.Equals(given.TrimEnd('/'), original.TrimEnd('/'), StringComparison.Ordinal));
}
