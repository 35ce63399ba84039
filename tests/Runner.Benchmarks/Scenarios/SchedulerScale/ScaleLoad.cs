using System.Globalization;
using System.Text;

namespace Runner.Benchmarks.Scenarios.SchedulerScale;

/// <summary>
/// The load: <see cref="Jobs"/> jobs running jobs/stamp.csx for one tenant, each firing once every
/// <see cref="Every"/>: all at the same instant (second 0 of the period), or spread evenly over the period (job i at
/// ⌊i × period ÷ jobs⌋ seconds into it). Still every job fires once per period either way.
/// </summary>
internal sealed record ScaleLoad(int Jobs, TimeSpan Every)
{
    private int Period => (int)Every.TotalSeconds;

    /// <summary>The period must divide a minute (10s, 15s, 30s) or an hour (1m, 2m, 5m …), as a cron step can.</summary>
    public static ScaleLoad Create(int jobs, TimeSpan every)
    {
        var seconds = (int)every.TotalSeconds;
        var valid = seconds < 60 ? 60 % seconds == 0 : seconds % 60 == 0 && 3600 % seconds == 0;
        if (jobs < 1 || !valid || every != TimeSpan.FromSeconds(seconds))
        {
            throw new ArgumentException($"--jobs {jobs} --every {Text(every)}: expected at least one job and a period that divides a minute (10s, 30s) or an hour (1m, 5m)");
        }

        return new ScaleLoad(jobs, every);
    }

    /// <summary>"1m", "30s": as --every takes it.</summary>
    public static string Text(TimeSpan every) => every.TotalSeconds % 60 == 0 ? $"{every.TotalMinutes:0}m" : $"{every.TotalSeconds:0}s";

    /// <summary>The fires due in a minute.</summary>
    public double FiresPerMinute => Jobs * 60.0 / Period;

    /// <summary>The most fires due in one second: all of them at once, or the spread's share.</summary>
    public int PeakPerSecond(bool spread) => spread ? (int)Math.Ceiling(Jobs / (double)Period) : Jobs;

    public string Name(int job) => "stamp" + job.ToString(new string('0', Jobs.ToString(CultureInfo.InvariantCulture).Length), CultureInfo.InvariantCulture);

    /// <summary>Seconds into each period at which <paramref name="job"/> (0-based) fires.</summary>
    public int Offset(int job, bool spread) => spread ? (int)((long)job * Period / Jobs) : 0;

    /// <summary>Quartz cron, seconds first.</summary>
    public string Cron(int job, bool spread)
    {
        var offset = Offset(job, spread);
        return Period switch
        {
            60 => $"{offset} * * * * ?",
            < 60 => $"{offset}/{Period} * * * * ?",
            _ => $"{offset % 60} {offset / 60}/{Period / 60} * * * ?",
        };
    }

    /// <summary>The jobs: section of runner.yaml.</summary>
    public string JobsYaml(bool spread)
    {
        var yaml = new StringBuilder("jobs:\n");
        for (var job = 0; job < Jobs; job++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  {Name(job)}: {{ script: jobs/stamp.csx, schedule: \"{Cron(job, spread)}\", tenants: [contoso.onmicrosoft.com] }}\n");
        }

        return yaml.ToString();
    }

    /// <summary>The first period boundary at or after <paramref name="time"/> (periods divide an hour, so they line up with UTC).</summary>
    public DateTimeOffset PeriodStartAfter(DateTimeOffset time)
    {
        var ticks = Every.Ticks;
        return new DateTimeOffset((time.UtcTicks + ticks - 1) / ticks * ticks, TimeSpan.Zero);
    }

    /// <summary>Every time in [from, to) the cron of <paramref name="job"/> fires at; <paramref name="from"/> a period boundary.</summary>
    public IEnumerable<DateTimeOffset> Occurrences(int job, bool spread, DateTimeOffset from, DateTimeOffset to)
    {
        for (var time = from.AddSeconds(Offset(job, spread)); time < to; time += Every)
        {
            yield return time;
        }
    }
}
