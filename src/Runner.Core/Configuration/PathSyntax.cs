namespace Runner.Configuration;

/// <summary>Turns a path an operator wrote (in runner.yaml or on the command line) into a full path, refusing what no
/// file system accepts (empty, or a NUL character) instead of letting Path throw an ArgumentException.</summary>
internal static class PathSyntax
{
    public static bool TryResolve(string text, string baseDirectory, out string fullPath)
    {
        fullPath = "";
        if (string.IsNullOrWhiteSpace(text) || text.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            fullPath = Path.GetFullPath(text, baseDirectory);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return false;
        }
    }

    /// <summary>The text as it can be shown on one line: control characters escaped.</summary>
    public static string Printable(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
