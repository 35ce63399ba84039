using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;
using Runner.Secrets;
using Runner.State;

namespace Runner.Auth;

/// <summary>
/// The local token cache: MSAL's serialized cache (refresh token and access tokens) and the credential metadata,
/// AES-GCM encrypted in the state folder with the store key, written atomically under a file lock.
/// </summary>
internal sealed class TokenCacheFile(StateDirectory state, string keyFile, IDictionary environment)
{
    private static readonly byte[] Purpose = "runner-token-cache-v1"u8.ToArray();
    private byte[]? _key;

    public string Path => state.TokenCacheFile;

    public bool Exists => File.Exists(state.TokenCacheFile);

    /// <summary>Reads the cache; null when there is none. A damaged file is an error that says how to recover.</summary>
    public Contents? Read()
    {
        if (!Exists)
        {
            return null;
        }

        byte[] data;
        try
        {
            data = File.ReadAllBytes(state.TokenCacheFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StateException($"The token cache {state.TokenCacheFile} cannot be read ({IoReason.Of(e)}). Make the state folder readable and writable by this user, or delete the file (the refresh token in the secret store is used to rebuild it).", e);
        }

        var plain = Sealing.Open(data, Key(), Purpose) ?? throw Damaged();
        try
        {
            return JsonSerializer.Deserialize(plain, TokenCacheJson.Default.Contents) ?? throw Damaged();
        }
        catch (JsonException e)
        {
            throw Damaged(e);
        }
    }

    public void Write(Contents contents)
    {
        state.Ensure();
        var plain = JsonSerializer.SerializeToUtf8Bytes(contents, TokenCacheJson.Default.Contents);
        AtomicFile.Write(state.TokenCacheFile, Sealing.Seal(plain, Key(), Purpose), ownerOnly: true);
    }

    public Task<FileLock> LockAsync(CancellationToken cancellationToken) =>
        FileLock.AcquireAsync(state.TokenCacheLock, TimeSpan.FromSeconds(60), cancellationToken);

    private byte[] Key() => _key ??= StoreKey.Load(keyFile, environment, createIfMissing: true);

    private StateException Damaged(Exception? inner = null) => new(
        $"The token cache {state.TokenCacheFile} is damaged or was written with another store key. Delete it (the refresh token in the secret store is used to rebuild it), or restore the key, then run again.", inner);

    /// <summary>The file's contents. <see cref="Msal"/> is MSAL's own serialization (MsalV3).</summary>
    internal sealed record Contents(CredentialMetadata? Metadata, byte[] Msal);
}

/// <summary>Source-generated: every run reads the token cache, and reflection-based JSON costs each process its start-up.</summary>
[JsonSerializable(typeof(TokenCacheFile.Contents))]
internal sealed partial class TokenCacheJson : JsonSerializerContext;
