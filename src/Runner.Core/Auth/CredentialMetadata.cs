namespace Runner.Auth;

/// <summary>What Runner knows about the stored partner credential, besides the tokens themselves.</summary>
/// <param name="HomeAccountId">MSAL's account id (object id.tenant id) the cache is keyed by.</param>
/// <param name="Username">Who consented, e.g. admin@partner.onmicrosoft.com.</param>
/// <param name="PartnerTenantId">The partner tenant's GUID, learnt from the first token.</param>
/// <param name="ConsentedAt">When the interactive consent (or the first import) happened.</param>
/// <param name="LastRedeemedAt">When a refresh token was last exchanged, i.e. when the newest one was issued.</param>
/// <param name="LastWrittenBackAt">When the newest refresh token was last written to the secret store.</param>
/// <param name="StoredTokenIssuedAt">When the refresh token now in the secret store was issued.</param>
/// <param name="LastWriteBackFailedAt">When writing the rotated token to the secret store last failed, if after the last success.</param>
/// <param name="LastWriteBackError">Why it failed, in plain words (never a secret).</param>
/// <param name="PublicClient">True when the refresh token came from a public client flow (device code): Entra then
/// redeems it only without the client secret or certificate (AADSTS700025 otherwise), so every exchange must be made
/// as a public client.</param>
internal sealed record CredentialMetadata(
    string HomeAccountId,
    string Username,
    string PartnerTenantId,
    DateTimeOffset ConsentedAt,
    DateTimeOffset LastRedeemedAt,
    DateTimeOffset? LastWrittenBackAt,
    DateTimeOffset? StoredTokenIssuedAt,
    DateTimeOffset? LastWriteBackFailedAt = null,
    string? LastWriteBackError = null,
    bool PublicClient = false)
{
    /// <summary>Combines what two processes know about the same account: the latest of every instant.</summary>
    public static CredentialMetadata Newest(CredentialMetadata a, CredentialMetadata b)
    {
        var consent = a.ConsentedAt >= b.ConsentedAt ? a : b;
        var written = Max(a.LastWrittenBackAt, b.LastWrittenBackAt);
        var failure = a.LastWriteBackFailedAt >= (b.LastWriteBackFailedAt ?? DateTimeOffset.MinValue) ? a : b;
        var failedAt = failure.LastWriteBackFailedAt is { } f && (written is null || f > written) ? f : (DateTimeOffset?)null;
        return consent with
        {
            LastRedeemedAt = a.LastRedeemedAt >= b.LastRedeemedAt ? a.LastRedeemedAt : b.LastRedeemedAt,
            LastWrittenBackAt = written,
            StoredTokenIssuedAt = Max(a.StoredTokenIssuedAt, b.StoredTokenIssuedAt),
            LastWriteBackFailedAt = failedAt,
            LastWriteBackError = failedAt is null ? null : failure.LastWriteBackError,
        };
    }

    private static DateTimeOffset? Max(DateTimeOffset? x, DateTimeOffset? y) =>
        x is null ? y : y is null ? x : x >= y ? x : y;
}
