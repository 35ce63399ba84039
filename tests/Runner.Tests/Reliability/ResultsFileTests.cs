using Runner.History;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Reliability;

/// <summary>
/// `runner run --out FILE` where the file cannot be written: a path that cannot work is refused before anything
/// runs; a write that fails afterwards (here /dev/full, a device that is always out of space) says so in one line
/// and where the results are kept.
/// </summary>
public sealed class ResultsFileTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Theory]
    [InlineData("missing/results.json", "does not exist")]
    [InlineData("jobs", "is a folder")]
    public async Task An_unusable_out_path_is_refused_before_the_run(string outFile, string problem)
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.Write("jobs/probe.csx", "return Tenant.Domain;\n");

        var result = await workspace.RunAsync("run", "jobs/probe.csx", "--out", outFile);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("error: --out ", result.Error, StringComparison.Ordinal);
        Assert.Contains(problem, result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.False(File.Exists(workspace.Path(".runner/history.db")), "nothing ran");
    }

    [SkippableFact]
    public async Task A_results_file_on_a_full_device_gives_one_line_and_the_run_stays_in_history()
    {
        Skip.IfNot(File.Exists("/dev/full"), "/dev/full (a device that is always full) exists on Linux only.");

        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.Write("jobs/probe.csx", "return new string('x', 10_000) + Tenant.Domain;\n");

        var result = await workspace.RunAsync("run", "jobs/probe.csx", "--out", "/dev/full", "--output", "json");

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.Contains("could not be written to /dev/full", line, StringComparison.Ordinal);
        await using var history = SqliteRunHistory.Open(workspace.Path(".runner/history.db"));
        var run = Assert.Single(await history.ListRunsAsync("probe", 5, CancellationToken.None));
        Assert.Contains($"runner show {run.Id}", line, StringComparison.Ordinal);
        Assert.Equal(Runner.Execution.RunStatus.Succeeded, run.Status);
    }
}
