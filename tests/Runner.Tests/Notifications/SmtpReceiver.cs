using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Runner.Tests.Notifications;

/// <summary>A real SMTP server for tests (the SmtpServer package) on a free loopback port, requiring a user and password.</summary>
public sealed class SmtpReceiver : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _server;

    /// <param name="certificate">With one, the server offers STARTTLS and takes passwords only after it.</param>
    public SmtpReceiver(string user, string password, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        Port = FreePort();
        var options = new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(e =>
            {
                e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)).AllowUnsecureAuthentication(certificate is null).AuthenticationRequired(true);
                if (certificate is not null)
                {
                    e.Certificate(certificate);
                }
            })
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(Messages));
        services.Add(new Authenticator(user, password, Logins));
        _server = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
    }

    public int Port { get; }

    public ConcurrentQueue<MimeMessage> Messages { get; } = new();

    /// <summary>Every user name and whether its password was right.</summary>
    public ConcurrentQueue<(string User, bool Accepted)> Logins { get; } = new();

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _server.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Store(ConcurrentQueue<MimeMessage> messages) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }

    private sealed class Authenticator(string user, string password, ConcurrentQueue<(string, bool)> logins) : IUserAuthenticator
    {
        public Task<bool> AuthenticateAsync(ISessionContext context, string name, string secret, CancellationToken cancellationToken)
        {
            var ok = name == user && secret == password;
            logins.Enqueue((name, ok));
            return Task.FromResult(ok);
        }
    }
}
