using System.Globalization;
using Microsoft.Extensions.Logging;
using Runner.Configuration;
using Runner.Redaction;
using Runner.Secrets;
using Runner.State;

namespace Runner.Auth;

/// <summary>
/// Keeps the partner credential: the local token cache (every exchange) and the refresh token in the secret
/// store (the durable copy a new machine or cluster node starts from). Write-back follows the store: the local
/// store on every rotation; Key Vault at most once per interval, but always when its copy is getting old.
/// Processes that save at the same time merge their caches under a file lock, keeping the newest refresh token;
/// before writing to the secret store the stored copy is read back, and one issued later is never overwritten.
/// A failed write-back is recorded and retried next time; the working token in the local cache is never lost.
/// </summary>
internal sealed class CredentialStore(
    TokenCacheFile cache,
    ISecretStore store,
    AuthSettings settings,
    SecretRedactor redactor,
    TimeProvider time,
    ILogger log)
{
    public const string RefreshTokenSecret = "partner-refresh-token";
    public const string ConsentedAtTag = "consentedAt";
    public const string IssuedAtTag = "issuedAt";
    public const string UsernameTag = "username";

    /// <summary>How the stored refresh token was obtained: "public" (device code) or "confidential" (browser consent).
    /// A new machine that starts from the secret store must redeem it the same way.</summary>
    public const string ClientTypeTag = "clientType";

    public string StoreDescription => $"{store.Kind} secret store, {store.Location}";

    public ISecretStore Store => store;

    public TokenCacheFile Cache => cache;

    public AuthSettings Settings => settings;

    public TokenCacheFile.Contents? LoadCache() => cache.Read();

    public async Task<StoredSecret?> ReadRefreshTokenAsync(CancellationToken cancellationToken)
    {
        var secret = await store.GetAsync(RefreshTokenSecret, cancellationToken);
        redactor.Add(secret?.Value);
        return secret;
    }

    /// <summary>When the stored refresh token was issued, from its tags (or its last update).</summary>
    public static DateTimeOffset? IssuedAt(StoredSecret secret) =>
        Tag(secret, IssuedAtTag) ?? (secret.UpdatedOn == DateTimeOffset.MinValue ? null : secret.UpdatedOn);

    /// <summary>True when the stored refresh token came from a public client flow (device code consent).</summary>
    public static bool IsPublicClient(StoredSecret secret) =>
        secret.Tags.TryGetValue(ClientTypeTag, out var type) && string.Equals(type, "public", StringComparison.OrdinalIgnoreCase);

    /// <summary>When the consent behind the stored refresh token happened, from its tags.</summary>
    public static DateTimeOffset? ConsentedAt(StoredSecret secret) => Tag(secret, ConsentedAtTag);

    /// <summary>
    /// Saves a cache snapshot (merged with what another process saved meanwhile), then writes the newest refresh
    /// token back when the policy says so or <paramref name="forceWriteBack"/> asks. <paramref name="metadata"/>'s
    /// LastRedeemedAt must be when this process's own refresh token was issued. <paramref name="basis"/> is the
    /// version of the file the snapshot grew from: when the file on disk is still that one, no other process saved
    /// meanwhile and the snapshot is written as it is (merging two caches of 20,000 tokens costs seconds and
    /// hundreds of megabytes). Returns the merged metadata and the version written.
    /// </summary>
    public async Task<(CredentialMetadata Metadata, TokenCacheFile.FileVersion? Version)> SaveAsync(
        CredentialMetadata metadata, MsalCachePieces msal, TokenCacheFile.FileVersion? basis, bool forceWriteBack, CancellationToken cancellationToken)
    {
        (metadata, var merged, var version) = await MergeAndWriteAsync(metadata, msal, basis, cancellationToken);
        if (!forceWriteBack && !IsWriteBackDue(metadata))
        {
            return (metadata, version);
        }

        var refreshToken = RefreshTokenReader.Read(merged.RefreshTokens.Span, metadata.HomeAccountId);
        redactor.Add(refreshToken);
        if (refreshToken is null || !store.CanWrite)
        {
            return (metadata, version);
        }

        var updated = await WriteBackAsync(refreshToken, metadata, cancellationToken);
        (updated, _, version) = await MergeAndWriteAsync(updated, merged, version, cancellationToken);
        return (updated, version);
    }

    /// <summary>After an interactive consent: the new cache replaces the old one, and the refresh token is stored at once.</summary>
    public async Task<CredentialMetadata> SaveConsentAsync(CredentialMetadata metadata, byte[] msal, string refreshToken, CancellationToken cancellationToken)
    {
        redactor.Add(refreshToken);
        using (await cache.LockAsync(cancellationToken))
        {
            cache.Write(new TokenCacheFile.Contents(metadata, msal));
        }

        await WriteRefreshTokenAsync(refreshToken, metadata.Username, metadata.ConsentedAt, metadata.LastRedeemedAt, null, cancellationToken, metadata.PublicClient);
        metadata = metadata with { LastWrittenBackAt = time.GetUtcNow(), StoredTokenIssuedAt = metadata.LastRedeemedAt };
        using (await cache.LockAsync(cancellationToken))
        {
            cache.Write(new TokenCacheFile.Contents(metadata, msal));
        }

        return metadata;
    }

    /// <summary>Stores a refresh token with who consented, when it was issued and how (<paramref name="publicClient"/>),
    /// never overwriting a version it has not seen.</summary>
    public async Task WriteRefreshTokenAsync(string refreshToken, string username, DateTimeOffset consentedAt, DateTimeOffset issuedAt, string? expectedVersion,
        CancellationToken cancellationToken, bool publicClient = false)
    {
        redactor.Add(refreshToken);
        var tags = new Dictionary<string, string>
        {
            [UsernameTag] = username,
            [ConsentedAtTag] = consentedAt.ToString("o", CultureInfo.InvariantCulture),
            [IssuedAtTag] = issuedAt.ToString("o", CultureInfo.InvariantCulture),
            [ClientTypeTag] = publicClient ? "public" : "confidential",
        };
        await store.SetAsync(RefreshTokenSecret, refreshToken, tags, expectedVersion, cancellationToken);
    }

    private async Task<(CredentialMetadata Metadata, MsalCachePieces Msal, TokenCacheFile.FileVersion? Version)> MergeAndWriteAsync(
        CredentialMetadata metadata, MsalCachePieces msal, TokenCacheFile.FileVersion? basis, CancellationToken cancellationToken)
    {
        using (await cache.LockAsync(cancellationToken))
        {
            var merged = msal;
            if (basis is null || cache.CurrentVersion() != basis)
            {
                TokenCacheFile.Contents? onDisk = null;
                try
                {
                    onDisk = cache.Exists ? cache.Read() : null;
                }
                catch (StateException e)
                {
                    log.LogWarning("Replacing the unreadable token cache: {Reason}", e.Message);
                }

                if (onDisk?.Metadata is { } other)
                {
                    if (other.HomeAccountId == metadata.HomeAccountId)
                    {
                        merged = MsalCachePieces.Of(MsalCacheMerger.Merge(msal.ToArray(), metadata.LastRedeemedAt, onDisk.Msal.ToArray(), other.LastRedeemedAt));
                        metadata = CredentialMetadata.Newest(metadata, other);
                    }
                    else if (other.ConsentedAt > metadata.ConsentedAt)
                    {
                        // Someone consented again (perhaps as another admin) while this process ran: theirs wins.
                        log.LogDebug("The token cache on disk holds a newer consent; keeping it");
                        return (other, MsalCachePieces.Of(onDisk.Msal), onDisk.Version);
                    }
                }
            }

            try
            {
                return (metadata, merged, cache.Write(metadata, merged.Pieces));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or StateException)
            {
                // The working token is still in memory (and its predecessor on disk and in the store); keep going.
                log.LogWarning("Could not save the token cache {Path}: {Reason}", cache.Path, e.Message);
                return (metadata, merged, null);
            }
        }
    }

    /// <summary>Writes the refresh token back unless the store already holds it or a newer one; records a failure instead of throwing.</summary>
    private async Task<CredentialMetadata> WriteBackAsync(string refreshToken, CredentialMetadata metadata, CancellationToken cancellationToken)
    {
        try
        {
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var current = await ReadRefreshTokenAsync(cancellationToken);
                var storedIssued = current is null ? null : IssuedAt(current);
                if (current is not null && (current.Value == refreshToken || storedIssued > metadata.LastRedeemedAt))
                {
                    // Already there, or another process stored one issued later: nothing to do, and nothing to overwrite.
                    log.LogDebug("The secret store already holds the newest refresh token");
                    return metadata with
                    {
                        LastWrittenBackAt = current.UpdatedOn == DateTimeOffset.MinValue ? time.GetUtcNow() : current.UpdatedOn,
                        StoredTokenIssuedAt = storedIssued,
                        LastWriteBackFailedAt = null,
                        LastWriteBackError = null,
                    };
                }

                try
                {
                    await WriteRefreshTokenAsync(refreshToken, metadata.Username, metadata.ConsentedAt, metadata.LastRedeemedAt, current?.Version, cancellationToken, metadata.PublicClient);
                    log.LogDebug("Wrote the rotated refresh token back to the {Store} secret store", store.Kind);
                    return metadata with { LastWrittenBackAt = time.GetUtcNow(), StoredTokenIssuedAt = metadata.LastRedeemedAt, LastWriteBackFailedAt = null, LastWriteBackError = null };
                }
                catch (SecretConflictException)
                {
                    // Another process wrote in between: read again and compare.
                }
            }

            return metadata;
        }
        catch (Exception e) when (e is SecretStoreException or IOException or StateException or Azure.RequestFailedException or Azure.Identity.AuthenticationFailedException)
        {
            var reason = redactor.Redact(e.Message);
            log.LogWarning("Could not write the rotated refresh token back to the {Store} secret store ({Reason}); the local token cache keeps working and the write is retried next time.",
                store.Kind, reason);
            return metadata with { LastWriteBackFailedAt = time.GetUtcNow(), LastWriteBackError = reason };
        }
    }

    private bool IsWriteBackDue(CredentialMetadata metadata)
    {
        if (store.Kind == "local" || metadata.LastWrittenBackAt is null || metadata.StoredTokenIssuedAt is null || metadata.LastWriteBackFailedAt is not null)
        {
            return true;
        }

        var now = time.GetUtcNow();
        return now - metadata.LastWrittenBackAt.Value >= settings.KeyVaultWriteInterval ||
               now - metadata.StoredTokenIssuedAt.Value >= settings.ForceWriteAfter;
    }

    private static DateTimeOffset? Tag(StoredSecret secret, string name) =>
        secret.Tags.TryGetValue(name, out var text) &&
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : null;
}
