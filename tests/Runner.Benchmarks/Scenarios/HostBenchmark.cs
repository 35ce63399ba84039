using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Runner.Benchmarks.Harness;
using Runner.History;

namespace Runner.Benchmarks.Scenarios;

/// <summary>
/// (d) The scheduler under a burst: `runner host` (ReadyToRun) with 50 jobs, each on "0/10 * * * * ?", for 2 minutes,
/// against a standalone sandbox. Fire-to-start = the fire's scheduled time (the cron instant, which Quartz fires at)
/// → the moment the script's first statement runs (jobs/stamp.csx returns the clock as its result). It covers
/// Quartz picking the trigger up, the history record, the worker process and everything the worker does before the
/// script: configuration, session, compiled script from the cache, customer list, history.
/// </summary>
internal static class HostBenchmark
{
    private sealed record Fire(string Job, DateTimeOffset Scheduled, DateTimeOffset Recorded, DateTimeOffset? ScriptStart, string Status);

    public static async Task<Report> RunAsync(BenchOptions options, Builds builds)
    {
        var jobs = options.Int("jobs", 50);
        var minutes = options.Int("minutes", 2);
        var every = (int)options.Duration("every", TimeSpan.FromSeconds(10)).TotalSeconds;
        var work = Path.Combine(options.WorkDirectory, "host");
        await using var sandbox = await SandboxProcess.StartAsync(builds.ReadyToRun, Path.Combine(work, "sandbox"), customers: 10);
        var report = new Report("host", $"The host: {jobs} jobs firing every {every} s for {minutes} minutes, fire-to-script-start",
            $"dotnet run -c Release --project tests/Runner.Benchmarks -- host --jobs {jobs} --minutes {minutes}");
        report.Parameters["jobs"] = jobs;
        report.Parameters["schedule"] = $"0/{every} * * * * ? (all jobs fire at the same instants)";
        report.Parameters["minutes"] = minutes;
        report.Parameters["maxConcurrentJobs"] = jobs;
        report.Parameters["job"] = "jobs/stamp.csx for one tenant (returns the clock at its first statement)";

        // Without warm workers (every fire starts its worker, as before they existed), then with one per job.
        var summary = new Table("Fire-to-script-start, ms (scheduled time → the script's first statement)", "workers", "fires ran", "p50", "p90", "p99", "max", "host part p50", "host part p99");
        Stats? warm = null;
        var complete = false;
        await using (var load = new LoadSampler())
        {
            foreach (var warmWorkers in options.Get("warm", $"0,{jobs}").Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)))
            {
                var label = warmWorkers == 0 ? "warmWorkers: 0 (a new process per fire)" : $"warmWorkers: {warmWorkers}";
                Console.Error.WriteLine($"{label}:");
                var (fires, expected, log) = await MeasureAsync(builds, sandbox, Path.Combine(work, $"warm-{warmWorkers}"), jobs, minutes, every, warmWorkers);
                var started = fires.Where(f => f.ScriptStart is not null).ToList();
                var total = Stats.Of(started.Select(f => (f.ScriptStart!.Value - f.Scheduled).TotalMilliseconds));
                var hostPart = Stats.Of(started.Select(f => (f.Recorded - f.Scheduled).TotalMilliseconds));
                var workerPart = Stats.Of(started.Select(f => (f.ScriptStart!.Value - f.Recorded).TotalMilliseconds));
                summary.Add(label, $"{started.Count} of {expected}", total.Median, total.P90, total.P99, total.Max, hostPart.Median, hostPart.P99);

                var table = new Table($"{label}: {started.Count} of {expected} expected fires ran their script ({fires.Count(f => f.Status != "Succeeded")} not Succeeded); ms", "", "p50", "p90", "p99", "max");
                table.Add("fire-to-script-start", total.Median, total.P90, total.P99, total.Max);
                table.Add("  scheduled time → run recorded by the host (Quartz, history)", hostPart.Median, hostPart.P90, hostPart.P99, hostPart.Max);
                table.Add("  run recorded → first statement (worker)", workerPart.Median, workerPart.P90, workerPart.P99, workerPart.Max);
                report.Tables.Add(table);
                var bursts = new Table($"{label}: per burst (the fires due at one instant), ms", "scheduled", "fires", "p50", "max");
                foreach (var burst in started.GroupBy(f => f.Scheduled).OrderBy(g => g.Key))
                {
                    var s = Stats.Of(burst.Select(f => (f.ScriptStart!.Value - f.Scheduled).TotalMilliseconds));
                    bursts.Add(burst.Key.ToString("HH:mm:ss", CultureInfo.InvariantCulture), burst.Count(), s.Median, s.Max);
                }

                report.Tables.Add(bursts);
                report.Raw[$"warmWorkers{warmWorkers}"] = new JsonObject
                {
                    ["fires"] = new JsonArray([.. fires.Select(f => (JsonNode)new JsonObject
                    {
                        ["job"] = f.Job,
                        ["scheduled"] = f.Scheduled.ToUnixTimeMilliseconds(),
                        ["recorded"] = f.Recorded.ToUnixTimeMilliseconds(),
                        ["scriptStart"] = f.ScriptStart?.ToUnixTimeMilliseconds(),
                        ["status"] = f.Status,
                    })]),
                    ["hostLog"] = new JsonArray([.. log.TakeLast(100).Select(l => (JsonNode)l)]),
                };
                if (warmWorkers > 0)
                {
                    warm = total;
                    complete = started.Count == expected;
                }
            }

