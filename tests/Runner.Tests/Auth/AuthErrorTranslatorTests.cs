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
    public void Each_code_gets_its_problem_fix_and_exit_class(string code, string text, bool partner, AuthProblem problem, string fix, bool needsOperator)
    {
        var error = new MsalUiRequiredException("invalid_grant", $"AADSTS{code}: {text} Trace ID: 0 Correlation ID: 0 Timestamp: 2026-01-01 00:00:00Z");

        var translated = AuthErrorTranslator.Translate(error, "contoso.onmicrosoft.com", partner);

        Assert.Equal(problem, translated.Problem);
        Assert.Contains(fix, translated.Message);
        Assert.Equal("AADSTS" + code, translated.Aadsts);
        Assert.Equal(needsOperator, translated.NeedsOperator);
        Assert.DoesNotContain("Trace ID", translated.Message);
    }
}
