using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Runner.Http;

/// <summary>
/// The one HTTP stack every SDK shares in a process: pooled connections, and TLS that trusts the system roots
/// plus, when configured, exactly one extra CA (the sandbox's), never "any certificate".
/// </summary>
internal sealed class CloudHttp : IDisposable
{
    private static readonly ConcurrentDictionary<string, CloudHttp> Shared = new(StringComparer.Ordinal);
    private readonly X509Certificate2? _extraRoot;
    private bool _shared;

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

    /// <summary>
    /// Set by a process that serves run after run (the run server): sessions then share one stack per trusted CA
    /// (<see cref="ForSession(string?)"/>), so a run finds the previous run's connections open instead of paying a TLS handshake
    /// per connection again. Off elsewhere: a process with one run gains nothing from it.
    /// </summary>
    public static bool ShareAcrossSessions { get; set; }

    /// <summary>A session's HTTP stack: its own, or with <see cref="ShareAcrossSessions"/> the process's for this CA
    /// file (disposing it then does nothing).</summary>
    public static CloudHttp ForSession(string? caFile) => ForSession(caFile, ShareAcrossSessions);

    internal static CloudHttp ForSession(string? caFile, bool share)
    {
        if (!share)
        {
            return Create(caFile);
        }

        // The file's identity, not its path: a CA created again at the same path is another trust.
        var file = caFile is null ? null : new FileInfo(caFile);
        var key = file is null ? "" : $"{file.FullName}|{file.LastWriteTimeUtc.Ticks}|{file.Length}";
        return Shared.GetOrAdd(key, _ =>
        {
            var http = Create(caFile);
            // Cookies a service sets for one run must not travel with another's requests.
            http.Handler.UseCookies = false;
            http._shared = true;
            return http;
        });
    }

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
        if (_shared)
        {
            return;
        }

        Handler.Dispose();
        _extraRoot?.Dispose();
    }
}
