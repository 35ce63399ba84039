using System.Text.RegularExpressions;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Reliability;

/// <summary>
/// Damaged files in the state folder (token cache, store key, run history, scheduler store): every command that
/// needs the file stops with one line naming it and saying how to recover, and exit code 2 (3 where the secret
/// store itself cannot be read); commands that do not need it keep working. Never a stack trace. The state is
/// real: a run against the test's sandbox wrote it before it was damaged.
/// </summary>
public sealed partial class CorruptStateTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    public enum Damage
    {
        /// <summary>Random bytes in place of the file.</summary>
        Garbage,

        /// <summary>The first half of the file only (a copy cut short, a disk that lost the end).</summary>
        Truncated,

        /// <summary>A file of length zero.</summary>
        Empty,

        /// <summary>The same kind of file from another project, sealed with another store key.</summary>
        Foreign,
    }

    [Theory]
    [InlineData(Damage.Garbage)]
    [InlineData(Damage.Truncated)]
    [InlineData(Damage.Empty)]
    [InlineData(Damage.Foreign)]
    public async Task A_damaged_token_cache_stops_run_and_auth_status_with_the_fix_and_spares_history(Damage damage)
    {
        using var workspace = await FilledAsync();
        var tokens = workspace.Path(".runner/tokens.bin");
        await DamageAsync(tokens, damage);

        foreach (var args in new[] { new[] { "run", "jobs/probe.csx" }, ["auth", "status"], ["tenants"] })
        {
            var result = await workspace.RunAsync(args);
            AssertOneClearLine(result, 2, tokens, DeleteTokenCache(), $"{damage} token cache, runner {string.Join(' ', args)}");
        }

        var history = await workspace.RunAsync("history");
        Assert.True(history.ExitCode == 0, history.ToString());
        Assert.Contains("probe", history.Output, StringComparison.Ordinal);

        // The fix the message gives works: without the cache, the refresh token in the secret store rebuilds it.
        File.Delete(tokens);
        var again = await workspace.RunAsync("run", "jobs/probe.csx");
        Assert.True(again.ExitCode == 0, again.ToString());
    }

    [Fact]
    public async Task With_a_damaged_token_cache_the_host_keeps_serving_and_the_fire_records_the_fix()
    {
        using var workspace = await FilledAsync();
        var tokens = workspace.Path(".runner/tokens.bin");
        await DamageAsync(tokens, Damage.Garbage);
        using var host = HostProcess.Start(workspace.Root, workspace.Environment, "a");
        await host.WaitForLogAsync("started", TimeSpan.FromSeconds(60));

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var fire = await workspace.RunAsync(limit.Token, "trigger", "probe", "--wait");

        Assert.True(fire.ExitCode == 2, $"{fire}\n--- host ---\n{host.Log}");
        Assert.Contains(tokens, fire.Output, StringComparison.Ordinal);
        Assert.Contains("Delete it", fire.Output, StringComparison.Ordinal);
        Assert.False(host.HasExited, host.Log);
        Assert.DoesNotMatch(StackFrame(), host.Log + fire.Output + fire.Error);
        await host.TerminateAsync();
        Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(30)), host.Log);
    }

    [Fact]
    public async Task A_replaced_store_key_stops_commands_that_need_secrets_with_the_fix()
    {
        using var workspace = await FilledAsync();
        var key = workspace.Path(".runner/store.key");
        await File.WriteAllTextAsync(key, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));

        foreach (var args in new[] { new[] { "run", "jobs/probe.csx" }, ["auth", "status"] })
        {
            var result = await workspace.RunAsync(args);
            AssertOneClearLine(result, 3, workspace.Path(".runner/secrets.bin"), RestoreKey(), $"replaced store key, runner {string.Join(' ', args)}");
        }

        Assert.Equal(0, (await workspace.RunAsync("history")).ExitCode);
    }

    [Fact]
    public async Task A_damaged_store_key_file_says_to_restore_it()
    {
        using var workspace = await FilledAsync();
        var key = workspace.Path(".runner/store.key");
        await File.WriteAllTextAsync(key, "not base64 at all");

        var result = await workspace.RunAsync("auth", "status");

        AssertOneClearLine(result, 2, key, RestoreKey(), "damaged store key");
    }

    [Theory]
    [InlineData(Damage.Garbage)]
    [InlineData(Damage.Truncated)]
    public async Task A_damaged_history_stops_every_command_that_reads_it_with_the_fix(Damage damage)
    {
        using var workspace = await FilledAsync();
        var history = workspace.Path(".runner/history.db");
        await DamageAsync(history, damage);

        foreach (var args in new[] { new[] { "run", "jobs/probe.csx" }, ["history"], ["show", "x"], ["jobs"] })
        {
            var result = await workspace.RunAsync(args);
            AssertOneClearLine(result, 2, history, MoveAside(), $"{damage} history, runner {string.Join(' ', args)}");
        }

        var status = await workspace.RunAsync("auth", "status");
        Assert.True(status.ExitCode == 0, status.ToString());

        var host = await HostAsync(workspace);
        AssertOneClearLine(host, 2, history, MoveAside(), $"{damage} history, runner host");

        // The fix the message gives works.
        File.Move(history, history + ".damaged");
        var again = await workspace.RunAsync("run", "jobs/probe.csx");
        Assert.True(again.ExitCode == 0, again.ToString());
    }

    [Fact]
    public async Task A_damaged_scheduler_store_stops_jobs_trigger_and_host_with_the_fix()
    {
        using var workspace = await FilledAsync();
        Assert.Equal(0, (await workspace.RunAsync("jobs")).ExitCode);
        var store = workspace.Path(".runner/scheduler.db");
        await DamageAsync(store, Damage.Garbage);

        foreach (var args in new[] { new[] { "jobs" }, ["trigger", "probe"] })
        {
            var result = await workspace.RunAsync(args);
            AssertOneClearLine(result, 2, store, MoveAside(), $"damaged scheduler store, runner {string.Join(' ', args)}");
        }

        var host = await HostAsync(workspace);
        AssertOneClearLine(host, 2, store, MoveAside(), "damaged scheduler store, runner host");
    }

    /// <summary>A project whose state folder holds what a run leaves: secrets, token cache, compile cache, history.</summary>
    private async Task<Workspace> FilledAsync()
    {
        var workspace = await new Workspace().WithSandboxAsync(sandbox.Host, """
            jobs:
              probe: { script: jobs/probe.csx }
            """);
        workspace.Write("jobs/probe.csx", "return Tenant.Domain;\n");
        var first = await workspace.RunAsync("run", "jobs/probe.csx", "--output", "json");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(File.Exists(workspace.Path(".runner/tokens.bin")) && File.Exists(workspace.Path(".runner/history.db")));
        return workspace;
    }

    /// <summary>`runner host` as a process, which must stop by itself at start-up.</summary>
    private static async Task<CliResult> HostAsync(Workspace workspace)
    {
        using var host = RunnerProcess.StartDll(workspace, "host");
        return await host.ResultAsync(TimeSpan.FromSeconds(60));
    }

    private static async Task DamageAsync(string path, Damage damage)
    {
        // In one process, Microsoft.Data.Sqlite keeps connections (and their page cache) open between commands, where
        // separate `runner` processes would not; and SQLite keeps recent pages in the write-ahead log beside the file.
        // The damage must be the file's alone, as a new process finds it.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var side in new[] { "-wal", "-shm" })
        {
            File.Delete(path + side);
        }

        var content = await File.ReadAllBytesAsync(path);
        switch (damage)
        {
            case Damage.Garbage:
                await File.WriteAllBytesAsync(path, System.Security.Cryptography.RandomNumberGenerator.GetBytes(Math.Max(content.Length, 4096)));
                break;
            case Damage.Truncated:
                await File.WriteAllBytesAsync(path, content[..(content.Length / 2)]);
                break;
            case Damage.Empty:
                await File.WriteAllBytesAsync(path, []);
                break;
            case Damage.Foreign:
                using (var other = new Workspace())
                {
                    var tokens = new Runner.Auth.TokenCacheFile(new Runner.State.StateDirectory(other.StatePath), other.Path(".runner/store.key"), other.Environment);
                    tokens.Write(new Runner.Auth.TokenCacheFile.Contents(null, content));
                    File.Copy(tokens.Path, path, overwrite: true);
                }

                break;
        }
    }

    private static void AssertOneClearLine(CliResult result, int exitCode, string file, Regex fix, string what)
    {
        Assert.True(result.ExitCode == exitCode, $"{what}: expected exit {exitCode}: {result}");
        Assert.DoesNotMatch(StackFrame(), result.Output + result.Error);
        var lines = result.Error.TrimEnd().Split('\n').Where(l => !l.StartsWith("info:", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count == 1, $"{what}: expected one line: {result}");
        Assert.True(lines[0].StartsWith("error: ", StringComparison.Ordinal) && lines[0].Contains(file, StringComparison.Ordinal), $"{what}: the error names {file}: {lines[0]}");
        Assert.True(fix.IsMatch(lines[0]), $"{what}: the error says how to recover ({fix}): {lines[0]}");
    }

    [GeneratedRegex(@"^\s+at \S+", RegexOptions.Multiline)]
    private static partial Regex StackFrame();

    [GeneratedRegex("Delete it")]
    private static partial Regex DeleteTokenCache();

    [GeneratedRegex("(?i)restore")]
    private static partial Regex RestoreKey();

    [GeneratedRegex(@"Move it aside \(for example `mv ")]
    private static partial Regex MoveAside();
}
