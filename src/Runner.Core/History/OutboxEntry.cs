namespace Runner.History;

/// <summary>A notification waiting in the outbox: the event, the channel, the message (JSON), and how many tries so far.</summary>
internal sealed record OutboxEntry(string EventKey, string Channel, string Payload, int Attempts);
