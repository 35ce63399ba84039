using System.Security.Cryptography;
using Runner.Secrets;

namespace Runner.Tests.Secrets;

/// <summary>The chunked seal the token cache is written with: what goes in comes out, across chunk and segment
/// boundaries, and a file with chunks cut off, swapped, altered or sealed for another purpose does not open.</summary>
public sealed class ChunkedSealingTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Purpose = "test-purpose"u8.ToArray();

    [Theory]
    [InlineData(0, 16)]
    [InlineData(1, 16)]
    [InlineData(16, 16)]
    [InlineData(17, 16)]
    [InlineData(100, 16)]
    [InlineData(4096, 1000)]
    public void SealTo_then_OpenInPlace_returns_the_plain_text(int length, int chunkSize)
    {
        var plain = RandomNumberGenerator.GetBytes(length);
        // Segments that end inside a chunk, an empty one, and one longer than a chunk.
        var cut = new[] { 0, length / 3, length / 3, length * 2 / 3, length };
        var segments = Enumerable.Range(0, cut.Length - 1).Select(i => (ReadOnlyMemory<byte>)plain.AsMemory(cut[i], cut[i + 1] - cut[i])).ToList();

        var sealedData = Seal(segments, chunkSize);
        Assert.Equal(20 + Math.Max(1, (length + chunkSize - 1) / chunkSize) * 16 + length, sealedData.Length);
        var sealedHex = Convert.ToHexString(sealedData);
        var opened = ChunkedSealing.OpenInPlace(sealedData, Key, Purpose);

        Assert.NotNull(opened);
        Assert.Equal(plain, opened.Value.ToArray());
        if (length >= 8)
        {
            Assert.DoesNotContain(Convert.ToHexString(plain.AsSpan(0, 8)), sealedHex, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Two_seals_of_the_same_text_differ_in_their_nonce()
    {
        var plain = new byte[64];
        Assert.NotEqual(Seal([plain], 16).AsSpan(4, 12).ToArray(), Seal([plain], 16).AsSpan(4, 12).ToArray());
    }

    [Fact]
    public void A_seal_cut_at_a_chunk_boundary_does_not_open()
    {
        // Header 20 bytes, then chunks of 16 (tag) + 16 (text): cutting after the second chunk leaves a valid-looking file.
        var sealedData = Seal([new byte[64]], 16);
        var cut = sealedData.AsSpan(0, 20 + 2 * 32).ToArray();

        Assert.Null(ChunkedSealing.OpenInPlace(cut, Key, Purpose));
    }

    [Fact]
    public void A_seal_with_two_chunks_swapped_does_not_open()
    {
        var plain = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
        var sealedData = Seal([plain], 16);
        var first = sealedData.AsSpan(20, 32).ToArray();
        sealedData.AsSpan(52, 32).CopyTo(sealedData.AsSpan(20));
        first.CopyTo(sealedData.AsSpan(52));

        Assert.Null(ChunkedSealing.OpenInPlace(sealedData, Key, Purpose));
    }

    [Fact]
    public void An_altered_byte_another_key_or_another_purpose_does_not_open()
    {
        var sealedData = Seal([new byte[50]], 16);
        var altered = sealedData.ToArray();
        altered[^1] ^= 1;

        Assert.Null(ChunkedSealing.OpenInPlace(altered, Key, Purpose));
        Assert.Null(ChunkedSealing.OpenInPlace(sealedData.ToArray(), RandomNumberGenerator.GetBytes(32), Purpose));
        Assert.Null(ChunkedSealing.OpenInPlace(sealedData.ToArray(), Key, "other"u8));
        Assert.NotNull(ChunkedSealing.OpenInPlace(sealedData, Key, Purpose));
    }

    [Fact]
    public void A_whole_seal_is_not_taken_for_a_chunked_one()
    {
        var whole = Sealing.Seal(new byte[10], Key, Purpose);

        Assert.False(ChunkedSealing.IsChunked(whole));
        Assert.Null(ChunkedSealing.OpenInPlace(whole, Key, Purpose));
    }

    private static byte[] Seal(IReadOnlyList<ReadOnlyMemory<byte>> plain, int chunkSize)
    {
        using var output = new MemoryStream();
        ChunkedSealing.SealTo(output, plain, Key, Purpose, chunkSize);
        return output.ToArray();
    }
}
