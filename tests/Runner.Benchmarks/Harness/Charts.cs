using ScottPlot;
using ScottPlot.TickGenerators;

namespace Runner.Benchmarks.Harness;

/// <summary>A picture a scenario draws (ScottPlot), saved as <see cref="File"/> next to its JSON and Markdown.</summary>
internal sealed record Chart(string File, string Caption, Plot Plot)
{
    public const int Width = 960;

    public const int Height = 560;

    public void Save(string directory) => Plot.SavePng(Path.Combine(directory, File), Width, Height);
}

/// <summary>
/// ScottPlot 5 has no logarithmic axis: a log axis is the data's log10 plotted on a linear one, with tick labels that
/// show the values again.
/// </summary>
internal static class Charts
{
    /// <summary>
    /// The font the charts are drawn in. SkiaSharp's Linux build without fontconfig cannot find a font by family name,
    /// so a sans-serif one is registered from its file when one of the usual Debian ones is there.
    /// </summary>
    private static readonly Lazy<string> Font = new(() =>
    {
        foreach (var (name, regular, bold) in new[]
                 {
                     ("DejaVu Sans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
                     ("Liberation Sans", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
                 })
        {
            if (File.Exists(regular) && File.Exists(bold))
            {
                Fonts.AddFontFile(name, regular, bold: false, italic: false);
                Fonts.AddFontFile(name, bold, bold: true, italic: false);
                return name;
            }
        }

        return Fonts.Sans;
    });

    /// <summary>A plot with a title, in a sans-serif font.</summary>
    public static Plot NewPlot(string title)
    {
        var plot = new Plot();
        plot.Font.Set(Font.Value);
        plot.Title(title);
        return plot;
    }

    public static double[] Log10(IEnumerable<double> values) => [.. values.Select(Math.Log10)];

    /// <summary>Ticks exactly at <paramref name="values"/> (say, the tenant counts measured) on a log10 axis.</summary>
    public static void LogTicksAt(IAxis axis, IEnumerable<double> values, Func<double, string> label)
    {
        var distinct = values.Distinct().Order().ToArray();
        axis.SetTicks(Log10(distinct), [.. distinct.Select(label)]);
    }

    /// <summary>Major ticks at the powers of ten, minor ticks at 2–9 × each, on a log10 axis.</summary>
    public static void DecadeTicks(IAxis axis, Func<double, string> label)
    {
        axis.TickGenerator = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = exponent => label(Math.Pow(10, exponent)),
        };
    }

    /// <summary>A line with markers through (x, y), in a series' colour and pattern, named in the legend.</summary>
    public static void Series(Plot plot, double[] xs, double[] ys, string legend, Color color, bool dashed = false)
    {
        var scatter = plot.Add.Scatter(xs, ys, color);
        scatter.LegendText = legend;
        scatter.LineWidth = 2;
        scatter.MarkerSize = 8;
        if (dashed)
        {
            scatter.LinePattern = LinePattern.Dashed;
            scatter.MarkerShape = MarkerShape.OpenCircle;
        }
    }

    /// <summary>A dotted horizontal line at a target, labelled on the right axis.</summary>
    public static void TargetLine(Plot plot, double y, string text, Color color)
    {
        var line = plot.Add.HorizontalLine(y, 1.5f, color, LinePattern.Dotted);
        line.LegendText = text;
    }
}
