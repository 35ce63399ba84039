using System.Text.Json.Nodes;
using Runner.Benchmarks.Harness;

namespace Runner.Benchmarks.Scenarios;

/// <summary>
/// Runner's start-up next to .NET's own way of running a C# file: a .NET 10 file-based app, hello.cs with just
/// `Console.WriteLine("hello");`, run with `dotnet run hello.cs` (warm: already built; first build: its cached build
/// removed first; and `--no-cache`, a build through MSBuild), against Runner's one-tenant `runner run` of jobs/tiny.csx (ReadyToRun; warm: compile cache filled;
/// cold: compile cache emptied) against a standalone sandbox. Whole processes, round-robin, as the startup scenario.
/// </summary>
internal static class StartupVsDotnetBenchmark
{
    public const string RunnerWarm = "runner run, warm (tiny.csx, 1 tenant)";
    public const string RunnerWarmNoProfile = "runner run, warm, without its start-up profile (RUNNER_JIT_PROFILE=off)";
    public const string RunnerCold = "runner run, cold (empty compile cache)";
    public const string SelfContainedWarm = "runner run, warm, self-contained composite build (--self-contained)";
    public const string ServedWarm = "runner run, warm, handed to a run server (`runner run-server start`)";
    public const string ServedCold = "runner run, cold (empty compile cache), handed to a run server";
    public const string DotnetWarm = "dotnet run hello.cs, warm (already built)";
    public const string DotnetFirst = "dotnet run hello.cs, first build (cached build removed)";
    public const string DotnetMsBuild = "dotnet run hello.cs --no-cache (built through MSBuild)";

    private const double WarmRatioTarget = 0.5;
    private const double WarmTargetMs = 150;
    private const double ColdRatioTarget = 0.1;

