using Quartz;

namespace Runner.Scheduling;

/// <summary>How Runner's jobs and triggers are named in the Quartz store, and the keys of the data they carry.</summary>
internal static class SchedulerKeys
{
    /// <summary>The Quartz scheduler name: every node of a cluster must use the same one.</summary>
    public const string SchedulerName = "runner";

    /// <summary>Jobs from runner.yaml.</summary>
    public const string JobGroup = "jobs";

    /// <summary>Runner's own jobs (the credential keep-alive).</summary>
    public const string SystemGroup = "system";

    /// <summary>The name of the built-in credential keep-alive job (in history and for `runner trigger`).</summary>
    public const string KeepAlive = "keep-alive";

    public const string CronTriggerGroup = "cron";

    public const string ManualTriggerGroup = "manual";

    /// <summary>Trigger data: what the schedule was built from, so an unchanged job keeps its trigger (and its misfire state).</summary>
    public const string Fingerprint = "runner.fingerprint";

    /// <summary>
    /// Among a manual fire's parameters: the tenant selection it was given (comma-separated selectors, as --tenant
    /// takes them), instead of the job's own. The worker takes it out before the script sees its parameters.
    /// </summary>
    public const string TenantSelection = "runner:tenants";

    /// <summary>Trigger data: the run id `runner trigger` chose and printed.</summary>
    public const string RunId = "runner.runId";

    /// <summary>Trigger data: `runner trigger --param` values, as JSON.</summary>
    public const string Parameters = "runner.params";

    public static JobKey Job(string name) => new(name, name == KeepAlive ? SystemGroup : JobGroup);

    public static TriggerKey Cron(string name) => new(name, CronTriggerGroup);
}
