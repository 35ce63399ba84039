using System.Text;

namespace Runner.Resident;

/// <summary>
/// Standard output or error of a handed-over run: text sent to the client as frames of one kind. Lines go out as
/// they end, anything else at Flush; once the client is gone, writes are dropped so the run still ends and is recorded.
/// A long write (a 10,000-tenant run's JSON is 4 million characters) goes out in frames of at most
/// <see cref="ChunkChars"/> characters, encoded into one small buffer: nothing the size of the output is copied or kept.
/// </summary>
internal sealed class FrameTextWriter(RunServerConnection connection, byte kind) : TextWriter
{
    /// <summary>Characters per frame of a long write.</summary>
    internal const int ChunkChars = 16 * 1024;

    private readonly StringBuilder _pending = new();
    private readonly Encoder _encoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetEncoder();
    private byte[]? _bytes;

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_pending)
        {
            _pending.Append(value);
            if (value == '\n')
            {
                SendPending();
            }
        }
    }

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        lock (_pending)
        {
            SendPending();
            Send(buffer);
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_pending)
        {
            SendPending();
            Send(value.AsSpan());
            Send(CoreNewLine);
        }
    }

    public override void Flush()
    {
        lock (_pending)
        {
            SendPending();
        }
    }

    private void SendPending()
    {
        if (_pending.Length == 0)
        {
            return;
        }

        foreach (var chunk in _pending.GetChunks())
        {
            Send(chunk.Span);
        }

        _pending.Clear();
    }

    private void Send(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            var chars = text[..Math.Min(text.Length, ChunkChars)];
            _bytes ??= new byte[Encoding.UTF8.GetMaxByteCount(ChunkChars)];
            // flush: false keeps a high surrogate cut off at a chunk's end for the next chunk.
            var count = _encoder.GetBytes(chars, _bytes, flush: false);
            if (count > 0)
            {
                connection.Send(kind, _bytes.AsSpan(0, count));
            }

            text = text[chars.Length..];
        }
    }
}
