using System.Globalization;

namespace Runner.Configuration;

/// <summary>Reads durations the way operators write them: "00:05:00", "1.00:00:00", "250ms", "90s", "5m", "2h", "7d".</summary>
internal static class DurationParser
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        text = text.Trim();
        if (text.Length >= 3 && text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) &&
            double.TryParse(text[..^2], NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0 && ms < 1e10)
        {
            value = TimeSpan.FromMilliseconds(ms);
            return true;
        }

        if (text.Length >= 2 && char.IsAsciiLetter(text[^1]))
        {
            var number = text[..^1];
            var unit = char.ToLowerInvariant(text[^1]);
            if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0 && amount < 1e7)
            {
                value = unit switch
                {
                    's' => TimeSpan.FromSeconds(amount),
                    'm' => TimeSpan.FromMinutes(amount),
                    'h' => TimeSpan.FromHours(amount),
                    'd' => TimeSpan.FromDays(amount),
                    _ => TimeSpan.MinValue,
                };
                return value != TimeSpan.MinValue;
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
    }
}
