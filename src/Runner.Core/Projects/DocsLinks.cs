using System.Reflection;

namespace Runner.Projects;

/// <summary>
/// Links to the documentation for messages and help: an installed tool has no docs/ folder beside it, so a message
/// names the page in the repository by its address. The address comes from the build (RepositoryUrl in
/// Directory.Build.props, the one place to change it).
/// </summary>
public static class DocsLinks
{
    private static readonly Lazy<string> Repository = new(() =>
        typeof(DocsLinks).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepositoryUrl")?.Value?.TrimEnd('/')
        ?? "https://github.com/runner-csp/runner");

    /// <summary>The repository's address.</summary>
    public static string RepositoryUrl => Repository.Value;

    /// <summary>A page of docs/ (with an optional #anchor), e.g. <c>Page("scripting.md")</c>.</summary>
    public static string Page(string page) => $"{Repository.Value}/blob/main/docs/{page}";
}
