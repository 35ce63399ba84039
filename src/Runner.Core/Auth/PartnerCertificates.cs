using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Runner.Configuration;
using Runner.Secrets;

namespace Runner.Auth;

/// <summary>
/// Loads the partner application's certificate: a PFX from the secret store (base64, as Key Vault stores
/// certificates' secrets) or a PFX file, with an optional password reference.
/// </summary>
internal static class PartnerCertificates
{
    public static async Task<X509Certificate2> LoadAsync(RunnerConfig config, PartnerSettings partner, SecretResolver resolver, CancellationToken cancellationToken)
    {
        var reference = partner.Certificate!;
        var password = partner.CertificatePassword is null ? null : await resolver.ResolveAsync(partner.CertificatePassword, "partner.certificatePassword", cancellationToken);
        byte[] pfx;
        if (reference.StartsWith("file:", StringComparison.Ordinal))
        {
            var path = config.Resolve(reference[5..]);
            try
            {
                pfx = await File.ReadAllBytesAsync(path, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ConfigException(config.FilePath, 0, 0, "partner.certificate", $"cannot read the certificate file {path}: {e.Message}");
            }
        }
        else
        {
            var encoded = await resolver.ResolveAsync(reference, "partner.certificate", cancellationToken);
            try
            {
                pfx = Convert.FromBase64String(encoded);
            }
            catch (FormatException)
            {
                throw new ConfigException(config.FilePath, 0, 0, "partner.certificate", "the secret must hold a base64-encoded PFX (PKCS#12) file");
            }
        }

        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12(pfx, password, X509KeyStorageFlags.EphemeralKeySet);
            if (!certificate.HasPrivateKey)
            {
                throw new ConfigException(config.FilePath, 0, 0, "partner.certificate", "the PFX holds no private key");
            }

            return certificate;
        }
        catch (CryptographicException e)
        {
            throw new ConfigException(config.FilePath, 0, 0, "partner.certificate", $"not a readable PFX (wrong password?): {e.Message}");
        }
    }
}
