using System.Globalization;
using System.Runtime.Loader;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Runner.Configuration;
using Runner.Execution;
using Runner.Runtime;
using Runner.Tenants;

namespace Runner.Benchmarks.Scenarios;

/// <summary>
/// The measured process of the memory benchmark, started fresh for each probe so nothing else in it counts:
///   memory-probe executions PROJECT ROUNDS OUT   JobRunner runs of jobs/fanout.csx over every tenant, ROUNDS times
///   memory-probe recompile PROJECT VERSIONS OUT  VERSIONS edited versions of a script, each compiled, run for one tenant, unloaded
/// Each reading follows full, compacting, blocking collections (with finalizers in between, until unloaded script
/// contexts are gone), then one aggressive collection, which hands the GC's free space back to the operating system
/// (otherwise RSS swings by the GC's spare regions, 50-100 MB either way, and hides what the process really holds).
/// It gives RSS (and its anonymous, file-backed and shared parts), the managed heap and the GC's committed memory.
/// </summary>
internal static class MemoryProbe
{
    public const string Command = "memory-probe";

    public static async Task<int> RunAsync(string[] args)
    {
        var (mode, project, count, output) = (args[0], args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3]);
        var readings = new JsonArray { Reading("process start", 0) };
        var config = ConfigLoader.Load(Path.Combine(project, "runner.yaml"), Environment.GetEnvironmentVariables());
        await using var session = await RunnerSession.OpenAsync(config, CloudConnections.For(config), SessionServices.Default(NullLoggerFactory.Instance), null, CancellationToken.None);
        if (mode == "executions")
        {
            await ExecutionsAsync(session, project, count, readings);
        }
        else
        {
            await RecompileAsync(session, project, count, readings);
        }

        await File.WriteAllTextAsync(output, readings.ToJsonString());
        return 0;
    }

    private static async Task ExecutionsAsync(RunnerSession session, string project, int rounds, JsonArray readings)
    {
        var runner = new JobRunner(session);
        var request = new JobRequest { Job = "fanout", ScriptPath = Path.Combine(project, "jobs", "fanout.csx"), Include = ["all"], Parallel = 32 };
        var executions = 0L;
        async Task RoundAsync()
        {
            var outcome = await runner.RunAsync(request, Quiet.Instance, CancellationToken.None);
            var failed = outcome.Tenants.Count(t => t.Status is TenantStatus.Failed or TenantStatus.TimedOut);
            if (failed > 0)
            {
                throw new InvalidOperationException($"{failed} tenants failed: {outcome.Tenants.First(t => t.Error is not null).Error}");
            }

            executions += outcome.Tenants.Count(t => t.Status == TenantStatus.Succeeded);
        }

        // One round first: assemblies, JIT, connection pools, caches; "before" is the process ready to run.
        await RoundAsync();
        readings.Add(Reading("after a warm-up run (before)", executions));
        var warmup = executions;
        for (var i = 1; i <= rounds; i++)
        {
            await RoundAsync();
            readings.Add(Reading(i == rounds ? "after (end)" : $"after round {i}", executions - warmup));
            Console.Error.Write(".");
        }
    }

    private static async Task RecompileAsync(RunnerSession session, string project, int versions, JsonArray readings)
    {
        var template = await File.ReadAllTextAsync(Path.Combine(project, "jobs", "fanout.csx"));
        var path = Path.Combine(project, "jobs", "edited.csx");
        var tenants = await session.Tenants.GetAsync(false, CancellationToken.None);
        var one = TenantSelector.Select(tenants, ["contoso.onmicrosoft.com"], [], session.Config.Tenants, DateTimeOffset.UtcNow).Run;
        var executor = new FanOutExecutor(session.Clients, session.Services.Redactor, TimeProvider.System, NullLogger.Instance);
        var options = new ExecutionOptions("edited", 1, TimeSpan.FromMinutes(1), new Scripting.JobParameters(new Dictionary<string, string>()), project);
        // Per probe, so a project measured before (its compile cache full of earlier versions) still compiles every one.
        var probe = Guid.NewGuid().ToString("N");
        for (var version = 1; version <= versions; version++)
        {
            // A real edit (a different constant in the code), so each version has its own compile-cache key.
            await File.WriteAllTextAsync(path, $"var version = {version}; // probe {probe}\n" + template.Replace("return new {", "return new { version,", StringComparison.Ordinal));
            using (var script = session.Scripts.Load(path, CancellationToken.None))
            {
                if (script.FromCache)
                {
                    throw new InvalidOperationException("An edited version came from the compile cache; it should have been compiled.");
                }

                var outcome = (await executor.RunAsync(script, one, options, Quiet.Instance, CancellationToken.None)).Single();
                if (outcome.Status != TenantStatus.Succeeded)
                {
                    throw new InvalidOperationException($"Version {version}: {outcome.Status} {outcome.Error}");
                }
            }

            if (version == 1)
            {
                readings.Add(Reading("after the first version (before)", version));
            }
            else if (version == versions)
            {
                readings.Add(Reading("after (end)", version));
            }
            else if (version % 50 == 0 || version is 10 or 25)
            {
                readings.Add(Reading($"after version {version}", version));
            }

            Console.Error.Write(version % 10 == 0 ? "." : "");
        }
    }

    private static JsonObject Reading(string label, long count)
    {
        // Unloading a script's context takes a few collections (its loader is freed in stages, through finalizers):
        // collect until no unloaded script context is left, or twenty rounds have passed.
        for (var i = 0; i < 20 && (i < 3 || AssemblyLoadContext.All.Any(c => c.Name?.StartsWith("script:", StringComparison.Ordinal) == true)); i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            Thread.Sleep(20);
        }

        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        return new JsonObject
        {
            ["label"] = label,
            ["count"] = count,
            ["rssMb"] = Mb(Status("VmRSS")),
            ["rssAnonMb"] = Mb(Status("RssAnon")),
            ["rssFileMb"] = Mb(Status("RssFile")),
            ["rssShmemMb"] = Mb(Status("RssShmem")),
            ["heapMb"] = Math.Round(GC.GetTotalMemory(false) / 1048576.0, 1),
            ["committedMb"] = Math.Round(info.TotalCommittedBytes / 1048576.0, 1),
            ["loadContexts"] = AssemblyLoadContext.All.Count(),
        };
    }

    /// <summary>A field of /proc/self/status, in bytes. VmRSS is what the operating system counts against the process:
    /// RssAnon (heaps, the GC's memory, JIT data) + RssFile (mapped assemblies) + RssShmem (JIT'd code, double-mapped).</summary>
    private static long Status(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static double Mb(long bytes) => Math.Round(bytes / 1048576.0, 1);

    private sealed class Quiet : IRunObserver
    {
        public static readonly Quiet Instance = new();

        public void RunStarted(string runId, string job, int tenantCount)
        {
        }

        public void TenantStarted(CustomerTenant tenant)
        {
        }

        public void TenantFinished(TenantOutcome outcome)
        {
        }
    }
}
