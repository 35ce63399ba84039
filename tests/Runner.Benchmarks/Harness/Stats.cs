namespace Runner.Benchmarks.Harness;

/// <summary>Order statistics of a sample, in milliseconds.</summary>
internal sealed record Stats(int Count, double Median, double Min, double Max, double Mean, double P90, double P99)
{
    /// <summary>Nearest-rank 95th percentile (NaN for an empty sample).</summary>
    public double P95 { get; init; } = double.NaN;

    public static Stats Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return new Stats(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        return new Stats(sorted.Length, Percentile(sorted, 50), sorted[0], sorted[^1], sorted.Average(), Percentile(sorted, 90), Percentile(sorted, 99))
        {
            P95 = Percentile(sorted, 95),
        };
    }

    public static Stats Of(IEnumerable<TimeSpan> values) => Of(values.Select(v => v.TotalMilliseconds));

    /// <summary>Nearest rank for p90/p95/p99 (a value that was seen); the usual midpoint for the median of an even count.</summary>
    private static double Percentile(double[] sorted, int p)
    {
        if (p == 50)
        {
            var middle = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }

        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
