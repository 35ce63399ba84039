using System.Text.Json;
using Microsoft.Extensions.Logging;
using Runner.Configuration;
using Runner.History;

namespace Runner.Notifications;

/// <summary>
/// Turns a finished run into outbox rows (one per event and channel) that the senders deliver. Written in the same
/// database as the run, so a host that stops right after the run still has them to send when it (or another node) runs.
/// </summary>
internal static class NotificationOutbox
{
    public static async Task<int> EnqueueRunAsync(IRunHistory history, RunnerConfig config, string runId, bool needsOperator, TimeProvider time, ILogger log, CancellationToken cancellationToken)
    {
        if (config.Notify.Rules.Count == 0 && config.Jobs.Values.All(j => j.Notify.Count == 0))
        {
            return 0;
        }

        if (await history.GetRunAsync(runId, cancellationToken) is not { } details)
        {
            return 0;
        }

        // The job's previous finished run, for "change": tenants newly failing or recovered.
        RunDetails? previous = null;
        foreach (var earlier in await history.ListRunsAsync(details.Run.Job, 10, cancellationToken))
        {
            if (earlier.Id != runId && earlier.FinishedAt is not null && earlier.StartedAt < details.Run.StartedAt)
            {
                previous = await history.GetRunAsync(earlier.Id, cancellationToken);
                break;
            }
        }

        var queued = 0;
        foreach (var (channel, message) in NotificationRules.ForRun(config, details, previous, needsOperator))
        {
            if (await history.EnqueueNotificationAsync(message.EventKey, channel, JsonSerializer.Serialize(message), time.GetUtcNow(), cancellationToken))
            {
                queued++;
            }
        }

        if (queued > 0)
        {
            log.LogInformation("Run {RunId}: {Count} notification(s) queued.", runId, queued);
        }

        return queued;
    }
}
