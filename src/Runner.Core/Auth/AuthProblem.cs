namespace Runner.Auth;

/// <summary>Why a token could not be had, in the categories an operator acts on.</summary>
public enum AuthProblem
{
    /// <summary>No refresh token has been stored yet: consent has not happened.</summary>
    CredentialMissing,

    /// <summary>AADSTS700082 (or 70008): the refresh token went 90 days without use.</summary>
    RefreshTokenExpired,

    /// <summary>AADSTS50173 and other invalid_grant: revoked, e.g. after a password reset.</summary>
    RefreshTokenRevoked,

    /// <summary>AADSTS50076/50079: multi-factor authentication is required.</summary>
    MfaRequired,

    /// <summary>AADSTS65001: the application has no consent in the tenant.</summary>
    ConsentMissing,

    /// <summary>AADSTS50020/50177: the partner's user has no (GDAP) access to the tenant.</summary>
    NoTenantAccess,

    /// <summary>AADSTS53003: blocked by Conditional Access.</summary>
    ConditionalAccess,

    /// <summary>AADSTS90002, 700003, 5000224: the tenant does not exist (any more).</summary>
    TenantNotFound,

    /// <summary>AADSTS7000215/7000218/700027: the client secret or certificate is wrong.</summary>
    InvalidClientCredential,

    /// <summary>AADSTS700016 and similar: the app id or registration is wrong.</summary>
    ApplicationMisconfigured,

    /// <summary>The token service did not answer, answered 5xx or throttled (429).</summary>
    ServiceUnavailable,

    /// <summary>runner consent did not finish: declined, timed out, or the browser never came back.</summary>
    ConsentNotCompleted,

    /// <summary>Anything else; the AADSTS code says more.</summary>
    Other,
}
