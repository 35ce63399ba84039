using System.Text;

namespace Runner.Resident;

/// <summary>
/// Standard output or error of a handed-over run: text sent to the client as frames of one kind. Lines go out as
/// they end, anything else at Flush; once the client is gone, writes are dropped so the run still ends and is recorded.
/// </summary>
internal sealed class FrameTextWriter(RunServerConnection connection, byte kind) : TextWriter
{
    private readonly StringBuilder _pending = new();

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

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        lock (_pending)
        {
            _pending.Append(value);
            SendPending();
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer) => Write(new string(buffer));

    public override void WriteLine(string? value) => Write(value + NewLine);

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

        var bytes = Encoding.UTF8.GetBytes(_pending.ToString());
        _pending.Clear();
        connection.Send(kind, bytes);
    }
}
