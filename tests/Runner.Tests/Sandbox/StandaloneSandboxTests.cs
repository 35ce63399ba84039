using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Runner.Http;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox;

/// <summary>
/// `runner sandbox` on a fixed port, and a project in another folder that points at it with cloud: custom, set up
/// exactly as the banner says (secret from the file, refresh token from /_sandbox/consent), running a job.
/// </summary>
public sealed class StandaloneSandboxTests
{
    [Fact]
    public async Task A_cloud_custom_project_in_another_folder_runs_a_job_against_runner_sandbox()
    {
        using var sandboxFolder = new Workspace();
        using var project = new Workspace();
        var data = sandboxFolder.Path("sandbox-data");
        var port = FreePort();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var running = sandboxFolder.RunAsync(stop.Token, "sandbox", "--port", port.ToString(), "--data", data, "--customers", "10");
        CliResult? banner = null;
        try
        {
            var url = $"https://127.0.0.1:{port}/";
            var ca = Path.Combine(data, "ca.pem");
            var info = await WaitForSandboxAsync(url, ca, running);
            project.Write("runner.yaml", $"""
                cloud: custom
                endpoints: {"{"} login: {url}, partnerCenter: {url}, resourceManager: {url}, graph: {url}, caFile: {ca} {"}"}
                partner: {"{"} tenant: {info["partnerTenantId"]}, clientId: {info["clientId"]}, clientSecret: secret:app-secret {"}"}
                """);
            project.CopyJob("hello.csx");

            project.Input = await File.ReadAllTextAsync(Path.Combine(data, "app-secret"));
            var secret = await project.RunAsync("secret", "set", "app-secret");
            project.Input = await ConsentAsync(url, ca);
            var refreshToken = await project.RunAsync("secret", "set", "partner-refresh-token");
            var run = await project.RunAsync("run", "jobs/hello.csx", "--tenant", "all", "--output", "json");

            Assert.True(secret.ExitCode == 0, secret.ToString());
            Assert.True(refreshToken.ExitCode == 0, refreshToken.ToString());
            Assert.True(run.ExitCode == 0, run.ToString());
            var tenants = JsonNode.Parse(run.Output)!["tenants"]!.AsArray();
            Assert.Equal(8, tenants.Count(t => (string)t!["status"]! == "Succeeded"));
            Assert.Equal(2, tenants.Count(t => (string)t!["status"]! == "Skipped"));
        }
        finally
        {
            await stop.CancelAsync();
            banner = await running;
        }

        Assert.True(banner.ExitCode == 0, banner.ToString());
        Assert.Contains($"Runner sandbox listening on https://127.0.0.1:{port}/", banner.Output);
        Assert.Contains($"export SSL_CERT_FILE={Path.Combine(data, "ca.pem")}", banner.Output);
        Assert.Contains("cloud: custom", banner.Output);
        Assert.Contains($"https://127.0.0.1:{port}/_sandbox/consent", banner.Output);
        Assert.Contains(Path.Combine(data, "app-secret"), banner.Output);
    }

    private static async Task<JsonNode> WaitForSandboxAsync(string url, string ca, Task<CliResult> running)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            if (running.IsCompleted)
            {
                Assert.Fail($"runner sandbox stopped early: {await running}");
            }

            if (File.Exists(ca))
            {
                try
                {
                    using var http = CloudHttp.Create(ca);
                    using var client = http.CreateClient();
                    return JsonNode.Parse(await client.GetStringAsync($"{url}_sandbox/info"))!;
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline)
                {
                }
            }

            Assert.True(DateTime.UtcNow < deadline, "runner sandbox did not answer within a minute");
            await Task.Delay(100);
        }
    }

    private static async Task<string> ConsentAsync(string url, string ca)
    {
        using var http = CloudHttp.Create(ca);
        using var client = http.CreateClient();
        using var response = await client.PostAsync($"{url}_sandbox/consent", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["refresh_token"]!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
