namespace Runner.Sandbox.Hosting;

/// <summary>Writes the sandbox's data files (keys, CA) so another process never reads half of one: a temp file
/// beside it, then a rename.</summary>
internal static class DataFiles
{
    public static void Write(string path, string content, bool ownerOnly)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(new FileStream(temp, options)))
        {
            writer.Write(content);
        }

        File.Move(temp, path, overwrite: true);
    }
}
