using Runner.Http;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Http;

public sealed class CloudHttpSharingTests : IDisposable
{
    private readonly TempFolder _folder = new("cloud-http");

    [Fact]
    public void ForSession_Shared_GivesOneStackPerCaFile_ThatSessionsCannotDispose()
    {
        var ca = WriteCa("ca.pem");
        var first = CloudHttp.ForSession(ca, share: true);
        first.Dispose();

        var second = CloudHttp.ForSession(ca, share: true);

        Assert.Same(first, second);
        Assert.False(second.Handler.UseCookies);
        using var client = second.CreateClient();
        Assert.NotNull(client);
    }

    [Fact]
    public void ForSession_Shared_AnotherCaFile_GetsItsOwnStack()
    {
        Assert.NotSame(CloudHttp.ForSession(WriteCa("one.pem"), share: true), CloudHttp.ForSession(WriteCa("two.pem"), share: true));
    }

    [Fact]
    public void ForSession_NotShared_GivesEachSessionItsOwn()
    {
        var ca = WriteCa("ca.pem");
        using var first = CloudHttp.ForSession(ca, share: false);
        using var second = CloudHttp.ForSession(ca, share: false);

        Assert.NotSame(first, second);
    }

    private string WriteCa(string name)
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest($"CN={name}", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return _folder.Write(name, certificate.ExportCertificatePem());
    }

    public void Dispose() => _folder.Dispose();
}
