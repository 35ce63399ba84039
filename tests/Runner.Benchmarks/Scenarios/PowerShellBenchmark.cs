using System.Globalization;
using System.Text.Json.Nodes;
using Runner.Benchmarks.Harness;

namespace Runner.Benchmarks.Scenarios;

/// <summary>
/// The status quo as a baseline: jobs/fanout.ps1, a CSP partner's PowerShell loop (refresh-token exchanges at the
/// token endpoint per customer and resource, Invoke-RestMethod for the same three calls as jobs/fanout.csx), sequential
/// and with ForEach-Object -Parallel, against `runner run jobs/fanout.csx` (first run, no tokens cached, and the next
/// run), on the same standalone sandbox with the same added latency, at each of --sizes tenants.
/// </summary>
internal static class PowerShellBenchmark
{
    public static async Task<Report> RunAsync(BenchOptions options, Builds builds)
    {
        var sizes = options.Ints("sizes", "100,1000");
        var sequentialMax = options.Int("sequential-max", 1000);
        var latency = options.Int("latency", 20);
        var parallel = options.Int("parallel", 32);
        var runs = options.Int("runs", 1);
        var pwsh = await PowerShellTool.EnsureAsync(options.WorkDirectory);
        Console.Error.WriteLine($"{pwsh.ReportedVersion} ({pwsh.Path})");

        var command = $"dotnet run -c Release --project tests/Runner.Benchmarks -- powershell --sizes {string.Join(',', sizes)}"
            + (sequentialMax != 1000 ? $" --sequential-max {sequentialMax}" : "") + (runs != 1 ? $" --runs {runs}" : "");
        var report = new Report("powershell", $"Runner against a PowerShell loop: {string.Join(" and ", sizes.Select(s => s.ToString("N0", CultureInfo.InvariantCulture)))} tenants, 3 API calls each, {latency} ms added per request, {parallel} at a time", command);
        report.Parameters["sizes"] = new JsonArray([.. sizes.Select(s => (JsonNode)s)]);
        report.Parameters["sequentialMax"] = sequentialMax;
        report.Parameters["latencyMs"] = latency;
        report.Parameters["parallel"] = parallel;
        report.Parameters["runs"] = runs;
        report.Parameters["powershell"] = pwsh.ReportedVersion;
        report.Parameters["runnerJob"] = $"jobs/fanout.csx, --tenant all --parallel {parallel}, limits {parallel} for every API, ReadyToRun CLI";
        report.Parameters["powershellScript"] = "tests/Runner.Benchmarks/Jobs/fanout.ps1";

        var samples = new List<VariantSample>();
        var skipped = new List<int>();
        await using (var load = new LoadSampler())
        {
            foreach (var size in sizes)
            {
                if (size > sequentialMax)
                {
                    skipped.Add(size);
                }

                Console.Error.Write($"{size} tenants: ");
                samples.AddRange(await RunSizeAsync(options, builds, pwsh, size, size <= sequentialMax, latency, parallel, runs));
                Console.Error.WriteLine();
            }

            report.Load = load.Summary();
        }

        PowerShellReport.Fill(report, samples, sizes, skipped, sequentialMax, parallel);
        return report;
    }

    private static async Task<List<VariantSample>> RunSizeAsync(BenchOptions options, Builds builds, PowerShellTool pwsh, int size, bool sequential, int latency, int parallel, int runs)
    {
        var folder = Path.Combine(options.WorkDirectory, "powershell", size.ToString(CultureInfo.InvariantCulture));
        await using var sandbox = await SandboxProcess.StartAsync(builds.ReadyToRun, Path.Combine(folder, "sandbox"), CustomersFor(size));
        await sandbox.SetFaultsAsync(new JsonObject { ["latencyMs"] = new JsonObject { ["*"] = latency } });
        var info = await sandbox.InfoAsync();
        var partnerTenant = (string)info["partnerTenantId"]!;
        var scripts = Path.Combine(folder, "pwsh-runs");
        if (Directory.Exists(scripts))
        {
            Directory.Delete(scripts, recursive: true);
        }

        Directory.CreateDirectory(scripts);
        var bundle = Path.Combine(folder, "ca-bundle.pem");
        CaBundle.Write(bundle, sandbox.CaFile);
        var target = new PowerShellTarget(sandbox, scripts, partnerTenant, (string)info["clientId"]!, (await File.ReadAllTextAsync(sandbox.AppSecretFile)).Trim(), bundle);
        var limits = $"limits: {{ partnerCenter: {parallel}, graph: {parallel}, resourceManager: {parallel}, token: {parallel} }}";

        var samples = new List<VariantSample>();
        for (var round = 1; round <= runs; round++)
        {
            // A new project each round: its first run has no tokens and no customer list, like every PowerShell run.
            var project = await BenchProject.CreateAsync(Path.Combine(folder, "runner"), builds.ReadyToRun, sandbox, limits);
            (await project.RunAsync(["check", "jobs/fanout.csx"])).EnsureSuccess("runner check (compile before measuring)");
            samples.Add(await PowerShellVariants.RunnerAsync(project, sandbox, partnerTenant, size, PowerShellVariants.RunnerFirst, round, parallel));
            Console.Error.Write("f");
            samples.Add(await PowerShellVariants.RunnerAsync(project, sandbox, partnerTenant, size, PowerShellVariants.RunnerNext, round, parallel));
            Console.Error.Write("n");
            if (sequential)
            {
                samples.Add(await PowerShellVariants.PowerShellAsync(pwsh, target, size, PowerShellVariants.Sequential, round, parallel));
                Console.Error.Write("s");
            }

            samples.Add(await PowerShellVariants.PowerShellAsync(pwsh, target, size, PowerShellVariants.Parallel(parallel), round, parallel));
            Console.Error.Write("p");
        }

        return samples;
    }

    /// <summary>
    /// The fewest customers with <paramref name="tenants"/> among them that have GDAP in force: the sandbox seeds in
    /// groups of ten, the 8th and 9th of each without a relationship in force (docs/sandbox.md), so 1,250 customers
    /// hold 1,000 tenants, as in the fanout scenario. The runs count the tenants that ran; the report shows them.
    /// </summary>
    internal static int CustomersFor(int tenants) => tenants / 8 * 10 + tenants % 8;
}
