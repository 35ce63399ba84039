using Microsoft.Extensions.Logging;
using Runner.Redaction;

namespace Runner.Cli.Rendering;

/// <summary>Plain, redacted log lines on standard error. Lighter at start-up than the console logger package.</summary>
internal sealed class StderrLoggerProvider(TextWriter writer, LogLevel minimum, SecretRedactor redactor) : ILoggerProvider
{
    private readonly object _sync = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(LogLevel level, string category, string message)
    {
        var text = redactor.Redact(message);
        lock (_sync)
        {
            writer.WriteLine($"{Label(level)}: {text}");
        }
    }

    private static string Label(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        _ => "critical",
    };

    private sealed class Logger(StderrLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                var message = formatter(state, exception);
                provider.Write(logLevel, category, exception is null ? message : $"{message} ({exception.GetType().Name}: {exception.Message})");
            }
        }
    }

    private readonly LogLevel _minimum = minimum;
}
