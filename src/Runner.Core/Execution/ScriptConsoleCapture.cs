using System.Text;
using Microsoft.Extensions.Logging;

namespace Runner.Execution;

/// <summary>
/// One tenant's console: gathers characters into lines (per stream, so standard output and standard error never
/// mix within a line) and logs each finished line to the tenant's log.
/// </summary>
internal sealed class ScriptConsoleCapture(TenantLog tenantLog) : IDisposable
{
    /// <summary>A line longer than this (a script writing megabytes without a newline) is logged in pieces.</summary>
    internal const int MaxLineLength = 16 * 1024;

    private readonly StringBuilder _out = new();
    private readonly StringBuilder _error = new();

    public void Write(LogLevel level, ReadOnlySpan<char> text)
    {
        List<string>? lines = null;
        var pending = level >= LogLevel.Error ? _error : _out;
        lock (pending)
        {
            foreach (var c in text)
            {
                if (c == '\n')
                {
                    (lines ??= []).Add(Take(pending));
                }
                else
                {
                    pending.Append(c);
                    if (pending.Length >= MaxLineLength)
                    {
                        (lines ??= []).Add(Take(pending));
                    }
                }
            }
        }

        // Logged outside the lock: the tenant log hands lines to the run's observers, which may take their own locks.
        foreach (var line in lines ?? [])
        {
            tenantLog.Console(level, line);
        }
    }

    /// <summary>Logs what the script wrote after its last newline.</summary>
    public void Dispose()
    {
        foreach (var (pending, level) in new[] { (_out, LogLevel.Information), (_error, LogLevel.Error) })
        {
            string? rest;
            lock (pending)
            {
                rest = pending.Length > 0 ? Take(pending) : null;
            }

            if (rest is { Length: > 0 })
            {
                tenantLog.Console(level, rest);
            }
        }
    }

    private static string Take(StringBuilder pending)
    {
        var line = pending.ToString().TrimEnd('\r');
        pending.Clear();
        return line;
    }
}
