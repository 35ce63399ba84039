using System.Globalization;

namespace Runner.Benchmarks.Scenarios.SchedulerScale;

/// <summary>
/// A scheduler configuration measured: how the jobs' schedules sit in the period and the scheduler: settings in
/// runner.yaml (null = not set, Runner's default). Every node of a cluster reads the same runner.yaml.
/// </summary>
internal sealed record ScaleConfig(string Name, string Description, bool Spread, int? MaxConcurrentJobs, int? WarmWorkers, string? Mode = null)
{
    /// <summary>Runner's defaults when runner.yaml does not set them (scheduling.md).</summary>
    public const int DefaultMaxConcurrentJobs = 4;

    public const int DefaultWarmWorkers = 2;

    public const string Names = "default, spread, single, tuned, no-warm";

    public int EffectiveMaxConcurrentJobs => MaxConcurrentJobs ?? DefaultMaxConcurrentJobs;

    public int EffectiveWarmWorkers => WarmWorkers ?? DefaultWarmWorkers;

    /// <summary>
    /// default: runner.yaml sets nothing, and every job's cron is at second 0, the schedule as the issue writes it.
    /// spread: the defaults, the schedules spread evenly over the period.
    /// tuned: what an operator would set for this load: the schedules spread, warm workers for four seconds' fires
    /// (a taken worker's replacement starts a second later and needs one to two seconds to get ready under load),
    /// and twice that many fires at once (a fire holds its slot from pick-up until its worker exits). In a cluster
    /// each node is sized for twice its even share of the fires (at most all of them): Quartz hands a fire to whichever
    /// node asks first, which is uneven, and a node at its maxConcurrentJobs stops asking, so the others take over.
    /// single: spread, with a worker process per fire (workers.mode single) and the default warm workers: the strategy
    /// that was the default before shared workers.
    /// no-warm: tuned, but warmWorkers 0: every fire starts its own worker, which skips the warm worker's rehearsal
    /// (less CPU per fire, for a machine whose cores cannot carry the load otherwise) and pays the start-up in latency.
    /// </summary>
    public static ScaleConfig Create(string name, ScaleLoad load, int nodes)
    {
        switch (name)
        {
            case "default":
                return new ScaleConfig(name, "runner.yaml sets no scheduler settings (shared workers, maxConcurrentJobs 4); every job at second 0", false, null, null);
            case "spread":
                return new ScaleConfig(name, "Runner's defaults (shared workers, maxConcurrentJobs 4); schedules spread evenly over the period", true, null, null);
            case "single":
                return new ScaleConfig(name, "a worker process per fire (workers.mode single) with the default warmWorkers 2 and maxConcurrentJobs 4; schedules spread", true, null, null, "single");
            case "tuned" or "no-warm":
                var peak = load.PeakPerSecond(spread: true);
                var share = Math.Min(1.0, 2.0 / nodes);
                var warm = Math.Clamp((int)Math.Ceiling(4 * peak * share), DefaultWarmWorkers, 256);
                var concurrent = Math.Clamp(2 * warm, DefaultMaxConcurrentJobs, 256);
                var sizing = nodes == 1 ? $"4 × the {peak} fires due per second" : $"4 × the {peak} fires due per second × 2 ÷ {nodes} nodes, per node";
                return name == "tuned"
                    ? new ScaleConfig(name, $"a worker process per fire (workers.mode single); schedules spread evenly over the period; warmWorkers {warm} ({sizing}), maxConcurrentJobs {concurrent} (2 × warmWorkers)", true, concurrent, warm, "single")
                    : new ScaleConfig(name, $"as tuned (maxConcurrentJobs {concurrent}) but warmWorkers 0: a new worker process per fire, no rehearsal", true, concurrent, 0, "single");
            default:
                throw new ArgumentException($"--configs: unknown configuration '{name}'; known: {Names}");
        }
    }

    public static IReadOnlyList<ScaleConfig> Parse(string list, ScaleLoad load, int nodes) =>
        [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().Select(n => Create(n, load, nodes))];

    /// <summary>The scheduler: line of runner.yaml, with <paramref name="store"/> settings (e.g. the PostgreSQL store) first.</summary>
    public string SchedulerYaml(string store)
    {
        var settings = new List<string>();
        if (store.Length > 0)
        {
            settings.Add(store);
        }

        if (MaxConcurrentJobs is { } concurrent)
        {
            settings.Add(string.Create(CultureInfo.InvariantCulture, $"maxConcurrentJobs: {concurrent}"));
        }

        if (WarmWorkers is { } warm)
        {
            settings.Add(string.Create(CultureInfo.InvariantCulture, $"warmWorkers: {warm}"));
        }

        if (Mode is { } mode)
        {
            settings.Add($"workers: {{ mode: {mode} }}");
        }

        // Not the load's business: the built-in credential keep-alive job.
        settings.Add("keepAlive: off");
        return $"scheduler: {{ {string.Join(", ", settings)} }}\n";
    }
}
