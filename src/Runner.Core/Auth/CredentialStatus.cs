using Runner.Configuration;
using Runner.Secrets;

namespace Runner.Auth;

/// <summary>How healthy the partner credential is.</summary>
internal enum CredentialHealth
{
    /// <summary>More than auth.warnDays left before the 90-day limit.</summary>
    Healthy,

    /// <summary>auth.warnDays or fewer left: refresh soon (runner auth refresh, or keep runner host running).</summary>
    ExpiringSoon,

    /// <summary>The newest refresh token went 90 days without use: run runner consent.</summary>
    Expired,

    /// <summary>No refresh token has been stored: run runner consent.</summary>
    Missing,
}

/// <summary>
/// The partner credential at a glance: who consented and when, when the refresh token was last redeemed and
/// written back, where it is stored, and how long until 90 days without use make it expire.
/// </summary>
internal sealed record CredentialStatus(
    CredentialHealth Health,
    string? Username,
    DateTimeOffset? ConsentedAt,
    DateTimeOffset? LastRedeemedAt,
    DateTimeOffset? LastWrittenBackAt,
    DateTimeOffset? StoredTokenIssuedAt,
    DateTimeOffset? ExpiresAt,
    int? DaysLeft,
    string Store,
    DateTimeOffset? LastWriteBackFailedAt,
    string? LastWriteBackError,
    string? StoreError,
    int WarnDays)
{
    /// <summary>Entra expires a refresh token after this long without use.</summary>
    public static readonly TimeSpan Inactivity = TimeSpan.FromDays(90);

    /// <summary>
    /// Combines the local token cache's metadata with the stored secret's tags. The credential lives as long as the
    /// newest refresh token either holds: both are valid until 90 days after they were issued.
    /// </summary>
    public static CredentialStatus From(CredentialMetadata? local, StoredSecret? stored, string store, AuthSettings settings, DateTimeOffset now, string? storeError)
    {
        var storedIssued = stored is null ? null : CredentialStore.IssuedAt(stored);
        var redeemed = Max(local?.LastRedeemedAt, storedIssued);
        if (redeemed is null)
        {
            return new CredentialStatus(CredentialHealth.Missing, null, null, null, null, null, null, null, store, null, null, storeError, settings.WarnDays);
        }

        var expires = redeemed.Value + Inactivity;
        var daysLeft = (int)Math.Floor((expires - now).TotalDays);
        var health = now >= expires ? CredentialHealth.Expired
            : daysLeft <= settings.WarnDays ? CredentialHealth.ExpiringSoon
            : CredentialHealth.Healthy;
        var username = local?.Username ?? (stored is not null && stored.Tags.TryGetValue(CredentialStore.UsernameTag, out var u) ? u : null);
        var consented = Max(local?.ConsentedAt, stored is null ? null : CredentialStore.ConsentedAt(stored));
        var written = local?.LastWrittenBackAt ?? (stored?.UpdatedOn is { } updated && updated != DateTimeOffset.MinValue ? updated : null);
        return new CredentialStatus(health, username, consented, redeemed, written, storedIssued ?? local?.StoredTokenIssuedAt, expires, Math.Max(daysLeft, 0),
            store, local?.LastWriteBackFailedAt, local?.LastWriteBackError, storeError, settings.WarnDays);
    }

    /// <summary>When the copy in the secret store (what a fresh machine or another node starts from) expires, if it expires sooner.</summary>
    public DateTimeOffset? StoredCopyExpiresAt => StoredTokenIssuedAt + Inactivity;

    private static DateTimeOffset? Max(DateTimeOffset? x, DateTimeOffset? y) =>
        x is null ? y : y is null ? x : x >= y ? x : y;
}
