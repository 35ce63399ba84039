namespace Runner.Configuration;

/// <summary>Finds the nearest known names to a mistyped one (edit distance), for "did you mean" messages.</summary>
internal static class Suggest
{
    public static string? Nearest(string input, IEnumerable<string> candidates) =>
        Ranked(input, candidates, 1).FirstOrDefault();

    /// <summary>Up to <paramref name="count"/> candidates close enough to <paramref name="input"/>, nearest first.</summary>
    public static IReadOnlyList<string> Ranked(string input, IEnumerable<string> candidates, int count)
    {
        var lowered = input.ToLowerInvariant();
        return candidates
            .Select(c => (Candidate: c, Distance: Distance(lowered, c.ToLowerInvariant()), Contains: c.Contains(input, StringComparison.OrdinalIgnoreCase)))
            .Where(x => x.Contains || x.Distance <= Math.Max(2, input.Length / 3))
            .OrderBy(x => x.Contains ? 0 : 1).ThenBy(x => x.Distance).ThenBy(x => x.Candidate, StringComparer.OrdinalIgnoreCase)
            .Take(count)
            .Select(x => x.Candidate)
            .ToList();
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