    public static async Task<Report> RunAsync(BenchOptions options, Builds builds)
    {
        var runs = options.Int("runs", 10);
        var warmup = options.Int("warmup", 1);
        var work = Path.Combine(options.WorkDirectory, "startup-vs-dotnet");
        await using var sandbox = await SandboxProcess.StartAsync(builds.ReadyToRun, Path.Combine(work, "sandbox"), customers: 10);
        var tiny = await BenchProject.CreateAsync(Path.Combine(work, "tiny"), builds.ReadyToRun, sandbox);
        string[] oneTenant = ["run", "jobs/tiny.csx", "--tenant", BenchProject.OneTenant];
        // The first run exchanges the refresh token and caches the customer list and the compiled script.
        (await tiny.RunAsync(oneTenant)).EnsureSuccess("priming run (tiny)");
        // Its own folder, so that only these variants find the server (it serves one folder and environment).
        var served = await BenchProject.CreateAsync(Path.Combine(work, "served"), builds.ReadyToRun, sandbox);
        (await served.RunAsync(["run-server", "start"])).EnsureSuccess("runner run-server start");
        await using var stopServer = new Stopper(served);
        (await served.RunAsync(oneTenant)).EnsureSuccess("priming run (served)");

        var hello = FileBasedApp.Create(Path.Combine(work, "hello"), "hello.cs", "Console.WriteLine(\"hello\");\n");
        hello.ClearArtifacts();
        var serverBefore = FileBasedApp.CompilerServerRunning();
        var setup = (await Proc.RunAsync(hello.Run())).EnsureSuccess("dotnet run hello.cs (setup build)");
        if (setup.Output.Trim() != "hello" || !hello.HasArtifacts)
        {
            throw new InvalidOperationException($"`dotnet run hello.cs` printed '{setup.Output.Trim()}' and left no build in {string.Join(" or ", hello.ArtifactsCandidates)}: this SDK caches file-based apps elsewhere, so a first build could not be forced.");
        }

        var variants = new List<Variant>
        {
            new("dotnet empty.dll (floor)", Proc.Info("dotnet", [builds.Empty], work)),
            // Plays the profile the warm-up round recorded (multi-core JIT, Startup/JitProfile.cs); the next one does not.
            new(RunnerWarm, tiny.Start(builds.ReadyToRun, oneTenant)),
            new(RunnerWarmNoProfile, tiny.With(new Dictionary<string, string?> { ["RUNNER_JIT_PROFILE"] = "off" }).Start(builds.ReadyToRun, oneTenant)),
            new(RunnerCold, tiny.Start(builds.ReadyToRun, oneTenant), tiny.EmptyCompileCache),
            new(ServedWarm, served.Start(builds.ReadyToRun, oneTenant)),
            new(ServedCold, served.Start(builds.ReadyToRun, oneTenant), served.EmptyCompileCache),
            // Before the warm one in every round, so that one always finds a build.
            new(DotnetFirst, hello.Run(), () =>
            {
                if (!hello.ClearArtifacts())
                {
                    throw new InvalidOperationException($"No cached build of {hello.File} to remove: the first build would not be one.");
                }
            }),
            new(DotnetWarm, hello.Run()),
            new(DotnetMsBuild, hello.Run("--no-cache")),
        };
        if (options.Flag("self-contained"))
        {
            // The same project as the ReadyToRun runs: its compile cache is keyed by the build, so a priming run first.
            var selfContained = await Builds.SelfContainedAsync(options);
            (await Proc.RunAsync(tiny.StartExecutable(selfContained, oneTenant))).EnsureSuccess("priming run (self-contained)");
            variants.Insert(4, new(SelfContainedWarm, tiny.StartExecutable(selfContained, oneTenant)));
        }

        var report = new Report("startup-vs-dotnet", "Start-up next to `dotnet run hello.cs`: Runner's one-tenant run against a .NET 10 file-based app",
            $"dotnet run -c Release --project tests/Runner.Benchmarks -- startup-vs-dotnet --runs {runs}{(options.Flag("self-contained") ? " --self-contained" : "")}");
        report.Parameters["runs"] = runs;
        report.Parameters["warmupsPerVariant"] = warmup;
        report.Parameters["hello.cs"] = "Console.WriteLine(\"hello\");";
        report.Parameters["helloArtifacts"] = string.Join(" or ", hello.ArtifactsCandidates);
        report.Parameters["runner"] = "ReadyToRun publish, `runner run jobs/tiny.csx --tenant contoso.onmicrosoft.com` against `runner sandbox --customers 10` in its own process";
        report.Parameters["runServer"] = "the served variants run in a second project folder where `runner run-server start` ran first; the others find no server";
        await using (var load = new LoadSampler())
        {
            await RoundRobin.RunAsync(variants, warmup, runs);
            report.Load = load.Summary();
        }

        var table = new Table($"Whole processes, median of {runs} (after {warmup} warm-up rounds), round-robin", "what", "median ms", "min", "max", "CPU ms (median)");
        foreach (var variant in variants)
        {
            var s = Stats.Of(variant.Samples);
            table.Add(variant.Name, s.Median, s.Min, s.Max, Stats.Of(variant.Cpu).Median);
            report.Raw[variant.Name] = new JsonArray([.. variant.Samples.Select(v => (JsonNode)Math.Round(v, 1))]);
        }

        report.Tables.Add(table);
        double Median(string name) => variants.Single(v => v.Name == name).Median;
        var (runnerWarm, runnerCold, dotnetWarm, dotnetFirst, dotnetMsBuild) = (Median(RunnerWarm), Median(RunnerCold), Median(DotnetWarm), Median(DotnetFirst), Median(DotnetMsBuild));
        var (servedWarm, servedCold) = (Median(ServedWarm), Median(ServedCold));
        var ratios = new Table("Side by side (medians)", "", "runner run ms", "dotnet run hello.cs ms", "runner ÷ dotnet run");
        ratios.Add("warm, run server: runner (compile cache filled) / hello.cs already built", servedWarm, dotnetWarm, servedWarm / dotnetWarm);
        ratios.Add("warm, own process: runner (compile cache filled) / hello.cs already built", runnerWarm, dotnetWarm, runnerWarm / dotnetWarm);
        ratios.Add("warm, own process: with its start-up profile / without (RUNNER_JIT_PROFILE=off)", runnerWarm, Median(RunnerWarmNoProfile), runnerWarm / Median(RunnerWarmNoProfile));
        ratios.Add("cold, run server: runner (empty compile cache) / hello.cs first build", servedCold, dotnetFirst, servedCold / dotnetFirst);
        ratios.Add("cold, own process: runner (empty compile cache) / hello.cs first build", runnerCold, dotnetFirst, runnerCold / dotnetFirst);
        ratios.Add("cold, own process: runner (empty compile cache) / hello.cs built through MSBuild (--no-cache)", runnerCold, dotnetMsBuild, runnerCold / dotnetMsBuild);
        report.Tables.Add(ratios);

        // `dotnet run hello.cs` is itself served warm by a resident process (the compiler server); Runner's run server
        // is the same arrangement, so the targets are checked on it, and the own-process runs are reported beside them.
        report.Targets.Add(new Target("warm runner run (run server) ÷ warm `dotnet run hello.cs`", $"≤ {WarmRatioTarget}", $"{servedWarm / dotnetWarm:0.00} ({servedWarm:0} ÷ {dotnetWarm:0} ms)", servedWarm / dotnetWarm <= WarmRatioTarget));
        report.Targets.Add(new Target("warm runner run (run server; one tenant, ReadyToRun, whole client process)", $"≤ {WarmTargetMs:0} ms", $"{servedWarm:0} ms", servedWarm <= WarmTargetMs));
        report.Targets.Add(new Target("cold runner run (run server) ÷ first `dotnet run hello.cs` build", $"≤ {ColdRatioTarget}", $"{servedCold / dotnetFirst:0.00} ({servedCold:0} ÷ {dotnetFirst:0} ms)", servedCold / dotnetFirst <= ColdRatioTarget));
        report.Targets.Add(new Target("warm runner run in its own process ÷ warm `dotnet run hello.cs` (no run server)", $"≤ {WarmRatioTarget}", $"{runnerWarm / dotnetWarm:0.00} ({runnerWarm:0} ÷ {dotnetWarm:0} ms)", runnerWarm / dotnetWarm <= WarmRatioTarget));
        if (variants.SingleOrDefault(v => v.Name == SelfContainedWarm) is { } selfContainedWarm)
        {
            ratios.Add("warm, own process, self-contained composite build / hello.cs already built", selfContainedWarm.Median, dotnetWarm, selfContainedWarm.Median / dotnetWarm);
            ratios.Add("warm, own process: self-contained composite build / ReadyToRun build", selfContainedWarm.Median, runnerWarm, selfContainedWarm.Median / runnerWarm);
            report.Targets.Add(new Target("warm runner run in its own process, self-contained composite build ÷ warm `dotnet run hello.cs`", $"≤ {WarmRatioTarget}", $"{selfContainedWarm.Median / dotnetWarm:0.00} ({selfContainedWarm.Median:0} ÷ {dotnetWarm:0} ms)", selfContainedWarm.Median / dotnetWarm <= WarmRatioTarget));
        }
        report.Notes.Add($"First build = `dotnet run hello.cs` after removing the SDK's cached build of the file ({string.Join(" or ", hello.ArtifactsCandidates)}). For a file without #: directives the SDK skips MSBuild and runs the C# compiler directly, through the compiler server; `--no-cache` forces the build through MSBuild (restore, evaluation, the compiler), as a file with directives needs.");
        report.Notes.Add($"The compiler server (VBCSCompiler) was {(serverBefore ? "already running" : "not running")} before the setup build, the first `dotnet run hello.cs` of this session, which took {setup.Elapsed.TotalMilliseconds:0} ms; it stays up between rounds (until it has been idle for a while), as on a developer's machine, so the measured first builds do not include its start. MSBuild node reuse is off (MSBUILDDISABLENODEREUSE=1, as in every scenario).");
        report.Notes.Add("Runner's cold run compiles tiny.csx with Roslyn in its own process (no compiler server); its warm run loads the cached compiled script.");
        report.Notes.Add("Run server: each served run is still a whole `runner run` process (the client: .NET start-up, the socket, the output), timed from start to exit; the server behind it loaded Runner once and reads runner.yaml, the token cache, the history and the compiled script again for every run, as a run in its own process does.");
        report.Charts.Add(Chart(servedWarm, servedCold, runnerWarm, runnerCold, dotnetWarm, dotnetFirst, dotnetMsBuild));
        return report;
    }

