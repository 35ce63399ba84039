using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Runner.History;
using Runner.Notifications;
using Runner.Secrets;

namespace Runner.Scheduling;

/// <summary>The host's notification sender: delivers the outbox while the host runs (every node of a cluster does, safely).</summary>
internal sealed class NotificationService(HostConfiguration configuration, IRunHistory history, SchedulerHostOptions options, SecretResolver secrets, ILogger<NotificationService> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(30) };
        var delivery = new NotificationDelivery(http, secrets.ResolveAsync);
        var sender = new NotificationSender(history, () => configuration.Current, delivery, options.NodeName, options.Time, log);
        await sender.RunAsync(stoppingToken);
    }
}
