using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Runner.Benchmarks.Harness;
using Runner.Execution;
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
        var every = options.Int("every", 10);
        var work = Path.Combine(options.WorkDirectory, "host");
        await using var sandbox = await SandboxProcess.StartAsync(builds.ReadyToRun, Path.Combine(work, "sandbox"), customers: 10);
        var yaml = new StringBuilder();
        yaml.AppendLine(CultureInfo.InvariantCulture, $"scheduler: {{ maxConcurrentJobs: {jobs}, keepAlive: off }}");
        yaml.AppendLine("jobs:");
        for (var i = 1; i <= jobs; i++)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"  stamp{i:00}: {{ script: jobs/stamp.csx, schedule: \"0/{every} * * * * ?\", tenants: [contoso.onmicrosoft.com] }}");
        }

        var project = await BenchProject.CreateAsync(Path.Combine(work, "project"), builds.ReadyToRun, sandbox, yaml.ToString());
        (await project.RunAsync(["run", "jobs/stamp.csx", "--tenant", "contoso.onmicrosoft.com"])).EnsureSuccess("priming run");

        var report = new Report("host", $"The host: {jobs} jobs firing every {every} s for {minutes} minutes, fire-to-script-start",
            $"dotnet run -c Release --project tests/Runner.Benchmarks -- host --jobs {jobs} --minutes {minutes}");
        report.Parameters["jobs"] = jobs;
        report.Parameters["schedule"] = $"0/{every} * * * * ? (all jobs fire at the same instants)";
        report.Parameters["minutes"] = minutes;
        report.Parameters["maxConcurrentJobs"] = jobs;
        report.Parameters["job"] = "jobs/stamp.csx for one tenant (returns the clock at its first statement)";

        DateTimeOffset windowStart, windowEnd;
        var log = new List<string>();
        await using (var load = new LoadSampler())
        {
            using var host = Process.Start(project.Start(builds.ReadyToRun, "host"))!;
            host.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (log)
                    {
                        log.Add(e.Data);
                    }
                }
            };
            host.OutputDataReceived += (_, _) => { };
            host.BeginErrorReadLine();
            host.BeginOutputReadLine();
            try
            {
                await WaitForAsync(() => Contains(log, " started (") || host.HasExited, TimeSpan.FromMinutes(2));
                if (host.HasExited)
                {
                    throw new InvalidOperationException($"runner host exited {host.ExitCode}:\n{string.Join('\n', log)}");
                }

                // Measure whole bursts only, from the first one at least two seconds after the host is up.
                var ready = DateTimeOffset.UtcNow.AddSeconds(2);
                windowStart = new DateTimeOffset((ready.UtcTicks / (every * TimeSpan.TicksPerSecond) + 1) * every * TimeSpan.TicksPerSecond, TimeSpan.Zero);
                windowEnd = windowStart.AddMinutes(minutes);
                Console.Error.WriteLine($"host up; measuring fires from {windowStart:HH:mm:ss} to {windowEnd:HH:mm:ss}");
                await Task.Delay(windowEnd - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(every / 2.0));
                await WaitForAsync(() => Finished(project, windowStart, windowEnd).GetAwaiter().GetResult(), TimeSpan.FromMinutes(2));
            }
            finally
            {
                await Proc.TerminateAsync(host);
                if (!host.WaitForExit(TimeSpan.FromMinutes(1)))
                {
                    host.Kill(entireProcessTree: true);
                }
            }

            report.Load = load.Summary();
        }

        var fires = await ReadFiresAsync(project, windowStart, windowEnd);
        var expected = jobs * (int)((windowEnd - windowStart).TotalSeconds / every);
        var started = fires.Where(f => f.ScriptStart is not null).ToList();
        var total = Stats.Of(started.Select(f => (f.ScriptStart!.Value - f.Scheduled).TotalMilliseconds));
        var hostPart = Stats.Of(started.Select(f => (f.Recorded - f.Scheduled).TotalMilliseconds));
        var workerPart = Stats.Of(started.Select(f => (f.ScriptStart!.Value - f.Recorded).TotalMilliseconds));
        var table = new Table($"{started.Count} of {expected} expected fires ran their script ({fires.Count(f => f.Status != "Succeeded")} not Succeeded); ms", "", "p50", "p90", "p99", "max");
        table.Add("fire-to-script-start (scheduled time → first statement)", total.Median, total.P90, total.P99, total.Max);
        table.Add("  scheduled time → run recorded by the host (Quartz, history)", hostPart.Median, hostPart.P90, hostPart.P99, hostPart.Max);
        table.Add("  run recorded → first statement (worker process)", workerPart.Median, workerPart.P90, workerPart.P99, workerPart.Max);
        report.Tables.Add(table);

        var bursts = new Table("Per burst (the fires due at one instant), ms", "scheduled", "fires", "p50", "max");
        foreach (var burst in started.GroupBy(f => f.Scheduled).OrderBy(g => g.Key))
        {
            var s = Stats.Of(burst.Select(f => (f.ScriptStart!.Value - f.Scheduled).TotalMilliseconds));
            bursts.Add(burst.Key.ToString("HH:mm:ss", CultureInfo.InvariantCulture), burst.Count(), s.Median, s.Max);
        }

        report.Tables.Add(bursts);
        report.Targets.Add(new Target("p99 fire-to-script-start", "≤ 500 ms", $"{total.P99:0} ms (p50 {total.Median:0} ms)", total.P99 <= 500 && started.Count == expected));
        report.Raw["fires"] = new JsonArray([.. fires.Select(f => (JsonNode)new JsonObject
        {
            ["job"] = f.Job,
            ["scheduled"] = f.Scheduled.ToUnixTimeMilliseconds(),
            ["recorded"] = f.Recorded.ToUnixTimeMilliseconds(),
            ["scriptStart"] = f.ScriptStart?.ToUnixTimeMilliseconds(),
            ["status"] = f.Status,
        })]);
        report.Raw["hostLog"] = new JsonArray([.. log.TakeLast(200).Select(l => (JsonNode)l)]);
        return report;
    }

    private static async Task<bool> Finished(BenchProject project, DateTimeOffset from, DateTimeOffset to)
    {
        await using var history = SqliteRunHistory.Open(Path.Combine(project.State, "history.db"));
        var runs = await history.ListRunsAsync(null, 100_000, CancellationToken.None);
        return runs.Where(r => r.ScheduledFor >= from && r.ScheduledFor < to).All(r => r.Status != RunStatus.Running)
            && runs.Any(r => r.ScheduledFor >= to.AddSeconds(-10));
    }

    private static async Task<List<Fire>> ReadFiresAsync(BenchProject project, DateTimeOffset from, DateTimeOffset to)
    {
        await using var history = SqliteRunHistory.Open(Path.Combine(project.State, "history.db"));
        var fires = new List<Fire>();
        foreach (var run in (await history.ListRunsAsync(null, 100_000, CancellationToken.None)).Where(r => r.Trigger == TriggerKinds.Cron && r.ScheduledFor >= from && r.ScheduledFor < to))
        {
            var details = await history.GetRunAsync(run.Id, CancellationToken.None);
            var result = details?.Tenants.SingleOrDefault()?.Result;
            DateTimeOffset? start = result is not null && long.TryParse(result, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
            fires.Add(new Fire(run.Job, run.ScheduledFor!.Value, run.StartedAt, start, run.Status.ToString()));
        }

        return fires;
    }

    private static bool Contains(List<string> log, string text)
    {
        lock (log)
        {
            return log.Any(l => l.Contains(text, StringComparison.Ordinal));
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Waited {timeout} in the host benchmark.");
            }

            await Task.Delay(500);
        }
    }
}
