using System.Buffers.Binary;
using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Win32.SafeHandles;
using Runner.Secrets;
using Runner.State;

namespace Runner.Auth;

/// <summary>
/// The local token cache: MSAL's serialized cache (refresh token and access tokens) and the credential metadata,
/// AES-GCM encrypted in the state folder with the store key, written atomically under a file lock.
/// </summary>
/// <remarks>
/// Inside the seal: a version byte (2), the metadata's JSON length (4 bytes, little-endian), the metadata as JSON,
/// then MSAL's cache bytes as they are. At 10,000 tenants MSAL's cache is about 80 MB; the first format (one JSON
/// object, the cache base64-encoded in it) cost a third more on disk and two more copies in memory on every read.
/// The seal is written in chunks (<see cref="ChunkedSealing"/>); files sealed whole (<see cref="Sealing"/>) and
/// files in the first format are still read.
/// </remarks>
internal sealed class TokenCacheFile(StateDirectory state, string keyFile, IDictionary environment)
{
    private static readonly byte[] Purpose = "runner-token-cache-v1"u8.ToArray();
    private const byte Layout = 2;
    private const int HeaderLength = 5;
    private byte[]? _key;

    public string Path => state.TokenCacheFile;

    public bool Exists => File.Exists(state.TokenCacheFile);

    /// <summary>Reads the cache; null when there is none. A damaged file is an error that says how to recover.</summary>
    public Contents? Read()
    {
        byte[] data;
        FileVersion version;
        try
        {
            using var handle = File.OpenHandle(state.TokenCacheFile);
            version = FileVersion.Of(handle);
            data = new byte[version.Length];
            var read = 0;
            while (read < data.Length && RandomAccess.Read(handle, data.AsSpan(read), read) is var n and > 0)
            {
                read += n;
            }

            if (read != data.Length)
            {
                throw Damaged();
            }
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StateException($"The token cache {state.TokenCacheFile} cannot be read ({IoReason.Of(e)}). Make the state folder readable and writable by this user, or delete the file (the refresh token in the secret store is used to rebuild it).", e);
        }

        var plain = (ChunkedSealing.IsChunked(data) ? ChunkedSealing.OpenInPlace(data, Key(), Purpose) : Sealing.OpenInPlace(data, Key(), Purpose)) ?? throw Damaged();
        try
        {
            return Parse(plain) with { Version = version };
        }
        catch (JsonException e)
        {
            throw Damaged(e);
        }
    }

    /// <summary>The version of the file on disk now (null when there is none), to compare with <see cref="Contents.Version"/>.</summary>
    public FileVersion? CurrentVersion()
    {
        try
        {
            using var handle = File.OpenHandle(state.TokenCacheFile);
            return FileVersion.Of(handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes the cache and returns the version written (callers hold <see cref="LockAsync"/>).</summary>
    public FileVersion? Write(Contents contents) => Write(contents.Metadata, [contents.Msal]);

    /// <summary>Writes the metadata and MSAL's cache given as pieces laid end to end (<see cref="MsalCachePieces"/>).</summary>
    public FileVersion? Write(CredentialMetadata? credentialMetadata, IReadOnlyList<ReadOnlyMemory<byte>> msal)
    {
        state.Ensure();
        var metadata = JsonSerializer.SerializeToUtf8Bytes(credentialMetadata, TokenCacheJson.Default.CredentialMetadata);
        var header = new byte[HeaderLength];
        header[0] = Layout;
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(1), metadata.Length);
        // Sealed a chunk at a time as it is written: no sealed copy of an 80 MB cache in memory.
        AtomicFile.Write(state.TokenCacheFile, stream => ChunkedSealing.SealTo(stream, [header, metadata, .. msal], Key(), Purpose), ownerOnly: true);
        return CurrentVersion();
    }

    public Task<FileLock> LockAsync(CancellationToken cancellationToken) =>
        FileLock.AcquireAsync(state.TokenCacheLock, TimeSpan.FromSeconds(60), cancellationToken);

    private static Contents Parse(ReadOnlyMemory<byte> memory)
    {
        var plain = memory.Span;
        if (plain.Length > 0 && plain[0] == (byte)'{')
        {
            // The first format: the whole file one JSON object.
            return JsonSerializer.Deserialize(plain, TokenCacheJson.Default.Contents) ?? throw new JsonException("The token cache is empty.");
        }

        if (plain.Length < HeaderLength || plain[0] != Layout || BinaryPrimitives.ReadInt32LittleEndian(plain[1..]) is var length && (length < 0 || length > plain.Length - HeaderLength))
        {
            throw new JsonException("The token cache has an unknown layout.");
        }

        var metadata = JsonSerializer.Deserialize(plain.Slice(HeaderLength, length), TokenCacheJson.Default.CredentialMetadata);
        // A slice of the decrypted file, not a copy: at 10,000 tenants that is 80 MB less at the start of every run.
        return new Contents(metadata, memory[(HeaderLength + length)..]);
    }

    private byte[] Key() => _key ??= StoreKey.Load(keyFile, environment, createIfMissing: true);

    private StateException Damaged(Exception? inner = null) => new(
        $"The token cache {state.TokenCacheFile} is damaged or was written with another store key. Delete it (the refresh token in the secret store is used to rebuild it), or restore the key, then run again.", inner);

    /// <summary>The file's contents. <see cref="Msal"/> is MSAL's own serialization (MsalV3).</summary>
    internal sealed record Contents(CredentialMetadata? Metadata, ReadOnlyMemory<byte> Msal)
    {
        /// <summary>Which file this was read from; null for contents not read from disk.</summary>
        [JsonIgnore]
        public FileVersion? Version { get; init; }
    }

    /// <summary>
    /// Identifies one written file: every write seals with a new random nonce (bytes 4–15 of the file), so two
    /// saves never look alike, whatever the file system's timestamp granularity; length and modification time too.
    /// </summary>
    internal readonly record struct FileVersion(long Length, long LastWriteTicks, UInt128 Nonce)
    {
        public static FileVersion Of(SafeFileHandle handle)
        {
            Span<byte> nonce = stackalloc byte[16];
            nonce.Clear();
            RandomAccess.Read(handle, nonce[..12], 4);
            return new(RandomAccess.GetLength(handle), File.GetLastWriteTimeUtc(handle).Ticks, BinaryPrimitives.ReadUInt128LittleEndian(nonce));
        }
    }
}

/// <summary>Source-generated: every run reads the token cache, and reflection-based JSON costs each process its start-up.</summary>
[JsonSerializable(typeof(TokenCacheFile.Contents))]
[JsonSerializable(typeof(CredentialMetadata))]
internal sealed partial class TokenCacheJson : JsonSerializerContext;
