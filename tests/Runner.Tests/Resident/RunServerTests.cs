using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Runner.Execution;
using Runner.History;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Resident;

/// <summary>
/// `runner run` handed to a run server, as operators use it: real processes (the server started by `runner run-server
/// start`, clients started as `runner run`), signals sent to the client, the server's log read.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class RunServerTests(TokenRecordingSandbox sandbox) : IClassFixture<TokenRecordingSandbox>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_run_handed_to_the_server_prints_and_records_what_an_in_process_run_does()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.CopyJob("hello.csx");
        var inProcess = await RunAsync(workspace, "run", "jobs/hello.csx", "--output", "json");
        await using var server = await ServerAsync(workspace);

        var served = await RunAsync(workspace, "run", "jobs/hello.csx", "--output", "json");

        Assert.True(served.ExitCode == 0, served.ToString());
        Assert.Equal(1, await server.ServedAsync());
        var expected = JsonNode.Parse(inProcess.Output)!["tenants"]!.AsArray().Select(t => $"{t!["tenantId"]} {t["status"]} {t["result"]?.ToJsonString()}").Order();
        var actual = JsonNode.Parse(served.Output)!["tenants"]!.AsArray().Select(t => $"{t!["tenantId"]} {t["status"]} {t["result"]?.ToJsonString()}").Order();
        Assert.Equal(expected, actual);
        var runId = (string)JsonNode.Parse(served.Output)!["runId"]!;
        await using (var history = SqliteRunHistory.Open(workspace.Path(".runner/history.db")))
        {
            Assert.Equal(RunStatus.Succeeded, (await history.GetRunAsync(runId, CancellationToken.None))!.Run.Status);
        }

        // A usage error comes back as it would in-process: message on standard error, exit code 2.
        var usage = await RunAsync(workspace, "run", "jobs/hello.csx", "--what-if", "--read-only");
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("--what-if and --read-only together", usage.Error, StringComparison.Ordinal);
        Assert.Equal(2, await server.ServedAsync());

        // Secrets the sandbox issued reach neither the client's output nor the server's log.
        var everything = served.ToString() + usage + await File.ReadAllTextAsync(server.Log);
        var tokens = sandbox.Host.IssuedTokens.ToList();
        Assert.NotEmpty(tokens);
        Assert.All(tokens, t => Assert.DoesNotContain(t, everything, StringComparison.Ordinal));
        Assert.DoesNotContain(sandbox.Host.ClientSecret, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_environment_or_RUNNER_RUN_SERVER_off_runs_in_its_own_process()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.Write("jobs/env.csx", "return Environment.GetEnvironmentVariable(\"RUNNER_TEST_MARK\") ?? \"unset\";\n");
        await using var server = await ServerAsync(workspace);

        workspace.Environment["RUNNER_TEST_MARK"] = "other shell";
        var other = await RunAsync(workspace, "run", "jobs/env.csx", "--tenant", Domain, "--output", "json");
        workspace.Environment.Remove("RUNNER_TEST_MARK");
        workspace.Environment["RUNNER_RUN_SERVER"] = "off";
        var off = await RunAsync(workspace, "run", "jobs/env.csx", "--tenant", Domain, "--output", "json");

        Assert.True(other.ExitCode == 0, other.ToString());
        Assert.Equal("other shell", (string)JsonNode.Parse(other.Output)!["tenants"]![0]!["result"]!);
        Assert.True(off.ExitCode == 0, off.ToString());
        workspace.Environment.Remove("RUNNER_RUN_SERVER");
        Assert.Equal(0, await server.ServedAsync());
    }

    [Fact]
    public async Task Two_clients_at_once_each_get_their_own_output()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.Write("jobs/say.csx", """
            for (var i = 0; i < 20; i++)
            {
                Console.WriteLine($"{Params["word"]} {i}");
                await Task.Delay(10, CancellationToken);
            }

            return Params["word"];
            """);
        await using var server = await ServerAsync(workspace);

        var runs = await Task.WhenAll(
            RunAsync(workspace, "run", "jobs/say.csx", "--tenant", Domain, "--param", "word=alpha"),
            RunAsync(workspace, "run", "jobs/say.csx", "--tenant", Domain, "--param", "word=omega"));

        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.Equal(20, Regex.Matches(runs[0].Error, "alpha \\d+").Count);
        Assert.DoesNotContain("omega", runs[0].ToString(), StringComparison.Ordinal);
        Assert.Equal(20, Regex.Matches(runs[1].Error, "omega \\d+").Count);
        Assert.DoesNotContain("alpha", runs[1].ToString(), StringComparison.Ordinal);
        Assert.Equal(2, await server.ServedAsync());
    }

    [Fact]
    public async Task Ctrl_C_once_stops_the_run_gracefully_and_the_server_serves_on()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.Write("jobs/slow.csx", "Console.WriteLine(\"started\");\nawait Task.Delay(TimeSpan.FromMinutes(2), CancellationToken);\nreturn 1;\n");
        workspace.CopyJob("hello.csx");
        await using var server = await ServerAsync(workspace);

        using var client = await StartedAsync(workspace, "jobs/slow.csx");
        client.Interrupt();
        var result = await client.ResultAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(130, result.ExitCode);
        Assert.Contains("Stopping: letting running tenants finish", result.Error, StringComparison.Ordinal);
        Assert.Contains("cancelled", result.Output, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Cancelled, (await workspace.RunsAsync("slow")).Single().Status);
        var next = await RunAsync(workspace, "run", "jobs/hello.csx");
        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Equal(2, await server.ServedAsync());
    }

    [Fact]
    public async Task Ctrl_C_twice_exits_at_once_and_the_server_still_records_the_run()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        // Ignores cancellation for 4 s: only the second Ctrl+C gets the operator's prompt back before it ends.
        workspace.Write("jobs/stubborn.csx", "Console.WriteLine(\"started\");\nThread.Sleep(4000);\nreturn 1;\n");
        await using var server = await ServerAsync(workspace);

        using var client = await StartedAsync(workspace, "jobs/stubborn.csx");
        client.Interrupt();
        await Eventually.TrueAsync(() => Task.FromResult(client.Error.Contains("Stopping:", StringComparison.Ordinal)), Wait, "the first interrupt to be taken");
        var second = DateTimeOffset.UtcNow;
        client.Interrupt();
        var code = await client.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(130, code);
        Assert.True(DateTimeOffset.UtcNow - second < TimeSpan.FromSeconds(3), "the second Ctrl+C exits without waiting for the script");
        Assert.Contains("Exiting now", client.Error, StringComparison.Ordinal);
        var run = await Eventually.GetAsync(async () => (await workspace.RunsAsync("stubborn")).SingleOrDefault(r => r.FinishedAt is not null), Wait, "the server to close the run");
        Assert.NotEqual(RunStatus.Running, run.Status);
        Assert.Equal(1, await server.ServedAsync());
    }

    [Fact]
    public async Task A_client_killed_mid_run_cancels_its_run_in_the_server()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.Write("jobs/slow.csx", "Console.WriteLine(\"started\");\nawait Task.Delay(TimeSpan.FromMinutes(2), CancellationToken);\nreturn 1;\n");
        await using var server = await ServerAsync(workspace);

        using var client = await StartedAsync(workspace, "jobs/slow.csx");
        client.Kill();

        var run = await Eventually.GetAsync(async () => (await workspace.RunsAsync("slow")).SingleOrDefault(r => r.FinishedAt is not null), Wait, "the server to close the run");
        Assert.Equal(RunStatus.Cancelled, run.Status);
        await Eventually.TrueAsync(async () => (await File.ReadAllTextAsync(server.Log)).Contains("the client had left", StringComparison.Ordinal), Wait, "the server to log the run");
    }

    [Fact]
    public async Task An_idle_server_stops_and_removes_its_socket()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        await using var server = await ServerAsync(workspace, "--idle", "2s");

        await Eventually.TrueAsync(() => Task.FromResult(server.Exited), Wait, "the idle server to exit");

        Assert.False(File.Exists(server.Socket));
        var status = await RunAsync(workspace, "run-server", "status");
        Assert.Equal(1, status.ExitCode);
        Assert.Contains("No run server serves", status.Output, StringComparison.Ordinal);
        Assert.Contains("no request for 2 s", await File.ReadAllTextAsync(server.Log), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_twice_keeps_one_server_and_stop_ends_it()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        await using var server = await ServerAsync(workspace);

        var again = await RunAsync(workspace, "run-server", "start");
        var stop = await RunAsync(workspace, "run-server", "stop");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains($"Already running. Run server: pid {server.Pid}", again.Output, StringComparison.Ordinal);
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Contains($"Stopped the run server (pid {server.Pid})", stop.Output, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => Task.FromResult(server.Exited), Wait, "the server to exit");
        Assert.False(File.Exists(server.Socket));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(server.Log));
    }

    [Fact]
    public async Task The_server_turns_dynamic_PGO_on_that_a_run_in_its_own_process_leaves_off()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        var config = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "runner.runtimeconfig.json"));
        Assert.Matches(@"""System.Runtime.TieredPGO"":\s*false", config);

        await using (var server = await ServerAsync(workspace))
        {
            Assert.Contains("DOTNET_TieredPGO=1", EnvironmentOf(server.Pid));
        }

        // An operator's own setting stands.
        workspace.Environment["DOTNET_TieredPGO"] = "0";
        await using (var server = await ServerAsync(workspace))
        {
            Assert.Contains("DOTNET_TieredPGO=0", EnvironmentOf(server.Pid));
        }
    }

    private static string[] EnvironmentOf(int pid) => File.ReadAllText($"/proc/{pid}/environ").Split('\0');

    private string Domain => sandbox.Host.Context.Directory.Customers.First(c => sandbox.Host.Customers.Single(x => x.TenantId == c.Id).GdapStatus == "active").Domain;

    /// <summary>A `runner run` client whose script has printed "started".</summary>
    private async Task<RunnerProcess> StartedAsync(Workspace workspace, string job)
    {
        var client = RunnerProcess.StartDll(workspace, "run", job, "--tenant", Domain);
        await Eventually.TrueAsync(() => Task.FromResult(client.Error.Contains("started", StringComparison.Ordinal)), Wait, "the script to start");
        return client;
    }

    private static async Task<CliResult> RunAsync(Workspace workspace, params string[] args)
    {
        using var process = RunnerProcess.StartDll(workspace, args);
        return await process.ResultAsync(TimeSpan.FromMinutes(2));
    }

    private static async Task<Server> ServerAsync(Workspace workspace, params string[] options)
    {
        var start = await RunAsync(workspace, ["run-server", "start", .. options]);
        Assert.True(start.ExitCode == 0, start.ToString());
        var pid = int.Parse(PidPattern().Match(start.Output).Groups[1].Value, CultureInfo.InvariantCulture);
        var socket = SocketPattern().Match(start.Output).Groups[1].Value.Trim();
        return new Server(workspace, pid, socket);
    }

    [GeneratedRegex(@"Run server: pid (\d+)")]
    private static partial Regex PidPattern();

    [GeneratedRegex(@"Socket: (\S+)")]
    private static partial Regex SocketPattern();

    private sealed class Server(Workspace workspace, int pid, string socket) : IAsyncDisposable
    {
        public int Pid => pid;

        public string Socket => socket;

        public string Log => Path.ChangeExtension(socket, ".log");

        public bool Exited
        {
            get
            {
                try
                {
                    using var process = System.Diagnostics.Process.GetProcessById(pid);
                    return process.HasExited;
                }
                catch (ArgumentException)
                {
                    return true;
                }
            }
        }

        public async Task<int> ServedAsync()
        {
            var status = await RunAsync(workspace, "run-server", "status");
            Assert.True(status.ExitCode == 0, status.ToString());
            return int.Parse(ServedPattern().Match(status.Output).Groups[1].Value, CultureInfo.InvariantCulture);
        }

        public async ValueTask DisposeAsync()
        {
            if (!Exited)
            {
                await RunAsync(workspace, "run-server", "stop");
            }

            if (!Exited)
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill();
            }

            File.Delete(Log);
        }
    }

    [GeneratedRegex(@"(\d+) runs? served")]
    private static partial Regex ServedPattern();
}
