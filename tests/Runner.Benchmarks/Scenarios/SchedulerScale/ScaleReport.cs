using System.Globalization;
using System.Text.Json.Nodes;
using Runner.Benchmarks.Harness;

namespace Runner.Benchmarks.Scenarios.SchedulerScale;

/// <summary>The scenario's tables, targets and raw samples, from the measured windows.</summary>
internal static class ScaleReport
{
    private const double TargetP99Ms = 500;

    public static void Fill(Report report, ScaleLoad load, IReadOnlyList<ScaleOutcome> outcomes)
    {
        var audits = outcomes.Select(o => (Outcome: o, Audit: new FireAudit(o))).ToList();
        var summary = new Table("Fire-to-script-start, ms (the fire's scheduled time → the script's first statement), and missed fires",
            "setup", "configuration", "fires due", "started", "missed", "p50", "p95", "p99", "max", "fires per node");
        var cost = new Table("What the machine spent over the window (CPU: see the notes)",
            "setup", "configuration", "CPU s, hosts", "CPU s, workers", "CPU s, PostgreSQL", "share of the machine's CPU", "fires run in the window", "CPU ms per fire run: all / workers", "ceiling: fires a minute", "RSS MB, hosts + workers (mean / max)", "load average (mean / max)");
        foreach (var (outcome, audit) in audits)
        {
            summary.Add(outcome.Setup, outcome.Config.Name, audit.Expected, audit.Started.Count, audit.Missed.Count,
                audit.Latency.Median, audit.Latency.P95, audit.Latency.P99, audit.Latency.Max,
                outcome.Clustered ? string.Join(" / ", outcome.HostLogs.Keys.Order(StringComparer.Ordinal).Select(audit.StartedOn)) : "–");
            var hosts = outcome.Cpu.Sum(c => c.Host.TotalSeconds);
            var workers = outcome.Cpu.Sum(c => c.Workers.TotalSeconds);
            var postgres = outcome.PostgresCpu?.TotalSeconds ?? double.NaN;
            var total = hosts + workers + (outcome.PostgresCpu?.TotalSeconds ?? 0);
            var perFire = outcome.Executed > 0 ? total * 1000 / outcome.Executed : double.NaN;
            var workersPerFire = outcome.Executed > 0 ? workers * 1000 / outcome.Executed : double.NaN;
            var window = (outcome.To - outcome.From).TotalSeconds;
            cost.Add(outcome.Setup, outcome.Config.Name, hosts, workers, postgres,
                $"{total / (window * Environment.ProcessorCount) * 100:0} %",
                outcome.Executed, $"{perFire:0} / {workersPerFire:0}",
                workersPerFire > 0 ? Math.Floor(Environment.ProcessorCount * 60_000 / workersPerFire) : double.NaN,
                $"{outcome.RssMb.Mean:0} / {outcome.RssMb.Max:0}", $"{outcome.Load["mean"]} / {outcome.Load["max"]}");
        }

        report.Tables.Add(summary);
        report.Tables.Add(cost);
        foreach (var (outcome, audit) in audits)
        {
            AddDetails(report, outcome, audit);
            AddTargets(report, outcome, audit);
        }

        report.Notes.Add($"Load: {load.Jobs} jobs, each firing once every {ScaleLoad.Text(load.Every)} ({load.FiresPerMinute:0.#} fires a minute), each running jobs/stamp.csx for one tenant, whose first statement reads the clock and returns it as the run's result; fire-to-script-start = that reading − the fire's scheduled time (one machine, one clock).");
        foreach (var (setup, clustered, config) in outcomes.Select(o => (o.Setup, o.Clustered, o.Config)))
        {
            report.Notes.Add($"{setup}, configuration {config.Name}: {config.Description}. runner.yaml: `{config.SchedulerYaml(clustered ? ScaleSetup.PostgresStore : "").Trim()}`{(config.Spread ? $" and job i's cron at second ⌊i × {load.Every.TotalSeconds:0} ÷ {load.Jobs}⌋ of the period (e.g. `{load.Cron(load.Jobs - 1, true)}`)" : $", every job's cron `{load.Cron(0, false)}`")}.");
        }

        report.Notes.Add("A fire is missed when no first cron attempt at its due time ran the script: Quartz handled it as misfired (no host picked it up within scheduler.misfireThreshold, 1 minute), or its run never started the script. A misfired fire under misfire: fireOnce (the default) runs once later at another time: those runs are 'off-schedule' in the details, not counted as started.");
        report.Notes.Add($"CPU = user + system time over the window of each host process, of the workers below it (warm ones included: a fire's worker was started and rehearsed ahead, and its replacement is started after it), and of the PostgreSQL server with its backends. Fires run in the window = scheduler runs the hosts started between its first and last second, whenever they were due (with a backlog, earlier fires and misfired ones run late). Ceiling = {Environment.ProcessorCount} cores × 60 s ÷ the workers' CPU per fire run: every fire costs one worker process however the scheduler is configured, so no configuration carries more fires a minute on this machine (the hosts' and the database's own CPU lower it further; with few fires their fixed cost dominates the 'all' figure). A cluster on one machine shares the same cores: it shows how fires spread over nodes and that each runs once, not more capacity.");
        foreach (var outcome in outcomes)
        {
            report.Notes.AddRange(outcome.Problems.Select(p => $"**{outcome.Setup}, {outcome.Config.Name}: {p}**"));
        }
    }

