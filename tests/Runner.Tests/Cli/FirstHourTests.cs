using System.Diagnostics;
using System.Text.Json.Nodes;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Cli;

/// <summary>
/// The first-hour cases a one-line row in docs/troubleshooting.md cannot show: files written by --out, what Ctrl+C
/// says, a queued trigger, a secret typed at a terminal and --verbose on a failed tenant. Each drives the real CLI as
/// a child process.
/// </summary>
public sealed class FirstHourTests(TroubleshootingProject project) : IClassFixture<TroubleshootingProject>
{
    private Workspace Workspace => project.Workspace;

    private static Task<CliResult> Runner(Workspace workspace, params string[] args) => Scripting.RunnerProcess.RunAsync(workspace, null, args);

    [Fact]
    public async Task Out_with_a_csv_or_json_name_writes_that_format_and_string_results_are_plain_text_in_csv()
    {
        Workspace.Write("jobs/domain.csx", "return Tenant.Domain;\n");

        var csv = await Runner(Workspace, "run", "jobs/domain.csx", "--tenant", "contoso.onmicrosoft.com", "--out", "domains.csv");
        var json = await Runner(Workspace, "run", "jobs/domain.csx", "--tenant", "contoso.onmicrosoft.com", "--out", "domains.json");

        Assert.True(csv.ExitCode == 0, csv.ToString());
        var lines = File.ReadAllLines(Workspace.Path("domains.csv"));
        Assert.Equal("tenantId,domain,companyName,status,durationMs,error,result", lines[0]);
        Assert.EndsWith(",Succeeded," + lines[1].Split(',')[4] + ",,contoso.onmicrosoft.com", lines[1]);
        Assert.Contains("Succeeded, 1 tenant; results written to", csv.Error);
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal("contoso.onmicrosoft.com", (string)JsonNode.Parse(File.ReadAllText(Workspace.Path("domains.json")))!["tenants"]![0]!["result"]!);
    }

    [Fact]
    public async Task A_result_over_the_limit_reports_its_real_size()
    {
        Workspace.Write("jobs/huge.csx", "return new string('x', 5_000_000);\n");

        var result = await Runner(Workspace, "run", "jobs/huge.csx", "--tenant", "contoso.onmicrosoft.com", "--output", "json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("The script's result is 4.8 MB of JSON (5,000,002 bytes); the limit is 4 MB per tenant. Return a summary, or write large data to a file.",
            (string)JsonNode.Parse(result.Output)!["tenants"]![0]!["error"]!);
    }

