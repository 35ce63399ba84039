using System.Security.Cryptography;

namespace Runner.Secrets;

/// <summary>AES-256-GCM with a random nonce per write. Layout: "RNR1" | nonce(12) | tag(16) | ciphertext.</summary>
internal static class Sealing
{
    private static readonly byte[] Magic = "RNR1"u8.ToArray();

    public static byte[] Seal(ReadOnlySpan<byte> plain, byte[] key, ReadOnlySpan<byte> associatedData)
    {
        var output = new byte[4 + 12 + 16 + plain.Length];
        Magic.CopyTo(output, 0);
        var nonce = output.AsSpan(4, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(nonce, plain, output.AsSpan(32), output.AsSpan(16, 16), associatedData);
        return output;
    }

    /// <summary>Bytes a sealed buffer starts with before the encrypted text: magic, nonce and tag.</summary>
    public const int Overhead = 32;

    /// <summary>
    /// Like <see cref="Seal"/>, but encrypts inside <paramref name="buffer"/>: the plain text is at
    /// <see cref="Overhead"/> and after; the first <see cref="Overhead"/> bytes are overwritten. A large token cache is
    /// then not held twice.
    /// </summary>
    public static void SealInPlace(byte[] buffer, byte[] key, ReadOnlySpan<byte> associatedData)
    {
        Magic.CopyTo(buffer, 0);
        var nonce = buffer.AsSpan(4, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, 16);
        var body = buffer.AsSpan(Overhead);
        aes.Encrypt(nonce, body, body, buffer.AsSpan(16, 16), associatedData);
    }

    /// <summary>Returns the plain text, or null when the data is not ours, damaged, or sealed with another key.</summary>
    public static byte[]? Open(ReadOnlySpan<byte> sealedData, byte[] key, ReadOnlySpan<byte> associatedData)
    {
        if (sealedData.Length < 32 || !sealedData[..4].SequenceEqual(Magic))
        {
            return null;
        }

        var plain = new byte[sealedData.Length - 32];
        try
        {
            using var aes = new AesGcm(key, 16);
            aes.Decrypt(sealedData.Slice(4, 12), sealedData[32..], sealedData.Slice(16, 16), plain, associatedData);
            return plain;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    /// <summary>
    /// Like <see cref="Open"/>, but decrypts inside <paramref name="sealedData"/> (a large token cache is not copied):
    /// the plain text is the returned slice of it; null when the data is not ours, damaged, or sealed with another key.
    /// </summary>
    public static Memory<byte>? OpenInPlace(byte[] sealedData, byte[] key, ReadOnlySpan<byte> associatedData)
    {
        if (sealedData.Length < 32 || !sealedData.AsSpan(0, 4).SequenceEqual(Magic))
        {
            return null;
        }

        var body = sealedData.AsMemory(32);
        try
        {
            using var aes = new AesGcm(key, 16);
            aes.Decrypt(sealedData.AsSpan(4, 12), body.Span, sealedData.AsSpan(16, 16), body.Span, associatedData);
            return body;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
