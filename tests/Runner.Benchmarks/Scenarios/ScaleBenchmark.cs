using System.Globalization;
using System.Text.Json.Nodes;
using Runner.Benchmarks.Harness;

namespace Runner.Benchmarks.Scenarios;

/// <summary>
/// The fan-out (jobs/fanout.csx: one Graph, one ARM, one Partner Center call per tenant; the sandbox adds a fixed latency
/// to every request; --parallel 32 with every per-API limit at 32) at growing tenant counts: does the wall time stay
/// near the ideal, the CPU per tenant flat, the runner's memory bounded? For each size: a sandbox of its own seeded with
/// tenants × 1.25 customers (2 in 10 have no active GDAP and are skipped), a fresh project, the first run (no tokens,
/// customer list fetched) and then --runs next runs.
/// </summary>
internal static class ScaleBenchmark
{
    public const string First = "first run";

    public const string Next = "next runs";

    public const string Served = "next runs, run server";

    private const double NextTarget = 1.2;
    private const double FirstTarget = 1.5;
    private const double CpuBand = 0.2;
    private const double RssTargetMb = 400;
    private const int RssTargetSize = 10_000;

    // Sizes up to this one are measured against a sandbox brought up to speed first (WarmUpSandboxAsync).
    private const int WarmUpMaxSize = 1_000;

    private static readonly int[] DefaultSizes = [100, 1_000, 5_000, 10_000];

    /// <summary>One size and run kind: medians over its runs (the first run is one run), peak RSS the highest.</summary>
    internal sealed record Point(int Size, string Kind, List<FanOutRun> Runs, int LatencyMs, int Parallel)
    {
        public int Tenants => Runs[0].Succeeded;

        public double IdealMs => FanOut.IdealMs(Tenants, LatencyMs, Parallel);

        public double RunMs => Median(r => r.RunMs);

        public double ProcessMs => Median(r => r.ProcessMs);

        public double RunRatio => RunMs / IdealMs;

        public double ProcessRatio => ProcessMs / IdealMs;

        public double RunnerCpuPerTenant => Median(r => r.RunnerCpuMs / r.Succeeded);

        public double SandboxCpuPerTenant => Median(r => r.SandboxCpuMs / r.Succeeded);

        public double PeakRssMb => Runs.Max(r => r.PeakRssMb);

        public string Tokens => string.Join(", ", Runs.Select(r => r.Tokens).Distinct());

        public long ExpectedTokens => Kind == First ? FanOut.ExpectedFirstRunTokens(Tenants) : 0;

        private double Median(Func<FanOutRun, double> value) => Stats.Of(Runs.Select(value)).Median;
    }

