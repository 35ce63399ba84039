using System.Text.Json.Nodes;
using Runner.Benchmarks.Harness;

namespace Runner.Benchmarks.Scenarios;

/// <summary>
/// (b) One run across many tenants: jobs/fanout.csx (one Graph, one ARM and one Partner Center call per tenant) over
/// 1,000 tenants with GDAP, the standalone sandbox adding 20 ms to every request, --parallel 32. The ideal is
/// tenants × calls × latency ÷ parallelism; token requests are counted at the sandbox.
/// </summary>
internal static class FanOutBenchmark
{
    private const int CallsPerTenant = FanOut.CallsPerTenant;
    private const int ResourcesPerTenant = FanOut.ResourcesPerTenant;

    private sealed record Sample(string Label, FanOutRun Run, double FirstWaveMs, double LaterTenantMs, double TenantSumMs);

    public static async Task<Report> RunAsync(BenchOptions options, Builds builds)
    {
        // 1,250 customers: the sandbox leaves 2 in 10 without (active) GDAP, so 1,000 tenants run and 250 are skipped.
        var customers = options.Int("customers", 1250);
        var latency = options.Int("latency", 20);
        var parallel = options.Int("parallel", 32);
        var runs = options.Int("runs", 5);
        var work = Path.Combine(options.WorkDirectory, "fanout");
        await using var sandbox = await SandboxProcess.StartAsync(builds.ReadyToRun, Path.Combine(work, "sandbox"), customers);
        await FanOut.SetLatencyAsync(sandbox, latency);

        var report = new Report("fanout", $"Fan-out: {customers:N0} customers, 3 API calls each, {latency} ms added per request, --parallel {parallel}",
            $"dotnet run -c Release --project tests/Runner.Benchmarks -- fanout --runs {runs}");
        report.Parameters["customers"] = customers;
        report.Parameters["latencyMs"] = latency;
        report.Parameters["parallel"] = parallel;
        report.Parameters["runs"] = runs;
        report.Parameters["job"] = "jobs/fanout.csx: Graph users (first page), ARM subscriptions, Partner Center subscriptions";
        report.Parameters["output"] = "--output json --out FILE";

        var samples = new List<Sample>();
        var limits = new List<(string Name, string Yaml)>
        {
            ($"limits {parallel} for every API", FanOut.Limits(parallel)),
            ("default limits (Partner Center 8, token 16)", ""),
        };
        await using (var load = new LoadSampler())
        {
            foreach (var (name, yaml) in limits)
            {
                var project = await BenchProject.CreateAsync(Path.Combine(work, samples.Count == 0 ? "limits" : "defaults"), builds.ReadyToRun, sandbox, yaml);
                (await project.RunAsync(["check", "jobs/fanout.csx"])).EnsureSuccess("runner check (compile before measuring)");
                for (var i = 0; i <= runs; i++)
                {
                    Console.Error.Write(i == 0 ? "f" : ".");
                    var label = i == 0 ? $"{name}: first run (no tokens, customer list fetched)" : $"{name}: next runs";
                    var run = await FanOut.RunAsync(project, sandbox, parallel, $"run-{i}");
                    var waves = Waves(run.Json, parallel);
                    samples.Add(new Sample(label, run, waves.First, waves.Later, waves.Sum));
                }
            }

            Console.Error.WriteLine();
            report.Load = load.Summary();
        }

        var ran = samples[^1].Run.Succeeded;
        var ideal = FanOut.IdealMs(ran, latency, parallel);
        var table = new Table($"Wall time against the ideal ({ran:N0} tenants × {CallsPerTenant} calls × {latency} ms ÷ {parallel} = {ideal:0} ms); medians over the runs",
            "run", "runs", "process ms", "÷ ideal", "fan-out ms", "÷ ideal", "API calls / tenant", "token requests", "CPU ms runner", "CPU ms sandbox");
        foreach (var group in samples.GroupBy(s => s.Label))
        {
            var process = Stats.Of(group.Select(s => s.Run.ProcessMs)).Median;
            var fanOut = Stats.Of(group.Select(s => s.Run.RunMs)).Median;
            var calls = group.Average(s => s.Run.ApiCalls / (double)Math.Max(1, s.Run.Succeeded));
            table.Add(group.Key, group.Count(), process, process / ideal, fanOut, fanOut / ideal, calls, string.Join(", ", group.Select(s => s.Run.Tokens).Distinct()),
                Stats.Of(group.Select(s => s.Run.RunnerCpuMs)).Median, Stats.Of(group.Select(s => s.Run.SandboxCpuMs)).Median);
        }

        report.Tables.Add(table);
        var first = samples[0];
        var next = samples.Where(s => s.Label == samples[1].Label).ToList();
        var expectedTokens = FanOut.ExpectedFirstRunTokens(first.Run.Succeeded);
        var tokens = new Table("Token requests counted at the sandbox", "run", "counted", "expected", "tenants with ≠ 2 token requests");
        tokens.Add(first.Label, first.Run.Tokens, $"{first.Run.Succeeded:N0} × {ResourcesPerTenant} + the partner's 2 = {expectedTokens:N0}", first.Run.TenantsWithOtherTokenCounts);
        tokens.Add(next[0].Label, string.Join(", ", next.Select(s => s.Run.Tokens).Distinct()), "0 (all cached)", "–");
        report.Tables.Add(tokens);

        var perTenantIdeal = CallsPerTenant * latency;
        var where = new Table($"Where the time goes (next runs, medians; a tenant's ideal is {CallsPerTenant} × {latency} = {perTenantIdeal} ms)",
            "run", "first wave: tenant ms", "later tenants: tenant ms", "÷ tenant ideal", "Σ tenant ms ÷ parallel", "run ms", "run − Σ÷parallel");
        foreach (var group in samples.GroupBy(s => s.Label).Where(g => g.Key.EndsWith("next runs", StringComparison.Ordinal)))
        {
            var later = Stats.Of(group.Select(s => s.LaterTenantMs)).Median;
            var busy = Stats.Of(group.Select(s => s.TenantSumMs / parallel)).Median;
            var runMs = Stats.Of(group.Select(s => s.Run.RunMs)).Median;
            where.Add(group.Key, Stats.Of(group.Select(s => s.FirstWaveMs)).Median, later, later / perTenantIdeal, busy, runMs, runMs - busy);
        }

        report.Tables.Add(where);

        var processRatio = Stats.Of(next.Select(s => s.Run.ProcessMs)).Median / ideal;
        var fanOutRatio = Stats.Of(next.Select(s => s.Run.RunMs)).Median / ideal;
        report.Targets.Add(new Target("fan-out wall time, whole `runner run` process (tokens cached)", "≤ 1.2 × ideal", $"{processRatio:0.00} × ideal", processRatio <= 1.2));
        report.Targets.Add(new Target("fan-out wall time, the run itself (run start to end, from its JSON)", "≤ 1.2 × ideal", $"{fanOutRatio:0.00} × ideal", fanOutRatio <= 1.2));
        report.Targets.Add(new Target("token requests, first run", $"= tenants × resources + the partner's = {expectedTokens:N0}", $"{first.Run.Tokens:N0}", first.Run.Tokens == expectedTokens));
        report.Targets.Add(new Target("token requests, next runs", "0", string.Join(", ", next.Select(s => s.Run.Tokens).Distinct()), next.All(s => s.Run.Tokens == 0)));
        report.Notes.Add("CPU = user + system time of the runner process and of the sandbox process during the run; the two share the machine's cores.");
        report.Notes.Add("process = `dotnet runner.dll run …` from start to exit (configuration, session, cached customer list, run, JSON written); fan-out = the run's own durationMs (history record, tenants, results), without process start-up.");
        report.Notes.Add($"{first.Run.Skipped:N0} of {customers:N0} customers are skipped (no active GDAP) and make no calls; the first run also fetches the customer list ({first.Run.ApiCalls - (long)first.Run.Succeeded * CallsPerTenant} list calls) and exchanges tokens.");
        report.Raw["samples"] = new JsonArray([.. samples.Select(s => (JsonNode)new JsonObject
        {
            ["label"] = s.Label, ["processMs"] = Math.Round(s.Run.ProcessMs, 1), ["runMs"] = s.Run.RunMs, ["succeeded"] = s.Run.Succeeded, ["skipped"] = s.Run.Skipped, ["failed"] = s.Run.Failed,
            ["tokenRequests"] = s.Run.Tokens, ["graph"] = s.Run.Graph, ["arm"] = s.Run.Arm, ["partnerCenter"] = s.Run.PartnerCenter,
            ["runnerCpuMs"] = s.Run.RunnerCpuMs, ["sandboxCpuMs"] = s.Run.SandboxCpuMs,
            ["firstWaveTenantMs"] = s.FirstWaveMs, ["laterTenantMs"] = s.LaterTenantMs, ["tenantSumMs"] = s.TenantSumMs,
        })]);
        return report;
    }

    /// <summary>
    /// Per-tenant durations of the tenants that ran, in start order (the gate admits them in list order): the median of
    /// the first wave (each pays the process's first use of the SDKs and the first connections), of the rest, and the sum.
    /// </summary>
    private static (double First, double Later, double Sum) Waves(JsonNode run, int parallel)
    {
        var ran = run["tenants"]!.AsArray()
            .Where(t => (string?)t!["status"] == "Succeeded")
            .Select(t => (double)t!["durationMs"]!.GetValue<long>())
            .ToList();
        return ran.Count <= parallel
            ? (Stats.Of(ran).Median, double.NaN, ran.Sum())
            : (Stats.Of(ran.Take(parallel)).Median, Stats.Of(ran.Skip(parallel)).Median, ran.Sum());
    }
}
