using System.Security.Cryptography;

namespace Runner.Sandbox.Identity;

/// <summary>
/// The keys behind every token the sandbox issues: an RSA key that signs JWTs (RS256, published in the
/// JWKS) and an AES key that seals refresh tokens and codes. Kept in the data folder when there is one,
/// so tokens survive a restart as they would in the cloud.
/// </summary>
internal sealed class SigningKeys : IDisposable
{
    private SigningKeys(RSA rsa, byte[] sealKey)
    {
        Rsa = rsa;
        SealKey = sealKey;
        var modulus = rsa.ExportParameters(false).Modulus!;
        KeyId = Base64Url.Encode(SHA256.HashData(modulus)[..12]);
    }

    public RSA Rsa { get; }

    public string KeyId { get; }

    public byte[] SealKey { get; }

    public static SigningKeys LoadOrCreate(string? directory)
    {
        if (directory is not null)
        {
            var rsaPath = Path.Combine(directory, "signing.key");
            var sealPath = Path.Combine(directory, "seal.key");
            if (File.Exists(rsaPath) && File.Exists(sealPath))
            {
                try
                {
                    var rsa = RSA.Create();
                    rsa.ImportFromPem(File.ReadAllText(rsaPath));
                    var seal = Convert.FromBase64String(File.ReadAllText(sealPath).Trim());
                    if (seal.Length == 32)
                    {
                        return new SigningKeys(rsa, seal);
                    }
                }
                catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
                {
                    // Damaged keys are replaced; tokens sealed with them simply stop working, as after a key roll.
                }
            }
        }

        var created = new SigningKeys(RSA.Create(2048), RandomNumberGenerator.GetBytes(32));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
            WritePrivate(Path.Combine(directory, "signing.key"), created.Rsa.ExportPkcs8PrivateKeyPem());
            WritePrivate(Path.Combine(directory, "seal.key"), Convert.ToBase64String(created.SealKey));
        }

        return created;
    }

    private static void WritePrivate(string path, string content) => Hosting.DataFiles.Write(path, content, ownerOnly: true);

    public void Dispose() => Rsa.Dispose();
}
