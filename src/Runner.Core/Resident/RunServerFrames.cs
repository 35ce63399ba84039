using System.Buffers.Binary;

namespace Runner.Resident;

/// <summary>
/// The run server's wire: frames of a kind byte, a little-endian length and that many bytes, both ways on one Unix
/// socket. The client sends one request, then interrupts; the server sends output, then the exit code.
/// </summary>
internal static class RunServerFrames
{
    /// <summary>Client: the request (JSON, <see cref="RunServerRequest"/>).</summary>
    public const byte Request = (byte)'Q';

    /// <summary>Client: Ctrl+C or SIGTERM, once: stop the run gracefully.</summary>
    public const byte Interrupt = (byte)'I';

    /// <summary>Server: bytes for standard output.</summary>
    public const byte Output = (byte)'O';

    /// <summary>Server: bytes for standard error.</summary>
    public const byte Error = (byte)'E';

    /// <summary>Server: the command's exit code (4 bytes); the last frame.</summary>
    public const byte Exit = (byte)'X';

    private const int MaxLength = 16 * 1024 * 1024;

    public static void Write(Stream stream, byte kind, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[5];
        header[0] = kind;
        BinaryPrimitives.WriteInt32LittleEndian(header[1..], payload.Length);
        stream.Write(header);
        stream.Write(payload);
        stream.Flush();
    }

    public static int ExitCode(byte[] payload) => BinaryPrimitives.ReadInt32LittleEndian(payload);

    /// <summary>The next frame, or null at the end of the stream.</summary>
    public static async Task<(byte Kind, byte[] Payload)?> ReadAsync(Stream stream, CancellationToken cancellation)
    {
        var header = new byte[5];
        if (!await FillAsync(stream, header, cancellation))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(1));
        if (length is < 0 or > MaxLength)
        {
            throw new InvalidDataException($"A run-server frame of {length} bytes: not a run server on the other end.");
        }

        var payload = new byte[length];
        if (!await FillAsync(stream, payload, cancellation))
        {
            return null;
        }

        return (header[0], payload);
    }

    private static async Task<bool> FillAsync(Stream stream, byte[] buffer, CancellationToken cancellation)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellation);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }
}
