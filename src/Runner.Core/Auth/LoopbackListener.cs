using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Runner.Auth;

/// <summary>
/// The redirect target of the authorization code flow: a minimal HTTP listener on the first free port of
/// 8400–8999 on loopback (IPv4, and IPv6 when the machine has it), bound once and kept until the answer arrives,
/// so no other process can take the port between choosing it and receiving the redirect.
/// </summary>
internal sealed class LoopbackListener : IDisposable
{
    public const int FirstPort = 8400;
    public const int LastPort = 8999;
    private readonly TcpListener _v4;
    private readonly TcpListener? _v6;

    private LoopbackListener(TcpListener v4, TcpListener? v6, int port)
    {
        _v4 = v4;
        _v6 = v6;
        Port = port;
    }

    public int Port { get; }

    /// <summary>http://localhost:PORT/ — Entra matches it against a registered http://localhost whatever the port.</summary>
    public Uri RedirectUri => new($"http://localhost:{Port}/");

    public static LoopbackListener Start(int first = FirstPort, int last = LastPort)
    {
        for (var port = first; port <= last; port++)
        {
            var v4 = Listener(IPAddress.Loopback, port);
            try
            {
                v4.Start();
            }
            catch (SocketException)
            {
                continue;
            }

            TcpListener? v6 = null;
            if (Socket.OSSupportsIPv6)
            {
                v6 = Listener(IPAddress.IPv6Loopback, port);
                try
                {
                    v6.Start();
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
                {
                    // Someone has this port on ::1, where a browser resolving localhost may go: try the next one.
                    v4.Stop();
                    v4.Dispose();
                    v6.Dispose();
                    continue;
                }
                catch (SocketException)
                {
                    v6.Dispose();
                    v6 = null;
                }
            }

            return new LoopbackListener(v4, v6, port);
        }

        throw new TokenAcquisitionException(AuthProblem.ConsentNotCompleted, "", $"No free port between {first} and {last} on this machine for the sign-in redirect. Close what uses them, or run `runner consent --device-code`.", null, needsOperator: true);
    }

    /// <summary>Windows lets another process bind the same port unless told otherwise; elsewhere a bound port is ours.</summary>
    private static TcpListener Listener(IPAddress address, int port)
    {
        var listener = new TcpListener(address, port);
        if (OperatingSystem.IsWindows())
        {
            listener.ExclusiveAddressUse = true;
        }

        return listener;
    }

    /// <summary>
    /// Waits for the browser to bring back the answer (a request to / with code or error); other requests get 404.
    /// Connections are served side by side, so an idle one (browsers open spare connections) never holds up the answer.
    /// </summary>
    public async Task<LoopbackRequest> WaitAsync(CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<LoopbackRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loops = new List<Task> { AcceptAsync(_v4, answer, stop.Token) };
        if (_v6 is not null)
        {
            loops.Add(AcceptAsync(_v6, answer, stop.Token));
        }

        try
        {
            using (cancellationToken.Register(() => answer.TrySetCanceled(cancellationToken)))
            {
                return await answer.Task;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(loops);
        }
    }

    private static async Task AcceptAsync(TcpListener listener, TaskCompletionSource<LoopbackRequest> answer, CancellationToken cancellationToken)
    {
        // Every connection served is awaited before the listener returns, so none outlives it and none fails unseen.
        var serving = new List<Task>();
        try
        {
            while (!answer.Task.IsCompleted)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(cancellationToken);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                serving.RemoveAll(t => t.IsCompletedSuccessfully);
                serving.Add(ServeAsync(client, answer, cancellationToken));
            }
        }
        finally
        {
            await Task.WhenAll(serving);
        }
    }

    private static async Task ServeAsync(TcpClient client, TaskCompletionSource<LoopbackRequest> answer, CancellationToken cancellationToken)
    {
        var handedOver = false;
        try
        {
            var request = await LoopbackRequest.ReadAsync(client, cancellationToken);
            if (request is { Path: "/" } && (request.Query.ContainsKey("code") || request.Query.ContainsKey("error")) && answer.TrySetResult(request))
            {
                handedOver = true; // the answer owns the connection now: it responds on it
                return;
            }

            if (request is not null)
            {
                await request.RespondAsync(404, "Not found.", cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A connection that goes wrong is not the answer; keep waiting for the one that is.
        }
        finally
        {
            if (!handedOver)
            {
                client.Dispose();
            }
        }
    }

    public void Dispose()
    {
        _v4.Stop();
        _v4.Dispose();
        _v6?.Stop();
        _v6?.Dispose();
    }
}

/// <summary>One HTTP request on the loopback listener, answered once.</summary>
internal sealed class LoopbackRequest : IDisposable
{
    private readonly TcpClient _client;

    private LoopbackRequest(TcpClient client, string path, IReadOnlyDictionary<string, string> query)
    {
        _client = client;
        Path = path;
        Query = query;
    }

    public string Path { get; }

    public IReadOnlyDictionary<string, string> Query { get; }

    public static async Task<LoopbackRequest?> ReadAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var stream = client.GetStream();
        var buffer = new byte[16 * 1024];
        var length = 0;
        try
        {
            while (length < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(length), timeout.Token);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        var head = Encoding.ASCII.GetString(buffer, 0, length);
        var line = head.Split("\r\n", 2)[0].Split(' ');
        if (line.Length < 3 || line[0] != "GET")
        {
            return new LoopbackRequest(client, "", new Dictionary<string, string>());
        }

        var target = line[1];
        var mark = target.IndexOf('?', StringComparison.Ordinal);
        var path = mark < 0 ? target : target[..mark];
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        if (mark >= 0)
        {
            foreach (var pair in target[(mark + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = pair.Split('=', 2);
                query[Uri.UnescapeDataString(parts[0].Replace('+', ' '))] = parts.Length > 1 ? Uri.UnescapeDataString(parts[1].Replace('+', ' ')) : "";
            }
        }

        return new LoopbackRequest(client, path, query);
    }

    public async Task RespondAsync(int status, string html, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(html);
        var reason = status == 200 ? "OK" : status == 404 ? "Not Found" : "Bad Request";
        var header = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {body.Length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n");
        try
        {
            var stream = _client.GetStream();
            await stream.WriteAsync(header, cancellationToken);
            await stream.WriteAsync(body, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }
        catch (IOException)
        {
            // The browser went away; the answer it brought is what matters.
        }
    }

    public void Dispose() => _client.Dispose();
}
