namespace Runner.Writes;

/// <summary>A read-only run's write, stopped before it was sent. Not an HttpRequestException, so no retry layer retries it.</summary>
public sealed class WriteRefusedException(string message) : InvalidOperationException(message);
