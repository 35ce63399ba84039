using System.Globalization;

namespace Runner.Benchmarks.Harness;

/// <summary>Processes below one, from /proc.</summary>
internal static class ProcessTree
{
    /// <summary>Resident set of <paramref name="root"/> and its descendants, in bytes.</summary>
    public static long Rss(int root) => Members(root).Sum(pid => Read($"/proc/{pid}/statm") is { } statm
        ? long.Parse(statm.Split(' ')[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize
        : 0);

    /// <summary>
    /// CPU time used so far by <paramref name="root"/>, its descendants alive now, and every descendant that has ended
    /// and been waited for (cutime + cstime of its parent): the difference between two readings is what the tree
    /// used in between, including processes that came and went.
    /// </summary>
    public static TimeSpan Cpu(int root) => Members(root).Aggregate(TimeSpan.Zero, (sum, pid) => sum + Proc.CpuWithReapedChildren(pid));

    /// <summary><paramref name="root"/> and every process below it, alive now.</summary>
    public static HashSet<int> Members(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Read(Path.Combine(dir, "stat")) is { } stat)
            {
                // Fields after the ") " that ends the command name: state, ppid, …
                parents[pid] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
            }
        }

        var tree = new HashSet<int> { root };
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var (pid, parent) in parents)
            {
                if (tree.Contains(parent) && tree.Add(pid))
                {
                    grew = true;
                }
            }
        }

        return tree;
    }

    /// <summary>A /proc file, or null if the process has gone meanwhile.</summary>
    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
