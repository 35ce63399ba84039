using System.Text.Json.Nodes;
using Runner.Benchmarks.Harness;

namespace Runner.Benchmarks.Scenarios;

/// <summary>
/// (a) What an operator waits for when typing `runner run`: whole processes, from `dotnet runner.dll` to exit, against
/// a standalone sandbox. Warm = everything cached (compile cache, tokens, customer list); cold = the compile cache
/// emptied before every run. The ReadyToRun publish (what operators install) and a plain JIT build, next to `dotnet`
/// running an empty console app. Every variant runs once per round, round after round, so a change in the machine's
/// load shows in all of them alike.
/// </summary>
internal static class StartupBenchmark
{
    private const string Invariant = ", invariant globalization";

    private const string OneTenant = BenchProject.OneTenant;

    public static async Task<Report> RunAsync(BenchOptions options, Builds builds)
    {
        var runs = options.Int("runs", 10);
        var warmup = options.Int("warmup", 2);
        var work = Path.Combine(options.WorkDirectory, "startup");
        await using var sandbox = await SandboxProcess.StartAsync(builds.ReadyToRun, Path.Combine(work, "sandbox"), customers: 10);

        // One project per script, so emptying one script's compile cache never makes the other's warm run cold.
        var tiny = await BenchProject.CreateAsync(Path.Combine(work, "tiny"), builds.ReadyToRun, sandbox);
        var hello = await BenchProject.CreateAsync(Path.Combine(work, "hello"), builds.ReadyToRun, sandbox);
        File.Copy(Path.Combine(options.RepoRoot, "jobs", "hello.csx"), Path.Combine(hello.Root, "jobs", "hello.csx"), overwrite: true);
        // The first run exchanges the refresh token and caches the customer list and the compiled script.
        (await tiny.RunAsync(["run", "jobs/tiny.csx", "--tenant", OneTenant])).EnsureSuccess("priming run (tiny)");
        (await hello.RunAsync(["run", "jobs/hello.csx"])).EnsureSuccess("priming run (hello)");

        var variants = new List<Variant> { new("dotnet empty.dll", Proc.Info("dotnet", [builds.Empty], work)) };
        foreach (var kind in new[] { "warm", "cold" })
        {
            foreach (var (project, script, args) in new[]
                     {
                         (tiny, "tiny.csx, 1 tenant", new[] { "run", "jobs/tiny.csx", "--tenant", OneTenant }),
                         (hello, "hello.csx, 10 tenants", new[] { "run", "jobs/hello.csx" }),
                     })
            {
                foreach (var (build, dll) in new[] { ("ReadyToRun", builds.ReadyToRun), ("JIT", builds.Jit) })
                {
                    Action? prepare = kind == "cold" ? project.EmptyCompileCache : null;
                    variants.Add(new Variant(Name(kind, script, build), project.Start(dll, args), prepare));
                }
            }
        }

        // What culture-aware scripts (ICU, issue 13) cost at start-up: the same warm run with .NET's invariant mode forced.
        var invariant = tiny.Start(builds.ReadyToRun, ["run", "jobs/tiny.csx", "--tenant", OneTenant]);
        invariant.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        variants.Add(new Variant(Name("warm", "tiny.csx, 1 tenant", "ReadyToRun") + Invariant, invariant));

        var report = new Report("startup", "Start-up: one `runner run`, warm and cold, as whole processes",
            $"dotnet run -c Release --project tests/Runner.Benchmarks -- startup --runs {runs}");
        report.Parameters["runs"] = runs;
        report.Parameters["warmupsPerVariant"] = warmup;
        report.Parameters["sandbox"] = "runner sandbox --customers 10, its own process";
        await using (var load = new LoadSampler())
        {
            await RoundRobin.RunAsync(variants, warmup, runs);
            report.Load = load.Summary();
        }

        var floor = Stats.Of(variants[0].Samples).Median;
        var table = new Table($"Whole processes, median of {runs} (after {warmup} warm-ups each), round-robin", "what", "median ms", "min", "max", "× empty", "CPU ms (median)");
        foreach (var variant in variants)
        {
            var s = Stats.Of(variant.Samples);
            table.Add(variant.Name, s.Median, s.Min, s.Max, s.Median / floor, Stats.Of(variant.Cpu).Median);
            report.Raw[variant.Name] = new JsonArray([.. variant.Samples.Select(v => (JsonNode)Math.Round(v, 1))]);
        }

        report.Tables.Add(table);
        double Median(string kind, string build, string script, string suffix = "") =>
            variants.Single(v => v.Name == Name(kind, script, build) + suffix).Median;
        var side = new Table("Side by side (medians, ms)", "", "ReadyToRun", "JIT", "JIT ÷ ReadyToRun");
        foreach (var script in new[] { "tiny.csx, 1 tenant", "hello.csx, 10 tenants" })
        {
            foreach (var kind in new[] { "warm", "cold" })
            {
                var r2r = Median(kind, "ReadyToRun", script);
                var jit = Median(kind, "JIT", script);
                side.Add($"{kind} run, {script}", r2r, jit, jit / r2r);
            }

            var compileR2r = Median("cold", "ReadyToRun", script) - Median("warm", "ReadyToRun", script);
            var compileJit = Median("cold", "JIT", script) - Median("warm", "JIT", script);
            side.Add($"compile cost (cold − warm), {script}", compileR2r, compileJit, compileJit / compileR2r);
        }

        var icu = Median("warm", "ReadyToRun", "tiny.csx, 1 tenant");
        var withoutIcu = Median("warm", "ReadyToRun", "tiny.csx, 1 tenant", Invariant);
        report.Tables.Add(side);
        var globalization = new Table("Culture-aware runtime (medians, ms)", "", "ICU (default)", "invariant mode", "ICU ÷ invariant");
        globalization.Add("warm run, tiny.csx, 1 tenant, ReadyToRun", icu, withoutIcu, icu / withoutIcu);
        report.Tables.Add(globalization);
        var warm = Median("warm", "ReadyToRun", "tiny.csx, 1 tenant");
        var cold = Median("cold", "ReadyToRun", "tiny.csx, 1 tenant");
        report.Targets.Add(new Target("warm one-tenant run (ReadyToRun)", "≤ 250 ms", $"{warm:0} ms", warm <= 250));
        report.Targets.Add(new Target("cold one-tenant run (ReadyToRun)", "≤ 1200 ms", $"{cold:0} ms", cold <= 1200));
        report.Notes.Add($"`dotnet empty.dll` (the floor) median {floor:0} ms.");
        report.Notes.Add(await LoadedAssembliesAsync(tiny, builds.ReadyToRun, report));
        return report;
    }

