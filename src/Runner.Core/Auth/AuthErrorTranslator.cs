using System.Text.RegularExpressions;
using Microsoft.Identity.Client;

namespace Runner.Auth;

/// <summary>
/// Turns MSAL's exceptions into <see cref="TokenAcquisitionException"/> with the operator's fix in plain words. Each
/// code's meaning is as Microsoft's reference "Microsoft Entra authentication and authorization error codes" gives it.
/// </summary>
internal static partial class AuthErrorTranslator
{
    public static TokenAcquisitionException Translate(Exception error, string tenant, bool isPartnerTenant)
    {
        var description = error switch
        {
            MsalServiceException s => s.Message,
            _ => error.Message,
        };
        var match = AadstsPattern().Match(description);
        var code = match.Success ? match.Groups[1].Value : null;
        var aadsts = code is null ? null : "AADSTS" + code;
        var status = (error as MsalServiceException)?.StatusCode ?? 0;

        (AuthProblem problem, string message) = code switch
        {
            // 700082: expired due to inactivity (90 days); 70008 ExpiredOrRevokedGrant: "The refresh token has expired
            // due to inactivity".
            "700082" or "70008" => (AuthProblem.RefreshTokenExpired,
                "The refresh token expired after 90 days without use. Run `runner consent` to sign in again, then keep `runner host` (or a daily `runner auth refresh`) running so it never lapses."),
            // 50173 FreshTokenNeeded (revoked, e.g. password change), 50133 SsoArtifactRevoked, 70000 InvalidGrant.
            "50173" or "70000" or "50133" => (AuthProblem.RefreshTokenRevoked,
                "The stored refresh token was revoked (for example after a password reset or a sign-out everywhere). Run `runner consent` to sign in again."),
            // 9002313: "Invalid request. Request is malformed or invalid" — here: the stored token is not one this
            // token service issued (another app, another sandbox, or damaged).
            "9002313" => (AuthProblem.RefreshTokenRevoked,
                "The token service does not accept the stored refresh token as one it issued (malformed, damaged, or from another app registration or sandbox). Run `runner consent` to sign in again."),
            // 700003 DeviceNotFound: "Device object was not found in the tenant directory" — the device the sign-in
            // was bound to was deleted, so the refresh token is dead.
            "700003" => (AuthProblem.RefreshTokenRevoked,
                "The device the partner admin's sign-in was bound to was deleted from the directory, so the stored refresh token no longer works. Run `runner consent` to sign in again."),
            // 700025 InvalidClientPublicClientWithCredential: a public client's token redeemed with a secret.
            "700025" => (AuthProblem.ApplicationMisconfigured,
                "Entra refused to redeem the stored refresh token with the app's secret or certificate because it was issued to a public client (a device code sign-in). Run `runner consent --device-code` again (Runner records how the token was obtained and redeems it without the secret), or `runner consent` in a browser."),
            // 90072 PassThroughUserMfaError: the external (partner) account does not exist in the tenant signed into,
            // so it cannot satisfy that tenant's MFA requirement.
            "90072" => (AuthProblem.NoTenantAccess, isPartnerTenant
                ? "The signed-in account does not exist in the partner tenant (it is an external account there), so it cannot satisfy the tenant's MFA requirement. Run `runner consent` as a member admin of the partner tenant."
                : $"The partner's admin account does not exist in tenant {tenant} as a member or guest, so it cannot satisfy the tenant's MFA requirement: there is no working GDAP relationship for it, or the customer's policies require MFA the partner sign-in cannot provide."),
            "50076" or "50079" or "50074" => (AuthProblem.MfaRequired, isPartnerTenant
                ? "Multi-factor authentication is required. Run `runner consent` and complete the MFA prompt."
                : $"Tenant {tenant} requires multi-factor authentication that the stored sign-in does not satisfy. Run `runner consent` with MFA, or check the customer's Conditional Access policies for partner access."),
            "65001" => (AuthProblem.ConsentMissing,
                $"The partner application has no consent in tenant {tenant}. Grant it (for example through Partner Center application consent / the GDAP access assignment), then run again."),
            "50020" or "50177" => (AuthProblem.NoTenantAccess,
                $"The partner's admin has no access to tenant {tenant}: there is no active GDAP relationship, or the user is not in a security group assigned to it."),
            "500011" => (AuthProblem.ConsentMissing,
                $"The API's service principal is missing in tenant {tenant}: the partner application was never consented there."),
            "53003" => (AuthProblem.ConditionalAccess, isPartnerTenant
                ? "A Conditional Access policy in the partner tenant blocks this sign-in. Ask the security admin to allow it for the Runner app, then run `runner consent`."
                : $"A Conditional Access policy in tenant {tenant} blocks partner access. The customer's admin must exclude or allow service-provider users."),
            "90002" or "5000224" => (AuthProblem.TenantNotFound,
                $"Tenant {tenant} was not found; it may have been deleted. Refresh the customer list with --refresh-tenants."),
            "7000215" or "7000218" or "700027" or "7000222" => (AuthProblem.InvalidClientCredential,
                "The partner application's client secret or certificate was refused (wrong, expired or deleted). Put a current one in the secret store (`runner secret set app-secret`) and check partner.clientSecret in runner.yaml."),
            "700016" or "70001" or "700054" or "50011" => (AuthProblem.ApplicationMisconfigured,
                "The partner application's registration does not match runner.yaml (application id, tenant or redirect URI). Check partner.clientId and partner.tenant."),
            _ when status is >= 500 or 429 || error is HttpRequestException || error is TaskCanceledException || (error as MsalServiceException)?.ErrorCode is "service_not_available" or "request_timeout" =>
                (AuthProblem.ServiceUnavailable, $"The token service did not answer for tenant {tenant} ({Short(description)}); this is usually temporary."),
            _ => (AuthProblem.Other, $"Could not get a token for tenant {tenant}: {Short(description)}"),
        };

        var needsOperator = problem switch
        {
            AuthProblem.RefreshTokenExpired or AuthProblem.RefreshTokenRevoked or AuthProblem.InvalidClientCredential or AuthProblem.ApplicationMisconfigured or AuthProblem.CredentialMissing => true,
            AuthProblem.MfaRequired or AuthProblem.ConditionalAccess or AuthProblem.ConsentMissing or AuthProblem.NoTenantAccess => isPartnerTenant,
            _ => false,
        };
        if (aadsts is not null && !message.Contains(aadsts, StringComparison.Ordinal))
        {
            message = $"{message} ({aadsts})";
        }

        return new TokenAcquisitionException(problem, tenant, message, aadsts, needsOperator, error);
    }

    /// <summary>The message of a service answer without the trace id, correlation id and timestamp Entra appends
    /// (after CRLF, or after a space in older answers).</summary>
    internal static string Short(string description)
    {
        var end = description.IndexOfAny(['\r', '\n']);
        var text = end >= 0 ? description[..end] : description;
        var trace = text.IndexOf(" Trace ID:", StringComparison.Ordinal);
        text = trace > 0 ? text[..trace] : text;
        text = text.TrimEnd();
        return text.Length > 300 ? text[..300] + "…" : text;
    }

    [GeneratedRegex(@"AADSTS(\d{4,8})")]
    private static partial Regex AadstsPattern();
}
