using Runner.Tests.Infrastructure;

namespace Runner.Tests.Reliability;

/// <summary>The state folder and what Runner writes are for its user only: a loose folder is tightened, results too.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StatePermissionsTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [Fact]
    public async Task A_state_folder_others_can_read_is_tightened_to_owner_only_with_every_file_in_it()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.CopyJob("hello.csx");
        Directory.CreateDirectory(Path.Combine(workspace.StatePath, "old"));
        File.WriteAllText(Path.Combine(workspace.StatePath, "old", "results.json"), "{}");
        File.WriteAllBytes(Path.Combine(workspace.StatePath, "history.db"), []);
        foreach (var entry in new DirectoryInfo(workspace.StatePath).EnumerateFileSystemInfos("*", SearchOption.AllDirectories).Append(new DirectoryInfo(workspace.StatePath)))
        {
            entry.UnixFileMode |= UnixFileMode.GroupRead | UnixFileMode.OtherRead | (entry is DirectoryInfo ? UnixFileMode.OtherExecute | UnixFileMode.GroupExecute : 0);
        }

        using var process = RunnerProcess.StartDll(workspace, "run", "jobs/hello.csx", "--tenant", "all");
        var result = await process.ResultAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(workspace.StatePath));
        var loose = new DirectoryInfo(workspace.StatePath).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
            .Where(e => e.LinkTarget is null && (e.UnixFileMode & GroupOrOther) != 0).Select(e => $"{e.FullName} {e.UnixFileMode}").ToList();
        Assert.Empty(loose);
        Assert.True(new FileInfo(Path.Combine(workspace.StatePath, "history.db")).Length > 0 || File.Exists(Path.Combine(workspace.StatePath, "history.db-wal")), "the run was recorded");
    }

    [Fact]
    public async Task Results_and_history_written_by_the_runner_process_are_owner_only()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.CopyJob("hello.csx");

        using var process = RunnerProcess.StartDll(workspace, "run", "jobs/hello.csx", "--tenant", "all", "--out", "results.csv");
        var result = await process.ResultAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal((UnixFileMode)0, File.GetUnixFileMode(workspace.Path("results.csv")) & GroupOrOther);
        Assert.Equal((UnixFileMode)0, File.GetUnixFileMode(Path.Combine(workspace.StatePath, "history.db")) & GroupOrOther);
    }
}
