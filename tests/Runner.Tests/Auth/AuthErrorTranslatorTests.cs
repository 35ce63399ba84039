using Microsoft.Identity.Client;
using Runner.Auth;

namespace Runner.Tests.Auth;

/// <summary>Every Entra refusal an operator meets becomes the fix in plain words, and exit code 3 only when the partner credential itself is broken.</summary>
public sealed class AuthErrorTranslatorTests
{
    [Theory]
    [InlineData("700082", "The refresh token has expired due to inactivity.", true, AuthProblem.RefreshTokenExpired, "expired after 90 days without use. Run `runner consent`", true)]
    [InlineData("50173", "The provided grant has expired due to it being revoked.", true, AuthProblem.RefreshTokenRevoked, "was revoked", true)]
    [InlineData("50076", "You must use multi-factor authentication.", true, AuthProblem.MfaRequired, "Run `runner consent` and complete the MFA prompt", true)]
    [InlineData("50079", "The user is required to use multi-factor authentication.", false, AuthProblem.MfaRequired, "requires multi-factor authentication", false)]
    [InlineData("65001", "The user or administrator has not consented.", false, AuthProblem.ConsentMissing, "has no consent in tenant", false)]
    [InlineData("65001", "The user or administrator has not consented.", true, AuthProblem.ConsentMissing, "has no consent in tenant", true)]
    [InlineData("50020", "User account does not exist in tenant.", false, AuthProblem.NoTenantAccess, "no active GDAP relationship", false)]
    [InlineData("53003", "Access has been blocked by Conditional Access policies.", false, AuthProblem.ConditionalAccess, "customer's admin must", false)]
    [InlineData("53003", "Access has been blocked by Conditional Access policies.", true, AuthProblem.ConditionalAccess, "Conditional Access policy in the partner tenant", true)]
    [InlineData("7000215", "Invalid client secret provided.", true, AuthProblem.InvalidClientCredential, "client secret or certificate was refused", true)]
    [InlineData("700016", "Application was not found in the directory.", true, AuthProblem.ApplicationMisconfigured, "partner.clientId", true)]
    [InlineData("90002", "Tenant not found.", false, AuthProblem.TenantNotFound, "was not found", false)]
    [InlineData("5000224", "We are sorry, this resource is not available.", false, AuthProblem.TenantNotFound, "was not found", false)]
    // Checked against "Microsoft Entra authentication and authorization error codes":
    [InlineData("70008", "The provided authorization code or refresh token has expired due to inactivity.", true, AuthProblem.RefreshTokenExpired, "expired after 90 days without use", true)]
    [InlineData("90072", "User account from identity provider does not exist in tenant and cannot access the application.", false, AuthProblem.NoTenantAccess, "cannot satisfy the tenant's MFA requirement", false)]
    [InlineData("700003", "Device object was not found in the tenant directory.", true, AuthProblem.RefreshTokenRevoked, "device the partner admin's sign-in was bound to was deleted", true)]
    [InlineData("700025", "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.", true, AuthProblem.ApplicationMisconfigured, "issued to a public client (a device code sign-in). Run `runner consent --device-code`", true)]
    [InlineData("9002313", "Invalid request. Request is malformed or invalid.", true, AuthProblem.RefreshTokenRevoked, "does not accept the stored refresh token", true)]
    public void Each_code_gets_its_problem_fix_and_exit_class(string code, string text, bool partner, AuthProblem problem, string fix, bool needsOperator)
    {
        var error = new MsalUiRequiredException("invalid_grant", $"AADSTS{code}: {text}\r\nTrace ID: 0\r\nCorrelation ID: 0\r\nTimestamp: 2026-01-01 00:00:00Z");

        var translated = AuthErrorTranslator.Translate(error, "contoso.onmicrosoft.com", partner);

        Assert.Equal(problem, translated.Problem);
        Assert.Contains(fix, translated.Message);
        Assert.Equal("AADSTS" + code, translated.Aadsts);
        Assert.Equal(needsOperator, translated.NeedsOperator);
        Assert.DoesNotContain("Trace ID", translated.Message);
    }

    [Theory]
    [InlineData("AADSTS50000: Something new.\r\nTrace ID: 1\r\nCorrelation ID: 2\r\nTimestamp: 2026-01-01 00:00:00Z")]
    [InlineData("AADSTS50000: Something new. Trace ID: 1 Correlation ID: 2 Timestamp: 2026-01-01 00:00:00Z")]
    public void An_unknown_code_keeps_only_the_message_line(string description)
    {
        var translated = AuthErrorTranslator.Translate(new MsalServiceException("invalid_grant", description), "contoso.onmicrosoft.com", isPartnerTenant: false);

        Assert.Equal("Could not get a token for tenant contoso.onmicrosoft.com: AADSTS50000: Something new.", translated.Message);
    }
}
