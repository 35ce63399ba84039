using System.Globalization;
using System.Text.Json;
using Quartz;
using Runner.History;

namespace Runner.Scheduling;

/// <summary>One fire of a job, as Quartz delivered it: which job, why (cron, manual, retry, recovery), which scheduled
/// occurrence it belongs to (to number attempts), and what `runner trigger` asked for.</summary>
/// <param name="ScheduledFor">The occurrence, to the second: retries and recoveries of one fire share it.</param>
/// <param name="RunId">The run id `runner trigger` printed (unless an earlier attempt used it); null to choose one.</param>
internal sealed record FireRequest(string Job, string Kind, DateTimeOffset ScheduledFor, string? RunId, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>For a recovery in a cluster: the Quartz instance taken for dead (Quartz names the recovery trigger after it).</summary>
    public string? FailedInstance { get; init; }

    public static FireRequest From(IJobExecutionContext context)
    {
        var data = context.MergedJobDataMap;
        var kind = context.Recovering ? TriggerKinds.Recovery
            : context.RetryAttempt > 0 ? TriggerKinds.Retry
            : context.Trigger.Key.Group == SchedulerKeys.ManualTriggerGroup ? TriggerKinds.Manual
            : TriggerKinds.Cron;
        var scheduled = context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
        if (context.Recovering && data.TryGetValue(SchedulerConstants.FailedJobOriginalTriggerScheduledFireTime, out var original) &&
            DateTimeOffset.TryParse(Convert.ToString(original, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var originalTime))
        {
            scheduled = originalTime;
        }

        var parameters = data.TryGetValue(SchedulerKeys.Parameters, out var json) && json is string { Length: > 0 } text
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(text) ?? []
            : new Dictionary<string, string>();
        // A manual fire keeps the id `runner trigger` printed, also when recovered; a retry is a new run.
        var runId = kind != TriggerKinds.Retry && data.TryGetValue(SchedulerKeys.RunId, out var id) ? id as string : null;
        var failed = context.Recovering && context.Trigger.Key.Name is { } name && name.StartsWith(RecoveryPrefix, StringComparison.Ordinal) && name.LastIndexOf('_') > RecoveryPrefix.Length
            ? name[RecoveryPrefix.Length..name.LastIndexOf('_')]
            : null;
        return new FireRequest(context.JobDetail.Key.Name, kind, Occurrence(scheduled), runId, parameters)
        {
            FailedInstance = failed == "NON_CLUSTERED" ? null : failed,
        };
    }

    private const string RecoveryPrefix = "recover_";

    /// <summary>Cron fires fall on whole seconds, and Quartz hands a recovery its original time to the second only.</summary>
    public static DateTimeOffset Occurrence(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }
}
