namespace Runner.History;

/// <summary>Why a run started, as history records it.</summary>
internal static class TriggerKinds
{
    /// <summary>`runner run` from a shell.</summary>
    public const string Run = "run";

    /// <summary>The job's cron schedule.</summary>
    public const string Cron = "cron";

    /// <summary>`runner trigger`.</summary>
    public const string Manual = "manual";

    /// <summary>A new attempt after a failed one (retries and retryBackoff).</summary>
    public const string Retry = "retry";

    /// <summary>Run again because the node running it stopped (crash, kill, power loss).</summary>
    public const string Recovery = "recovery";

    public static bool IsKnown(string kind) => kind is Run or Cron or Manual or Retry or Recovery;
}
