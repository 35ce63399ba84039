namespace Runner.Execution;

/// <summary>What to run and where: the CLI's `runner run` options, or a scheduled job's settings.</summary>
internal sealed record JobRequest
{
    public required string Job { get; init; }

    public required string ScriptPath { get; init; }

    public IReadOnlyList<string> Include { get; init; } = [];

    public IReadOnlyList<string> Exclude { get; init; } = [];

    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    public int? Parallel { get; init; }

    public TimeSpan? Timeout { get; init; }

    public bool RefreshTenants { get; init; }

    /// <summary>Force partner level (runner.yaml); otherwise the script's own directive decides.</summary>
    public bool PartnerLevel { get; init; }

    /// <summary>run (the CLI), cron, manual, retry or recovery.</summary>
    public string Trigger { get; init; } = "run";

    public int Attempt { get; init; } = 1;

    /// <summary>A run id chosen by the caller (the scheduler); a new one when null.</summary>
    public string? RunId { get; init; }

    public string Node { get; init; } = Environment.MachineName;

    /// <summary>Scheduled fires: run the last version that compiled when an edit broke the script (noted in history).</summary>
    public bool UseLastGoodScript { get; init; }

    /// <summary>--what-if: writes are recorded and simulated, never sent.</summary>
    public bool WhatIf { get; init; }

    /// <summary>Why writes are refused (e.g. "--read-only"), or null when the job may write. The script's own
    /// <c>// runner: read-only</c> line can still make the run read-only.</summary>
    public string? ReadOnlyReason { get; init; }

    /// <summary>Secret-store names the script may read through <c>Secrets</c> (the job's, and --secret).</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];
}