    private static string Name(string kind, string script, string build) => $"{kind} run, {script}, {build}";

    /// <summary>Which assemblies a warm one-tenant run loads (RUNNER_DIAG_LOADED_ASSEMBLIES): each one is start-up time.</summary>
    private static async Task<string> LoadedAssembliesAsync(BenchProject project, string dll, Report report)
    {
        var file = Path.Combine(project.Root, "loaded.txt");
        var start = project.Start(dll, "run", "jobs/tiny.csx", "--tenant", OneTenant);
        start.Environment["RUNNER_DIAG_LOADED_ASSEMBLIES"] = file;
        (await Proc.RunAsync(start)).EnsureSuccess("warm run with the loaded-assembly report");
        var names = await File.ReadAllLinesAsync(file);
        report.Raw["loadedAssembliesWarmTiny"] = new JsonArray([.. names.Select(n => (JsonNode)n)]);
        var notable = names.Where(n => n.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) || n is "Quartz" or "Runner.Sandbox" or "System.Reflection.Emit" or "Spectre.Console" or "Microsoft.Data.Sqlite" or "Npgsql").ToList();
        return $"A warm one-tenant run loads {names.Length} assemblies" + (notable.Count > 0 ? $", among them {string.Join(", ", notable)}." : ".");
    }
}
