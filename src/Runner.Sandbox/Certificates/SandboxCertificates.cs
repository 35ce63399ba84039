using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Runner.Sandbox.Certificates;

/// <summary>
/// The sandbox's own certificate authority and the TLS certificate it signs for 127.0.0.1, ::1 and
/// localhost. Clients trust the CA explicitly (or through SSL_CERT_FILE); nothing is installed system-wide.
/// </summary>
internal sealed class SandboxCertificates : IDisposable
{
    private SandboxCertificates(X509Certificate2 authority, X509Certificate2 server)
    {
        Authority = authority;
        Server = server;
    }

    /// <summary>The CA certificate, with its private key only in memory.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The server certificate Kestrel presents.</summary>
    public X509Certificate2 Server { get; }

    /// <summary>The CA in PEM form, as SSL_CERT_FILE and Runner's trust option expect it.</summary>
    public string AuthorityPem => Authority.ExportCertificatePem();

    /// <summary>
    /// Loads the CA from <paramref name="directory"/> when one was saved there before, so that clients which
    /// already trust it keep working across restarts; otherwise creates one and saves it.
    /// </summary>
    public static SandboxCertificates LoadOrCreate(string? directory, DateTimeOffset now)
    {
        var authority = directory is null ? null : TryLoadAuthority(directory, now);
        if (authority is null)
        {
            authority = CreateAuthority(now);
            if (directory is not null)
            {
                SaveAuthority(authority, directory);
            }
        }

        return new SandboxCertificates(authority, CreateServer(authority, now));
    }

    private static X509Certificate2 CreateAuthority(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Runner Sandbox Root CA, O=Runner Sandbox", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
    }

    private static X509Certificate2 CreateServer(X509Certificate2 authority, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var signed = request.Create(authority, now.AddDays(-1), now.AddYears(1) < authority.NotAfter ? now.AddYears(1) : authority.NotAfter, serial);
        return signed.CopyWithPrivateKey(key);
    }

    private static X509Certificate2? TryLoadAuthority(string directory, DateTimeOffset now)
    {
        var certPath = Path.Combine(directory, "ca.pem");
        var keyPath = Path.Combine(directory, "ca.key");
        if (!File.Exists(certPath) || !File.Exists(keyPath))
        {
            return null;
        }

        try
        {
            var certificate = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            if (certificate.NotAfter.ToUniversalTime() < now.UtcDateTime.AddDays(30))
            {
                return null;
            }

            return certificate;
        }
        catch (CryptographicException)
        {
            // A damaged CA is replaced; clients that trusted it get the new file path printed again.
            return null;
        }
    }

    private static void SaveAuthority(X509Certificate2 authority, string directory)
    {
        // The key first: a reader that finds ca.pem must find its key too.
        using var key = authority.GetECDsaPrivateKey()!;
        Hosting.DataFiles.Write(Path.Combine(directory, "ca.key"), key.ExportPkcs8PrivateKeyPem(), ownerOnly: true);
        Hosting.DataFiles.Write(Path.Combine(directory, "ca.pem"), authority.ExportCertificatePem(), ownerOnly: false);
    }

    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
    }
}
