using System.Reflection;

namespace Runner.Sandbox.Hosting;

/// <summary>The address of docs/sandbox.md for the sandbox's refusals (the repository address comes from the build).</summary>
internal static class SandboxDocs
{
    public static readonly string Page =
        (typeof(SandboxDocs).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepositoryUrl")?.Value?.TrimEnd('/')
         ?? "https://github.com/runner-csp/runner") + "/blob/main/docs/sandbox.md";
}
