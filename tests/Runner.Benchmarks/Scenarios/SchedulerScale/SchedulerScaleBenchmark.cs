using System.Text.Json.Nodes;
using Runner.Benchmarks.Harness;

namespace Runner.Benchmarks.Scenarios.SchedulerScale;

/// <summary>
/// The scheduler at scale: `runner host` (ReadyToRun) with --jobs jobs (default 500), each firing once every --every
/// (default 1m), for --minutes (default 10), against a standalone sandbox: first one host on the SQLite store, then
/// --cluster-nodes hosts (default 3, different --node names) on one throwaway PostgreSQL. Each half measures every
/// configuration of --configs (default: Runner's defaults as the issue writes the schedule, then a tuned
/// configuration), each on fresh hosts and a fresh store. Fire-to-script-start as in the host scenario; missed fires
/// from each job's due times against history; in the cluster, how fires spread over the nodes.
/// </summary>
internal static class SchedulerScaleBenchmark
{
    public const string Name = "scheduler-scale";

    public static async Task<Report> RunAsync(BenchOptions options, Builds builds)
    {
        var settings = ScaleSettings.Parse(options);
        var (load, minutes, nodes) = (settings.Load, settings.Minutes, settings.Nodes);
        var report = new Report(Name, $"The scheduler at scale: {load.Jobs} jobs each firing every {ScaleLoad.Text(load.Every)} for {minutes} minutes on {settings.Setups}", settings.Command);
        report.Parameters["jobs"] = load.Jobs;
        report.Parameters["every"] = ScaleLoad.Text(load.Every);
        report.Parameters["minutes"] = minutes;
        report.Parameters["clusterNodes"] = settings.Cluster ? nodes : null;
        report.Parameters["setups"] = settings.Setups;
        report.Parameters["job"] = "jobs/stamp.csx for one tenant (returns the clock at its first statement)";
        report.Parameters["configurations"] = settings.ConfigNames;

        var work = Path.Combine(options.WorkDirectory, Name);
        var outcomes = new List<ScaleOutcome>();
        await using (var machineLoad = new LoadSampler())
        {
            await using var sandbox = await SandboxProcess.StartAsync(builds.ReadyToRun, Path.Combine(work, "sandbox"), customers: 10);
            if (settings.Single)
            {
                foreach (var config in settings.Configs(1))
                {
                    await using var setup = await ScaleSetup.SingleAsync(builds, sandbox, Path.Combine(work, $"single-{config.Name}"), load, config);
                    outcomes.Add(await ScaleRun.MeasureAsync(setup, load, config, minutes, postgres: null));
                }
            }

            if (settings.Cluster)
            {
                var configs = settings.Configs(nodes);
                // Each host's Quartz and history pools, and each worker's history connection.
                var connections = 100 + 3 * nodes * configs.Max(c => c.EffectiveMaxConcurrentJobs + c.EffectiveWarmWorkers);
                await using var postgres = await PostgresProcess.StartAsync(Path.Combine(work, "pg"), connections);
                foreach (var config in configs)
                {
                    await using var setup = await ScaleSetup.ClusterAsync(builds, sandbox, postgres, Path.Combine(work, $"cluster-{config.Name}"), load, config, nodes);
                    outcomes.Add(await ScaleRun.MeasureAsync(setup, load, config, minutes, postgres));
                }
            }

            report.Load = machineLoad.Summary();
        }

        ScaleReport.Fill(report, load, outcomes);
        return report;
    }
}
