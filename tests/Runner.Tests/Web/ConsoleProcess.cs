using System.Text.RegularExpressions;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Web;

/// <summary>
/// A project with the built-in sandbox and a finished run of hello.csx, and `runner web` serving it on a free
/// loopback port as a real process (the console picks the port; its first line names it).
/// </summary>
public sealed partial class ConsoleProcess : IAsyncLifetime
{
    private RunnerProcess? _web;

    public Workspace Workspace { get; } = new Workspace().WithBuiltInSandbox("""
        jobs:
          hello: { script: jobs/hello.csx, schedule: "0 0 6 * * ?" }
        """);

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The id of the run made before the console started.</summary>
    public string RunId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Workspace.CopyJob("hello.csx");
        var run = await Scripting.RunnerProcess.RunAsync(Workspace, null, "run", "hello", "--output", "json");
        Assert.True(run.ExitCode == 0, run.ToString());
        RunId = (string)System.Text.Json.Nodes.JsonNode.Parse(run.Output)!["runId"]!;
        _web = RunnerProcess.Start(Workspace, "web", "--listen", "http://127.0.0.1:0");
        var line = await Eventually.GetAsync(() => Task.FromResult(Address().Match(_web.Error) is { Success: true } m ? m.Groups[1].Value : (_web.HasExited ? throw new InvalidOperationException(_web.ToString()) : null)),
            TimeSpan.FromSeconds(90), "runner web to listen");
        BaseUri = new Uri(line);
    }

    public HttpClient Client(string? apiKey = null, bool redirects = false)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = redirects, UseCookies = true }) { BaseAddress = BaseUri };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    public async Task DisposeAsync()
    {
        if (_web is not null)
        {
            _web.Interrupt();
            await _web.WaitAsync(TimeSpan.FromSeconds(30));
            _web.Dispose();
        }

        Workspace.Dispose();
    }

    [GeneratedRegex(@"Runner console on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Address();
}
