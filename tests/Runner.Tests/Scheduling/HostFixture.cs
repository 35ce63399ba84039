using System.Text.Json.Nodes;
using Runner.History;
using Runner.Sandbox;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scheduling;

/// <summary>
/// One sandbox, one project and one `runner host` (in this process; its workers are real child processes) for a
/// test class. A heartbeat job fires every two seconds throughout, so tests can show the host keeps scheduling
/// whatever happens to the other jobs' workers.
/// </summary>
public sealed class HostFixture : IAsyncLifetime
{
    private readonly TempFolder _sandboxData = new("runner-sandbox");
    private readonly CancellationTokenSource _stop = new();
    private readonly LiveText _hostOutput = new();
    private readonly LiveText _hostError = new();
    private Task<CliResult>? _host;

    /// <summary>How many lines jobs/noisy.csx writes to each stream for each tenant.</summary>
    public const int NoisyLines = 300;

    public SandboxHost Sandbox { get; private set; } = null!;

    public Workspace Workspace { get; } = new();

    /// <summary>What the host printed; complete once the fixture is disposed.</summary>
    public CliResult? HostResult { get; private set; }

    public async Task InitializeAsync()
    {
        Sandbox = await SandboxHost.StartAsync(new SandboxOptions { Customers = 4, DataDirectory = _sandboxData.Path });
        await Workspace.WithSandboxAsync(Sandbox, """
            defaults: { parallel: 4, timeout: "00:01:00" }
            scheduler: { shutdownGrace: 2s, maxConcurrentJobs: 8, misfireThreshold: 5s }
            jobs:
              heartbeat: { script: jobs/heartbeat.csx, schedule: "0/2 * * * * ?" }
              overflow: { script: jobs/overflow.csx }
              exits: { script: jobs/exits.csx }
              hangs: { script: jobs/hangs.csx, timeout: 1h, jobTimeout: 4s }
              flaky: { script: jobs/flaky.csx, retries: 2, retryBackoff: 1s }
              slow: { script: jobs/slow.csx }
              prints: { script: jobs/prints.csx }
              noisy: { script: jobs/noisy.csx, jobTimeout: 50s }
              reads: { script: jobs/reads.csx, jobTimeout: 20s }
              spawns: { script: jobs/spawns.csx, jobTimeout: 20s }
              leaves: { script: jobs/leaves.csx, jobTimeout: 50s }
            """);
        Workspace.Write("jobs/heartbeat.csx", "// runner: partner-level\nreturn \"beat\";\n");
        Workspace.Write("jobs/overflow.csx", "// runner: partner-level\nint Down(int n) => Down(n + 1) + 1;\nreturn Down(0);\n");
        Workspace.Write("jobs/exits.csx", "// runner: partner-level\nConsole.Error.WriteLine(\"leaving now\");\nEnvironment.Exit(0);\nreturn 1;\n");
        Workspace.Write("jobs/hangs.csx", "// runner: partner-level\nThread.Sleep(Timeout.Infinite);\nreturn 1;\n");
        Workspace.Write("jobs/flaky.csx", """
            // runner: partner-level
            // Fails the first time (no marker yet), succeeds when retried.
            if (!File.Exists("flaky.marker"))
            {
                File.WriteAllText("flaky.marker", "attempted");
                throw new InvalidOperationException("first attempt fails");
            }

            return "second attempt";
            """);
        Workspace.Write("jobs/prints.csx", "Console.WriteLine($\"hello from {Tenant.Domain}\");\nConsole.Error.WriteLine(\"and a complaint\");\nreturn 1;\n");
        Workspace.Write("jobs/noisy.csx", $$"""
            for (var i = 0; i < {{NoisyLines}}; i++)
            {
                Console.WriteLine($"out {i}");
                Console.Error.WriteLine($"err {i}");
            }

            return 1;
            """);
        Workspace.Write("jobs/reads.csx", "// runner: partner-level\nreturn Console.ReadLine() ?? \"(end of input)\";\n");
        Workspace.Write("jobs/spawns.csx", """
            // runner: partner-level
            // A child process inherits the worker's standard output. Ending the worker shows its last output in the run.
            var child = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/sh", ["-c", "echo child says hi; printf 'and no newline'"]) { UseShellExecute = false })!;
            await child.WaitForExitAsync(CancellationToken);
            Environment.Exit(3);
            return 1;
            """);
        Workspace.Write("jobs/leaves.csx", """
            // runner: partner-level
            // A process that outlives the worker, which ends now.
            System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/sh", ["-c", "sleep 40"]) { UseShellExecute = false });
            Environment.Exit(4);
            return 1;
            """);
        Workspace.Write("jobs/slow.csx", "// runner: partner-level\nawait Task.Delay(1500);\nreturn 1;\n");
        _host = Task.Run(() => Workspace.RunAsync(_hostOutput, _hostError, _stop.Token, "host"));
        await Eventually.GetAsync(async () => (await RunsAsync("heartbeat")).FirstOrDefault(r => r.Status == global::Runner.Execution.RunStatus.Succeeded), TimeSpan.FromSeconds(60),
            "the heartbeat's first successful run");
    }

