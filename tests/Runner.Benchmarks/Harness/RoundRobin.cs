using System.Diagnostics;

namespace Runner.Benchmarks.Harness;

/// <summary>One whole process measured again and again: how it starts, what to do before each start (empty a cache).</summary>
internal sealed class Variant(string name, ProcessStartInfo start, Action? prepare = null)
{
    public string Name => name;

    public ProcessStartInfo Start => start;

    public Action? Prepare => prepare;

    /// <summary>Wall time of each measured run, ms.</summary>
    public List<double> Samples { get; } = [];

    /// <summary>User + system CPU of each measured run, ms.</summary>
    public List<double> Cpu { get; } = [];

    public double Median => Stats.Of(Samples).Median;
}

/// <summary>
/// Every variant once per round, round after round, warm-up rounds first (not kept), so a change in the machine's load
/// shows in all of them alike.
/// </summary>
internal static class RoundRobin
{
    public static async Task RunAsync(IReadOnlyList<Variant> variants, int warmup, int runs)
    {
        for (var round = -warmup; round < runs; round++)
        {
            Console.Error.Write(round < 0 ? "w" : ".");
            foreach (var variant in variants)
            {
                variant.Prepare?.Invoke();
                var result = (await Proc.RunAsync(variant.Start)).EnsureSuccess(variant.Name);
                if (round >= 0)
                {
                    variant.Samples.Add(result.Elapsed.TotalMilliseconds);
                    variant.Cpu.Add(result.Cpu.TotalMilliseconds);
                }
            }
        }

        Console.Error.WriteLine();
    }
}
