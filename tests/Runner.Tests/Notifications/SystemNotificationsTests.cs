using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Runner.Configuration;
using Runner.Execution;
using Runner.History;
using Runner.Notifications;
using Runner.Tenants;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Notifications;

/// <summary>
/// The daily keep-alive's result raises the system events: the credential within 14 days of its limit (once a day),
/// and each GDAP relationship at 30, 7 and 1 days before it ends (once at each notice point).
/// </summary>
public sealed class SystemNotificationsTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new("runner-system-events");
    private SqliteRunHistory _history = null!;

    public Task InitializeAsync()
    {
        _history = SqliteRunHistory.Open(_folder.Combine("history.db"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _history.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Keep_alive_results_raise_expiry_daily_and_gdap_once_per_notice_point()
    {
        var config = ConfigLoader.Parse("""
            cloud: sandbox
            notify:
              channels:
                ops: { type: webhook, url: "https://hooks.example.com/ops" }
              rules:
                - { on: [expiry, gdap], channels: [ops] }
            """, _folder.Combine("runner.yaml"), new System.Collections.Hashtable());
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 3, 17, 0, TimeSpan.Zero));
        var ending = new JsonArray(
            Relationship("r-20", 20), Relationship("r-5", 5), Relationship("r-1", 1));

        // Two keep-alives on one day (a manual one too), then the next day's.
        foreach (var (run, days) in new[] { ("ka-1", 10), ("ka-2", 10) })
        {
            await KeepAliveAsync(run, time, days, ending);
            await SystemNotifications.FromKeepAliveAsync(_history, config, run, time, NullLogger.Instance, CancellationToken.None);
        }

        time.Advance(TimeSpan.FromDays(1));
        await KeepAliveAsync("ka-3", time, daysLeft: 9, ending);
        await SystemNotifications.FromKeepAliveAsync(_history, config, "ka-3", time, NullLogger.Instance, CancellationToken.None);

        var keys = (await _history.ListNotificationsAsync(CancellationToken.None)).Select(n => n.EventKey).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["credential-expiry:2026-12-05", "credential-expiry:2026-12-06", "gdap:r-1:1", "gdap:r-20:30", "gdap:r-5:7"], keys);
    }

    private static JsonObject Relationship(string id, int days) =>
        new() { ["id"] = id, ["name"] = $"Relationship {id}", ["customer"] = "Contoso", ["ends"] = "2026-12-25", ["daysLeft"] = days };

    private async Task KeepAliveAsync(string id, TimeProvider time, int daysLeft, JsonArray ending)
    {
        var now = time.GetUtcNow();
        await _history.StartRunAsync(new RunRecord(id, "keep-alive", "(built-in)", "cron", "node", null, now, null, RunStatus.Running, 1, 0, 0, 0, 0, 0, null, 1, null), CancellationToken.None);
        var result = new JsonObject { ["daysLeft"] = daysLeft, ["gdapEnding"] = ending.DeepClone() };
        var partner = new CustomerTenant { Id = Guid.NewGuid(), Domain = "partner.onmicrosoft.com", CompanyName = "Partner", IsPartner = true };
        _history.RecordTenant(id, new TenantOutcome(partner, TenantStatus.Succeeded, now, TimeSpan.FromSeconds(1), result, null, []));
        await _history.FinishRunAsync(id, RunStatus.Succeeded, now, null, CancellationToken.None);
    }
}
