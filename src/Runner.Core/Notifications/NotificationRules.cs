using Runner.Configuration;
using Runner.Execution;
using Runner.History;

namespace Runner.Notifications;

/// <summary>
/// Which messages a finished run sends: the global rules and the job's own, matched against what happened (failure,
/// timeout, success, tenants newly failing or recovered since the previous run, a credential that needs an operator).
/// One message per run and event, whatever the number of tenants: a storm of failures is one message.
/// </summary>
internal static class NotificationRules
{
    public static IReadOnlyList<(string Channel, NotificationMessage Message)> ForRun(RunnerConfig config, RunDetails run, RunDetails? previous, bool needsOperator)
    {
        config.Jobs.TryGetValue(run.Run.Job, out var job);
        var rules = config.Notify.Rules.Concat(job?.Notify ?? []).ToList();
        if (rules.Count == 0)
        {
            return [];
        }

        var happened = new List<NotifyEvent>();
        var changes = Changes(run, previous);
        if (run.Run.Status is RunStatus.Failed or RunStatus.Error or RunStatus.Interrupted)
        {
            happened.Add(NotifyEvent.Failure);
        }

        if (run.Run.Status == RunStatus.TimedOut || run.Tenants.Any(t => t.Status == TenantStatus.TimedOut))
        {
            happened.Add(NotifyEvent.Timeout);
        }

        if (run.Run.Status == RunStatus.Succeeded)
        {
            happened.Add(NotifyEvent.Success);
        }

        if (changes.Count > 0)
        {
            happened.Add(NotifyEvent.Change);
        }

        if (needsOperator)
        {
            happened.Add(NotifyEvent.Credential);
        }

        var messages = new List<(string, NotificationMessage)>();
        foreach (var what in happened)
        {
            foreach (var rule in rules.Where(r => r.On.Contains(what)))
            {
                var message = Message(config, run, what, changes, rule.IncludeResults);
                foreach (var channel in rule.Channels)
                {
                    if (!messages.Any(m => m.Item1 == channel && m.Item2.EventKey == message.EventKey))
                    {
                        messages.Add((channel, message));
                    }
                }
            }
        }

        return messages;
    }

    private static NotificationMessage Message(RunnerConfig config, RunDetails details, NotifyEvent what, IReadOnlyList<string> changes, bool results)
    {
        var run = details.Run;
        var failed = details.Tenants.Where(t => t.Status is TenantStatus.Failed or TenantStatus.TimedOut)
            .Select(t => new FailedTenant(t.Domain.Length > 0 ? t.Domain : t.Name, t.Status.ToString(), OneLine(t.Error))).ToList();
        var counts = details.Tenants.GroupBy(t => t.Status.ToString()).ToDictionary(g => g.Key, g => g.Count());
        var title = what switch
        {
            NotifyEvent.Failure => $"{run.Job} failed: {run.Failed + run.TimedOut} of {run.Total} tenants" + (run.Error is { } e && run.Failed + run.TimedOut == 0 ? $" ({OneLine(e)})" : ""),
            NotifyEvent.Timeout => $"{run.Job} timed out" + (run.Status == RunStatus.TimedOut ? " (the whole run)" : $": {run.TimedOut} of {run.Total} tenants"),
            NotifyEvent.Success => $"{run.Job} succeeded: {run.Succeeded} of {run.Total} tenants",
            NotifyEvent.Change => $"{run.Job} changed since its last run: {changes.Count} tenant{(changes.Count == 1 ? "" : "s")}",
            _ => $"{run.Job}: the partner credential needs an operator",
        };
        var link = config.Web.Configured ? new Uri(config.Web.PublicUrl, $"/runs/{Uri.EscapeDataString(run.Id)}").AbsoluteUri : null;
        return new NotificationMessage($"run:{run.Id}:{what.ToString().ToLowerInvariant()}", what.ToString().ToLowerInvariant(), title, run.Job, run.Id, run.Status.ToString(),
            counts, [.. failed.Take(NotificationMessage.FailedShown)], Math.Max(0, failed.Count - NotificationMessage.FailedShown), changes, link, run.FinishedAt ?? run.StartedAt)
        {
            Results = results ? details.Tenants.Where(t => t.Result is not null).ToDictionary(t => t.Domain.Length > 0 ? t.Domain : t.Name, t => t.Result!) : null,
        };
    }

    /// <summary>Tenants that fail now but did not last time, and those that failed last time and do not now.</summary>
    private static List<string> Changes(RunDetails run, RunDetails? previous)
    {
        if (previous is null)
        {
            return [];
        }

        static bool Bad(TenantStatus s) => s is TenantStatus.Failed or TenantStatus.TimedOut;
        var before = previous.Tenants.ToDictionary(t => t.TenantId, t => t.Status, StringComparer.OrdinalIgnoreCase);
        var changes = new List<string>();
        foreach (var tenant in run.Tenants)
        {
            if (!before.TryGetValue(tenant.TenantId, out var was) || was is TenantStatus.Skipped or TenantStatus.Cancelled)
            {
                continue;
            }

            var name = tenant.Domain.Length > 0 ? tenant.Domain : tenant.Name;
            if (Bad(tenant.Status) && !Bad(was))
            {
                changes.Add($"{name} now fails: {OneLine(tenant.Error)}");
            }
            else if (!Bad(tenant.Status) && Bad(was) && tenant.Status == TenantStatus.Succeeded)
            {
                changes.Add($"{name} recovered");
            }
        }

        return changes;
    }

    private static string OneLine(string? text) => (text ?? "").Split('\n')[0].TrimEnd('\r') is var line && line.Length > 300 ? line[..300] + "…" : (text ?? "").Split('\n')[0].TrimEnd('\r');
}