    internal async Task<IReadOnlyList<RunRecord>> RunsAsync(string job)
    {
        if (_host is { IsCompleted: true })
        {
            throw new InvalidOperationException($"The host stopped: {await _host}");
        }

        return await Workspace.RunsAsync(job);
    }

    /// <summary>`runner trigger JOB --wait --output json`: the finished run.</summary>
    public async Task<(CliResult Cli, JsonNode Run)> TriggerAndWaitAsync(string job)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var result = await Workspace.RunAsync(timeout.Token, "trigger", job, "--wait", "--output", "json");
        // An empty answer (the wait ran out, or trigger failed) says why on standard error: keep it in the failure.
        return (result, string.IsNullOrWhiteSpace(result.Output)
            ? throw new InvalidOperationException($"`runner trigger {job} --wait` printed no run: {result}\n{await DiagnoseAsync(job)}")
            : JsonNode.Parse(result.Output) ?? throw new InvalidOperationException(result.ToString()));
    }

    /// <summary>Waits with <paramref name="wait"/>; if it times out, the failure says what the host was doing.</summary>
    internal async Task<T> WithDiagnosisAsync<T>(string job, Func<Task<T>> wait)
    {
        try
        {
            return await wait();
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n{await DiagnoseAsync(job)}", e);
        }
    }

    /// <summary>What the host was doing when a test gave up on it: its log, the store's triggers and fires, the job's runs, this process's thread pool.</summary>
    internal async Task<string> DiagnoseAsync(string job)
    {
        var text = new System.Text.StringBuilder();
        ThreadPool.GetAvailableThreads(out var workers, out var ports);
        ThreadPool.GetMaxThreads(out var maxWorkers, out _);
        text.AppendLine($"--- thread pool at {DateTimeOffset.UtcNow:O}: {ThreadPool.ThreadCount} threads, {ThreadPool.PendingWorkItemCount} queued, {maxWorkers - workers} busy workers, {ports} free ports ---");
        try
        {
            using var store = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Workspace.Path(".runner/scheduler.db")};Mode=ReadOnly;Default Timeout=5");
            store.Open();
            foreach (var query in new[]
            {
                "SELECT TRIGGER_GROUP, TRIGGER_NAME, JOB_NAME, TRIGGER_STATE, NEXT_FIRE_TIME, PREV_FIRE_TIME, MISFIRE_INSTR FROM QRTZ_TRIGGERS",
                "SELECT TRIGGER_NAME, JOB_NAME, INSTANCE_NAME, STATE, FIRED_TIME, SCHED_TIME FROM QRTZ_FIRED_TRIGGERS",
                "SELECT LOCK_NAME FROM QRTZ_LOCKS",
            })
            {
                text.AppendLine($"--- {query} ---");
                using var command = store.CreateCommand();
                command.CommandText = query;
                using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    text.AppendLine(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Describe(reader.GetValue(i)))));
                }
            }
        }
        catch (Exception e)
        {
            text.AppendLine($"(scheduler store unreadable: {e.Message})");
        }

        try
        {
            foreach (var run in await Workspace.RunsAsync(job))
            {
                text.AppendLine($"run {run.Id} attempt {run.Attempt} {run.Trigger} {run.Status} scheduled {run.ScheduledFor:O} started {run.StartedAt:O} finished {run.FinishedAt:O} pid {run.ProcessId}");
            }
        }
        catch (Exception e)
        {
            text.AppendLine($"(history unreadable: {e.Message})");
        }

        var log = _hostError.Text.Split('\n');
        text.AppendLine($"--- host standard error, last {Math.Min(log.Length, 80)} of {log.Length} lines ---");
        text.AppendLine(string.Join('\n', log.TakeLast(80)));
        var output = _hostOutput.Text.Split('\n');
        text.AppendLine($"--- host standard output, last {Math.Min(output.Length, 40)} lines ---");
        text.AppendLine(string.Join('\n', output.TakeLast(40)));
        return text.ToString();
    }

    // Quartz keeps times as .NET ticks: show them as times.
    private static string Describe(object value) =>
        value is long ticks && ticks > 600_000_000_000_000_000L ? new DateTimeOffset(ticks, TimeSpan.Zero).ToString("HH:mm:ss.fff") : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";

    /// <summary>Waits for a heartbeat that started after <paramref name="after"/> and succeeded.</summary>
    internal Task<RunRecord> NextHeartbeatAsync(DateTimeOffset after) =>
        Eventually.GetAsync(async () => (await RunsAsync("heartbeat")).FirstOrDefault(r => r.StartedAt > after && r.Status == global::Runner.Execution.RunStatus.Succeeded),
            TimeSpan.FromSeconds(30), $"a heartbeat after {after:O}");

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_host is not null)
        {
            HostResult = await _host.WaitAsync(TimeSpan.FromSeconds(60));
        }

        Workspace.Dispose();
        await Sandbox.DisposeAsync();
        _sandboxData.Dispose();
        _stop.Dispose();
    }
}
