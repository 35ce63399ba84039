using Microsoft.Extensions.Logging;
using Runner.Redaction;

namespace Runner.Execution;

/// <summary>
/// The <c>Log</c> global: keeps a tenant's lines (redacted, at most <see cref="MaxLines"/>) for the run's history,
/// and passes them on to the console logger with the job and tenant as scope. What the script writes to the console
/// is kept the same way and handed to <paramref name="echo"/> (the run's observers) instead of the logger.
/// </summary>
internal sealed class TenantLog(string job, string tenant, ILogger forward, SecretRedactor redactor, TimeProvider time, Action<LogLine>? echo = null) : ILogger
{
    public const int MaxLines = 5000;
    private readonly List<LogLine> _lines = [];
    private int _dropped;

    public IReadOnlyList<LogLine> Lines
    {
        get
        {
            lock (_lines)
            {
                if (_dropped == 0)
                {
                    return _lines.ToList();
                }

                return [.. _lines, new LogLine(time.GetUtcNow(), LogLevel.Warning, $"({_dropped} more lines were not kept)")];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => forward.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var message = formatter(state, exception);
        if (exception is not null)
        {
            message = $"{message} {exception.GetType().Name}: {exception.Message}";
        }

        message = Keep(logLevel, message).Message;
        if (forward.IsEnabled(logLevel))
        {
            forward.Log(logLevel, eventId, "[{Job} {Tenant}] {Message}", job, tenant, message);
        }
    }

    /// <summary>A line the script wrote to standard output (Information) or standard error (Error).</summary>
    public void Console(LogLevel level, string text)
    {
        var line = Keep(level, text);
        echo?.Invoke(line);
    }

    private LogLine Keep(LogLevel level, string message)
    {
        var line = new LogLine(time.GetUtcNow(), level, redactor.Redact(message));
        lock (_lines)
        {
            if (_lines.Count < MaxLines)
            {
                _lines.Add(line);
            }
            else
            {
                _dropped++;
            }
        }

        return line;
    }
}
