using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Runner.Configuration;
using Runner.History;

namespace Runner.Notifications;

/// <summary>
/// Events about Runner itself rather than a run: the credential close to its 90 days, GDAP relationships about to end
/// (at Microsoft's own notice points: 30, 7 and 1 days), a skipped misfire, a lost cluster node. Each has a key that
/// makes it one message per channel however many nodes notice it.
/// </summary>
internal static class SystemNotifications
{
    public static readonly int[] GdapNoticeDays = [30, 7, 1];

    public const int ExpiryNoticeDays = 14;

    public static async Task<int> EnqueueAsync(IRunHistory history, RunnerConfig config, NotifyEvent what, string key, string title, IReadOnlyList<string> lines, string job, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var message = new NotificationMessage(key, what.ToString().ToLowerInvariant(), title, job, null, what.ToString(), new Dictionary<string, int>(), [], 0, lines, null, now);
        var queued = 0;
        foreach (var channel in config.Notify.Rules.Where(r => r.On.Contains(what)).SelectMany(r => r.Channels).Distinct(StringComparer.Ordinal))
        {
            if (await history.EnqueueNotificationAsync(key, channel, JsonSerializer.Serialize(message), now, cancellationToken))
            {
                queued++;
            }
        }

        return queued;
    }

    /// <summary>From the daily keep-alive run's result: the credential's days left and the relationships ending soon.</summary>
    public static async Task FromKeepAliveAsync(IRunHistory history, RunnerConfig config, string runId, TimeProvider time, ILogger log, CancellationToken cancellationToken)
    {
        if (await history.GetRunAsync(runId, cancellationToken) is not { } details || details.Tenants.FirstOrDefault()?.Result is not { } json || JsonNode.Parse(json) is not JsonObject result)
        {
            return;
        }

        var today = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if ((int?)result["daysLeft"] is { } credentialDays)
        {
            Telemetry.RunnerTelemetry.CredentialDaysLeft(credentialDays);
        }

        Telemetry.RunnerTelemetry.GdapEnding(result["gdapEnding"]?.AsArray().Count ?? 0);
        if ((int?)result["daysLeft"] is { } days && days <= ExpiryNoticeDays)
        {
            await EnqueueAsync(history, config, NotifyEvent.Expiry, $"credential-expiry:{today}",
                $"The partner credential expires in {days} day{(days == 1 ? "" : "s")}", ["Run `runner auth refresh` (or keep `runner host` running with its keep-alive) before then; after it, a partner admin must run `runner consent` again."],
                "keep-alive", time, cancellationToken);
        }

        foreach (var relationship in result["gdapEnding"]?.AsArray() ?? [])
        {
            var left = (int)relationship!["daysLeft"]!;
            var notice = GdapNoticeDays.Where(d => left <= d).DefaultIfEmpty(0).Min();
            if (notice == 0)
            {
                continue;
            }

            var queued = await EnqueueAsync(history, config, NotifyEvent.Gdap, $"gdap:{(string)relationship["id"]!}:{notice}",
                $"GDAP with {(string)relationship["customer"]!} ends in {left} day{(left == 1 ? "" : "s")}",
                [$"{(string)relationship["name"]!} ends {(string)relationship["ends"]!}; renew it in Partner Center before then, or Runner loses access to this customer."],
                "keep-alive", time, cancellationToken);
            if (queued > 0)
            {
                log.LogInformation("GDAP relationship {Relationship} ends in {Days} days: notified.", (string)relationship["name"]!, left);
            }
        }
    }
}
