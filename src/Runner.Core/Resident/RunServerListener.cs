using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Runner.Resident;

/// <summary>
/// The run server's accept loop: each connection is one request, served at once and side by side with the others.
/// It ends when asked to stop (after the runs in progress), or after <see cref="RunServerOptions.IdleTimeout"/>
/// without a request, and removes its socket.
/// </summary>
internal sealed class RunServerListener : IDisposable
{
    private readonly Socket _socket;
    private readonly RunServerOptions _options;
    private readonly Func<RunServerRequest, RunServerConnection, Task<int>> _run;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _active = [];
    private readonly DateTimeOffset _started;
    private readonly IdleHeapRelease _heap = new();
    private DateTimeOffset _lastActivity;
    private int _served;
    private int _running;

    private RunServerListener(Socket socket, RunServerOptions options, Func<RunServerRequest, RunServerConnection, Task<int>> run, ILogger logger)
    {
        _socket = socket;
        _options = options;
        _run = run;
        _logger = logger;
        _started = options.Time.GetUtcNow();
        _lastActivity = _started;
    }

    /// <summary>Listens on <see cref="RunServerOptions.Socket"/>, taking over a socket file left by a server that
    /// died; refuses when a live server answers there.</summary>
    public static RunServerListener Bind(RunServerOptions options, Func<RunServerRequest, RunServerConnection, Task<int>> run, ILogger logger)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The run server needs owner-only Unix socket files: Linux or macOS.");
        }

        if (RunServerClient.Connect(options.Socket) is { } live)
        {
            live.Dispose();
            throw new InvalidOperationException($"A run server already listens on {options.Socket}.");
        }

        File.Delete(options.Socket);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(options.Socket));
            File.SetUnixFileMode(options.Socket, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            socket.Listen(64);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new RunServerListener(socket, options, run, logger);
    }

    public async Task RunAsync(CancellationToken cancellation)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, _stopping.Token);
        var idle = WatchIdleAsync(linked.Token);
        try
        {
            while (!linked.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await _socket.AcceptAsync(linked.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                Touch();
                lock (_active)
                {
                    Task? serving = null;
                    serving = Task.Run(async () =>
                    {
                        try
                        {
                            await ServeAsync(client);
                        }
                        finally
                        {
                            Touch();
                            lock (_active)
                            {
                                _active.Remove(serving!);
                            }
                        }
                    }, CancellationToken.None);
                    _active.Add(serving);
                }
            }
        }
        finally
        {
            _socket.Dispose();
            File.Delete(_options.Socket);
            await _stopping.CancelAsync();
            await idle;
            Task[] remaining;
            lock (_active)
            {
                remaining = [.. _active];
            }

            // Runs in progress finish and are recorded; their clients get their output and exit code.
            await Task.WhenAll(remaining);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var connection = new RunServerConnection(client);
        using var watching = new CancellationTokenSource();
        var started = false;
        try
        {
            if (await RunServerFrames.ReadAsync(connection.Stream, _stopping.Token) is not { Kind: RunServerFrames.Request } frame)
            {
                return;
            }

            var request = RunServerRequest.FromJson(frame.Payload);
            switch (request.Kind)
            {
                case RunServerRequest.Status:
                    connection.Send(RunServerFrames.Output, Encoding.UTF8.GetBytes(Status()));
                    connection.SendExit(0);
                    return;
                case RunServerRequest.Stop:
                    await StopAsync(connection);
                    return;
            }

            var watch = connection.WatchAsync(watching.Token);
            var startedAt = _options.Time.GetTimestamp();
            Interlocked.Increment(ref _served);
            Interlocked.Increment(ref _running);
            _heap.RunStarted();
            started = true;
            int code;
            try
            {
                code = await _run(request, connection);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }

            connection.SendExit(code);
            _logger.LogInformation("Served `{Command}` in {Milliseconds:F0} ms: exit code {Code}{Gone}.", request.Arguments.FirstOrDefault(),
                _options.Time.GetElapsedTime(startedAt).TotalMilliseconds, code, connection.Gone ? " (the client had left)" : "");
            await watching.CancelAsync();
            await watch;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.LogError(e, "A request failed in the run server.");
            connection.SendExit(70);
        }
        finally
        {
            if (started)
            {
                // After the exit code is sent: the client is not kept waiting for a collection.
                ReleaseIfIdle();
            }
        }
    }

    private void ReleaseIfIdle()
    {
        var begun = _options.Time.GetTimestamp();
        if (_heap.RunEnded())
        {
            _logger.LogInformation("Idle after a large run: gave its memory back in {Milliseconds:F0} ms ({Resident} MB resident).",
                _options.Time.GetElapsedTime(begun).TotalMilliseconds, Environment.WorkingSet / (1024 * 1024));
        }
    }

    private async Task StopAsync(RunServerConnection connection)
    {
        var running = Volatile.Read(ref _running);
        if (running > 0)
        {
            connection.Send(RunServerFrames.Error, Encoding.UTF8.GetBytes($"Waiting for {running} run{(running == 1 ? "" : "s")} in progress to finish.\n"));
        }

        _logger.LogInformation("Stopping: asked to.");
        await _stopping.CancelAsync();
        while (Volatile.Read(ref _running) > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), _options.Time);
        }

        connection.Send(RunServerFrames.Output, Encoding.UTF8.GetBytes($"Stopped the run server (pid {Environment.ProcessId}).\n"));
        connection.SendExit(0);
    }

    private string Status()
    {
        var running = Volatile.Read(ref _running);
        return $"Run server: pid {Environment.ProcessId}, serving {Environment.CurrentDirectory} since {_started:u}; "
            + $"{Volatile.Read(ref _served)} run{(_served == 1 ? "" : "s")} served, {running} in progress; "
            + $"stops after {Durations(_options.IdleTimeout)} without a request. Socket: {_options.Socket}\n";
    }

    private static string Durations(TimeSpan span) => span.TotalMinutes >= 1 && span.Seconds == 0 ? $"{span.TotalMinutes:0} min" : $"{span.TotalSeconds:0} s";

    private void Touch()
    {
        lock (_active)
        {
            _lastActivity = _options.Time.GetUtcNow();
        }
    }

    private async Task WatchIdleAsync(CancellationToken cancellation)
    {
        var period = TimeSpan.FromTicks(Math.Clamp(_options.IdleTimeout.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(10).Ticks));
        using var timer = new PeriodicTimer(period, _options.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellation))
            {
                lock (_active)
                {
                    if (Volatile.Read(ref _running) > 0 || _options.Time.GetUtcNow() - _lastActivity < _options.IdleTimeout)
                    {
                        continue;
                    }
                }

                _logger.LogInformation("Stopping: no request for {Idle}.", Durations(_options.IdleTimeout));
                await _stopping.CancelAsync();
                return;
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping for another reason.
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _stopping.Dispose();
    }
}
