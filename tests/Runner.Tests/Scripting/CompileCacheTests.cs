using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Runner.Scripting;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scripting;

/// <summary>The compile cache: one entry per key, shared safely by processes and engines, and no Roslyn on a hit.</summary>
public sealed class CompileCacheTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task A_cached_run_in_a_fresh_process_loads_no_Roslyn_assembly()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.CopyJob("hello.csx");
        var firstReport = workspace.Path("first-assemblies.txt");
        var secondReport = workspace.Path("second-assemblies.txt");

        var first = await RunnerProcess.RunAsync(workspace, new Dictionary<string, string> { ["RUNNER_DIAG_LOADED_ASSEMBLIES"] = firstReport }, "run", "jobs/hello.csx", "--output", "json");
        var second = await RunnerProcess.RunAsync(workspace, new Dictionary<string, string> { ["RUNNER_DIAG_LOADED_ASSEMBLIES"] = secondReport }, "run", "jobs/hello.csx", "--output", "json");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(
            JsonNode.Parse(first.Output)!["tenants"]!.AsArray().Select(t => t!["result"]?.ToJsonString()),
            JsonNode.Parse(second.Output)!["tenants"]!.AsArray().Select(t => t!["result"]?.ToJsonString()));

        // The first process compiled (so the report does see Roslyn when it is there); the second ran the cached DLL.
        Assert.Contains(File.ReadAllLines(firstReport), name => name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
        var loaded = File.ReadAllLines(secondReport);
        Assert.Contains("Microsoft.Graph", loaded);
        Assert.DoesNotContain(loaded, name => name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
        // Nor what only other commands or settings need: the SDK of telemetry: (not configured here), the built-in
        // sandbox (this project uses a sandbox in another process), the console, the PostgreSQL driver, e-mail.
        Assert.DoesNotContain(loaded, name => name.StartsWith("OpenTelemetry", StringComparison.Ordinal)
            || name is "Runner.Sandbox" or "Runner.Web" or "Npgsql" or "MailKit" or "MimeKit");
        Assert.Single(Directory.GetDirectories(workspace.Path(".runner/scripts")));
    }

    [Fact]
    public async Task Several_processes_compiling_the_same_new_script_at_once_all_succeed_and_leave_one_complete_entry()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.Write("jobs/shared.csx", "#load \"_lib/helper.csx\"\nreturn Twice(21);\n");
        workspace.Write("jobs/_lib/helper.csx", "int Twice(int x) => x * 2;\n");

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => RunnerProcess.RunAsync(workspace, null, "check", "jobs/shared.csx")));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        var entry = Assert.Single(Directory.GetDirectories(workspace.Path(".runner/scripts")));
        Assert.Equal(["manifest.json", "script.dll", "script.pdb"], Directory.GetFiles(entry).Select(Path.GetFileName).Order());
        Assert.Empty(Directory.GetDirectories(workspace.Path(".runner/scripts"), ".tmp-*"));
    }

    [Fact]
    public async Task Concurrent_engines_on_one_cache_load_the_same_script_and_each_gets_a_working_copy()
    {
        using var folder = new TempFolder();
        var script = folder.Write("jobs/concurrent.csx", "return Params.Get<int>(\"n\", 0) + 1;\n");
        var cache = folder.Combine("state");

        var loaded = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            ScriptEngine.Create(cache, NullLogger.Instance).Load(script, CancellationToken.None))));

        try
        {
            Assert.Single(Directory.GetDirectories(Path.Combine(cache, "scripts")));
            Assert.Single(loaded.Select(s => s.Source.CacheKey).Distinct());
            var again = ScriptEngine.Create(cache, NullLogger.Instance).Load(script, CancellationToken.None);
            Assert.True(again.FromCache);
            again.Dispose();
        }
        finally
        {
            foreach (var s in loaded)
            {
                s.Dispose();
            }
        }
    }

    [Fact]
    public void The_cache_key_changes_with_the_script_and_its_load_closure_and_nothing_else()
    {
        using var folder = new TempFolder();
        var script = folder.Write("jobs/keyed.csx", "#load \"_lib/a.csx\"\nreturn A;\n");
        folder.Write("jobs/_lib/a.csx", "#load \"b.csx\"\nint A => B;\n");
        var nested = folder.Write("jobs/_lib/b.csx", "int B => 1;\n");

        var original = ScriptSource.Read(script);
        Assert.Equal(original.CacheKey, ScriptSource.Read(script).CacheKey);
        Assert.Equal(3, original.Files.Count);

        File.WriteAllText(nested, "int B => 2;\n");
        var changedNested = ScriptSource.Read(script);
        Assert.NotEqual(original.CacheKey, changedNested.CacheKey);

        File.WriteAllText(script, "#load \"_lib/a.csx\"\nreturn A + 0;\n");
        Assert.NotEqual(changedNested.CacheKey, ScriptSource.Read(script).CacheKey);
    }
}
