namespace Runner.Tests.Infrastructure;

/// <summary>The repository the tests run from (the folder holding Runner.sln).</summary>
public static class RepositoryFolder
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Runner.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Runner.sln not found above the test output.");
    }
}
