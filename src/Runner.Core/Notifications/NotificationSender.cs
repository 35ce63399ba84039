using System.Text.Json;
using Microsoft.Extensions.Logging;
using Runner.Configuration;
using Runner.History;

namespace Runner.Notifications;

/// <summary>
/// Delivers the outbox: every few seconds it claims due rows (a lease, so in a cluster each row is sent by one node),
/// sends each to its channel, and marks it sent; a failed send is tried again with growing delays, and a channel past
/// its maxPerMinute waits for the next minute. A node that dies mid-send leaves its rows to be claimed again when the
/// lease ends.
/// </summary>
internal sealed class NotificationSender(IRunHistory history, Func<RunnerConfig> config, NotificationDelivery delivery, string node, TimeProvider time, ILogger log)
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>How often the outbox is looked at.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan[] Backoff =
        [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2)];

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await SendDueAsync(stop);
                await Task.Delay(Interval, time, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HistoryException or InvalidOperationException)
            {
                log.LogWarning("Notifications could not be read from the outbox: {Problem}", e.Message);
                await Task.Delay(Interval, time, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>One pass over the due rows; returns how many were sent.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sent = 0;
        foreach (var entry in await history.ClaimNotificationsAsync(node, now, Lease, 20, cancellationToken))
        {
            if (!config().Notify.Channels.TryGetValue(entry.Channel, out var channel))
            {
                await history.NotificationFailedAsync(entry, null, $"runner.yaml no longer has a channel named '{entry.Channel}'.", cancellationToken);
                continue;
            }

            if (await history.NotificationsSentSinceAsync(entry.Channel, now.AddMinutes(-1), cancellationToken) >= channel.MaxPerMinute)
            {
                await history.NotificationDeferredAsync(entry, now.AddSeconds(30), cancellationToken);
                continue;
            }

            try
            {
                var message = JsonSerializer.Deserialize<NotificationMessage>(entry.Payload) ?? throw new JsonException("empty message");
                await delivery.SendAsync(channel, message, cancellationToken);
                await history.NotificationSentAsync(entry, time.GetUtcNow(), cancellationToken);
                sent++;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var next = entry.Attempts < Backoff.Length ? time.GetUtcNow() + Backoff[entry.Attempts] : (DateTimeOffset?)null;
                var reason = $"{e.GetType().Name}: {e.Message}";
                await history.NotificationFailedAsync(entry, next, reason, CancellationToken.None);
                log.LogWarning("Notification {Event} to {Channel} not sent ({Reason}); {Next}.", entry.EventKey, entry.Channel, reason,
                    next is null ? "given up after the last try" : $"trying again at {next:u}");
            }
        }

        return sent;
    }
}
