using System.Text;
using System.Text.Json;
using Runner.Auth;
using Runner.Secrets;
using Runner.State;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Auth;

/// <summary>The token cache file's layout: MSAL's bytes stored as they are, the first (JSON) layout still read,
/// and a version that changes with every write, so a process can tell whether another one saved since it read.</summary>
public sealed class TokenCacheFileTests
{
    private static readonly CredentialMetadata Metadata = new("uid.utid", "admin@partner.example", "utid",
        new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), null, null);

    [Fact]
    public void Write_then_Read_returns_the_same_contents_and_stores_MSAL_bytes_without_base64()
    {
        using var workspace = new Workspace();
        var file = FileIn(workspace, out _);
        var msal = Encoding.UTF8.GetBytes("{\"AccessToken\":{\"k\":{\"secret\":\"" + new string('x', 100_000) + "\"}}}");

        file.Write(new TokenCacheFile.Contents(Metadata, msal));
        var read = file.Read()!;

        Assert.Equal(msal, read.Msal.ToArray());
        Assert.Equal(Metadata, read.Metadata);
        // Sealing adds 32 bytes and the header and metadata a few hundred; base64 would add a third (33 kB here).
        Assert.InRange(new FileInfo(file.Path).Length, msal.Length, msal.Length + 1_000);
    }

    [Fact]
    public void Read_accepts_a_file_sealed_whole_as_earlier_versions_wrote_it()
    {
        using var workspace = new Workspace();
        var file = FileIn(workspace, out var state);
        var msal = "{\"AccessToken\":{}}"u8.ToArray();
        var metadata = JsonSerializer.SerializeToUtf8Bytes(Metadata);
        var plain = new byte[5 + metadata.Length + msal.Length];
        plain[0] = 2;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(plain.AsSpan(1), metadata.Length);
        metadata.CopyTo(plain, 5);
        msal.CopyTo(plain, 5 + metadata.Length);
        AtomicFile.Write(file.Path, Sealing.Seal(plain, StoreKey.Load(state.StoreKeyFile, workspace.Environment, createIfMissing: true), "runner-token-cache-v1"u8));

        var read = file.Read()!;

        Assert.Equal(msal, read.Msal.ToArray());
        Assert.Equal(Metadata, read.Metadata);
    }

    [Fact]
    public void A_cache_larger_than_a_chunk_is_written_in_chunks_and_read_back()
    {
        using var workspace = new Workspace();
        var file = FileIn(workspace, out _);
        var msal = Encoding.UTF8.GetBytes("{\"AccessToken\":{\"k\":{\"secret\":\"" + new string('y', ChunkedSealing.DefaultChunkSize * 2 + 7) + "\"}}}");

        file.Write(new TokenCacheFile.Contents(Metadata, msal));

        Assert.True(ChunkedSealing.IsChunked(File.ReadAllBytes(file.Path)));
        Assert.Equal(msal, file.Read()!.Msal.ToArray());
    }

    [Fact]
    public void Read_accepts_a_file_in_the_first_layout()
    {
        using var workspace = new Workspace();
        var file = FileIn(workspace, out var state);
        var msal = "{\"AccessToken\":{}}"u8.ToArray();
        var firstLayout = JsonSerializer.SerializeToUtf8Bytes(new { Metadata, Msal = msal });
        AtomicFile.Write(file.Path, Sealing.Seal(firstLayout, StoreKey.Load(state.StoreKeyFile, workspace.Environment, createIfMissing: true), "runner-token-cache-v1"u8));

        var read = file.Read()!;

        Assert.Equal(msal, read.Msal.ToArray());
        Assert.Equal(Metadata.HomeAccountId, read.Metadata!.HomeAccountId);
    }

    [Fact]
    public void Every_write_changes_the_version_and_Read_reports_the_version_it_read()
    {
        using var workspace = new Workspace();
        var file = FileIn(workspace, out _);
        Assert.Null(file.Read());

        var first = file.Write(new TokenCacheFile.Contents(Metadata, "{}"u8.ToArray()));
        Assert.Equal(first, file.Read()!.Version);
        Assert.Equal(first, file.CurrentVersion());

        // Same length, written at once: still another version (another file, another modification time).
        var second = file.Write(new TokenCacheFile.Contents(Metadata, "{}"u8.ToArray()));
        Assert.NotEqual(first, second);
        Assert.Equal(second, file.CurrentVersion());
    }

    [Fact]
    public void Read_of_a_truncated_file_says_how_to_recover()
    {
        using var workspace = new Workspace();
        var file = FileIn(workspace, out _);
        file.Write(new TokenCacheFile.Contents(Metadata, new byte[5_000]));
        var bytes = File.ReadAllBytes(file.Path);
        File.WriteAllBytes(file.Path, bytes[..^100]);

        var error = Assert.Throws<StateException>(() => file.Read());

        Assert.Contains(file.Path, error.Message);
        Assert.Contains("Delete it", error.Message);
    }

    private static TokenCacheFile FileIn(Workspace workspace, out StateDirectory state)
    {
        state = new StateDirectory(workspace.StatePath);
        state.Ensure();
        return new TokenCacheFile(state, state.StoreKeyFile, workspace.Environment);
    }
}
