namespace Runner.Execution;

/// <summary>A run was asked for wrongly (an unknown job or script, a bad --parallel or --timeout); the message says how.</summary>
internal sealed class JobRequestException(string message) : Exception(message);
