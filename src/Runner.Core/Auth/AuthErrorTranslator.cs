using System.Text.RegularExpressions;
using Microsoft.Identity.Client;

namespace Runner.Auth;

/// <summary>Turns MSAL's exceptions into <see cref="TokenAcquisitionException"/> with the operator's fix in plain words.</summary>
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
            "700082" => (AuthProblem.RefreshTokenExpired,
                "The refresh token expired after 90 days without use. Run `runner consent` to sign in again, then keep `runner host` (or a daily `runner auth refresh`) running so it never lapses."),
            "50173" or "70008" or "70000" or "9002313" or "50133" => (AuthProblem.RefreshTokenRevoked,
                "The stored refresh token was revoked (for example after a password reset or a sign-out everywhere). Run `runner consent` to sign in again."),
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
            "90002" or "700003" or "5000224" or "90072" => (AuthProblem.TenantNotFound,
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

    /// <summary>The first sentence of a service message, without trace ids and timestamps.</summary>
    private static string Short(string description)
    {
        var trace = description.IndexOf(" Trace ID:", StringComparison.Ordinal);
        var text = trace > 0 ? description[..trace] : description;
        return text.Length > 300 ? text[..300] + "…" : text;
    }

    [GeneratedRegex(@"AADSTS(\d{4,8})")]
    private static partial Regex AadstsPattern();
}
