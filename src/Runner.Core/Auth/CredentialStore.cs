using System.Globalization;
using Microsoft.Extensions.Logging;
using Runner.Configuration;
using Runner.Redaction;
using Runner.Secrets;

namespace Runner.Auth;

/// <summary>
/// Keeps the partner credential: the local token cache (every exchange) and the refresh token in the secret
/// store (the durable copy a new machine or cluster node starts from). Write-back follows the store: the local
/// store on every rotation; Key Vault at most once per interval, but always when its copy is getting old.
/// A failed write-back is logged and retried next time; the working token in the local cache is never lost.
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

    public string StoreDescription => $"{store.Kind} secret store, {store.Location}";

    public ISecretStore Store => store;

    public TokenCacheFile Cache => cache;

    public TokenCacheFile.Contents? LoadCache() => cache.Read();

    public async Task<StoredSecret?> ReadRefreshTokenAsync(CancellationToken cancellationToken)
    {
        var secret = await store.GetAsync(RefreshTokenSecret, cancellationToken);
        redactor.Add(secret?.Value);
        return secret;
    }

    /// <summary>When the stored refresh token was issued, from its tags (or its last update).</summary>
    public static DateTimeOffset? IssuedAt(StoredSecret secret) =>
        secret.Tags.TryGetValue(IssuedAtTag, out var text) &&
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var issued)
            ? issued
            : secret.UpdatedOn == DateTimeOffset.MinValue ? null : secret.UpdatedOn;

    /// <summary>Saves a new cache snapshot, then writes the refresh token back when the policy says so.</summary>
    public async Task<CredentialMetadata> SaveAsync(CredentialMetadata metadata, byte[] msal, CancellationToken cancellationToken)
    {
        using (await cache.LockAsync(cancellationToken))
        {
            var onDisk = cache.Exists ? cache.Read() : null;
            if (onDisk?.Metadata is { } other && other.HomeAccountId == metadata.HomeAccountId && other.LastRedeemedAt > metadata.LastRedeemedAt)
            {
                // Another process redeemed later than we did: its refresh token is the newest, so keep its file.
                log.LogDebug("Token cache on disk is newer than this process's; keeping it");
                return other;
            }

            cache.Write(new TokenCacheFile.Contents(metadata, msal));
        }

        var refreshToken = RefreshTokenReader.Read(msal, metadata.HomeAccountId);
        redactor.Add(refreshToken);
        if (refreshToken is null || !store.CanWrite || !IsWriteBackDue(metadata))
        {
            return metadata;
        }

        try
        {
            await WriteRefreshTokenAsync(refreshToken, metadata.Username, metadata.ConsentedAt, metadata.LastRedeemedAt, cancellationToken);
            metadata = metadata with { LastWrittenBackAt = time.GetUtcNow(), StoredTokenIssuedAt = metadata.LastRedeemedAt };
            using (await cache.LockAsync(cancellationToken))
            {
                cache.Write(new TokenCacheFile.Contents(metadata, msal));
            }
        }
        catch (Exception e) when (e is SecretStoreException or IOException or Azure.RequestFailedException or SecretConflictException)
        {
            log.LogWarning("Could not write the rotated refresh token back to the {Store} secret store ({Reason}); the local token cache keeps working and the write is retried next time.",
                store.Kind, redactor.Redact(e.Message));
        }

        return metadata;
    }

    /// <summary>Stores a refresh token obtained at consent (or given by the sandbox as if consent had happened).</summary>
    public Task WriteRefreshTokenAsync(string refreshToken, string username, DateTimeOffset consentedAt, DateTimeOffset issuedAt, CancellationToken cancellationToken)
    {
        redactor.Add(refreshToken);
        var tags = new Dictionary<string, string>
        {
            [UsernameTag] = username,
            [ConsentedAtTag] = consentedAt.ToString("o", CultureInfo.InvariantCulture),
            [IssuedAtTag] = issuedAt.ToString("o", CultureInfo.InvariantCulture),
        };
        return store.SetAsync(RefreshTokenSecret, refreshToken, tags, null, cancellationToken).AsTask();
    }

    private bool IsWriteBackDue(CredentialMetadata metadata)
    {
        if (store.Kind == "local" || metadata.LastWrittenBackAt is null || metadata.StoredTokenIssuedAt is null)
        {
            return true;
        }

        var now = time.GetUtcNow();
        return now - metadata.LastWrittenBackAt.Value >= settings.KeyVaultWriteInterval ||
               now - metadata.StoredTokenIssuedAt.Value >= settings.ForceWriteAfter;
    }
}
