using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Web;

/// <summary>The console over HTTP, as a real `runner web` process serves it: pages, API, keys, and what is refused.</summary>
public sealed class ConsoleTests(ConsoleProcess console) : IClassFixture<ConsoleProcess>
{
    [Theory]
    [InlineData("/", "Failures in the last 24 hours")]
    [InlineData("/jobs", "every day at 06:00")]
    [InlineData("/runs", "hello")]
    [InlineData("/tenants", "contoso.onmicrosoft.com")]
    [InlineData("/credential", "Days left")]
    public async Task Each_page_renders_with_its_data_and_no_inline_script(string path, string expected)
    {
        using var client = console.Client();

        var response = await client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(expected, html);
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)", html);
        Assert.DoesNotContain("//cdn", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_run_page_shows_every_tenant_with_status_and_the_csv_download_has_a_row_each()
    {
        using var client = console.Client();

        var html = await client.GetStringAsync($"/runs/{console.RunId}");
        var csv = await client.GetStringAsync($"/runs/{console.RunId}/results.csv");

        Assert.Equal(10, Regex.Matches(html, "<tr data-status=").Count);
        Assert.Contains("Download CSV", html);
        var lines = csv.TrimEnd().Split('\n');
        Assert.Equal("tenantId,domain,companyName,status,durationMs,error,result", lines[0]);
        Assert.Equal(10, lines.Length - 1);
    }

    [Fact]
    public async Task A_what_if_runs_page_and_api_show_its_planned_writes()
    {
        console.Workspace.Write("jobs/retitle.csx", """
            var user = (await Graph.Users.GetAsync(r => r.QueryParameters.Top = 1, CancellationToken))!.Value![0];
            await Graph.Users[user.Id].PatchAsync(new User { JobTitle = "Planned" }, cancellationToken: CancellationToken);
            return user.Id;
            """);
        var run = await console.Workspace.RunAsync("run", "jobs/retitle.csx", "--tenant", "contoso.onmicrosoft.com", "--what-if", "--output", "json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var id = (string)JsonNode.Parse(run.Output)!["runId"]!;
        var userId = (string)JsonNode.Parse(run.Output)!["tenants"]![0]!["result"]!;
        using var client = console.Client();

        var html = await client.GetStringAsync($"/runs/{id}");
        var json = JsonNode.Parse(await client.GetStringAsync($"/api/v1/runs/{id}"))!;

        Assert.Contains("Planned writes (1, none sent)", html);
        Assert.Contains($"/v1.0/users/{userId}", html);
        Assert.Contains("What-if run: 1 planned, none sent", html);
        Assert.Equal("what-if", (string)json["mode"]!);
        var write = json["tenants"]![0]!["writes"]![0]!;
        Assert.Equal(("PATCH", true), ((string)write["method"]!, (bool)write["simulated"]!));
        Assert.Contains("what-if", await client.GetStringAsync("/runs"));
    }

    [Fact]
    public async Task The_api_lists_runs_and_jobs_and_describes_itself()
    {
        using var client = console.Client();

        var runs = JsonNode.Parse(await client.GetStringAsync("/api/v1/runs?job=hello"))!["runs"]!.AsArray();
        var run = JsonNode.Parse(await client.GetStringAsync($"/api/v1/runs/{console.RunId}"))!;
        var jobs = JsonNode.Parse(await client.GetStringAsync("/api/v1/jobs"))!.AsArray();
        var openApi = JsonNode.Parse(await client.GetStringAsync("/api/v1/openapi.json"))!;
        var health = JsonNode.Parse(await client.GetStringAsync("/healthz"))!;

        Assert.Contains(runs, r => (string)r!["runId"]! == console.RunId);
        Assert.Equal(10, run["tenants"]!.AsArray().Count);
        Assert.Contains(jobs, j => (string)j!["name"]! == "hello" && (string)j["schedule"]! == "0 0 6 * * ?");
        Assert.Equal("3.1.0", (string)openApi["openapi"]!);
        Assert.Equal("ok", (string)health["status"]!);
    }

    [Fact]
    public async Task Api_actions_need_an_operator_key_viewers_get_403_and_bad_keys_401()
    {
        var operatorKey = await CreateKeyAsync("ci-operator", "operator");
        var viewerKey = await CreateKeyAsync("ci-viewer", "viewer");
        using var anonymous = console.Client();
        using var asOperator = console.Client(operatorKey);
        using var asViewer = console.Client(viewerKey);
        using var forged = console.Client(operatorKey[..^4] + "AAAA");
        var body = JsonContent.Create(new { parameters = new Dictionary<string, string> { ["note"] = "from the api" } });

        var withoutKey = await anonymous.PostAsync("/api/v1/jobs/hello/trigger", body);
        var viewer = await asViewer.PostAsync("/api/v1/jobs/hello/trigger", body);
        var bad = await forged.PostAsync("/api/v1/jobs/hello/trigger", body);
        var triggered = await asOperator.PostAsync("/api/v1/jobs/hello/trigger", body);
        var unknownJob = await asOperator.PostAsync("/api/v1/jobs/nosuchjob/trigger", body);

        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, viewer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, triggered.StatusCode);
        var runId = (string)JsonNode.Parse(await triggered.Content.ReadAsStringAsync())!["runId"]!;
        Assert.Matches(@"^\d{8}-\d{6}-[0-9a-f]{6}$", runId);
        var show = await Scripting.RunnerProcess.RunAsync(console.Workspace, null, "show", runId, "--output", "json");
        Assert.Equal("Queued", (string)JsonNode.Parse(show.Output)!["status"]!);
        var paused = await asOperator.PostAsync("/api/v1/jobs/hello/pause", null);
        var jobsPage = await anonymous.GetStringAsync("/jobs");
        var resumed = await asOperator.PostAsync("/api/v1/jobs/hello/resume", null);
        Assert.Equal(HttpStatusCode.NoContent, paused.StatusCode);
        Assert.Contains("paused by api key ci-operator", jobsPage);
        Assert.Equal(HttpStatusCode.NoContent, resumed.StatusCode);
        var typo = await asOperator.PostAsync("/api/v1/jobs/hello/trigger", JsonContent.Create(new { tenants = new[] { "contosso" } }));
        Assert.Equal(HttpStatusCode.BadRequest, typo.StatusCode);
        Assert.Contains("No customer tenant matches 'contosso'. Nearest matches: Contoso.", await typo.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, unknownJob.StatusCode);
        var revoke = await Scripting.RunnerProcess.RunAsync(console.Workspace, null, "apikey", "revoke", "ci-viewer");
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await asViewer.GetAsync("/api/v1/jobs")).StatusCode);
        Assert.Contains("'nosuchjob' is not a job", await unknownJob.Content.ReadAsStringAsync());
        // The key is stored only as its hash.
        Assert.DoesNotContain(operatorKey, string.Concat(Directory.EnumerateFiles(console.Workspace.StatePath, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".db", StringComparison.Ordinal) && !f.Contains("-wal", StringComparison.Ordinal)).Select(f => File.ReadAllText(f))));
    }

    [Fact]
    public async Task An_operator_cancels_a_running_run_through_the_api_and_the_running_process_stops_it()
    {
        console.Workspace.Write("jobs/slow.csx", "await Task.Delay(TimeSpan.FromMinutes(3), CancellationToken);\nreturn 1;\n");
        var key = await CreateKeyAsync("ci-cancel", "operator");
        using var api = console.Client(key);
        using var run = RunnerProcess.Start(console.Workspace, "run", "jobs/slow.csx", "--tenant", "contoso.onmicrosoft.com", "--output", "json");
        var runId = await Eventually.GetAsync(async () =>
        {
            var running = JsonNode.Parse(await api.GetStringAsync("/api/v1/runs?status=Running&job=slow"))!["runs"]!.AsArray();
            return running.Count > 0 ? (string?)running[0]!["runId"] : null;
        }, TimeSpan.FromSeconds(60), "the slow run to start");

        var cancel = await api.PostAsync($"/api/v1/runs/{runId}/cancel", null);
        var exit = await run.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal(130, exit);
        var shown = JsonNode.Parse(await api.GetStringAsync($"/api/v1/runs/{runId}"))!;
        Assert.Equal("Cancelled", (string)shown["status"]!);
        Assert.Equal("Cancelled by api key ci-cancel from the console.", (string)shown["error"]!);
        Assert.Equal("Cancelled", (string)shown["tenants"]![0]!["status"]!);
        var again = await api.PostAsync($"/api/v1/runs/{runId}/cancel", null);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
    }

    [Fact]
    public async Task No_page_or_api_answer_holds_the_refresh_token_or_the_app_secret()
    {
        var store = new Runner.Secrets.LocalSecretStore(new Runner.State.StateDirectory(console.Workspace.StatePath), Path.Combine(console.Workspace.StatePath, "store.key"),
            console.Workspace.Environment, TimeProvider.System);
        var secrets = new List<string>();
        foreach (var name in new[] { Runner.Auth.CredentialStore.RefreshTokenSecret, "app-secret" })
        {
            if (await store.GetAsync(name, CancellationToken.None) is { } secret)
            {
                secrets.Add(secret.Value);
            }
        }

        Assert.NotEmpty(secrets);
        using var client = console.Client();
        foreach (var path in new[] { "/", "/jobs", "/runs", $"/runs/{console.RunId}", $"/runs/{console.RunId}/results.json", "/tenants", "/credential",
                     "/api/v1/credential", "/api/v1/runs", $"/api/v1/runs/{console.RunId}", "/api/v1/tenants", "/healthz" })
        {
            var body = await client.GetStringAsync(path);
            Assert.All(secrets, s => Assert.DoesNotContain(s, body, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Metrics_are_served_for_prometheus_on_the_consoles_port()
    {
        using var client = console.Client();
        await client.GetStringAsync("/credential");

        var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches(@"(?m)^runner_credential_days_left\S* \d+", text);
    }

    [Fact]
    public async Task A_form_post_without_its_antiforgery_token_is_refused()
    {
        using var client = console.Client();

        var response = await client.PostAsync("/jobs/hello/pause", new FormUrlEncodedContent(new Dictionary<string, string>()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Without_sign_in_the_console_refuses_to_listen_beyond_this_machine()
    {
        var result = await Scripting.RunnerProcess.RunAsync(console.Workspace, null, "web", "--listen", "http://0.0.0.0:8080");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: --listen http://0.0.0.0:8080: without web.signIn in runner.yaml the console listens on this machine only", result.Error, StringComparison.Ordinal);
    }

    private async Task<string> CreateKeyAsync(string name, string role)
    {
        var result = await Scripting.RunnerProcess.RunAsync(console.Workspace, null, "apikey", "create", name, "--role", role);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Output.Trim();
    }
}
