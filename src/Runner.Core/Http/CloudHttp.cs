using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Runner.Http;

/// <summary>
/// The one HTTP stack every SDK shares in a process: pooled connections, and TLS that trusts the system roots
/// plus, when configured, exactly one extra CA (the sandbox's), never "any certificate".
/// </summary>
internal sealed class CloudHttp : IDisposable
{
    private readonly X509Certificate2? _extraRoot;

    public CloudHttp(X509Certificate2? extraRoot)
    {
        _extraRoot = extraRoot;
        Handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            MaxConnectionsPerServer = 256,
            AutomaticDecompression = System.Net.DecompressionMethods.All,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
        if (extraRoot is not null)
        {
            Handler.SslOptions.RemoteCertificateValidationCallback = Validate;
        }
    }

    /// <summary>The shared handler. Never dispose it through a client; <see cref="Dispose"/> does.</summary>
    public SocketsHttpHandler Handler { get; }

    /// <summary>An HttpClient over the shared handler that leaves the handler alive when disposed.</summary>
    public HttpClient CreateClient(TimeSpan? timeout = null) =>
        new(Handler, disposeHandler: false) { Timeout = timeout ?? TimeSpan.FromSeconds(100) };

    public static CloudHttp Create(string? caFile)
    {
        if (caFile is null)
        {
            return new CloudHttp(null);
        }

        return new CloudHttp(X509CertificateLoader.LoadCertificateFromFile(caFile));
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        ExtraRootTrust.Validate(_extraRoot!, certificate, chain, errors);

    public void Dispose()
    {
        Handler.Dispose();
        _extraRoot?.Dispose();
    }
}
