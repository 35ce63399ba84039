using System.Security.Cryptography;
using System.Text;

namespace Runner.Sandbox.Data;

/// <summary>GUIDs that are the same for the same seed and label, so seeded data is reproducible.</summary>
internal static class DeterministicGuid
{
    public static Guid Create(int seed, string label)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}:{label}"), hash);
        var bytes = hash[..16];
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    /// <summary>
    /// A seed for <see cref="Random"/> per seed and label. Hashing keeps neighbouring customers' data independent:
    /// Random's first draws for seeds that differ by one are strongly correlated.
    /// </summary>
    public static int RandomSeed(int seed, string label) => BitConverter.ToInt32(Create(seed, label).ToByteArray(), 0) & int.MaxValue;
}