    private static void AddDetails(Report report, ScaleOutcome outcome, FireAudit audit)
    {
        var label = $"{outcome.Setup}, {outcome.Config.Name}";
        var parts = new Table($"{label}: {audit.Started.Count} of {audit.Expected} due fires started, {audit.Missed.Count} missed ({audit.MissedWithoutRun} without any run), " +
            $"{audit.OffSchedule} off-schedule runs, {audit.Duplicates} run twice, {audit.NotSucceeded} not Succeeded; ms", "", "p50", "p95", "p99", "max");
        parts.Add("fire-to-script-start", audit.Latency.Median, audit.Latency.P95, audit.Latency.P99, audit.Latency.Max);
        parts.Add("  scheduled time → run recorded by the host (Quartz, history)", audit.HostPart.Median, audit.HostPart.P95, audit.HostPart.P99, audit.HostPart.Max);
        parts.Add("  run recorded → first statement (worker)", audit.WorkerPart.Median, audit.WorkerPart.P95, audit.WorkerPart.P99, audit.WorkerPart.Max);
        report.Tables.Add(parts);

        var clustered = outcome.Clustered;
        if (clustered)
        {
            var nodes = new Table($"{label}: fires per node", "node", "fires started", "share", "p50 ms", "p99 ms", "max ms", "CPU s, host", "CPU s, workers");
            foreach (var node in outcome.HostLogs.Keys.Order(StringComparer.Ordinal))
            {
                var latency = audit.LatencyOn(node);
                nodes.Add(node, audit.StartedOn(node), audit.Started.Count > 0 ? $"{100.0 * audit.StartedOn(node) / audit.Started.Count:0} %" : "–",
                    latency.Median, latency.P99, latency.Max, Seconds(outcome, node, c => c.Host), Seconds(outcome, node, c => c.Workers));
            }

            report.Tables.Add(nodes);
        }

        var nodeNames = clustered ? outcome.HostLogs.Keys.Order(StringComparer.Ordinal).ToList() : [];
        var minutes = new Table($"{label}: per minute (by scheduled time)", ["minute", "due", "started", "missed", "p50 ms", "p99 ms", "max ms", .. nodeNames]);
        foreach (var minute in audit.Minutes)
        {
            minutes.Add([minute.Minute.ToString("HH:mm", CultureInfo.InvariantCulture), minute.Due, minute.Started, minute.Missed,
                minute.Latency.Median, minute.Latency.P99, minute.Latency.Max, .. nodeNames.Select(n => (object)minute.PerNode.GetValueOrDefault(n))]);
        }

        report.Tables.Add(minutes);
        report.Raw[Key(outcome)] = new JsonObject
        {
            ["from"] = outcome.From.ToUnixTimeMilliseconds(),
            ["to"] = outcome.To.ToUnixTimeMilliseconds(),
            ["cpuSeconds"] = new JsonObject([.. outcome.Cpu.Select(c => KeyValuePair.Create(c.Node, (JsonNode?)new JsonObject
            {
                ["host"] = Math.Round(c.Host.TotalSeconds, 2),
                ["workers"] = Math.Round(c.Workers.TotalSeconds, 2),
            })), KeyValuePair.Create("postgres", (JsonNode?)(outcome.PostgresCpu is { } pg ? Math.Round(pg.TotalSeconds, 2) : null))]),
            ["missed"] = new JsonArray([.. audit.Missed.Take(1000).Select(m => (JsonNode)$"{m.Job} {m.At:HH:mm:ss}")]),
            ["fires"] = new JsonArray([.. outcome.Fires.Select(f => (JsonNode)new JsonObject
            {
                ["job"] = f.Job,
                ["trigger"] = f.Trigger,
                ["attempt"] = f.Attempt,
                ["node"] = f.Node,
                ["scheduled"] = f.Scheduled.ToUnixTimeMilliseconds(),
                ["recorded"] = f.Recorded.ToUnixTimeMilliseconds(),
                ["scriptStart"] = f.ScriptStart?.ToUnixTimeMilliseconds(),
                ["status"] = f.Status.ToString(),
            })]),
            ["hostLogs"] = new JsonObject([.. outcome.HostLogs.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)new JsonArray([.. l.Value.Select(line => (JsonNode)line)])))]),
        };
    }

    private static void AddTargets(Report report, ScaleOutcome outcome, FireAudit audit)
    {
        var label = $"{outcome.Setup}, {outcome.Config.Name}";
        var complete = audit.Latency.Count > 0;
        report.Targets.Add(new Target($"{label}: p99 fire-to-script-start", $"≤ {TargetP99Ms:0} ms",
            complete ? $"{audit.Latency.P99:0} ms (p50 {audit.Latency.Median:0} ms, max {audit.Latency.Max:0} ms)" : "no fire started", complete && audit.Latency.P99 <= TargetP99Ms));
        report.Targets.Add(new Target($"{label}: missed fires", "0", $"{audit.Missed.Count} of {audit.Expected}", audit.Missed.Count == 0));
        if (outcome.Clustered)
        {
            report.Targets.Add(new Target($"{label}: fires run twice", "0", $"{audit.Duplicates}", audit.Duplicates == 0));
        }
    }

    private static double Seconds(ScaleOutcome outcome, string node, Func<NodeCpu, TimeSpan> part) =>
        outcome.Cpu.FirstOrDefault(c => c.Node == node) is { } cpu ? part(cpu).TotalSeconds : double.NaN;

    private static string Key(ScaleOutcome outcome) =>
        (outcome.Clustered ? "cluster" : "single") + "-" + outcome.Config.Name;
}
