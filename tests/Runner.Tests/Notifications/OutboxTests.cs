using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Runner.Configuration;
using Runner.History;
using Runner.Notifications;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Notifications;

/// <summary>
/// The outbox as two hosts share it — two SQLite connections to one file, and two PostgreSQL nodes — with a real
/// webhook receiver: each event goes out once per channel however many senders race for it, an event raised twice
/// is stored once, and a sender that dies between claiming and sending leaves the message to another.
/// </summary>
public sealed class OutboxTests(PostgresServer postgres) : IClassFixture<PostgresServer>, IAsyncLifetime
{
    private readonly TempFolder _folder = new("runner-outbox");
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _folder.Dispose();
    }

    private RunnerConfig Config() => ConfigLoader.Parse($$"""
        cloud: sandbox
        notify:
          channels:
            hook: { type: webhook, url: "{{_receiver.Url("/hook")}}", maxPerMinute: 100 }
        """, _folder.Combine("runner.yaml"), new System.Collections.Hashtable());

    public static TheoryData<string> Stores => ["sqlite", "postgres"];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Two_hosts_racing_send_each_event_once_and_a_repeated_event_is_stored_once(string kind)
    {
        var (a, b) = await OpenTwiceAsync(kind);
        await using var first = a;
        await using var second = b;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        for (var i = 0; i < 8; i++)
        {
            Assert.True(await first.EnqueueNotificationAsync($"run:r{i}:failure", "hook", Payload($"run:r{i}:failure"), time.GetUtcNow(), CancellationToken.None));
            // The same event raised again (another node, a retried write): not stored twice.
            Assert.False(await second.EnqueueNotificationAsync($"run:r{i}:failure", "hook", Payload($"run:r{i}:failure"), time.GetUtcNow(), CancellationToken.None));
        }

        var config = Config();
        using var http = new HttpClient();
        var delivery = new NotificationDelivery(http, (r, _, _) => ValueTask.FromResult(r));
        var senders = new[] { new NotificationSender(first, () => config, delivery, "node-a", time, NullLogger.Instance), new NotificationSender(second, () => config, delivery, "node-b", time, NullLogger.Instance) };

        var sent = await Task.WhenAll(senders.Select(s => Task.Run(() => s.SendDueAsync(CancellationToken.None))));
        sent = [.. sent, .. await Task.WhenAll(senders.Select(s => Task.Run(() => s.SendDueAsync(CancellationToken.None))))];

        Assert.Equal(8, sent.Sum());
        Assert.Equal(8, _receiver.Received.Count);
        Assert.Equal(8, _receiver.Received.Select(r => (string)r.Body["title"]!).Distinct().Count());
        Assert.All(await first.ListNotificationsAsync(CancellationToken.None), n => Assert.Equal(("sent", 1), (n.Status, n.Attempts)));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_host_that_dies_between_claiming_and_sending_leaves_the_message_to_another_after_the_lease(string kind)
    {
        var (a, b) = await OpenTwiceAsync(kind);
        await using var dying = a;
        await using var surviving = b;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await dying.EnqueueNotificationAsync("run:lost:failure", "hook", Payload("run:lost:failure"), time.GetUtcNow(), CancellationToken.None);
        Assert.Single(await dying.ClaimNotificationsAsync("node-a", time.GetUtcNow(), NotificationSender.Lease, 20, CancellationToken.None));
        var config = Config();
        using var http = new HttpClient();
        var sender = new NotificationSender(surviving, () => config, new NotificationDelivery(http, (r, _, _) => ValueTask.FromResult(r)), "node-b", time, NullLogger.Instance);

        var whileLeased = await sender.SendDueAsync(CancellationToken.None);
        time.Advance(NotificationSender.Lease + TimeSpan.FromSeconds(1));
        var afterLease = await sender.SendDueAsync(CancellationToken.None);

        Assert.Equal(0, whileLeased);
        Assert.Equal(1, afterLease);
        Assert.Single(_receiver.Received);
    }

    [Fact]
    public async Task A_failing_receiver_is_retried_with_growing_delays_and_the_message_arrives_once_it_recovers()
    {
        var (a, b) = await OpenTwiceAsync("sqlite");
        await using var history = a;
        await b.DisposeAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await history.EnqueueNotificationAsync("run:flaky:failure", "hook", Payload("run:flaky:failure"), time.GetUtcNow(), CancellationToken.None);
        var config = Config();
        using var http = new HttpClient();
        var sender = new NotificationSender(history, () => config, new NotificationDelivery(http, (r, _, _) => ValueTask.FromResult(r)), "node-a", time, NullLogger.Instance);
        _receiver.Status = 503;

        Assert.Equal(0, await sender.SendDueAsync(CancellationToken.None));
        Assert.Equal(0, await sender.SendDueAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(0, await sender.SendDueAsync(CancellationToken.None));
        var row = Assert.Single(await history.ListNotificationsAsync(CancellationToken.None));
        Assert.Equal(("pending", 2), (row.Status, row.Attempts));
        Assert.Contains("503", row.Error);
        _receiver.Status = 200;
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, await sender.SendDueAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await sender.SendDueAsync(CancellationToken.None));
        Assert.Single(_receiver.Received);
    }

    [Fact]
    public async Task A_channel_over_its_rate_limit_holds_the_rest_for_the_next_minute()
    {
        var (a, b) = await OpenTwiceAsync("sqlite");
        await using var history = a;
        await b.DisposeAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        for (var i = 0; i < 5; i++)
        {
            await history.EnqueueNotificationAsync($"run:storm{i}:failure", "hook", Payload($"run:storm{i}:failure"), time.GetUtcNow(), CancellationToken.None);
        }

        var config = ConfigLoader.Parse($$"""
            cloud: sandbox
            notify:
              channels:
                hook: { type: webhook, url: "{{_receiver.Url("/hook")}}", maxPerMinute: 2 }
            """, _folder.Combine("runner.yaml"), new System.Collections.Hashtable());
        using var http = new HttpClient();
        var sender = new NotificationSender(history, () => config, new NotificationDelivery(http, (r, _, _) => ValueTask.FromResult(r)), "node-a", time, NullLogger.Instance);

        Assert.Equal(2, await sender.SendDueAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(0, await sender.SendDueAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(2, await sender.SendDueAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(1, await sender.SendDueAsync(CancellationToken.None));
        Assert.Equal(5, _receiver.Received.Count);
    }

    private async Task<(RelationalRunHistory, RelationalRunHistory)> OpenTwiceAsync(string kind)
    {
        if (kind == "sqlite")
        {
            var path = _folder.Combine($"history-{Guid.NewGuid():N}.db");
            return (SqliteRunHistory.Open(path), SqliteRunHistory.Open(path));
        }

        var database = await postgres.CreateDatabaseAsync();
        return (new PostgresRunHistory(_ => ValueTask.FromResult(database)), new PostgresRunHistory(_ => ValueTask.FromResult(database)));
    }

    private static string Payload(string key) => System.Text.Json.JsonSerializer.Serialize(new NotificationMessage(key, "failure", $"title of {key}", "job", "run", "Failed",
        new Dictionary<string, int> { ["Failed"] = 1 }, [new FailedTenant("contoso.com", "Failed", "boom")], 0, [], null, DateTimeOffset.UtcNow));
}
