namespace Runner.History;

/// <summary>The history store cannot be used; the message says how to recover.</summary>
internal sealed class HistoryException(string message, Exception? inner = null) : Exception(message, inner);
