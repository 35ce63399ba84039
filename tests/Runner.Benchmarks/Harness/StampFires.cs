using System.Collections.Concurrent;
using System.Globalization;
using Runner.Execution;
using Runner.History;

namespace Runner.Benchmarks.Harness;

/// <summary>
/// One scheduler fire of jobs/stamp.csx as history has it: the occurrence it belongs to, when the host recorded the
/// run, on which node, and when the script's first statement ran (its one tenant's result, Unix ms).
/// </summary>
internal sealed record StampFire(string Job, string Trigger, int Attempt, string Node, DateTimeOffset Scheduled, DateTimeOffset Recorded, DateTimeOffset? ScriptStart, RunStatus Status)
{
    /// <summary>Fire-to-script-start: the scheduled time → the script's first statement, ms.</summary>
    public double? Latency => (ScriptStart - Scheduled)?.TotalMilliseconds;

    /// <summary>The scheduled time → the host has recorded the run (Quartz, history), ms.</summary>
    public double HostPart => (Recorded - Scheduled).TotalMilliseconds;

    /// <summary>The run recorded → the script's first statement (the worker), ms.</summary>
    public double? WorkerPart => (ScriptStart - Recorded)?.TotalMilliseconds;
}

/// <summary>Reads stamp fires from a run history (SQLite or PostgreSQL alike).</summary>
internal static class StampFires
{
    private const int Many = 1_000_000;

    /// <summary>Every scheduler run (cron, retry, recovery; not `runner run`) whose occurrence is in [from, to).</summary>
    public static async Task<List<StampFire>> ReadAsync(IRunHistory history, DateTimeOffset from, DateTimeOffset to)
    {
        var runs = (await history.ListRunsAsync(null, Many, CancellationToken.None)).Where(r => r.ScheduledFor >= from && r.ScheduledFor < to).ToList();
        var fires = new ConcurrentBag<StampFire>();
        await Parallel.ForEachAsync(runs, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (run, ct) =>
        {
            var details = await history.GetRunAsync(run.Id, ct);
            var result = details?.Tenants.SingleOrDefault()?.Result;
            DateTimeOffset? start = result is not null && long.TryParse(result, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
            fires.Add(new StampFire(run.Job, run.Trigger, run.Attempt, run.Node, run.ScheduledFor!.Value, run.StartedAt, start, run.Status));
        });
        return [.. fires.OrderBy(f => f.Scheduled).ThenBy(f => f.Job, StringComparer.Ordinal)];
    }

    /// <summary>Whether no scheduler run with an occurrence before <paramref name="to"/> is still Running.</summary>
    public static async Task<bool> NoneRunningBeforeAsync(IRunHistory history, DateTimeOffset to) =>
        (await history.ListRunningAsync(CancellationToken.None)).All(r => r.ScheduledFor is null || r.ScheduledFor >= to);

    /// <summary>The latest occurrence history has a run for (null when none yet).</summary>
    public static async Task<DateTimeOffset?> LatestOccurrenceAsync(IRunHistory history) =>
        (await history.ListRunsAsync(null, 50, CancellationToken.None)).Max(r => r.ScheduledFor);
}
