namespace Runner.Auth;

/// <summary>What Runner knows about the stored partner credential, besides the tokens themselves.</summary>
/// <param name="HomeAccountId">MSAL's account id (object id.tenant id) the cache is keyed by.</param>
/// <param name="Username">Who consented, e.g. admin@partner.onmicrosoft.com.</param>
/// <param name="PartnerTenantId">The partner tenant's GUID, learnt from the first token.</param>
/// <param name="ConsentedAt">When the interactive consent (or the first import) happened.</param>
/// <param name="LastRedeemedAt">When a refresh token was last exchanged, i.e. when the newest one was issued.</param>
/// <param name="LastWrittenBackAt">When the newest refresh token was last written to the secret store.</param>
/// <param name="StoredTokenIssuedAt">When the refresh token now in the secret store was issued.</param>
internal sealed record CredentialMetadata(
    string HomeAccountId,
    string Username,
    string PartnerTenantId,
    DateTimeOffset ConsentedAt,
    DateTimeOffset LastRedeemedAt,
    DateTimeOffset? LastWrittenBackAt,
    DateTimeOffset? StoredTokenIssuedAt);
