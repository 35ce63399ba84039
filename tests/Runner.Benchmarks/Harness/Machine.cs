using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace Runner.Benchmarks.Harness;

/// <summary>What the figures were measured on: cores, CPU, memory, runtime, commit.</summary>
internal static class Machine
{
    public static JsonObject Describe(string repoRoot) => new()
    {
        ["date"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
        ["cores"] = Environment.ProcessorCount,
        ["cpu"] = CpuModel(),
        ["memory"] = MemoryTotal(),
        ["os"] = RuntimeInformation.OSDescription,
        ["runtime"] = RuntimeInformation.FrameworkDescription,
        ["rid"] = RuntimeInformation.RuntimeIdentifier,
        ["commit"] = Commit(repoRoot),
    };

    public static string Summary(JsonObject machine) =>
        $"{machine["cores"]} cores ({machine["cpu"]}), {machine["memory"]}, {machine["os"]}, {machine["runtime"]}, commit {machine["commit"]}, {machine["date"]}";

    /// <summary>The 1-minute load average now.</summary>
    public static double LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string MemoryTotal()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            return $"{kb / 1024.0 / 1024.0:0.0} GiB";
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            return "unknown";
        }
    }

    private static string Commit(string repoRoot)
    {
        try
        {
            var head = Proc.RunAsync("git", ["rev-parse", "--short", "HEAD"], repoRoot).GetAwaiter().GetResult();
            var dirty = Proc.RunAsync("git", ["status", "--porcelain", "--untracked-files=no"], repoRoot).GetAwaiter().GetResult();
            return head.Output.Trim() + (dirty.Output.Trim().Length > 0 ? " (with local changes)" : "");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}

/// <summary>Samples the load average every few seconds while a scenario runs: the machine is shared, and the figures
/// only mean something next to how busy it was.</summary>
internal sealed class LoadSampler : IAsyncDisposable
{
    private readonly List<double> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoadSampler()
    {
        _samples.Add(Machine.LoadAverage());
        _loop = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), _stop.Token);
                    lock (_samples)
                    {
                        _samples.Add(Machine.LoadAverage());
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    public JsonObject Summary()
    {
        double[] samples;
        lock (_samples)
        {
            samples = [.. _samples, Machine.LoadAverage()];
        }

        return new JsonObject { ["min"] = samples.Min(), ["mean"] = Math.Round(samples.Average(), 2), ["max"] = samples.Max() };
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
