using System.Globalization;
using Runner.Benchmarks.Harness;

namespace Runner.Benchmarks.Scenarios.SchedulerScale;

/// <summary>The scenario's options: --jobs, --every, --minutes, --cluster-nodes, --configs, --skip-single, --skip-cluster.</summary>
internal sealed record ScaleSettings(ScaleLoad Load, int Minutes, int Nodes, string ConfigNames, bool Single, bool Cluster, string Command)
{
    /// <summary>The configurations to measure, sized for one host or for each of <paramref name="hosts"/> cluster nodes.</summary>
    public IReadOnlyList<ScaleConfig> Configs(int hosts) => ScaleConfig.Parse(ConfigNames, Load, hosts);

    /// <summary>Throws ArgumentException for options that cannot be measured, before anything is built.</summary>
    public static ScaleSettings Parse(BenchOptions options)
    {
        var load = ScaleLoad.Create(options.Int("jobs", 500), options.Duration("every", TimeSpan.FromMinutes(1)));
        var minutes = options.Int("minutes", 10);
        var nodes = options.Int("cluster-nodes", 3);
        var names = options.Get("configs", "default,tuned");
        var configs = ScaleConfig.Parse(names, load, 1);
        var single = !options.Flag("skip-single");
        var cluster = !options.Flag("skip-cluster");
        if (minutes < 1 || nodes < 2 || configs.Count == 0 || !(single || cluster))
        {
            throw new ArgumentException("scheduler-scale needs --minutes ≥ 1, --cluster-nodes ≥ 2, a configuration in --configs, and not both --skip-single and --skip-cluster");
        }

        var command = string.Create(CultureInfo.InvariantCulture, $"dotnet run -c Release --project tests/Runner.Benchmarks -- {SchedulerScaleBenchmark.Name} --jobs {load.Jobs} --minutes {minutes} --every {ScaleLoad.Text(load.Every)}")
            + (cluster ? string.Create(CultureInfo.InvariantCulture, $" --cluster-nodes {nodes}") : " --skip-cluster")
            + (single ? "" : " --skip-single")
            + $" --configs {string.Join(',', configs.Select(c => c.Name))}";
        return new ScaleSettings(load, minutes, nodes, names, single, cluster, command);
    }

    /// <summary>"one host (SQLite) and a 3-host PostgreSQL cluster".</summary>
    public string Setups => string.Join(" and ", new[] { Single ? "one host (SQLite)" : null, Cluster ? $"a {Nodes}-host PostgreSQL cluster" : null }.OfType<string>());
}
