namespace Runner.Projects;

/// <summary>Writing a project's files without ever replacing one the operator has.</summary>
internal static class ProjectFiles
{
    /// <summary>Creates <paramref name="path"/> with <paramref name="content"/> unless it exists; true when written.</summary>
    public static bool WriteIfMissing(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            // CreateNew: of two processes (or a file that appeared meanwhile), the one already there is kept.
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            using var writer = new StreamWriter(stream);
            writer.Write(content);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }
}
