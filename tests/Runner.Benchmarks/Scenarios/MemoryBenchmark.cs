using Runner.Runtime;
using System.Globalization;
using System.Text.Json.Nodes;
using Runner.Benchmarks.Harness;

namespace Runner.Benchmarks.Scenarios;

/// <summary>
/// (c) Memory over time in one process: 10,000 tenant executions (JobRunner, the path `runner run` and every worker
/// take, history included), and 200 recompiled versions of a script (each compiled by Roslyn, loaded in its
/// collectible context, run, unloaded). Each probe is a fresh process against a standalone sandbox.
/// </summary>
internal static class MemoryBenchmark
{
    public static async Task<Report> RunAsync(BenchOptions options, Builds builds)
    {
        var executions = options.Int("executions", 10_000);
        var versions = options.Int("versions", 200);
        var customers = options.Int("customers", 1250);
        var work = Path.Combine(options.WorkDirectory, "memory");
        await using var sandbox = await SandboxProcess.StartAsync(builds.ReadyToRun, Path.Combine(work, "sandbox"), customers);
        var project = await BenchProject.CreateAsync(Path.Combine(work, "project"), builds.ReadyToRun, sandbox, "limits: { partnerCenter: 32, token: 32 }");
        // Tokens, customer list and compiled script cached, as for any run after the first.
        var primed = JsonNode.Parse((await project.RunAsync(["run", "jobs/fanout.csx", "--output", "json", "--parallel", "32"])).EnsureSuccess("priming run").Output)!;
        var perRound = primed["summary"]!["succeeded"]!.GetValue<int>();
        var rounds = Math.Max(1, executions / perRound);

        var report = new Report("memory", "Memory: many executions and many recompiled scripts in one process",
            $"dotnet run -c Release --project tests/Runner.Benchmarks -- memory --executions {executions} --versions {versions}");
        report.Parameters["executions"] = rounds * perRound;
        report.Parameters["runs"] = $"{rounds} JobRunner runs × {perRound} tenants (jobs/fanout.csx, 3 API calls each, --parallel 32), after one warm-up run";
        report.Parameters["versions"] = versions;
        JsonArray runsReadings, compileReadings;
        await using (var load = new LoadSampler())
        {
            Console.Error.Write("executions ");
            runsReadings = await ProbeAsync(options, work, "executions", project.Root, rounds);
            Console.Error.Write(" recompile ");
            compileReadings = await ProbeAsync(options, work, "recompile", project.Root, versions);
            Console.Error.WriteLine();
            report.Load = load.Summary();
        }

        report.Tables.Add(Table($"{rounds * perRound:N0} tenant executions in one process", "tenant executions", runsReadings));
        report.Tables.Add(Table($"{versions} recompiled script versions in one process", "versions", compileReadings));
        foreach (var (what, readings) in new[] { ($"RSS growth over {rounds * perRound:N0} tenant executions", runsReadings), ($"RSS growth over {versions} recompiled versions", compileReadings) })
        {
            var growth = Growth(readings, "rssMb");
            report.Targets.Add(new Target(what, "≤ 50 MB", $"{growth:+0.0;-0.0} MB (managed heap {Growth(readings, "heapMb"):+0.0;-0.0} MB)", growth <= 50));
        }

        // Where the recompile growth happens: the first few dozen versions, or all along (a leak keeps growing).
        if (compileReadings.FirstOrDefault(r => r!["count"]!.GetValue<long>() == 50) is { } settled && versions > 50)
        {
            var late = compileReadings[^1]!["rssMb"]!.GetValue<double>() - settled["rssMb"]!.GetValue<double>();
            report.Targets.Add(new Target($"RSS growth from version 50 to {versions} (after the first 50 compiles)", "≤ 50 MB (for information)",
                $"{late:+0.0;-0.0} MB", late <= 50));
        }

        report.Notes.Add("Each reading follows full, blocking, compacting collections with finalizers run in between (at least three, and until no unloaded script context is left, at most twenty), then one aggressive collection that returns the GC's free space to the operating system. \"before\" is the process ready to work (after one warm-up run, or after the first compiled version: assemblies loaded, JIT done, pools and caches filled); growth is end − before.");
        report.Notes.Add("RSS = anonymous (native heaps, the GC's memory, JIT data) + file-backed (mapped assemblies) + shared (JIT'd code, which the runtime maps twice for W^X).");
        report.Notes.Add("load contexts = AssemblyLoadContext.All: the default context plus any script contexts not yet unloaded.");
        report.Raw["executions"] = runsReadings.DeepClone();
        report.Raw["recompile"] = compileReadings.DeepClone();
        return report;
    }

    private static async Task<JsonArray> ProbeAsync(BenchOptions options, string work, string mode, string project, int count)
    {
        var output = Path.Combine(work, $"{mode}.json");
        var self = typeof(MemoryProbe).Assembly.Location;
        var result = await Proc.RunAsync(Proc.Info("dotnet", [self, MemoryProbe.Command, mode, project, count.ToString(CultureInfo.InvariantCulture), output], options.WorkDirectory), timeout: TimeSpan.FromMinutes(30));
        result.EnsureSuccess($"memory probe ({mode})");
        return JsonNode.Parse(await File.ReadAllTextAsync(output))!.AsArray();
    }

    private static double Growth(JsonArray readings, string field) =>
        readings[^1]![field]!.GetValue<double>() - readings.First(r => ((string)r!["label"]!).EndsWith("(before)", StringComparison.Ordinal))![field]!.GetValue<double>();

    private static Table Table(string title, string countColumn, JsonArray readings)
    {
        var table = new Table(title, "reading", countColumn, "RSS MB", "anonymous MB", "file MB", "shared MB", "managed heap MB", "GC committed MB", "load contexts");
        foreach (var r in readings)
        {
            table.Add((string)r!["label"]!, r["count"]!.GetValue<long>(), r["rssMb"]!.GetValue<double>(), r["rssAnonMb"]!.GetValue<double>(), r["rssFileMb"]!.GetValue<double>(),
                r["rssShmemMb"]!.GetValue<double>(), r["heapMb"]!.GetValue<double>(), r["committedMb"]!.GetValue<double>(), r["loadContexts"]!.GetValue<int>());
        }

        return table;
    }
}
