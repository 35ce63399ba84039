using System.Globalization;
using Runner.Benchmarks.Harness;
using ScottPlot;

namespace Runner.Benchmarks.Scenarios;

/// <summary>The scale scenario's pictures: wall time ÷ ideal, and CPU per tenant, against the tenant count (log axis).</summary>
internal static class ScaleCharts
{
    private static readonly Color FirstColor = Colors.OrangeRed;
    private static readonly Color NextColor = Colors.RoyalBlue;
    private static readonly Color ServedColor = Colors.SeaGreen;
    private static readonly Color RunnerColor = Colors.RoyalBlue;
    private static readonly Color SandboxColor = Colors.SeaGreen;

    /// <summary>scale-wall.png: the run's and the process's wall time ÷ ideal, first and next runs, with the targets.</summary>
    public static Chart Wall(IReadOnlyList<ScaleBenchmark.Point> points, int latency, int parallel, double nextTarget, double firstTarget)
    {
        var plot = NewPlot(points, $"Fan-out wall time ÷ ideal (tenants × 3 calls × {latency} ms ÷ {parallel})", "wall time ÷ ideal");
        foreach (var (kind, color) in new[] { (ScaleBenchmark.First, FirstColor), (ScaleBenchmark.Next, NextColor), (ScaleBenchmark.Served, ServedColor) })
        {
            var series = Of(points, kind);
            var xs = Charts.Log10(series.Select(p => (double)p.Tenants));
            Charts.Series(plot, xs, [.. series.Select(p => p.RunRatio)], $"{kind}: the run (its durationMs)", color);
            Charts.Series(plot, xs, [.. series.Select(p => p.ProcessRatio)], $"{kind}: whole process", color, dashed: true);
        }

        Charts.TargetLine(plot, nextTarget, $"target, next runs: ≤ {nextTarget} × ideal", NextColor);
        Charts.TargetLine(plot, firstTarget, $"target, first run: ≤ {firstTarget} × ideal", FirstColor);
        var top = points.SelectMany(p => new[] { p.RunRatio, p.ProcessRatio }).Append(firstTarget).Max();
        plot.Axes.SetLimitsY(0, top * 1.1);
        return new Chart("scale-wall.png", "Fan-out wall time ÷ ideal against the tenant count", plot);
    }

    /// <summary>scale-cpu.png: CPU ms per tenant of the runner and of the sandbox, with the runner's ±band around the baseline.</summary>
    public static Chart Cpu(IReadOnlyList<ScaleBenchmark.Point> points, int baselineSize, double band)
    {
        var plot = NewPlot(points, "CPU per tenant (user + system)", "CPU ms per tenant");
        foreach (var (kind, dashed) in new[] { (ScaleBenchmark.Next, false), (ScaleBenchmark.First, true) })
        {
            var series = Of(points, kind);
            var xs = Charts.Log10(series.Select(p => (double)p.Tenants));
            Charts.Series(plot, xs, [.. series.Select(p => p.RunnerCpuPerTenant)], $"runner, {kind}", RunnerColor, dashed);
            Charts.Series(plot, xs, [.. series.Select(p => p.SandboxCpuPerTenant)], $"sandbox, {kind}", SandboxColor, dashed);
        }

        var reference = points.Single(p => p.Kind == ScaleBenchmark.Next && p.Size == baselineSize);
        var baseline = reference.RunnerCpuPerTenant;
        Charts.TargetLine(plot, baseline * (1 + band), $"target: runner, next runs, ±{band:0%} of {reference.Tenants:N0} tenants", RunnerColor);
        Charts.TargetLine(plot, baseline * (1 - band), "", RunnerColor);
        var top = points.SelectMany(p => new[] { p.RunnerCpuPerTenant, p.SandboxCpuPerTenant }).Append(baseline * (1 + band)).Max();
        plot.Axes.SetLimitsY(0, top * 1.15);
        return new Chart("scale-cpu.png", "CPU ms per tenant, runner and sandbox, against the tenant count", plot);
    }

    private static List<ScaleBenchmark.Point> Of(IReadOnlyList<ScaleBenchmark.Point> points, string kind) =>
        [.. points.Where(p => p.Kind == kind).OrderBy(p => p.Tenants)];

    /// <summary>A plot with the tenant count on a log x axis, ticks at the counts measured.</summary>
    private static Plot NewPlot(IReadOnlyList<ScaleBenchmark.Point> points, string title, string yLabel)
    {
        var plot = Charts.NewPlot(title);
        plot.XLabel("tenants (log scale)");
        plot.YLabel(yLabel);
        var tenants = points.Select(p => (double)p.Tenants).ToList();
        Charts.LogTicksAt(plot.Axes.Bottom, tenants, t => t.ToString("N0", CultureInfo.InvariantCulture));
        plot.Axes.SetLimitsX(Math.Log10(tenants.Min()) - 0.15, Math.Log10(tenants.Max()) + 0.15);
        plot.ShowLegend(Edge.Bottom);
        return plot;
    }
}
