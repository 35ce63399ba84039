using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Notifications;

/// <summary>
/// E-mail over STARTTLS to a relay whose certificate comes from a company CA: trusted through the channel's caFile
/// and nothing else — without it, the same relay is refused (no "accept any certificate").
/// </summary>
public sealed class StartTlsTests : IDisposable
{
    private const string Password = "relay-password-1";
    private readonly TempFolder _folder = new("runner-starttls");
    private readonly X509Certificate2 _server;
    private readonly SmtpReceiver _smtp;

    public StartTlsTests()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Contoso Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllText(_folder.Combine("contoso-ca.pem"), ca.ExportCertificatePem());

        using var serverKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), RandomNumberGenerator.GetBytes(8));
        _server = X509CertificateLoader.LoadPkcs12(issued.CopyWithPrivateKey(serverKey).Export(X509ContentType.Pfx), null);
        _smtp = new SmtpReceiver("runner", Password, _server);
    }

    public void Dispose()
    {
        _smtp.Dispose();
        _server.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_relay_with_a_company_ca_is_reached_over_starttls_with_its_ca_file_and_refused_without_it()
    {
        using var workspace = new Workspace().WithBuiltInSandbox($$"""
            notify:
              channels:
                trusted: { type: email, host: 127.0.0.1, port: {{_smtp.Port}}, security: starttls, caFile: "{{_folder.Combine("contoso-ca.pem")}}", from: runner@contoso.com, to: [ops@contoso.com], username: runner, password: env:RELAY_PASSWORD }
                untrusted: { type: email, host: 127.0.0.1, port: {{_smtp.Port}}, security: starttls, from: runner@contoso.com, to: [ops@contoso.com], username: runner, password: env:RELAY_PASSWORD }
            """);
        workspace.Environment["RELAY_PASSWORD"] = Password;

        var trusted = await workspace.RunAsync("notify", "test", "trusted");
        var untrusted = await workspace.RunAsync("notify", "test", "untrusted");

        Assert.True(trusted.ExitCode == 0, trusted.ToString());
        Assert.Equal("[Runner] Test message from Runner to trusted", Assert.Single(_smtp.Messages).Subject);
        Assert.Equal(1, untrusted.ExitCode);
        Assert.StartsWith("error: the test message to untrusted was not sent:", untrusted.Error, StringComparison.Ordinal);
        Assert.Single(_smtp.Logins);
    }
}