    private sealed class Stopper(BenchProject project) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await project.RunAsync(["run-server", "stop"]);
    }

    /// <summary>startup.png: the medians as bars on a log scale, so 150 ms and several seconds both show.</summary>
    private static Chart Chart(double servedWarm, double servedCold, double runnerWarm, double runnerCold, double dotnetWarm, double dotnetFirst, double dotnetMsBuild)
    {
        var bars = new (string Label, double Ms, ScottPlot.Color Color)[]
        {
            ("runner run\nwarm, run server", servedWarm, ScottPlot.Colors.Navy),
            ("runner run\ncold, run server", servedCold, ScottPlot.Colors.SteelBlue),
            ("runner run\nwarm, own process", runnerWarm, ScottPlot.Colors.RoyalBlue),
            ("runner run\ncold, own process", runnerCold, ScottPlot.Colors.LightSteelBlue),
            ("dotnet run hello.cs\nwarm", dotnetWarm, ScottPlot.Colors.DarkOrange),
            ("dotnet run hello.cs\nfirst build", dotnetFirst, ScottPlot.Colors.NavajoWhite),
            ("dotnet run hello.cs\n--no-cache (MSBuild)", dotnetMsBuild, ScottPlot.Colors.Tan),
        };
        var floor = Math.Floor(Math.Log10(bars.Min(b => b.Ms))) - 1;
        var plot = Charts.NewPlot("Start-up: Runner next to `dotnet run hello.cs` (medians, whole processes)");
        plot.YLabel("ms (log scale)");
        plot.Add.Bars(bars.Select((b, i) => new ScottPlot.Bar
        {
            Position = i,
            ValueBase = floor,
            Value = Math.Log10(b.Ms),
            FillColor = b.Color,
            Label = b.Ms >= 1000 ? $"{b.Ms / 1000:0.00} s" : $"{b.Ms:0} ms",
        }).ToArray());
        plot.Axes.Bottom.SetTicks([.. bars.Select((_, i) => (double)i)], [.. bars.Select(b => b.Label)]);
        Charts.DecadeTicks(plot.Axes.Left, ms => ms >= 1000 ? $"{ms / 1000:0.#} s" : $"{ms:0} ms");
        plot.Axes.SetLimits(-0.6, bars.Length - 0.4, floor, Math.Log10(bars.Max(b => b.Ms)) + 0.35);
        return new Chart("startup.png", "Start-up medians: runner run warm and cold, with a run server and in its own process; dotnet run hello.cs warm, first build and built through MSBuild", plot);
    }
}
