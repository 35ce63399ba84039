using System.Globalization;
using System.Text.Json.Nodes;
using Runner.Benchmarks.Harness;

namespace Runner.Benchmarks.Scenarios;

/// <summary>One variant's run at one size: the whole process's wall time, the outcome per tenant, and what the sandbox counted.</summary>
/// <param name="InProcessMs">Runner: the run's durationMs; PowerShell: the script's own clock, first statement to last (list and loop).</param>
/// <param name="ListCalls">Customer list and GDAP relationship pages read.</param>
/// <param name="TenantsCalled">Customer tenants that got a Graph or ARM call.</param>
/// <param name="TenantsOff">Of those, the ones without exactly one Graph and one ARM call.</param>
internal sealed record VariantSample(
    int Size, string Variant, int Round, double ProcessMs, double InProcessMs, int Customers, int Succeeded, int Failed, int Skipped,
    long Tokens, long Users, long Subscriptions, long Licences, long ListCalls, int TenantsCalled, int TenantsOff, double ClientCpuMs, double SandboxCpuMs)
{
    public long CallsPerTenantTotal => Users + Subscriptions + Licences;

    public JsonObject ToJson() => new()
    {
        ["size"] = Size, ["variant"] = Variant, ["round"] = Round, ["processMs"] = Math.Round(ProcessMs, 1), ["inProcessMs"] = InProcessMs,
        ["customers"] = Customers, ["succeeded"] = Succeeded, ["failed"] = Failed, ["skipped"] = Skipped, ["tokenRequests"] = Tokens,
        ["graphUsers"] = Users, ["armSubscriptions"] = Subscriptions, ["partnerCenterSubscriptions"] = Licences, ["listCalls"] = ListCalls,
        ["tenantsCalled"] = TenantsCalled, ["tenantsOff"] = TenantsOff, ["clientCpuMs"] = ClientCpuMs, ["sandboxCpuMs"] = SandboxCpuMs,
    };
}

/// <summary>Runs each variant once against a sandbox whose counters it resets first, and reads what happened.</summary>
internal static class PowerShellVariants
{
    public const string RunnerFirst = "Runner, first run (no tokens cached)";
    public const string RunnerNext = "Runner, next run (tokens and customer list cached)";
    public const string Sequential = "PowerShell, foreach (sequential)";

    public static string Parallel(int throttle) => $"PowerShell, ForEach-Object -Parallel -ThrottleLimit {throttle}";

    /// <summary>`runner run jobs/fanout.csx --tenant all --parallel N`, as the fanout scenario runs it.</summary>
    public static async Task<VariantSample> RunnerAsync(BenchProject project, SandboxProcess sandbox, string partnerTenant, int size, string variant, int round, int parallel)
    {
        await sandbox.ResetCountersAsync();
        var output = Path.Combine(project.Root, $"run-{round}-{(variant == RunnerFirst ? "first" : "next")}.json");
        var sandboxCpu = Proc.Cpu(sandbox.ProcessId);
        var result = await project.RunAsync(["run", "jobs/fanout.csx", "--tenant", "all", "--parallel", parallel.ToString(CultureInfo.InvariantCulture), "--output", "json", "--out", output]);
        sandboxCpu = Proc.Cpu(sandbox.ProcessId) - sandboxCpu;
        result.EnsureSuccess($"{variant}, size {size}");
        var run = JsonNode.Parse(await File.ReadAllTextAsync(output))!;
        var tenants = run["tenants"]!.AsArray();
        var summary = run["summary"]!;
        return await SampleAsync(sandbox, partnerTenant, size, variant, round, result, run["durationMs"]!.GetValue<long>(),
            summary["succeeded"]!.GetValue<int>() + summary["failed"]!.GetValue<int>() + summary["skipped"]!.GetValue<int>(),
            tenants.Count(t => (string?)t!["status"] == "Succeeded"), tenants.Count(t => (string?)t!["status"] == "Failed"), summary["skipped"]!.GetValue<int>(), sandboxCpu);
    }

