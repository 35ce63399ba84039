using System.Text.Json.Nodes;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Notifications;

/// <summary>`runner notify test CHANNEL` against a real webhook receiver and a real SMTP server: each format as its service expects it.</summary>
public sealed class NotifyCommandTests : IAsyncLifetime
{
    private const string SmtpPassword = "smtp-pa55-for-the-test";
    private readonly SmtpReceiver _smtp = new("runner", SmtpPassword);
    private WebhookReceiver _hooks = null!;
    private Workspace _workspace = null!;

    public async Task InitializeAsync()
    {
        _hooks = await WebhookReceiver.StartAsync();
        _workspace = new Workspace().WithBuiltInSandbox($$"""
            notify:
              channels:
                plain: { type: webhook, url: "{{_hooks.Url("/plain")}}" }
                teams: { type: webhook, format: teams, url: env:TEAMS_URL }
                slack: { type: webhook, format: slack, url: "{{_hooks.Url("/slack")}}" }
                mail: { type: email, host: 127.0.0.1, port: {{_smtp.Port}}, security: none, from: runner@contoso.com, to: [ops@contoso.com, oncall@contoso.com], username: runner, password: secret:smtp-password }
            """);
        _workspace.Environment["TEAMS_URL"] = _hooks.Url("/teams?sig=a-signature-in-the-url").ToString();
        _workspace.Input = SmtpPassword;
        var stored = await _workspace.RunAsync("secret", "set", "smtp-password");
        Assert.True(stored.ExitCode == 0, stored.ToString());
    }

    public async Task DisposeAsync()
    {
        await _hooks.DisposeAsync();
        _smtp.Dispose();
        _workspace.Dispose();
    }

    [Fact]
    public async Task Each_webhook_format_arrives_as_its_service_expects_it()
    {
        var results = new[] { await _workspace.RunAsync("notify", "test", "plain"), await _workspace.RunAsync("notify", "test", "teams"), await _workspace.RunAsync("notify", "test", "slack") };

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.Equal("Sent a test message to teams.", results[1].Error.Trim());
        var byPath = _hooks.Received.ToDictionary(r => r.Path, r => r.Body);
        Assert.Equal("test", (string)byPath["/plain"]["event"]!);
        Assert.Equal("Test message from Runner to plain", (string)byPath["/plain"]["title"]!);
        var card = byPath["/teams"]["attachments"]![0]!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string)card["contentType"]!);
        Assert.Equal("AdaptiveCard", (string)card["content"]!["type"]!);
        Assert.Equal("Test message from Runner to teams", (string)card["content"]!["body"]![0]!["text"]!);
        Assert.StartsWith("*Test message from Runner to slack*\n", (string)byPath["/slack"]["text"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task E_mail_goes_through_a_real_smtp_server_with_the_password_from_the_secret_store()
    {
        var result = await _workspace.RunAsync("notify", "test", "mail");

        Assert.True(result.ExitCode == 0, result.ToString());
        var message = Assert.Single(_smtp.Messages);
        Assert.Equal("[Runner] Test message from Runner to mail", message.Subject);
        Assert.Equal(["ops@contoso.com", "oncall@contoso.com"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Contains("If you can read this, the channel works.", message.TextBody);
        Assert.Equal([("runner", true)], _smtp.Logins);
        Assert.DoesNotContain(SmtpPassword, result.Output + result.Error);
    }

    [Fact]
    public async Task A_channel_that_refuses_fails_with_its_answer_and_never_shows_the_url_secret()
    {
        _hooks.Status = 500;
        var result = await _workspace.RunAsync("notify", "test", "teams");
        _hooks.Status = 200;

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: the test message to teams was not sent: the webhook answered 500", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("a-signature-in-the-url", result.Error);
    }

    [Fact]
    public async Task An_unknown_channel_names_the_nearest()
    {
        var result = await _workspace.RunAsync("notify", "test", "team");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'team' is not a channel under notify.channels", result.Error);
        Assert.Contains("Did you mean 'teams'?", result.Error);
    }
}
