using System.Net.Sockets;

namespace Runner.Resident;

/// <summary>
/// One client of the run server: frames out (thread-safe: output, error and the progress display write from different
/// threads), interrupts in. When the client goes away the run is interrupted as by Ctrl+C, and what it still writes is
/// dropped.
/// </summary>
internal sealed class RunServerConnection(Socket socket) : IDisposable
{
    private readonly NetworkStream _stream = new(socket, ownsSocket: true);
    private readonly Lock _send = new();
    private bool _gone;
    private int _interrupts;

    /// <summary>Raised on each interrupt: 1 for the first (Ctrl+C), 2 and more after; also when the client left.</summary>
    public event Action<int>? Interrupted;

    public Stream Stream => _stream;

    public bool Gone => Volatile.Read(ref _gone);

    public void Send(byte kind, ReadOnlySpan<byte> payload)
    {
        lock (_send)
        {
            if (_gone)
            {
                return;
            }

            try
            {
                RunServerFrames.Write(_stream, kind, payload);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                _gone = true;
            }
        }
    }

    public void SendExit(int code)
    {
        Span<byte> payload = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(payload, code);
        Send(RunServerFrames.Exit, payload);
    }

    /// <summary>Reads interrupts until the client closes its end (which interrupts too, once, if nothing did before).</summary>
    public async Task WatchAsync(CancellationToken cancellation)
    {
        try
        {
            while (await RunServerFrames.ReadAsync(_stream, cancellation) is { } frame)
            {
                if (frame.Kind == RunServerFrames.Interrupt)
                {
                    Interrupted?.Invoke(Interlocked.Increment(ref _interrupts));
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidDataException)
        {
            // The client is gone or the run ended; either way no more interrupts come.
        }

        if (cancellation.IsCancellationRequested)
        {
            return;
        }

        lock (_send)
        {
            _gone = true;
        }

        if (Interlocked.Increment(ref _interrupts) == 1)
        {
            Interrupted?.Invoke(1);
        }
    }

    public void Dispose() => _stream.Dispose();
}
