namespace Runner.Execution;

/// <summary>The .csx files under a folder, as relative paths, for "did you mean" when a script path is mistyped.</summary>
internal static class ScriptFiles
{
    private const int MaxFiles = 2000;

    public static IReadOnlyList<string> Near(string folder)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 4, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System };
        try
        {
            return [.. Directory.EnumerateFiles(folder, "*.csx", options)
                .Select(f => Path.GetRelativePath(folder, f))
                .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.') || part is "bin" or "obj" or "node_modules" or "_editor"))
                .Take(MaxFiles)];
        }
        catch (IOException)
        {
            return [];
        }
    }
}
