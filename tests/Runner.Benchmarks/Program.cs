using Runner.Benchmarks.Harness;
using Runner.Benchmarks.Scenarios;
using Runner.Benchmarks.Scenarios.SchedulerScale;

namespace Runner.Benchmarks;

/// <summary>
/// dotnet run -c Release --project tests/Runner.Benchmarks -- SCENARIO [options]
///   startup   (a) one-tenant `runner run`, warm and cold, ReadyToRun and JIT, next to an empty console app
///   fanout    (b) 1,000 tenants × 3 API calls, 20 ms added latency, parallelism 32: wall time ÷ ideal, token requests
///   memory    (c) 10,000 tenant executions, and 200 recompiled script versions, in one process: RSS and managed heap
///   host      (d) 50 jobs firing every 10 s for 2 minutes: fire-to-script-start latency p50/p99
///   scheduler-scale  500 jobs each firing every minute for 10 minutes, one host (SQLite), then a 3-host PostgreSQL
///             cluster: fire-to-script-start p50/p95/p99/max, missed fires, fires per node; Runner's default scheduler
///             settings and a tuned configuration (--jobs, --minutes, --every, --cluster-nodes, --configs,
///             --skip-single, --skip-cluster)
///   console   the operator console with 100,000 runs in history: Runs and Run (5,000 tenants) pages, server time
///   scale     the fan-out at 100, 1,000, 5,000 and 10,000 tenants (--sizes): wall ÷ ideal, CPU per tenant, peak RSS; charts
///   startup-vs-dotnet  Runner's warm and cold one-tenant run next to `dotnet run hello.cs` (warm and first build); chart
///   powershell  the status quo: the fan-out as a PowerShell loop (sequential and -Parallel 32) against Runner, --sizes 100,1000
///   micro     BenchmarkDotNet micro-benchmarks of the warm run path (configuration, compile cache, tenant selection)
///   all       startup, fanout, memory and host, one after the other
/// Each writes SCENARIO.json and SCENARIO.md to --out (default artifacts/benchmarks/); scale and startup-vs-dotnet also
/// draw PNG charts there and copy them to --images (default docs/images/performance/). See docs/performance.md.
/// </summary>
public static class Program
{
    private const string Usage = "usage: dotnet run -c Release --project tests/Runner.Benchmarks -- startup|fanout|memory|host|scheduler-scale|console|scale|startup-vs-dotnet|powershell|micro|all [--out DIR] [--runs N] [--no-build]\n" +
        "       scale|powershell [--sizes 100,1000,5000,10000] [--images DIR] [--sequential-max N]\n" +
        "       scheduler-scale [--jobs 500] [--minutes 10] [--every 1m] [--cluster-nodes 3] [--configs default,tuned|spread|no-warm] [--skip-single] [--skip-cluster]\n" +
        "       startup-vs-dotnet [--self-contained]   (also the SelfContained publish profile's build, a few minutes to publish)";

    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == MemoryProbe.Command)
        {
            return await MemoryProbe.RunAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == "micro")
        {
            return Micro.MicroBenchmarks.Run(args[1..]);
        }

        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var scenarios = options.Scenario == "all" ? ["startup", "fanout", "memory", "host"] : new[] { options.Scenario };
        if (scenarios.Any(s => s is not ("startup" or "fanout" or "memory" or "host" or "console" or "scale" or "startup-vs-dotnet" or "powershell" or SchedulerScaleBenchmark.Name)))
        {
            Console.Error.WriteLine($"error: unknown scenario '{options.Scenario}'; expected startup, fanout, memory, host, console, scale, startup-vs-dotnet, powershell, {SchedulerScaleBenchmark.Name}, micro or all");
            return 2;
        }

        if (scenarios.Contains(SchedulerScaleBenchmark.Name))
        {
            try
            {
                _ = ScaleSettings.Parse(options);
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                Console.Error.WriteLine(Usage);
                return 2;
            }
        }

        var machine = Machine.Describe(options.RepoRoot);
        Console.Error.WriteLine($"Machine: {Machine.Summary(machine)}");
        // The console scenario runs in this process and needs no published builds.
        var builds = scenarios.Any(s => s != "console") ? await Builds.PrepareAsync(options) : null!;
        foreach (var scenario in scenarios)
        {
            Console.Error.WriteLine($"== {scenario}");
            var report = scenario switch
            {
                "startup" => await StartupBenchmark.RunAsync(options, builds),
                "fanout" => await FanOutBenchmark.RunAsync(options, builds),
                "memory" => await MemoryBenchmark.RunAsync(options, builds),
                "console" => await ConsoleBenchmark.RunAsync(options),
                "scale" => await ScaleBenchmark.RunAsync(options, builds),
                "startup-vs-dotnet" => await StartupVsDotnetBenchmark.RunAsync(options, builds),
                "powershell" => await PowerShellBenchmark.RunAsync(options, builds),
                SchedulerScaleBenchmark.Name => await SchedulerScaleBenchmark.RunAsync(options, builds),
                _ => await HostBenchmark.RunAsync(options, builds),
            };
            await report.WriteAsync(options.OutDirectory, machine);
            Console.WriteLine(report.Markdown(machine));
            Console.Error.WriteLine($"Wrote {Path.Combine(options.OutDirectory, scenario)}.json and .md");
            foreach (var chart in report.Charts)
            {
                Console.Error.WriteLine($"Wrote {Path.Combine(options.OutDirectory, chart.File)}");
            }

            foreach (var copy in report.CopyCharts(options.OutDirectory, options.ImagesDirectory))
            {
                Console.Error.WriteLine($"Copied to {copy}");
            }
        }

        return 0;
    }
}
