namespace Runner.State;

/// <summary>Folder clean-up that must never fail the work it follows.</summary>
internal static class Folders
{
    /// <summary>Deletes <paramref name="folder"/> and everything in it if it can; a file in use or a missing right leaves it for a later sweep.</summary>
    public static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