    public static async Task<Report> RunAsync(BenchOptions options, Builds builds)
    {
        var sizes = options.Ints("sizes", DefaultSizes);
        var latency = options.Int("latency", 20);
        var parallel = options.Int("parallel", 32);
        var runs = Math.Max(1, options.Int("runs", 3));
        var work = Path.Combine(options.WorkDirectory, "scale");
        var report = new Report("scale", $"Scale: the fan-out at {string.Join(", ", sizes.Select(s => s.ToString("N0", CultureInfo.InvariantCulture)))} tenants, 3 API calls each, {latency} ms added per request, --parallel {parallel}",
            $"dotnet run -c Release --project tests/Runner.Benchmarks -- scale --sizes {string.Join(',', sizes)} --runs {runs}");
        report.Parameters["sizes"] = new JsonArray([.. sizes.Select(s => (JsonNode)s)]);
        report.Parameters["customersPerSize"] = "ceil(tenants × 1.25): the sandbox leaves 2 in 10 customers without active GDAP";
        report.Parameters["latencyMs"] = latency;
        report.Parameters["parallel"] = parallel;
        report.Parameters["limits"] = FanOut.Limits(parallel);
        report.Parameters["nextRuns"] = runs;
        report.Parameters["job"] = "jobs/fanout.csx: Graph users (first page), ARM subscriptions, Partner Center subscriptions";
        report.Parameters["peakRss"] = "VmHWM of the runner process, read from /proc/PID/status every 10 ms while it runs";

        var points = new List<Point>();
        await using (var load = new LoadSampler())
        {
            foreach (var size in sizes)
            {
                points.AddRange(await SizeAsync(builds, Path.Combine(work, size.ToString(CultureInfo.InvariantCulture)), size, latency, parallel, runs));
            }

            report.Load = load.Summary();
        }

        var table = new Table($"Per size and run kind (ideal = tenants × 3 calls × {latency} ms ÷ {parallel}); next runs: medians of {runs}",
            "tenants", "run", "ideal ms", "run ms", "÷ ideal", "process ms", "÷ ideal", "CPU ms / tenant, runner", "CPU ms / tenant, sandbox", "token requests", "expected", "peak RSS MB, runner");
        foreach (var p in points)
        {
            table.Add(p.Tenants.ToString("N0", CultureInfo.InvariantCulture), p.Kind, p.IdealMs, p.RunMs, p.RunRatio, p.ProcessMs, p.ProcessRatio,
                p.RunnerCpuPerTenant, p.SandboxCpuPerTenant, p.Tokens, p.ExpectedTokens, p.PeakRssMb);
        }

        report.Tables.Add(table);
        report.Tables.Add(MarginalTable(points));
        AddTargets(report, points);
        report.Notes.Add("run = the run's own durationMs from its JSON (history record, tenants, results); process = `dotnet runner.dll run …` from start to exit. The wall-time targets are judged on the run; the process's ratio is shown beside it.");
        report.Notes.Add($"At {WarmUpMaxSize:N0} tenants and below, a throwaway project's first run and two next runs go first against the size's fresh sandbox, so that the measured runs meet a sandbox already compiled to full speed, as Microsoft's services are never cold (larger sizes' own first runs warm it).");
        report.Notes.Add("first run = a fresh project folder: no access tokens, no cached customer list (the script compiled beforehand by `runner check`); next runs = tokens and customer list cached.");
        report.Notes.Add("CPU = user + system time of the runner process (/proc/self/stat of the harness, its reaped child) and of the sandbox process (/proc/PID/stat, before and after) during the run, ÷ the tenants that ran; the two share the machine's cores.");
        report.Notes.Add("CPU per tenant includes what the process spends once whatever the tenant count (start-up, JIT, configuration, the session: about what a warm one-tenant `runner run` uses, see the startup scenarios), spread over the tenants: the smaller the run, the larger that share.");
        report.Notes.Add("next runs, run server = the same next runs handed to the project's run server (`runner run-server start` after the next runs; one served run first to load it, not counted): run ms as the run records it, process ms of the `runner run` client, CPU of the client plus the server's during the run, peak RSS the server's high-water mark since it started (all its runs so far).");
        report.Notes.Add("peak RSS = the runner process's VmHWM (the kernel's high-water mark of its resident set), read from /proc/PID/status every 10 ms while it runs; being a high-water mark, only growth in the last 10 ms before exit could be missed. For next runs the highest of the runs.");
        foreach (var p in points.Where(p => p.Runs.Any(r => r.Failed > 0)))
        {
            report.Notes.Add($"{p.Kind}, {p.Tenants:N0} tenants: {string.Join(", ", p.Runs.Select(r => r.Failed))} tenants failed (see run-N.json in the project folder under --work).");
        }

        report.Raw["samples"] = new JsonArray([.. points.SelectMany(p => p.Runs.Select(r => (JsonNode)new JsonObject
        {
            ["size"] = p.Size, ["kind"] = p.Kind, ["processMs"] = Math.Round(r.ProcessMs, 1), ["runMs"] = r.RunMs,
            ["succeeded"] = r.Succeeded, ["skipped"] = r.Skipped, ["failed"] = r.Failed,
            ["tokenRequests"] = r.Tokens, ["graph"] = r.Graph, ["arm"] = r.Arm, ["partnerCenter"] = r.PartnerCenter,
            ["runnerCpuMs"] = r.RunnerCpuMs, ["sandboxCpuMs"] = r.SandboxCpuMs, ["peakRssMb"] = Math.Round(r.PeakRssMb, 1),
        }))]);
        report.Charts.Add(ScaleCharts.Wall(points, latency, parallel, NextTarget, FirstTarget));
        report.Charts.Add(ScaleCharts.Cpu(points, BaselineSize(points), CpuBand));
        return report;
    }