            report.Load = load.Summary();
        }

        report.Tables.Insert(0, summary);
        if (warm is not null)
        {
            report.Targets.Add(new Target($"p99 fire-to-script-start (warm workers)", "≤ 500 ms", $"{warm.P99:0} ms (p50 {warm.Median:0} ms)", warm.P99 <= 500 && complete));
        }
        report.Notes.Add("host part = the fire's scheduled time → the host has recorded the run in history (Quartz picking the trigger up, the occurrence lookup and the Running row); the rest is the worker: for a new process its start-up and everything before the script, for a warm one reading its fire, opening the session, loading the cached script, the customer list and the history row.");
        return report;
    }

    private static async Task<(List<Fire> Fires, int Expected, List<string> Log)> MeasureAsync(
        Builds builds, SandboxProcess sandbox, string folder, int jobs, int minutes, int every, int warmWorkers)
    {
        var yaml = new StringBuilder();
        // This scenario measures a process per fire, with and without warm workers (scheduler-scale measures shared workers).
        yaml.AppendLine(CultureInfo.InvariantCulture, $"scheduler: {{ maxConcurrentJobs: {jobs}, warmWorkers: {warmWorkers}, workers: {{ mode: single }}, keepAlive: off }}");
        yaml.AppendLine("jobs:");
        for (var i = 1; i <= jobs; i++)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"  stamp{i:00}: {{ script: jobs/stamp.csx, schedule: \"0/{every} * * * * ?\", tenants: [contoso.onmicrosoft.com] }}");
        }

        var project = await BenchProject.CreateAsync(folder, builds.ReadyToRun, sandbox, yaml.ToString());
        (await project.RunAsync(["run", "jobs/stamp.csx", "--tenant", "contoso.onmicrosoft.com"])).EnsureSuccess("priming run");

        DateTimeOffset windowStart, windowEnd;
        IReadOnlyList<string> log;
        await using (var host = HostProcess.Start(project, builds.ReadyToRun, "host"))
        {
            await host.WaitStartedAsync(TimeSpan.FromMinutes(2));

            // Whole bursts only, from the first one at least 15 seconds after the host is up (its warm workers
            // are starting meanwhile).
            var ready = DateTimeOffset.UtcNow.AddSeconds(15);
            windowStart = new DateTimeOffset((ready.UtcTicks / (every * TimeSpan.TicksPerSecond) + 1) * every * TimeSpan.TicksPerSecond, TimeSpan.Zero);
            windowEnd = windowStart.AddMinutes(minutes);
            Console.Error.WriteLine($"  measuring fires from {windowStart:HH:mm:ss} to {windowEnd:HH:mm:ss}");
            await Task.Delay(windowEnd - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(every / 2.0));
            await Poll.UntilAsync(() => Finished(project, windowEnd, every), TimeSpan.FromMinutes(2), "the measured fires to finish");
            log = host.Tail(100);
        }

        var fires = await ReadFiresAsync(project, windowStart, windowEnd);
        return (fires, jobs * (int)((windowEnd - windowStart).TotalSeconds / every), [.. log]);
    }

    private static async Task<bool> Finished(BenchProject project, DateTimeOffset to, int every)
    {
        await using var history = SqliteRunHistory.Open(Path.Combine(project.State, "history.db"));
        return await StampFires.NoneRunningBeforeAsync(history, to) && await StampFires.LatestOccurrenceAsync(history) >= to.AddSeconds(-every);
    }

    private static async Task<List<Fire>> ReadFiresAsync(BenchProject project, DateTimeOffset from, DateTimeOffset to)
    {
        await using var history = SqliteRunHistory.Open(Path.Combine(project.State, "history.db"));
        return [.. (await StampFires.ReadAsync(history, from, to)).Where(f => f.Trigger == TriggerKinds.Cron)
            .Select(f => new Fire(f.Job, f.Scheduled, f.Recorded, f.ScriptStart, f.Status.ToString()))];
    }
}
