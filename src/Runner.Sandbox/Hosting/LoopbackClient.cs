using System.Net.Security;

namespace Runner.Sandbox.Hosting;

/// <summary>
/// An HttpClient to this sandbox's own HTTPS port. Graph's $batch sends each of its requests through it, so they
/// meet the same token checks, GDAP write rules, faults, counters and request log as requests sent one by one.
/// It trusts exactly the sandbox's own server certificate, nothing else.
/// </summary>
internal sealed class LoopbackClient : IDisposable
{
    private readonly SocketsHttpHandler _handler;

    public LoopbackClient(SandboxContext context)
    {
        var thumbprint = context.Certificates.Server.GetCertHashString();
        _handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == thumbprint,
            },
        };
        Http = new HttpClient(_handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(100) };
    }

    public HttpClient Http { get; }

    public void Dispose()
    {
        Http.Dispose();
        _handler.Dispose();
    }
}
