using System.Text;
using Microsoft.Extensions.Logging;

namespace Runner.Execution;

/// <summary>
/// Stands in for <see cref="Console.Out"/> or <see cref="Console.Error"/>: on a tenant's flow a write goes to that
/// tenant's capture, anywhere else to the writer it replaced.
/// </summary>
internal sealed class ScriptConsoleWriter(TextWriter passThrough, LogLevel level) : TextWriter
{
    // A write made while this thread is already handing a line to a tenant log (a logger that writes to the console
    // itself) goes straight through instead of looping back into the capture.
    [ThreadStatic]
    private static bool _routing;

    public override Encoding Encoding => passThrough.Encoding;

    public override IFormatProvider FormatProvider => passThrough.FormatProvider;

    public override string NewLine
    {
        get => passThrough.NewLine;
#pragma warning disable CS8765 // TextWriter.NewLine's setter accepts null (it means the default); so does the target.
        set => passThrough.NewLine = value;
#pragma warning restore CS8765
    }

    public override void Write(char value) => Write([value]);

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        if (ScriptConsole.Active is { } capture && !_routing)
        {
            _routing = true;
            try
            {
                capture.Write(level, buffer);
            }
            finally
            {
                _routing = false;
            }

            return;
        }

        passThrough.Write(buffer);
    }

    public override void Write(string? value) => Write(value.AsSpan());

    public override void WriteLine() => Write(CoreNewLine);

    public override void WriteLine(string? value) => Write(string.Concat(value, NewLine));

    public override void WriteLine(ReadOnlySpan<char> buffer) => Write(string.Concat(buffer, NewLine));

    public override void Flush()
    {
        if (ScriptConsole.Active is null)
        {
            passThrough.Flush();
        }
    }

    public override Task FlushAsync() => ScriptConsole.Active is null ? passThrough.FlushAsync() : Task.CompletedTask;

    public override Task WriteAsync(char value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(char[] buffer, int index, int count)
    {
        Write(buffer, index, count);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
    {
        WriteLine(buffer.Span);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync()
    {
        WriteLine();
        return Task.CompletedTask;
    }
}
