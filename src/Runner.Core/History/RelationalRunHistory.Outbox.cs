namespace Runner.History;

/// <summary>
/// The notification outbox, in the same database as history (and, in a cluster, as the scheduler): a row per event
/// and channel, so an event raised twice (two nodes, a retried write) is sent once; a sender claims a row with a
/// lease before sending, so two nodes never send the same row at once, and a sender that dies mid-send leaves a row
/// another picks up when the lease runs out.
/// </summary>
internal abstract partial class RelationalRunHistory
{
    public async Task<bool> EnqueueNotificationAsync(string eventKey, string channel, string payload, DateTimeOffset now, CancellationToken cancellationToken) =>
        await UseAsync(false, (c, t) => ExecuteAsync(c, t,
            $"INSERT INTO {Outbox} (event_key, channel, created_at, payload, status, attempts, next_at) VALUES (@key, @channel, @now, @payload, 'pending', 0, @now) ON CONFLICT (event_key, channel) DO NOTHING",
            ("key", eventKey), ("channel", channel), ("now", ToDb(now)), ("payload", payload)), cancellationToken) == 1;

    public Task<IReadOnlyList<OutboxEntry>> ClaimNotificationsAsync(string node, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken) =>
        UseAsync<IReadOnlyList<OutboxEntry>>(false, async (c, t) =>
        {
            var due = new List<OutboxEntry>();
            await using (var command = Command(c, t,
                $"SELECT event_key, channel, payload, attempts FROM {Outbox} WHERE status = 'pending' AND next_at <= @now AND (claimed_until IS NULL OR claimed_until < @now) ORDER BY created_at LIMIT @max",
                ("now", ToDb(now)), ("max", max)))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    due.Add(new OutboxEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2), Convert.ToInt32(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture)));
                }
            }

            var claimed = new List<OutboxEntry>();
            foreach (var entry in due)
            {
                // Only one node's update matches: the lease is taken where nobody holds it (or it ran out).
                var rows = await ExecuteAsync(c, t,
                    $"UPDATE {Outbox} SET claimed_by = @node, claimed_until = @until WHERE event_key = @key AND channel = @channel AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < @now)",
                    ("node", node), ("until", ToDb(now + lease)), ("key", entry.EventKey), ("channel", entry.Channel), ("now", ToDb(now)));
                if (rows == 1)
                {
                    claimed.Add(entry);
                }
            }

            return claimed;
        }, cancellationToken);

    public Task NotificationSentAsync(OutboxEntry entry, DateTimeOffset now, CancellationToken cancellationToken) => UseAsync(false, (c, t) => ExecuteAsync(c, t,
        $"UPDATE {Outbox} SET status = 'sent', sent_at = @now, attempts = attempts + 1, claimed_until = NULL, last_error = NULL WHERE event_key = @key AND channel = @channel",
        ("now", ToDb(now)), ("key", entry.EventKey), ("channel", entry.Channel)), cancellationToken);

    /// <summary>A send that failed: tried again at <paramref name="next"/>, or given up (status failed) when null.</summary>
    public Task NotificationFailedAsync(OutboxEntry entry, DateTimeOffset? next, string error, CancellationToken cancellationToken) => UseAsync(false, (c, t) => ExecuteAsync(c, t,
        $"UPDATE {Outbox} SET status = @status, attempts = attempts + 1, next_at = COALESCE(@next, next_at), claimed_until = NULL, last_error = @error WHERE event_key = @key AND channel = @channel",
        ("status", next is null ? "failed" : "pending"), ("next", next is { } n ? ToDb(n) : null), ("error", error), ("key", entry.EventKey), ("channel", entry.Channel)), cancellationToken);

    /// <summary>Puts a claimed message back to wait (rate limit): no attempt is counted.</summary>
    public Task NotificationDeferredAsync(OutboxEntry entry, DateTimeOffset next, CancellationToken cancellationToken) => UseAsync(false, (c, t) => ExecuteAsync(c, t,
        $"UPDATE {Outbox} SET next_at = @next, claimed_until = NULL WHERE event_key = @key AND channel = @channel",
        ("next", ToDb(next)), ("key", entry.EventKey), ("channel", entry.Channel)), cancellationToken);

    public Task<int> NotificationsSentSinceAsync(string channel, DateTimeOffset since, CancellationToken cancellationToken) =>
        UseAsync(false, async (c, t) =>
        {
            await using var command = Command(c, t, $"SELECT COUNT(*) FROM {Outbox} WHERE channel = @channel AND status = 'sent' AND sent_at >= @since", ("channel", channel), ("since", ToDb(since)));
            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }, cancellationToken);

    /// <summary>Every outbox row (status, attempts) for tests and `runner notify` diagnostics.</summary>
    public Task<IReadOnlyList<(string EventKey, string Channel, string Status, int Attempts, string? Error)>> ListNotificationsAsync(CancellationToken cancellationToken) =>
        UseAsync<IReadOnlyList<(string, string, string, int, string?)>>(false, async (c, t) =>
        {
            var rows = new List<(string, string, string, int, string?)>();
            await using var command = Command(c, t, $"SELECT event_key, channel, status, attempts, last_error FROM {Outbox} ORDER BY created_at");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), Convert.ToInt32(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture), reader.IsDBNull(4) ? null : reader.GetString(4)));
            }

            return rows;
        }, cancellationToken);
}
