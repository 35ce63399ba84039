using System.Collections.Concurrent;

namespace Runner.Sandbox.Identity;

/// <summary>What the sandbox's Entra ID changes at run time: revoked sessions, per-tenant refusals, and
/// (when asked) a record of every token it issued so tests can scan for leaks.</summary>
internal sealed class IdentityState
{
    /// <summary>Tokens issued before this instant are refused for the user (a password reset or revocation).</summary>
    public ConcurrentDictionary<Guid, DateTimeOffset> TokensValidFrom { get; } = new();

    /// <summary>Tenants that refuse delegated tokens for a reason other than GDAP: consent, mfa or ca.</summary>
    public ConcurrentDictionary<Guid, TenantRefusal> TenantRefusals { get; } = new();

    /// <summary>Device code sign-ins by user code, from /devicecode until redeemed or expired.</summary>
    public ConcurrentDictionary<string, DeviceAuthorization> DeviceAuthorizations { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Authorization codes already exchanged (by hash), since a code may be redeemed once.</summary>
    public ConcurrentDictionary<string, DateTimeOffset> RedeemedCodes { get; } = new(StringComparer.Ordinal);

    /// <summary>Access tokens issued, by tenant and audience: lets tests prove a client never asked for a token it
    /// should not (e.g. a Partner Center token in a customer tenant).</summary>
    public ConcurrentDictionary<(Guid Tenant, string Audience), long> AccessTokensIssued { get; } = new();

    public bool RecordIssuedTokens { get; set; }

    public ConcurrentQueue<string> IssuedTokens { get; } = new();

    public void Record(string? token)
    {
        if (RecordIssuedTokens && token is not null)
        {
            IssuedTokens.Enqueue(token);
        }
    }
}

/// <summary>Why a tenant refuses tokens for the partner's user.</summary>
public enum TenantRefusal
{
    /// <summary>AADSTS65001: the application has no consent in the tenant.</summary>
    ConsentMissing,

    /// <summary>AADSTS50076: the tenant demands MFA the token does not carry.</summary>
    MfaRequired,

    /// <summary>AADSTS53003: a Conditional Access policy blocks the sign-in.</summary>
    ConditionalAccess,
}
