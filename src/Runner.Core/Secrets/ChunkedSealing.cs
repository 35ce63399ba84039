using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Runner.Secrets;

/// <summary>
/// AES-256-GCM over a stream of chunks, so a large plain text (a 10,000-tenant token cache is 80 MB) is sealed as it
/// is written, without a sealed copy of it in memory. Layout: "RNR2" | nonce(12) | chunk size(4, little-endian) |
/// chunks, each tag(16) | cipher text (chunk size bytes; the last may be shorter). A chunk's nonce is the file's
/// with its index XORed into the last four bytes, and its associated data says whether it is the last, so chunks
/// cannot be reordered, dropped or cut off without the open failing (the STREAM construction).
/// </summary>
internal static class ChunkedSealing
{
    private static readonly byte[] Magic = "RNR2"u8.ToArray();
    private const int HeaderLength = 20;
    private const int TagLength = 16;

    /// <summary>Plain text per chunk: 1 MB, the one buffer sealing needs.</summary>
    public const int DefaultChunkSize = 1 << 20;

    /// <summary>True when <paramref name="data"/> starts like a chunked seal.</summary>
    public static bool IsChunked(ReadOnlySpan<byte> data) => data.Length >= 4 && data[..4].SequenceEqual(Magic);

    /// <summary>Seals the concatenation of <paramref name="plain"/> to <paramref name="output"/>.</summary>
    public static void SealTo(Stream output, IReadOnlyList<ReadOnlyMemory<byte>> plain, byte[] key, ReadOnlySpan<byte> associatedData,
        int chunkSize = DefaultChunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        var header = new byte[HeaderLength];
        Magic.CopyTo(header, 0);
        RandomNumberGenerator.Fill(header.AsSpan(4, 12));
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), chunkSize);
        output.Write(header);

        var total = plain.Sum(p => (long)p.Length);
        var chunk = new byte[TagLength + (int)Math.Min(chunkSize, Math.Max(total, 0))];
        var aad = AssociatedData(associatedData);
        Span<byte> nonce = stackalloc byte[12];
        using var aes = new AesGcm(key, TagLength);
        var written = 0L;
        var (segment, offset) = (0, 0);
        var index = 0;
        do
        {
            var length = (int)Math.Min(chunkSize, total - written);
            var text = chunk.AsSpan(TagLength, length);
            for (var filled = 0; filled < length;)
            {
                var source = plain[segment].Span[offset..];
                var n = Math.Min(source.Length, length - filled);
                source[..n].CopyTo(text[filled..]);
                (filled, offset) = (filled + n, offset + n);
                if (offset == plain[segment].Length)
                {
                    (segment, offset) = (segment + 1, 0);
                }
            }

            written += length;
            aad[^1] = written == total ? (byte)1 : (byte)0;
            Nonce(header, index++, nonce);
            aes.Encrypt(nonce, text, text, chunk.AsSpan(0, TagLength), aad);
            output.Write(chunk, 0, TagLength + length);
        }
        while (written < total);
    }

    /// <summary>
    /// Opens a chunked seal inside <paramref name="sealedData"/>: the plain text is moved to its start and the returned
    /// slice of it is the plain text; null when the data is not ours, damaged, cut short, or sealed with another key.
    /// </summary>
    public static Memory<byte>? OpenInPlace(byte[] sealedData, byte[] key, ReadOnlySpan<byte> associatedData)
    {
        if (!IsChunked(sealedData) || sealedData.Length < HeaderLength + TagLength ||
            BinaryPrimitives.ReadInt32LittleEndian(sealedData.AsSpan(16)) is var chunkSize && chunkSize <= 0)
        {
            return null;
        }

        var header = sealedData.AsSpan(0, HeaderLength).ToArray();
        var aad = AssociatedData(associatedData);
        Span<byte> nonce = stackalloc byte[12];
        using var aes = new AesGcm(key, TagLength);
        var (position, plainLength, index) = (HeaderLength, 0, 0);
        while (true)
        {
            if (sealedData.Length - position < TagLength)
            {
                return null;
            }

            var length = Math.Min(chunkSize, sealedData.Length - position - TagLength);
            var last = position + TagLength + length == sealedData.Length;
            aad[^1] = last ? (byte)1 : (byte)0;
            Nonce(header, index++, nonce);
            var text = sealedData.AsSpan(position + TagLength, length);
            try
            {
                aes.Decrypt(nonce, text, sealedData.AsSpan(position, TagLength), text, aad);
            }
            catch (AuthenticationTagMismatchException)
            {
                return null;
            }

            // Down over the headers and tags already read (an overlapping copy moves correctly).
            text.CopyTo(sealedData.AsSpan(plainLength));
            plainLength += length;
            position += TagLength + length;
            if (last)
            {
                return sealedData.AsMemory(0, plainLength);
            }
        }
    }

    private static byte[] AssociatedData(ReadOnlySpan<byte> purpose)
    {
        var aad = new byte[purpose.Length + 1];
        purpose.CopyTo(aad);
        return aad;
    }

    private static void Nonce(ReadOnlySpan<byte> header, int index, Span<byte> nonce)
    {
        header.Slice(4, 12).CopyTo(nonce);
        BinaryPrimitives.WriteInt32BigEndian(nonce[8..], BinaryPrimitives.ReadInt32BigEndian(nonce[8..]) ^ index);
    }
}
