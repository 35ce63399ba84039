using System.Text.RegularExpressions;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Reliability;

/// <summary>
/// A state folder that cannot be written (read-only, or its disk full) stops a command with exit code 2 and one
/// line that names the folder and says what to do, never a stack trace. The state is real (a run against the
/// test's sandbox filled it); the real `runner` runs as a child process with the folder confined.
/// </summary>
public sealed partial class StateFolderTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("run", "jobs/probe.csx")]
    [InlineData("history")]
    [InlineData("auth", "status")]
    public async Task A_read_only_state_folder_gives_one_line_naming_the_folder_and_the_fix(params string[] args)
    {
        using var workspace = await FilledAsync();

        var (process, undo) = StateConfinement.ReadOnly(workspace, args);
        CliResult result;
        using (undo)
        using (process)
        {
            result = await process.ResultAsync(Limit);
        }

        AssertClearStateError(workspace, result, StateConfinement.Describe(readOnly: true));
    }

    [SkippableTheory]
    [InlineData(0, "run", "jobs/probe.csx")]
    [InlineData(0, "history")]
    [InlineData(48, "run", "jobs/other.csx")]
    [InlineData(0, "check", "jobs/other.csx")]
    public async Task A_full_state_folder_gives_one_line_naming_the_folder_and_the_fix(int freeKilobytes, params string[] args)
    {
        Skip.If(StateConfinement.CannotFill is not null, StateConfinement.CannotFill);
        using var workspace = await FilledAsync();

        using var process = StateConfinement.Full(workspace, freeKilobytes, args);
        var result = await process.ResultAsync(Limit);

        AssertClearStateError(workspace, result, $"{StateConfinement.Describe(readOnly: false)}, {freeKilobytes} KB free");
    }

    /// <summary>A project whose state folder holds what a run leaves: secrets, token cache, compile cache, history.</summary>
    private async Task<Workspace> FilledAsync()
    {
        var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.Write("jobs/probe.csx", "return Tenant.Domain;\n");
        workspace.Write("jobs/other.csx", "// A script the full disk has not seen compiled.\nreturn new string('x', 100_000).Length + Tenant.Domain.Length;\n");
        var first = await workspace.RunAsync("run", "jobs/probe.csx", "--output", "json");
        Assert.True(first.ExitCode == 0, first.ToString());
        return workspace;
    }

    private static void AssertClearStateError(Workspace workspace, CliResult result, string how)
    {
        Assert.True(result.ExitCode == 2, $"state confined by {how}: {result}");
        Assert.DoesNotMatch(StackFrame(), result.Output + result.Error);
        var lines = result.Error.TrimEnd().Split('\n');
        Assert.True(lines.Length == 1, $"state confined by {how}: expected one line: {result}");
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.True(lines[0].Contains(workspace.StatePath, StringComparison.Ordinal), $"the line names the state folder {workspace.StatePath}: {lines[0]}");
        Assert.Matches(Fix(), lines[0]);
    }

    [GeneratedRegex(@"^\s+at \S+", RegexOptions.Multiline)]
    private static partial Regex StackFrame();

    [GeneratedRegex("(?i)(make (it|the state folder) writable|free some (disk )?space|point 'state:')")]
    private static partial Regex Fix();
}
