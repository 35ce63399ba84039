using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scripting;

/// <summary>
/// The editor set-up: jobs #load "_editor/runner.globals.csx", which #r's Runner's assemblies and declares the globals.
/// Compiled here the way an editor compiles a .csx (plain Roslyn scripting, no globals type, the framework plus the
/// stub's own #r lines), outside Runner's compile path.
/// </summary>
public sealed class EditorSupportTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task The_sample_jobs_compile_as_an_editor_sees_them_with_only_the_generated_stub()
    {
        using var workspace = new Workspace().WithBuiltInSandbox();
        var stubbed = await workspace.RunAsync("new", "--editor");
        Assert.True(stubbed.ExitCode == 0, stubbed.ToString());
        workspace.CopyJob("_lib/paging.csx");

        foreach (var job in new[] { "hello.csx", "inactive-users.csx", "licence-usage.csx", "untagged-resource-groups.csx", "gdap-expiring.csx" })
        {
            var path = workspace.CopyJob(job);
            var errors = EditorCompile(path, File.ReadAllText(path));
            Assert.True(errors.Count == 0, $"{job}:\n{string.Join("\n", errors)}");
        }
    }

    [Fact]
    public async Task Without_the_stub_an_editor_knows_no_globals()
    {
        using var workspace = new Workspace().WithBuiltInSandbox();
        await workspace.RunAsync("new", "--editor");
        var path = workspace.Write("jobs/plain.csx", "var users = await Graph.Users.GetAsync(cancellationToken: CancellationToken);\nreturn users?.Value?.Count;\n");

        var errors = EditorCompile(path, File.ReadAllText(path));

        Assert.Contains(errors, e => e.Id == "CS0103" && e.GetMessage().Contains("'Graph'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Runner_skips_the_stub_so_a_job_that_loads_it_gets_the_real_globals()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        await workspace.RunAsync("new", "--editor");
        workspace.Write("jobs/stubbed.csx", "#load \"_editor/runner.globals.csx\" // IntelliSense\nvar me = await Graph.Organization.GetAsync(cancellationToken: CancellationToken);\nreturn me!.Value![0].Id;\n");
        var customer = sandbox.Host.Customers.First(c => c.GdapStatus == "active");

        var result = await workspace.RunAsync("run", "jobs/stubbed.csx", "--tenant", customer.Domain, "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(customer.TenantId.ToString(), (string)JsonNode.Parse(result.Output)!["tenants"]![0]!["result"]!);
    }

    /// <summary>Compiles like an editor: Roslyn scripting with the framework's assemblies and the file's own directives.</summary>
    private static List<Diagnostic> EditorCompile(string path, string text)
    {
        var directory = Path.GetDirectoryName(path)!;
        var framework = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll").Where(IsManaged).Select(p => MetadataReference.CreateFromFile(p));
        var options = ScriptOptions.Default
            .WithFilePath(path)
            .WithReferences(framework)
            .WithSourceResolver(new SourceFileResolver([], directory))
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(directory));
        var compilation = CSharpScript.Create(text, options).GetCompilation();
        return compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
    }

    private static bool IsManaged(string path)
    {
        try
        {
            AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
