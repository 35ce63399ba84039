using Runner.Benchmarks.Harness;
using Runner.Execution;
using Runner.History;

namespace Runner.Benchmarks.Scenarios.SchedulerScale;

/// <summary>
/// Each job's fires due in the window against the fires history has. A due fire <em>started</em> when a first cron
/// attempt of that occurrence ran the script (its stamp is in history); every other due fire is <em>missed</em>: no run
/// at all (Quartz handled it as misfired, or never got to it), or a run whose script never started. Runs in the
/// window at times no cron is due (a misfired fire run late under fireOnce, a recovery) are counted apart.
/// </summary>
internal sealed class FireAudit
{
    public FireAudit(ScaleOutcome outcome)
    {
        Expected = outcome.Expected.Count;
        var due = outcome.Expected.ToHashSet();
        var byOccurrence = outcome.Fires.ToLookup(f => new Occurrence(f.Job, f.Scheduled));
        Started = [.. outcome.Fires.Where(f => f.Trigger == TriggerKinds.Cron && f.Attempt == 1 && f.ScriptStart is not null && due.Contains(new Occurrence(f.Job, f.Scheduled)))];
        var started = Started.Select(f => new Occurrence(f.Job, f.Scheduled)).ToHashSet();
        Missed = [.. outcome.Expected.Where(o => !started.Contains(o))];
        MissedWithoutRun = Missed.Count(o => !byOccurrence.Contains(o));
        OffSchedule = outcome.Fires.Count(f => !due.Contains(new Occurrence(f.Job, f.Scheduled)));
        Duplicates = outcome.Expected.Count(o => byOccurrence[o].Count(f => f.Attempt == 1) > 1);
        NotSucceeded = Started.Count(f => f.Status != RunStatus.Succeeded);
        Latency = Stats.Of(Started.Select(f => f.Latency!.Value));
        HostPart = Stats.Of(Started.Select(f => f.HostPart));
        WorkerPart = Stats.Of(Started.Select(f => f.WorkerPart!.Value));
        Nodes = [.. Started.Select(f => f.Node).Distinct().Order(StringComparer.Ordinal)];
        var missedByMinute = Missed.ToLookup(o => Minute(o.At));
        var dueByMinute = outcome.Expected.ToLookup(o => Minute(o.At));
        Minutes = [.. dueByMinute.OrderBy(g => g.Key).Select(g =>
        {
            var fires = Started.Where(f => Minute(f.Scheduled) == g.Key).ToList();
            return new MinuteFires(g.Key, g.Count(), fires.Count, missedByMinute[g.Key].Count(), Stats.Of(fires.Select(f => f.Latency!.Value)),
                Nodes.ToDictionary(n => n, n => fires.Count(f => f.Node == n)));
        })];
    }

    public int Expected { get; }

    /// <summary>Due fires whose script ran (first cron attempt at the due time).</summary>
    public IReadOnlyList<StampFire> Started { get; }

    public IReadOnlyList<Occurrence> Missed { get; }

    /// <summary>Of the missed fires, those with no run recorded at all.</summary>
    public int MissedWithoutRun { get; }

    /// <summary>Runs in the window not at a due time (a misfired fire run late, a recovery).</summary>
    public int OffSchedule { get; }

    /// <summary>Due fires with more than one first attempt (a fire run twice, by two nodes).</summary>
    public int Duplicates { get; }

    public int NotSucceeded { get; }

    public Stats Latency { get; }

    public Stats HostPart { get; }

    public Stats WorkerPart { get; }

    /// <summary>The nodes that started fires, by name.</summary>
    public IReadOnlyList<string> Nodes { get; }

    public IReadOnlyList<MinuteFires> Minutes { get; }

    public int StartedOn(string node) => Started.Count(f => f.Node == node);

    public Stats LatencyOn(string node) => Stats.Of(Started.Where(f => f.Node == node).Select(f => f.Latency!.Value));

    private static DateTimeOffset Minute(DateTimeOffset time) => new(time.UtcTicks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero);
}

/// <summary>One minute of the window: fires due, started and missed, their latency, and the started fires per node.</summary>
internal sealed record MinuteFires(DateTimeOffset Minute, int Due, int Started, int Missed, Stats Latency, IReadOnlyDictionary<string, int> PerNode);
