using System.Text.Json.Nodes;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Notifications;

/// <summary>
/// `runner host` sends what the rules ask for, once: a run where a tenant starts failing sends one failure message
/// (counts, the failed tenant and its reason, a link to the run in the console) and one change message; the next run,
/// where it recovers, sends a change message only.
/// </summary>
public sealed class HostNotificationTests : IAsyncLifetime
{
    private WebhookReceiver _hooks = null!;
    private Workspace _workspace = null!;
    private readonly CancellationTokenSource _stop = new();
    private Task<CliResult>? _host;

    public async Task InitializeAsync()
    {
        _hooks = await WebhookReceiver.StartAsync();
        _workspace = new Workspace().WithBuiltInSandbox($$"""
            scheduler: { warmWorkers: 0 }
            web: { listen: "http://127.0.0.1:0", publicUrl: "https://runner.contoso.com" }
            notify:
              channels:
                ops: { type: webhook, url: "{{_hooks.Url("/ops")}}" }
              rules:
                - { on: [failure, timeout], channels: [ops] }
            jobs:
              flaky:
                script: jobs/flaky.csx
                notify:
                  - { on: [change], channels: [ops] }
            """);
        _workspace.Write("jobs/flaky.csx", """
            if (File.Exists("fail-contoso") && Tenant.Domain == "contoso.onmicrosoft.com") throw new InvalidOperationException("the mailbox report is empty");
            return 1;
            """);
        _host = Task.Run(() => _workspace.RunAsync(_stop.Token, "host"));
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_host is not null)
        {
            await _host.WaitAsync(TimeSpan.FromSeconds(60));
        }

        await _hooks.DisposeAsync();
        _workspace.Dispose();
    }

    [Fact]
    public async Task A_tenant_that_starts_failing_sends_one_failure_and_one_change_and_its_recovery_one_change()
    {
        var first = await TriggerAsync();
        File.WriteAllText(_workspace.Path("fail-contoso"), "");
        var second = await TriggerAsync();

        var messages = await Eventually.GetAsync(() => Task.FromResult(_hooks.Received.Count >= 2 ? _hooks.Received.Select(r => r.Body).ToList() : null),
            TimeSpan.FromSeconds(30), "the failure and change messages");
        await Task.Delay(TimeSpan.FromSeconds(5));

        Assert.Equal("Succeeded", (string)first["status"]!);
        Assert.Equal("Failed", (string)second["status"]!);
        Assert.Equal(2, _hooks.Received.Count);
        var failure = messages.Single(m => (string)m["event"]! == "failure");
        Assert.Equal($"flaky failed: 1 of {(int)second["summary"]!["tenants"]!} tenants", (string)failure["title"]!);
        Assert.Equal((string)second["runId"]!, (string)failure["runId"]!);
        Assert.Equal("contoso.onmicrosoft.com", (string)failure["failed"]![0]!["tenant"]!);
        Assert.Contains("the mailbox report is empty", (string)failure["failed"]![0]!["reason"]!);
        Assert.Equal($"https://runner.contoso.com/runs/{(string)second["runId"]!}", (string)failure["link"]!);
        var change = messages.Single(m => (string)m["event"]! == "change");
        Assert.StartsWith("contoso.onmicrosoft.com now fails: ", (string)change["changes"]![0]!, StringComparison.Ordinal);

        File.Delete(_workspace.Path("fail-contoso"));
        var third = await TriggerAsync();
        await Eventually.TrueAsync(() => Task.FromResult(_hooks.Received.Count >= 3), TimeSpan.FromSeconds(30), "the recovery message");
        Assert.Equal("Succeeded", (string)third["status"]!);
        var recovery = _hooks.Received.Last().Body;
        Assert.Equal("change", (string)recovery["event"]!);
        Assert.Equal(["contoso.onmicrosoft.com recovered"], recovery["changes"]!.AsArray().Select(c => (string)c!));
    }

    private async Task<JsonNode> TriggerAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var result = await _workspace.RunAsync(limit.Token, "trigger", "flaky", "--wait", "--output", "json");
        return JsonNode.Parse(result.Output) ?? throw new InvalidOperationException(result.ToString());
    }
}
