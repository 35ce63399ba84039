namespace Runner.Web.Pages;

/// <summary>A Quartz cron expression in words, for the common shapes; anything else is shown as written.</summary>
internal static class CronText
{
    public static string Describe(string? cron)
    {
        if (cron is null)
        {
            return "on demand (runner trigger or Run now)";
        }

        var f = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 6)
        {
            return cron;
        }

        var (seconds, minutes, hours, day, month, weekday) = (f[0], f[1], f[2], f[3], f[4], f[5]);
        if (seconds.StartsWith("0/", StringComparison.Ordinal) && minutes == "*" && hours == "*")
        {
            return $"every {seconds[2..]} seconds";
        }

        if (seconds == "0" && minutes.StartsWith("0/", StringComparison.Ordinal) && hours == "*")
        {
            return $"every {minutes[2..]} minutes";
        }

        if (seconds == "0" && int.TryParse(minutes, out var m) && int.TryParse(hours, out var h))
        {
            var at = $"{h:00}:{m:00}";
            if (day is "*" or "?" && month == "*" && weekday is "*" or "?")
            {
                return $"every day at {at}";
            }

            if (day == "?" && month == "*" && weekday.Length > 0)
            {
                return $"every {weekday} at {at}";
            }

            if (int.TryParse(day, out var d) && month == "*")
            {
                return $"on day {d} of every month at {at}";
            }
        }

        return cron;
    }
}
