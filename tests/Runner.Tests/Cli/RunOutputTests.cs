using System.Text.Json.Nodes;
using Runner.Cli;
using Runner.Cli.Composition;
using Runner.Sandbox;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Cli;

/// <summary>`runner run` output as scripts and schedulers consume it: JSON, CSV, --out, progress and exit codes.</summary>
public sealed class RunOutputTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private const string Mixed = """
        if (Tenant.Domain == Params["fail"]) throw new InvalidOperationException("no luck here");
        if (Tenant.Domain == Params["hang"]) await Task.Delay(Timeout.Infinite, CancellationToken);
        return new { domain = Tenant.Domain, users = 3, note = "a, \"quoted\" note" };
        """;

    private SandboxHost Host => sandbox.Host;

    private SandboxCustomer Active(int index) => Host.Customers.Where(c => c.GdapStatus == "active").OrderBy(c => c.CompanyName).ElementAt(index);

    [Fact]
    public async Task Json_is_one_document_with_the_run_and_every_tenants_status_duration_result_and_error()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        workspace.Write("jobs/mixed.csx", Mixed);

        var result = await workspace.RunAsync("run", "jobs/mixed.csx", "--output", "json", "--param", $"fail={Active(0).Domain}");

        Assert.Equal(1, result.ExitCode);
        var document = JsonNode.Parse(result.Output)!.AsObject();
        Assert.Matches("^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$", (string)document["runId"]!);
        Assert.Equal("Failed", (string)document["status"]!);
        var tenants = document["tenants"]!.AsArray();
        Assert.Equal(Host.Customers.Count, tenants.Count);
        Assert.Equal(Host.Customers.Count, (int)document["summary"]!["tenants"]!);
        Assert.Equal(1, (int)document["summary"]!["failed"]!);
        foreach (var tenant in tenants.Select(t => t!.AsObject()))
        {
            Assert.Equal(["tenantId", "domain", "companyName", "status", "durationMs", "result", "error", "writes"], tenant.Select(p => p.Key));
            var customer = Host.Customers.Single(c => c.TenantId.ToString() == (string)tenant["tenantId"]!);
            var expected = customer.GdapStatus != "active" ? "Skipped" : customer.Domain == Active(0).Domain ? "Failed" : "Succeeded";
            Assert.Equal(expected, (string)tenant["status"]!);
            Assert.True((long)tenant["durationMs"]! >= 0);
            if (expected == "Succeeded")
            {
                Assert.Equal(customer.Domain, (string)tenant["result"]!["domain"]!);
                Assert.Null(tenant["error"]);
            }
            else
            {
                Assert.Null(tenant["result"]);
                Assert.False(string.IsNullOrEmpty((string?)tenant["error"]));
            }
        }
    }

    [Fact]
    public async Task Csv_has_a_header_and_one_row_per_tenant_with_the_results_fields_as_columns()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        workspace.Write("jobs/mixed.csx", Mixed);

        var result = await workspace.RunAsync("run", "jobs/mixed.csx", "--output", "csv");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Output.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal("tenantId,domain,companyName,status,durationMs,error,domain,users,note", lines[0]);
        Assert.Equal(Host.Customers.Count, lines.Count - 1);
        var row = lines.Single(l => l.StartsWith(Active(1).TenantId.ToString(), StringComparison.Ordinal));
        Assert.EndsWith($",Succeeded,{row.Split(',')[4]},,{Active(1).Domain},3,\"a, \"\"quoted\"\" note\"", row);
        Assert.Contains(lines, l => l.Contains(",Skipped,", StringComparison.Ordinal));
        Assert.Equal(Host.Customers.Count(c => c.GdapStatus != "active"), lines.Count(l => l.Contains(",Skipped,", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("json")]
    [InlineData("csv")]
    [InlineData("table")]
    public async Task Out_writes_the_results_to_a_file_and_only_a_summary_to_the_console(string format)
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        workspace.Write("jobs/mixed.csx", Mixed);

        var result = await workspace.RunAsync("run", "jobs/mixed.csx", "--output", format, "--out", "results.out");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Output);
        Assert.Contains("results written to", result.Error);
        var written = await File.ReadAllTextAsync(workspace.Path("results.out"));
        Assert.Contains(Active(2).Domain, written);
        switch (format)
        {
            case "json":
                Assert.Equal(Host.Customers.Count, JsonNode.Parse(written)!["tenants"]!.AsArray().Count);
                break;
            case "csv":
                Assert.StartsWith("tenantId,domain,", written);
                break;
            default:
                Assert.Contains("succeeded", written);
                Assert.DoesNotContain("\u001b[", written);
                break;
        }
    }

    [Fact]
    public async Task Groups_exclusions_and_repeated_selectors_from_the_command_line_and_runner_yaml_combine()
    {
        var (a, b, c, d) = (Active(0), Active(1), Active(2), Active(3));
        var noGdap = Host.Customers.First(x => x.GdapStatus == "none");
        using var workspace = await new Workspace().WithSandboxAsync(Host, $$"""
            tenants:
              exclude: [{{a.Domain}}]
              groups:
                picked: [{{b.Domain}}, "name:{{c.CompanyName[..4]}}*", {{a.Domain}}]
            """);
        workspace.Write("jobs/mixed.csx", Mixed);

        var result = await workspace.RunAsync("run", "jobs/mixed.csx", "--output", "json",
            "--tenant", "group:picked", "--tenant", d.TenantId.ToString(), "--tenant", noGdap.CompanyName, "--exclude", b.CompanyName);

        Assert.True(result.ExitCode == 0, result.ToString());
        var tenants = JsonNode.Parse(result.Output)!["tenants"]!.AsArray().ToDictionary(t => (string)t!["domain"]!, t => (string)t!["status"]!);
        var expected = Host.Customers.Where(x => x.CompanyName.StartsWith(c.CompanyName[..4], StringComparison.OrdinalIgnoreCase) && x.Domain != a.Domain && x.Domain != b.Domain)
            .Append(d).Append(noGdap).DistinctBy(x => x.Domain)
            .ToDictionary(x => x.Domain, x => x.GdapStatus == "active" ? "Succeeded" : "Skipped");
        Assert.Equal(expected.OrderBy(e => e.Key), tenants.OrderBy(t => t.Key));
        Assert.Equal("Skipped", tenants[noGdap.Domain]);
    }

    [Fact]
    public async Task A_timed_out_tenant_gives_exit_1()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        workspace.Write("jobs/mixed.csx", Mixed);

        var result = await workspace.RunAsync("run", "jobs/mixed.csx", "--output", "json", "--timeout", "1s", "--param", $"hang={Active(3).Domain}");

        Assert.Equal(1, result.ExitCode);
        var tenants = JsonNode.Parse(result.Output)!["tenants"]!.AsArray();
        Assert.Equal("TimedOut", (string)tenants.Single(t => (string)t!["domain"]! == Active(3).Domain)!["status"]!);
    }

    [Theory]
    [InlineData("--parallel", "0", "--parallel")]
    [InlineData("--timeout", "soon", "soon")]
    [InlineData("--tenant", "group:nope", "no tenant group 'nope'")]
    [InlineData("--exclude", "nobody.onmicrosoft.com", "nobody.onmicrosoft.com")]
    public async Task Bad_options_exit_2_with_a_message(string option, string value, string message)
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        workspace.Write("jobs/mixed.csx", Mixed);

        var result = await workspace.RunAsync("run", "jobs/mixed.csx", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error:", result.Error.Trim());
        Assert.Contains(message, result.Error);
    }

    [Fact]
    public async Task A_missing_partner_credential_exits_3_before_any_tenant_runs()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host, seedCredential: false);
        workspace.Write("jobs/mixed.csx", Mixed);

        var result = await workspace.RunAsync("run", "jobs/mixed.csx");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("runner consent", result.Error);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task Interrupting_a_run_exits_130_and_still_reports_every_tenant()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        workspace.Write("jobs/wait.csx", """
            await Graph.Organization.GetAsync(cancellationToken: CancellationToken);
            await Task.Delay(Timeout.Infinite, CancellationToken);
            return 1;
            """);
        var first = Active(0).TenantId.ToString();
        using var interrupt = new CancellationTokenSource();
        Host.Requests.Clear();

        var run = workspace.RunAsync(interrupt.Token, "run", "jobs/wait.csx", "--output", "json", "--parallel", "2");
        await Eventually.TrueAsync(() => Task.FromResult(Host.Requests.Snapshot().Any(r => r.Api == "graph" && r.Tenant == first) || run.IsCompleted),
            TimeSpan.FromSeconds(60), "the first tenant's Graph call");

        interrupt.Cancel();
        var result = await run;

        Assert.Equal(130, result.ExitCode);
        var document = JsonNode.Parse(result.Output)!;
        Assert.Equal("Cancelled", (string)document["status"]!);
        var tenants = document["tenants"]!.AsArray();
        Assert.Equal(Host.Customers.Count, tenants.Count);
        Assert.All(tenants, t => Assert.Contains((string)t!["status"]!, new[] { "Cancelled", "Skipped" }));
        Assert.Contains(tenants, t => (string)t!["error"]! == "Cancelled while running.");
        Assert.Contains(tenants, t => (string)t!["error"]! == "Not started: the run was cancelled.");
    }

    [Fact]
    public async Task Progress_is_drawn_on_a_terminal_and_not_when_output_is_redirected()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        // Slow enough (about a second) for the display to refresh a few times while tenants run.
        workspace.Write("jobs/slow.csx", "await Task.Delay(250, CancellationToken); return 1;");

        var redirected = await workspace.RunAsync("run", "jobs/slow.csx", "--output", "json", "--parallel", "2");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var terminal = new CliConsole(output, error, workspace.Environment, workspace.Root, interactive: true);
        var code = await CliApp.RunAsync(["run", "jobs/slow.csx", "--output", "json", "--parallel", "2"], terminal);

        Assert.Equal(0, redirected.ExitCode);
        Assert.Equal("", redirected.Error);
        Assert.Equal(0, code);
        Assert.Contains($"/{Host.Customers.Count} tenants", error.ToString());
        Assert.Contains("slow:", error.ToString());
        Assert.Equal(Host.Customers.Count, JsonNode.Parse(output.ToString())!["tenants"]!.AsArray().Count);
    }

    private const string Printing = """
        Console.WriteLine($"hello from {Tenant.Domain}");
        await Task.Yield();
        Console.Error.WriteLine($"warning from {Tenant.Domain}");
        await Task.Run(() => Console.Out.Write($"{Tenant.Domain} wrote no newline"));
        return new { domain = Tenant.Domain };
        """;

    [Fact]
    public async Task What_a_script_prints_is_kept_in_its_own_tenants_log_and_shown_on_standard_error_never_in_the_json()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        workspace.Write("jobs/prints.csx", Printing);
        var active = Enumerable.Range(0, 3).Select(Active).ToList();

        var result = await workspace.RunAsync(["run", "jobs/prints.csx", .. active.SelectMany(c => new[] { "--tenant", c.Domain }), "--output", "json", "--parallel", "3"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var document = JsonNode.Parse(result.Output)!;
        Assert.DoesNotContain("hello from", result.Output);
        foreach (var customer in active)
        {
            Assert.Contains($"[{customer.Domain}] hello from {customer.Domain}", result.Error);
            Assert.Contains($"[{customer.Domain}] (stderr) warning from {customer.Domain}", result.Error);
            Assert.Contains($"[{customer.Domain}] {customer.Domain} wrote no newline", result.Error);
        }

        var show = await workspace.RunAsync("show", (string)document["runId"]!, "--output", "json");
        Assert.True(show.ExitCode == 0, show.ToString());
        var tenants = JsonNode.Parse(show.Output)!["tenants"]!.AsArray();
        Assert.Equal(3, tenants.Count);
        foreach (var tenant in tenants)
        {
            // Each tenant's log holds its own lines only, though all three printed to one process console at once.
            var domain = (string)tenant!["domain"]!;
            var log = tenant["log"]!.AsArray().Select(l => ((string)l!["level"]!, (string)l["message"]!)).OrderBy(l => l.Item2, StringComparer.Ordinal).ToList();
            Assert.Equal(
                new[] { ("Information", $"{domain} wrote no newline"), ("Information", $"hello from {domain}"), ("Error", $"warning from {domain}") }.OrderBy(l => l.Item2, StringComparer.Ordinal),
                log);
        }
    }

    [Fact]
    public async Task A_printing_script_leaves_csv_on_standard_output_intact_in_a_real_process()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        workspace.Write("jobs/prints.csx", Printing);

        using var process = RunnerProcess.Start(workspace, "run", "jobs/prints.csx", "--output", "csv");
        var result = await process.ResultAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Output.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal("tenantId,domain,companyName,status,durationMs,error,domain", lines[0]);
        Assert.Equal(Host.Customers.Count, lines.Count - 1);
        Assert.All(lines.Skip(1), l => Assert.Matches("^[0-9a-f-]{36},", l));
        var printed = Host.Customers.Count(c => c.GdapStatus == "active");
        Assert.True(printed > 0);
        Assert.Equal(printed, result.Error.Split('\n').Count(l => l.Contains("] hello from ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task On_a_German_machine_scripts_see_the_German_culture_and_results_keep_invariant_numbers()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host);
        workspace.Write("jobs/numbers.csx", "return new { culture = System.Globalization.CultureInfo.CurrentCulture.Name, shown = 1.5.ToString(), ratio = 1.5, big = 1234567.25m };");
        // Flows into the in-process run as LANG=de_DE.UTF-8 would set it for a real one.
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");

        var result = await workspace.RunAsync("run", "jobs/numbers.csx", "--tenant", Active(0).Domain, "--output", "csv");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Output.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.EndsWith(",culture,shown,ratio,big", lines[0]);
        Assert.EndsWith(",de-DE,\"1,5\",1.5,1234567.25", lines[1]);
    }
}