    /// <summary>jobs/fanout.ps1 in pwsh, trusting the sandbox through SSL_CERT_FILE; its tenants counted from its JSON.</summary>
    public static async Task<VariantSample> PowerShellAsync(PowerShellTool pwsh, PowerShellTarget target, int size, string variant, int round, int throttle)
    {
        var sandbox = target.Sandbox;
        var mode = variant == Sequential ? "Sequential" : "Parallel";
        var output = Path.Combine(target.Folder, $"run-{round}-{mode.ToLowerInvariant()}.json");
        var script = Path.Combine(AppContext.BaseDirectory, "Jobs", "fanout.ps1");
        var url = sandbox.Url.AbsoluteUri;
        string[] arguments =
        [
            "-NoProfile", "-NonInteractive", "-File", script,
            "-Login", url, "-PartnerCenter", url, "-Graph", url, "-ResourceManager", url,
            "-PartnerTenant", target.PartnerTenant, "-ClientId", target.ClientId,
            "-Mode", mode, "-ThrottleLimit", throttle.ToString(CultureInfo.InvariantCulture), "-OutFile", output,
        ];
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            // Trust, with validation on: the system's CAs plus the sandbox's (what runner.yaml's caFile gives the runner
            // projects), for this process only. Not -SkipCertificateCheck, which would switch validation off.
            ["SSL_CERT_FILE"] = target.CaBundle,
            ["PARTNER_CLIENT_SECRET"] = target.ClientSecret,
            ["PARTNER_REFRESH_TOKEN"] = await sandbox.ConsentAsync(),
        };

        await sandbox.ResetCountersAsync();
        var sandboxCpu = Proc.Cpu(sandbox.ProcessId);
        var result = await Proc.RunAsync(pwsh.Start(arguments, target.Folder, environment), timeout: TimeSpan.FromHours(1));
        sandboxCpu = Proc.Cpu(sandbox.ProcessId) - sandboxCpu;
        result.EnsureSuccess($"{variant}, size {size}");
        var run = JsonNode.Parse(await File.ReadAllTextAsync(output))!;
        var tenants = run["tenants"] is JsonArray array ? array : [];
        return await SampleAsync(sandbox, target.PartnerTenant, size, variant, round, result, run["durationMs"]!.GetValue<long>(),
            run["customers"]!.GetValue<int>(), tenants.Count(t => (string?)t!["status"] == "Succeeded"), tenants.Count(t => (string?)t!["status"] == "Failed"),
            run["skipped"]!.GetValue<int>(), sandboxCpu);
    }

    private static async Task<VariantSample> SampleAsync(
        SandboxProcess sandbox, string partnerTenant, int size, string variant, int round, ProcResult process, long inProcessMs,
        int customers, int succeeded, int failed, int skipped, TimeSpan sandboxCpu)
    {
        var counters = await sandbox.CountersAsync();
        long Endpoint(string name) => counters["endpoints"]?[name]?.GetValue<long>() ?? 0;
        long Count(JsonNode? tenant, string api) => tenant?[api]?.GetValue<long>() ?? 0;
        var called = counters["tenants"]!.AsObject()
            .Where(p => !string.Equals(p.Key, partnerTenant, StringComparison.OrdinalIgnoreCase))
            .Select(p => (Graph: Count(p.Value, "graph"), Arm: Count(p.Value, "arm")))
            .Where(t => t.Graph + t.Arm > 0)
            .ToList();
        return new VariantSample(size, variant, round, process.Elapsed.TotalMilliseconds, inProcessMs, customers, succeeded, failed, skipped,
            SandboxProcess.Api(counters, "token"),
            Endpoint("GET /v1.0/users"), Endpoint("GET /subscriptions"), Endpoint("GET /v1/customers/{customerId}/subscriptions"),
            Endpoint("GET /v1/customers") + Endpoint("GET /v1.0/tenantRelationships/delegatedAdminRelationships"),
            called.Count, called.Count(t => t.Graph != 1 || t.Arm != 1),
            process.Cpu.TotalMilliseconds, sandboxCpu.TotalMilliseconds);
    }
}

/// <summary>What the PowerShell script needs to reach one sandbox: its app, its partner tenant, a CA bundle that trusts it.</summary>
internal sealed record PowerShellTarget(SandboxProcess Sandbox, string Folder, string PartnerTenant, string ClientId, string ClientSecret, string CaBundle);
