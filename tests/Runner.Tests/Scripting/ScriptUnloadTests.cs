using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Microsoft.Extensions.Logging.Abstractions;
using Runner.Execution;
using Runner.Scripting;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scripting;

/// <summary>A long-running host recompiles edited scripts; every unloaded script must really go away.</summary>
public sealed class ScriptUnloadTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private const int Versions = 200;

    [Fact]
    public async Task Two_hundred_changed_versions_compile_run_and_unload_and_every_context_is_collected()
    {
        await using var session = await ScriptSession.OpenAsync(sandbox.Host);
        var engine = ScriptEngine.Create(session.Workspace.StatePath, NullLogger.Instance);
        var path = session.Workspace.Path("jobs/edited.csx");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        var contexts = new List<WeakReference>(Versions);
        for (var version = 0; version < Versions; version++)
        {
            contexts.Add(await RunVersionAsync(session, engine, path, version));
        }

        for (var attempt = 0; attempt < 100 && contexts.Any(c => c.IsAlive); attempt++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            await Task.Delay(20);
        }

        Assert.Equal(0, contexts.Count(c => c.IsAlive));
        Assert.DoesNotContain(AssemblyLoadContext.All, c => c.Name?.StartsWith("script:edited.csx", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => AssemblyLoadContext.GetLoadContext(a)?.Name?.StartsWith("script:edited.csx", StringComparison.Ordinal) == true);
    }

    /// <summary>One edit of the script: compile, run it with real globals (a record of its own type goes through the
    /// logger and the result serializer), unload. Kept out of line so no local outlives it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<WeakReference> RunVersionAsync(ScriptSession session, ScriptEngine engine, string path, int version)
    {
        // Now and then the script also calls Graph with its own request lambda, or throws (and the error is located
        // through the script's PDB), so those paths are part of what must let go of the script.
        await File.WriteAllTextAsync(path, $$"""
            record Row(int Version, string Tenant, DateTimeOffset At);
            var row = new Row({{version}}, Tenant.Domain, DateTimeOffset.UtcNow);
            Log.LogInformation("version {Version}: {Row}", {{version}}, row);
            if ({{version}} % 50 == 0)
            {
                var organization = await Graph.Organization.GetAsync(r => r.QueryParameters.Select = ["id"], CancellationToken);
                Emit(new { organization = organization!.Value![0].Id });
            }

            if ({{version}} % 40 == 1)
            {
                throw new InvalidOperationException("version {{version}} fails");
            }

            Emit(row);
            Emit(new { version = {{version}}, n = Params.Get<int>("n", 0) });
            return null;
            """);
        using var script = engine.Load(path, CancellationToken.None);
        Assert.False(script.FromCache);
        var globals = session.Globals(session.Log(), new Dictionary<string, string> { ["n"] = "7" });
        if (version % 40 == 1)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => script.InvokeAsync(globals));
            Assert.StartsWith("edited.csx(12): InvalidOperationException", ScriptErrorLocator.Describe(error, Path.GetDirectoryName(path)!));
            return script.ContextReference;
        }

        var value = await script.InvokeAsync(globals);
        var result = new ResultSerializer(session.Redactor).ToJson(value ?? globals.EmittedRows)!.AsArray();
        Assert.Equal(version, (int)result[^2]!["version"]!);
        Assert.Equal(7, (int)result[^1]!["n"]!);
        return script.ContextReference;
    }
}