    /// <summary>One size: its own sandbox and a fresh project, the first run, then the next runs.</summary>
    private static async Task<Point[]> SizeAsync(Builds builds, string folder, int size, int latency, int parallel, int runs)
    {
        var customers = (int)Math.Ceiling(size * 1.25);
        Console.Error.Write($"{size:N0} tenants ({customers:N0} customers): ");
        await using var sandbox = await SandboxProcess.StartAsync(builds.ReadyToRun, Path.Combine(folder, "sandbox"), customers);
        await FanOut.SetLatencyAsync(sandbox, latency);
        if (size <= WarmUpMaxSize)
        {
            await WarmUpSandboxAsync(builds, folder, sandbox, parallel);
        }

        var project = await BenchProject.CreateAsync(Path.Combine(folder, "project"), builds.ReadyToRun, sandbox, FanOut.Limits(parallel));
        (await project.RunAsync(["check", "jobs/fanout.csx"])).EnsureSuccess("runner check (compile before measuring)");
        Console.Error.Write("f");
        var first = await FanOut.RunAsync(project, sandbox, parallel, "run-0", peakRss: true);
        var next = new List<FanOutRun>();
        for (var i = 1; i <= runs; i++)
        {
            Console.Error.Write(".");
            next.Add(await FanOut.RunAsync(project, sandbox, parallel, $"run-{i}", peakRss: true));
        }

        // The same next runs handed to a run server (`runner run-server start`): one run to load it, then the measured ones.
        var start = await project.RunAsync(["run-server", "start"]);
        start.EnsureSuccess("runner run-server start");
        var server = int.Parse(System.Text.RegularExpressions.Regex.Match(start.Output, @"pid (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        var served = new List<FanOutRun>();
        try
        {
            Console.Error.Write("s");
            await FanOut.RunAsync(project, sandbox, parallel, "served-0", runServer: server);
            for (var i = 1; i <= runs; i++)
            {
                Console.Error.Write(".");
                served.Add(await FanOut.RunAsync(project, sandbox, parallel, $"served-{i}", runServer: server));
            }
        }
        finally
        {
            await project.RunAsync(["run-server", "stop"]);
        }

        Console.Error.WriteLine();
        return [new Point(size, First, [first], latency, parallel), new Point(size, Next, next, latency, parallel), new Point(size, Served, served, latency, parallel)];
    }

    /// <summary>
    /// The sandbox stands in for Microsoft's services, which are never cold. A fresh sandbox's own code is still being
    /// compiled to full speed (tiered JIT) during its first few hundred requests, on the cores the runner uses: measured
    /// at 101 tenants, the next runs' sandbox CPU was 4.5–8 ms per tenant against 0.8 at 1,000. A throwaway project's
    /// first run and two next runs bring it up to speed before a small size is measured; larger sizes' first runs do.
    /// </summary>
    private static async Task WarmUpSandboxAsync(Builds builds, string folder, SandboxProcess sandbox, int parallel)
    {
        var warm = await BenchProject.CreateAsync(Path.Combine(folder, "sandbox-warm-up"), builds.ReadyToRun, sandbox, FanOut.Limits(parallel));
        Console.Error.Write("w");
        for (var i = 0; i < 3; i++)
        {
            await FanOut.RunAsync(warm, sandbox, parallel, $"warm-up-{i}");
        }
    }

    /// <summary>One step between two measured sizes: the runner's CPU for the extra tenants ÷ their number (medians' totals).</summary>
    internal sealed record Step(string Kind, int From, int To, double CpuMs);

    internal static List<Step> Marginal(IReadOnlyList<Point> points, string kind)
    {
        var series = points.Where(p => p.Kind == kind).OrderBy(p => p.Tenants).ToList();
        return [.. series.Zip(series.Skip(1), (a, b) => new Step(kind, a.Tenants, b.Tenants,
            (b.RunnerCpuPerTenant * b.Tenants - a.RunnerCpuPerTenant * a.Tenants) / (b.Tenants - a.Tenants)))];
    }

    private static Table MarginalTable(IReadOnlyList<Point> points)
    {
        var table = new Table("Runner CPU per further tenant between sizes (the start-up, paid once, cancels out): (CPU at the larger size − CPU at the smaller) ÷ (the tenants between)",
            "run", "from", "to", "CPU ms per further tenant, runner");
        foreach (var step in Marginal(points, Next).Concat(Marginal(points, Served)).Concat(Marginal(points, First)))
        {
            table.Add(step.Kind, step.From.ToString("N0", CultureInfo.InvariantCulture), step.To.ToString("N0", CultureInfo.InvariantCulture), step.CpuMs);
        }

        return table;
    }

    /// <summary>The size the CPU per tenant is compared with: 100 tenants when measured, else the smallest.</summary>
    private static int BaselineSize(List<Point> points) =>
        points.Any(p => p.Size == 100) ? 100 : points.Min(p => p.Size);

    private static void AddTargets(Report report, List<Point> points)
    {
        foreach (var (kind, goal) in new[] { (Next, NextTarget), (Served, NextTarget), (First, FirstTarget) })
        {
            foreach (var p in points.Where(p => p.Kind == kind))
            {
                report.Targets.Add(new Target($"{kind}, {p.Tenants:N0} tenants: wall time of the run", $"≤ {goal} × ideal",
                    $"{p.RunRatio:0.00} × ({p.RunMs:0} ms; process {p.ProcessRatio:0.00} ×)", p.RunRatio <= goal));
            }
        }

        var baselineSize = BaselineSize(points);
        foreach (var kind in new[] { Next, Served, First })
        {
            var reference = points.Single(p => p.Kind == kind && p.Size == baselineSize);
            var baseline = reference.RunnerCpuPerTenant;
            foreach (var p in points.Where(p => p.Kind == kind && p.Size != baselineSize))
            {
                var change = p.RunnerCpuPerTenant / baseline - 1;
                report.Targets.Add(new Target($"{kind}, {p.Tenants:N0} tenants: runner CPU per tenant", $"within ±{CpuBand:0%} of {baseline:0.00} ms ({reference.Tenants:N0} tenants)",
                    $"{p.RunnerCpuPerTenant:0.00} ms ({change:+0%;-0%;0%})", Math.Abs(change) <= CpuBand));
            }
        }

        // Linear cost, the start-up left out: what each further tenant costs between two sizes.
        foreach (var kind in new[] { Next, Served, First })
        {
            var steps = Marginal(points, kind);
            if (steps.Count < 2)
            {
                continue;
            }

            var first = steps[0];
            foreach (var step in steps.Skip(1))
            {
                var change = step.CpuMs / first.CpuMs - 1;
                report.Targets.Add(new Target($"{kind}, {step.From:N0} → {step.To:N0} tenants: runner CPU per further tenant",
                    $"within ±{CpuBand:0%} of {first.CpuMs:0.00} ms ({first.From:N0} → {first.To:N0})", $"{step.CpuMs:0.00} ms ({change:+0%;-0%;0%})", Math.Abs(change) <= CpuBand));
            }
        }

        var measured = points.Any(p => p.Size == RssTargetSize);
        var size = measured ? RssTargetSize : points.Max(p => p.Size);
        var rss = points.Where(p => p.Size == size).Max(p => p.PeakRssMb);
        var what = measured
            ? $"peak RSS of the runner process, {RssTargetSize:N0} tenants (highest of its runs, first and next)"
            : $"peak RSS of the runner process, {size:N0} tenants (highest of its runs; the target is for {RssTargetSize:N0}, not measured)";
        report.Targets.Add(new Target(what, $"≤ {RssTargetMb:0} MB", $"{rss:0} MB", rss <= RssTargetMb));
    }
}
