using System.Text.Json.Nodes;
using Runner.Benchmarks.Harness;

namespace Runner.Benchmarks.Scenarios.SchedulerScale;

/// <summary>One job's scheduled time in the measured window.</summary>
internal readonly record struct Occurrence(string Job, DateTimeOffset At);

/// <summary>What one measured window gave: the fires due, the fires history has, and what the machine spent.</summary>
/// <param name="Cpu">CPU time per host over the window.</param>
/// <param name="PostgresCpu">CPU time of the PostgreSQL server (postmaster and backends) over the window, for a cluster.</param>
/// <param name="Executed">Scheduler runs the hosts recorded (started) inside the window, whatever time they were due: what the CPU was spent on.</param>
/// <param name="Problems">What went wrong with the measurement itself: a host that exited, a wait given up.</param>
internal sealed record ScaleOutcome(
    string Setup,
    bool Clustered,
    ScaleConfig Config,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<Occurrence> Expected,
    IReadOnlyList<StampFire> Fires,
    int Executed,
    IReadOnlyList<NodeCpu> Cpu,
    TimeSpan? PostgresCpu,
    Stats RssMb,
    JsonObject Load,
    IReadOnlyList<string> Problems,
    IReadOnlyDictionary<string, IReadOnlyList<string>> HostLogs);

/// <summary>CPU time one host spent: its own process, and the workers below it (warm, running, or ended).</summary>
internal sealed record NodeCpu(string Node, TimeSpan Host, TimeSpan Workers);

/// <summary>
/// Measures whole periods on running hosts: from the first period boundary after a warm-up (warm workers starting)
/// for the given minutes; samples CPU and memory meanwhile; then waits until history has settled (no fire of the
/// window still Running, and every fire due there recorded, or the misfire threshold passed) and reads the fires.
/// </summary>
internal static class ScaleRun
{
    /// <summary>Runner's default scheduler.misfireThreshold: a fire later than this is handled as missed.</summary>
    private static readonly TimeSpan MisfireThreshold = TimeSpan.FromMinutes(1);

    public static async Task<ScaleOutcome> MeasureAsync(ScaleSetup setup, ScaleLoad load, ScaleConfig config, int minutes, PostgresProcess? postgres)
    {
        // Warm workers start two at a time per host (as many as processors), a second or so each on a quiet machine.
        var warmup = TimeSpan.FromSeconds(Math.Min(120, 15 + 0.5 * config.EffectiveWarmWorkers * setup.Hosts.Count));
        var from = load.PeriodStartAfter(DateTimeOffset.UtcNow + warmup);
        var to = from.AddMinutes(minutes);
        var expected = Enumerable.Range(0, load.Jobs)
            .SelectMany(job => load.Occurrences(job, config.Spread, from, to).Select(at => new Occurrence(load.Name(job), at)))
            .ToList();
        Console.Error.WriteLine($"  {setup.Label}, {config.Name}: measuring fires from {from:HH:mm:ss} to {to:HH:mm:ss} ({expected.Count} due)");
        await Task.Delay(from - DateTimeOffset.UtcNow);

        var (hostsBefore, postgresBefore) = Cpu(setup, postgres);
        var rss = new List<double>();
        JsonObject loadAverage;
        await using (var sampler = new LoadSampler())
        {
            while (DateTimeOffset.UtcNow < to)
            {
                rss.Add(setup.Hosts.Sum(h => h.TreeRss()) / 1024.0 / 1024.0);
                await Task.Delay(TimeSpan.FromTicks(Math.Clamp((to - DateTimeOffset.UtcNow).Ticks, 0, TimeSpan.TicksPerSecond * 5)));
            }

            loadAverage = sampler.Summary();
        }

        var (hostsAfter, postgresAfter) = Cpu(setup, postgres);
        var spent = setup.Hosts.Select(h =>
        {
            var (own, tree) = (hostsAfter[h.Name].Own - hostsBefore[h.Name].Own, hostsAfter[h.Name].Tree - hostsBefore[h.Name].Tree);
            return new NodeCpu(h.Name, own, tree - own);
        }).ToList();
        var problems = setup.Hosts.Where(h => h.HasExited).Select(h => $"host {h.Name} exited during the window (its last lines are in the JSON's raw hostLogs)").ToList();
        try
        {
            await Poll.UntilAsync(() => SettledAsync(setup, expected.Count, from, to), TimeSpan.FromMinutes(5), "the window's fires to finish", TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException e)
        {
            problems.Add($"{e.Message} Fires still Running then count as missed.");
        }

        List<StampFire> fires;
        int executed;
        await using (var history = setup.OpenHistory())
        {
            fires = await StampFires.ReadAsync(history, from, to);
            executed = (await history.ListRunsAsync(null, 1_000_000, CancellationToken.None)).Count(r => r.ScheduledFor is not null && r.StartedAt >= from && r.StartedAt < to);
        }

        return new ScaleOutcome(setup.Label, setup.Clustered, config, from, to, expected, fires, executed, spent, postgresAfter - postgresBefore, Stats.Of(rss), loadAverage, problems,
            setup.Hosts.ToDictionary(h => h.Name, h => h.Tail(40)));
    }

    private static (Dictionary<string, (TimeSpan Own, TimeSpan Tree)> Hosts, TimeSpan? Postgres) Cpu(ScaleSetup setup, PostgresProcess? postgres) =>
        (setup.Hosts.ToDictionary(h => h.Name, h => (h.OwnCpu(), h.Cpu())), postgres is null ? null : ProcessTree.Cpu(postgres.ServerPid));

    private static async Task<bool> SettledAsync(ScaleSetup setup, int expected, DateTimeOffset from, DateTimeOffset to)
    {
        await using var history = setup.OpenHistory();
        if (!await StampFires.NoneRunningBeforeAsync(history, to))
        {
            return false;
        }

        // Every fire due is recorded, or it is too late for one that is not: Quartz has handled it as missed.
        return DateTimeOffset.UtcNow > to + MisfireThreshold + TimeSpan.FromSeconds(30)
            || (await history.ListRunsAsync(null, 1_000_000, CancellationToken.None)).Count(r => r.ScheduledFor >= from && r.ScheduledFor < to) >= expected;
    }
}