    [Fact]
    public async Task Tenants_check_csv_has_a_row_per_tenant_and_resource_with_state_aadsts_and_message()
    {
        var result = await Runner(Workspace, "tenants", "--check", "--output", "csv");

        var lines = result.Output.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal("tenantId,domain,companyName,gdap,resource,state,aadsts,message", lines[0]);
        var rows = lines.Skip(1).ToList();
        Assert.Equal(30, rows.Count);
        Assert.Equal(10, rows.Count(r => r.Contains(",graph,", StringComparison.Ordinal)));
        Assert.Contains(rows, r => r.Contains(",partnerCenter,OK,,", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains(",graph,no GDAP,,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Show_of_a_triggered_run_no_host_has_started_says_it_is_queued()
    {
        var trigger = await Runner(Workspace, "trigger", "hello");
        var runId = trigger.Output.Trim();

        var show = await Runner(Workspace, "show", runId);
        var json = await Runner(Workspace, "show", runId, "--output", "json");

        Assert.True(trigger.ExitCode == 0, trigger.ToString());
        Assert.StartsWith($"Queued hello as run {runId}: no `runner host` is running", trigger.Error, StringComparison.Ordinal);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Equal($"Run {runId} of hello is queued: no `runner host` is running for this store, so it starts when one does.", show.Output.Trim());
        Assert.Equal("Queued", (string)JsonNode.Parse(json.Output)!["status"]!);
    }

    [Theory]
    [InlineData("sandbox", "Stopping the sandbox.")]
    [InlineData("host", "Stopping the host: no new fires; running workers get scheduler.shutdownGrace to finish. Press Ctrl+C again to exit at once.")]
    public async Task Ctrl_C_says_what_it_does_for_the_command(string command, string expected)
    {
        using var workspace = new Workspace().WithBuiltInSandbox();
        using var process = RunnerProcess.Start(workspace, command);
        await Eventually.TrueAsync(() => Task.FromResult(process.Output.Length > 0 || process.Error.Contains("started", StringComparison.Ordinal) || process.HasExited),
            TimeSpan.FromSeconds(60), $"runner {command} to start");
        Assert.False(process.HasExited, process.ToString());

        process.Interrupt();
        await process.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Contains(expected, process.Error.Split('\n').Select(l => l.TrimEnd('\r')));
        Assert.DoesNotContain("letting running tenants finish", process.Error);
    }

    [Fact]
    public async Task Ctrl_C_while_trigger_waits_says_the_run_goes_on()
    {
        using var workspace = new Workspace().WithBuiltInSandbox("jobs:\n  hello: { script: jobs/hello.csx }\n");
        workspace.CopyJob("hello.csx");
        using var process = RunnerProcess.Start(workspace, "trigger", "hello", "--wait");
        await Eventually.TrueAsync(() => Task.FromResult(process.Error.Contains("Waiting for the run to finish", StringComparison.Ordinal) || process.HasExited),
            TimeSpan.FromSeconds(60), "trigger --wait to wait");

        process.Interrupt();
        await process.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("Stopped waiting. The run goes on in the host: `runner show` follows it.", process.Error);
    }

    [Fact]
    public async Task Secret_set_at_a_terminal_prompts_hides_the_value_and_stores_it()
    {
        using var workspace = new Workspace().WithBuiltInSandbox();
        const string value = "typed-at-the-terminal-4711";
        // `script` gives the child a pseudo-terminal, as an operator's shell would; the keystrokes arrive through it.
        var start = new ProcessStartInfo("script", ["-q", "-e", "-c", $"dotnet {RunnerProcess.Dll} secret set typed-secret", "/dev/null"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workspace.Root,
        };
        foreach (System.Collections.DictionaryEntry entry in workspace.Environment)
        {
            start.Environment[(string)entry.Key] = (string?)entry.Value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        await process.StandardInput.WriteAsync(value + "\r");
        await process.StandardInput.FlushAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(limit.Token);
        var screen = await output;

        Assert.True(process.ExitCode == 0, screen);
        Assert.Contains("Value for typed-secret (not shown; Enter to finish): ", screen);
        Assert.DoesNotContain(value, screen);
        Assert.Contains("Stored 'typed-secret'", screen);
        var store = new Runner.Secrets.LocalSecretStore(new Runner.State.StateDirectory(workspace.StatePath), Path.Combine(workspace.StatePath, "store.key"), workspace.Environment, TimeProvider.System);
        Assert.Equal(value, (await store.GetAsync("typed-secret", CancellationToken.None))?.Value);
    }

    [Fact]
    public async Task Verbose_shows_why_a_tenant_failed_with_the_failing_call_its_status_request_id_and_tries()
    {
        Workspace.Write("jobs/missing-user.csx", "var u = await Graph.Users[\"00000000-0000-0000-0000-000000000000\"].GetAsync(cancellationToken: CancellationToken);\nreturn u?.Id;\n");

        var quiet = await Runner(Workspace, "run", "jobs/missing-user.csx", "--tenant", "contoso.onmicrosoft.com");
        var verbose = await Runner(Workspace, "run", "jobs/missing-user.csx", "--tenant", "contoso.onmicrosoft.com", "--verbose");

        Assert.Equal(1, quiet.ExitCode);
        Assert.DoesNotContain("last failed call", quiet.Error);
        Assert.Equal(1, verbose.ExitCode);
        Assert.Contains("Why contoso.onmicrosoft.com failed: Microsoft.Graph.Models.ODataErrors.ODataError: ", verbose.Error);
        Assert.Matches(@"\(HTTP 404, request-id [0-9a-f-]{36}, client-request-id [0-9a-f-]{36}\)", verbose.Error);
        Assert.Contains("  at jobs/missing-user.csx(1)", verbose.Error);
        Assert.Matches(@"last failed call: GET https://[^ ]+/v1\.0/users/00000000-0000-0000-0000-000000000000 → 404 Not Found, request-id [0-9a-f-]{36}, try 1 \(0 retries\)", verbose.Error);
    }
}
