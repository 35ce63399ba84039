using System.Globalization;
using System.Text.Json.Nodes;

namespace Runner.Benchmarks.Harness;

/// <summary>
/// One `runner run jobs/fanout.csx --tenant all` as a whole process, with what the sandbox counted meanwhile.
/// </summary>
/// <param name="ProcessMs">From process start to exit.</param>
/// <param name="RunMs">The run's own durationMs, from its JSON.</param>
/// <param name="TenantsWithOtherTokenCounts">Tenants that asked for a number of tokens other than 2 (one per resource).</param>
/// <param name="RunnerCpuMs">User + system CPU of the runner process.</param>
/// <param name="SandboxCpuMs">User + system CPU of the sandbox process during the run.</param>
/// <param name="PeakRssMb">The runner process's peak RSS, when asked for (else NaN).</param>
/// <param name="Json">The run as `--output json` wrote it.</param>
internal sealed record FanOutRun(
    double ProcessMs, double RunMs, int Succeeded, int Skipped, int Failed,
    long Tokens, long Graph, long Arm, long PartnerCenter, int TenantsWithOtherTokenCounts,
    double RunnerCpuMs, double SandboxCpuMs, double PeakRssMb, JsonNode Json)
{
    public long ApiCalls => Graph + Arm + PartnerCenter;
}

/// <summary>
/// The fan-out the fanout and scale scenarios measure: jobs/fanout.csx makes one Graph, one ARM and one Partner Center
/// call per tenant, against a standalone sandbox that adds a fixed latency to every request.
/// </summary>
internal static class FanOut
{
    public const int CallsPerTenant = 3;

    /// <summary>Graph and ARM in the customer's tenant; Partner Center is called as the partner.</summary>
    public const int ResourcesPerTenant = 2;

    /// <summary>The partner's own token requests on a first run (Partner Center and Graph).</summary>
    public const int PartnerTokens = 2;

    /// <summary>runner.yaml limits with every per-API concurrency limit at <paramref name="parallel"/>.</summary>
    public static string Limits(int parallel) =>
        $"limits: {{ partnerCenter: {parallel}, graph: {parallel}, resourceManager: {parallel}, token: {parallel} }}";

    /// <summary>tenants × calls × latency ÷ parallelism: the run if only the added latency cost anything.</summary>
    public static double IdealMs(int tenants, int latencyMs, int parallel) => tenants * CallsPerTenant * latencyMs / (double)parallel;

    /// <summary>Token requests a first run makes (none cached): two per tenant, plus the partner's.</summary>
    public static long ExpectedFirstRunTokens(int tenants) => (long)tenants * ResourcesPerTenant + PartnerTokens;

    public static Task SetLatencyAsync(SandboxProcess sandbox, int latencyMs) =>
        sandbox.SetFaultsAsync(new JsonObject { ["latencyMs"] = new JsonObject { ["*"] = latencyMs } });

    /// <summary>Resets the sandbox's counters, runs the fan-out once and reads the counters back. With
    /// <paramref name="runServer"/> (the pid of the project's run server) the run is handed to it: its CPU counts with
    /// the client's, and the peak RSS is the server's high-water mark since it started.</summary>
    public static async Task<FanOutRun> RunAsync(BenchProject project, SandboxProcess sandbox, int parallel, string name, bool peakRss = false, int? runServer = null)
    {
        await sandbox.ResetCountersAsync();
        var output = Path.Combine(project.Root, $"{name}.json");
        var sandboxCpu = Proc.Cpu(sandbox.ProcessId);
        var serverCpu = runServer is { } server ? Proc.Cpu(server) : TimeSpan.Zero;
        var result = await Proc.RunAsync(
            project.Start(project.RunnerDll, "run", "jobs/fanout.csx", "--tenant", "all", "--parallel", parallel.ToString(CultureInfo.InvariantCulture), "--output", "json", "--out", output),
            peakRss: peakRss);
        result.EnsureSuccess($"fan-out {name}");
        sandboxCpu = Proc.Cpu(sandbox.ProcessId) - sandboxCpu;
        var runnerCpu = result.Cpu;
        var peak = result.PeakRssMb;
        if (runServer is { } served)
        {
            runnerCpu += Proc.Cpu(served) - serverCpu;
            peak = (PeakRss.ReadKb(served) ?? 0) / 1024.0;
        }

        var run = JsonNode.Parse(await File.ReadAllTextAsync(output))!;
        var summary = run["summary"]!;
        var counters = await sandbox.CountersAsync();
        var perTenant = counters["tenants"]!.AsObject()
            .Select(p => p.Value!["token"]?.GetValue<long>() ?? 0)
            .Where(n => n > 0)
            .ToList();
        // The partner's own tenant gets 2 too (Partner Center and Graph), so "≠ 2" counts only surprises.
        var other = perTenant.Count(n => n != ResourcesPerTenant);
        return new FanOutRun(result.Elapsed.TotalMilliseconds, run["durationMs"]!.GetValue<long>(),
            summary["succeeded"]!.GetValue<int>(), summary["skipped"]!.GetValue<int>(), summary["failed"]!.GetValue<int>(),
            SandboxProcess.Api(counters, "token"), SandboxProcess.Api(counters, "graph"), SandboxProcess.Api(counters, "arm"), SandboxProcess.Api(counters, "partnerCenter"), other,
            runnerCpu.TotalMilliseconds, sandboxCpu.TotalMilliseconds, peak, run);
    }
}
