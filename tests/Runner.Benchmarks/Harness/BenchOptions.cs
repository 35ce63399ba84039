using System.Globalization;

namespace Runner.Benchmarks.Harness;

/// <summary>
/// The command line: a scenario, then --key value options. Unknown options are an error, so a typo never silently
/// measures the default.
/// </summary>
internal sealed class BenchOptions
{
    private static readonly string[] Known =
        ["runs", "warmup", "out", "work", "no-build", "customers", "latency", "parallel", "executions", "versions", "jobs", "minutes", "every", "warm", "filter", "sizes", "images", "sequential-max",
         "cluster-nodes", "configs", "skip-single", "skip-cluster", "self-contained"];

    /// <summary>Options that take no value: present or not.</summary>
    private static readonly string[] Flags = ["no-build", "skip-single", "skip-cluster", "self-contained"];

    private readonly Dictionary<string, string> _values;

    private BenchOptions(string scenario, Dictionary<string, string> values, string repoRoot)
    {
        Scenario = scenario;
        _values = values;
        RepoRoot = repoRoot;
    }

    public string Scenario { get; }

    /// <summary>The repository (the folder holding Runner.sln).</summary>
    public string RepoRoot { get; }

    /// <summary>Where each scenario writes its JSON and Markdown: --out, default artifacts/benchmarks/.</summary>
    public string OutDirectory => Path.GetFullPath(Get("out", Path.Combine(RepoRoot, "artifacts", "benchmarks")));

    /// <summary>Scratch space for builds, sandboxes and project folders: --work, default $TMPDIR/runner-bench.</summary>
    public string WorkDirectory => Path.GetFullPath(Get("work", Path.Combine(Path.GetTempPath(), "runner-bench")));

    /// <summary>Where scenarios that draw charts also copy their PNGs: --images, default docs/images/performance/.</summary>
    public string ImagesDirectory => Path.GetFullPath(Get("images", Path.Combine(RepoRoot, "docs", "images", "performance")));

    /// <summary>--no-build reuses the builds of an earlier run in the work folder.</summary>
    public bool Build => !Flag("no-build");

    public bool Flag(string key) => _values.ContainsKey(key);

    public string Get(string key, string fallback) => _values.GetValueOrDefault(key, fallback);

    public int Int(string key, int fallback) =>
        _values.TryGetValue(key, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    /// <summary>A comma-separated list of integers, such as --sizes 100,1000,5000.</summary>
    public IReadOnlyList<int> Ints(string key, IReadOnlyList<int> fallback) =>
        _values.TryGetValue(key, out var text)
            ? [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => int.Parse(t, CultureInfo.InvariantCulture))]
            : fallback;

    /// <summary>A comma-separated list of integers, e.g. --sizes 100,1000.</summary>
    public IReadOnlyList<int> Ints(string key, string fallback) =>
        [.. Get(key, fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture))];

    /// <summary>A duration: "90" or "90s" (seconds), "2m" (minutes).</summary>
    public TimeSpan Duration(string key, TimeSpan fallback)
    {
        if (!_values.TryGetValue(key, out var text))
        {
            return fallback;
        }

        var (number, unit) = text.EndsWith('m') ? (text[..^1], 60) : text.EndsWith('s') ? (text[..^1], 1) : (text, 1);
        return int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? TimeSpan.FromSeconds(value * unit)
            : throw new ArgumentException($"--{key} {text}: expected a whole number of seconds (30, 30s) or minutes (1m)");
    }

    public static BenchOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            throw new ArgumentException("expected a scenario first: startup, fanout, memory, host, console, scale, startup-vs-dotnet, powershell, scheduler-scale, micro or all");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || !Known.Contains(arg[2..]))
            {
                throw new ArgumentException($"unknown option '{arg}'; known: {string.Join(", ", Known.Select(k => "--" + k))}");
            }

            var key = arg[2..];
            if (Flags.Contains(key))
            {
                values[key] = "true";
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{arg} needs a value");
            }

            values[key] = args[++i];
        }

        return new BenchOptions(args[0], values, FindRepoRoot());
    }

    private static string FindRepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Runner.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Run the benchmarks from inside the repository (no Runner.sln found above here).");
    }
}
