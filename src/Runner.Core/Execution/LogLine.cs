using Microsoft.Extensions.Logging;

namespace Runner.Execution;

/// <summary>A line a script logged through <c>Log</c>, already redacted.</summary>
internal sealed record LogLine(DateTimeOffset Time, LogLevel Level, string Message);
