using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;
using Runner.History;
using Runner.Runtime;
using Runner.Secrets;
using Runner.State;

namespace Runner.Scheduling;

/// <summary>
/// `runner host`: the .NET Generic Host running Quartz.NET on the configured store, with Runner's services around
/// it: start-up recovery and schedule sync, hot reload, history upkeep, and one worker process per fire. Runs
/// until <c>stop</c> is cancelled (SIGTERM, Ctrl+C), then stops firing, gives running workers the shutdown grace,
/// kills what is left (recorded Interrupted) and returns.
/// </summary>
internal static class SchedulerHost
{
    private static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(SchedulerHostOptions options, CancellationToken stop)
    {
        var config = options.Config;
        var state = new StateDirectory(config.StateDirectory);
        state.Ensure();
        using var hostLock = HostLock.Acquire(state);
        var log = options.LogProvider.CreateLogger("Runner.Scheduling");
        var configuration = HostConfiguration.Load(config, options.Environment, log);
        var secrets = new SecretResolver(SecretStores.Create(config, state, options.Environment, options.Time, null), options.Environment);
        var store = await SchedulerStore.ResolveAsync(config, state, secrets, stop);
        if (store.Clustered)
        {
            options.Redactor.Add(new Npgsql.NpgsqlConnectionStringBuilder(store.ConnectionString).Password);
        }

        await using var history = RunHistories.Open(config, state, secrets);

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(options.LogProvider);
        if (options.ExtraLogProvider is { } extra)
        {
            builder.Logging.AddProvider(extra);
        }

        builder.Logging.SetMinimumLevel(options.LogLevel);
        // Quartz's warnings (cluster recoveries, database trouble) matter; its report of every failed run, with a stack
        // trace, does not: the host logs each run's end in one line.
        builder.Logging.AddFilter("Quartz", options.LogLevel <= LogLevel.Debug ? LogLevel.Information : LogLevel.Warning);
        builder.Logging.AddFilter("Quartz.Core.JobRunShell", options.LogLevel <= LogLevel.Debug ? LogLevel.Information : LogLevel.Critical);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = config.Scheduler.ShutdownGrace + StopMargin);
        // The CLI owns SIGTERM and Ctrl+C (the first stops gracefully, a second exits at once); the host only follows `stop`.
        builder.Services.AddSingleton<IHostLifetime, CallerLifetime>();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(configuration);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(history);
        builder.Services.AddSingleton(options.Time);
        builder.Services.AddSingleton<HostShutdown>();
        builder.Services.AddSingleton<FireExecutor>();
        builder.Services.AddSingleton<ScriptChecker>();
        builder.Services.AddTransient<ScheduledRunJob>();
        builder.Services.AddQuartz(q =>
        {
            SchedulerStore.Configure(q, store, InstanceId(options.NodeName));
            q.AddTriggerListener<MisfireListener>();
        });
        builder.Services.AddHostedService<HostStartup>();
        // After start-up (scripts compiled) and, stopping in reverse order, after Quartz has let running fires end.
        builder.Services.AddSingleton<WorkerPool>();
        builder.Services.AddHostedService(services => services.GetRequiredService<WorkerPool>());
        builder.Services.AddSingleton<SharedWorkerPool>();
        builder.Services.AddHostedService(services => services.GetRequiredService<SharedWorkerPool>());
        builder.Services.AddQuartzHostedService(o =>
        {
            o.WaitForJobsToComplete = true;
            o.AwaitApplicationStarted = true;
        });
        builder.Services.AddHostedService<ConfigWatcher>();
        builder.Services.AddHostedService<HostMaintenance>();
        builder.Services.AddSingleton(secrets);
        builder.Services.AddHostedService<NotificationService>();

        using var host = builder.Build();
        try
        {
            await host.StartAsync(stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Asked to stop while still starting: a graceful stop all the same.
            await host.StopAsync(CancellationToken.None);
            log.LogInformation("Host {Node} stopped during start-up.", options.NodeName);
            return;
        }

        log.LogInformation("Host {Node} started ({Location}); stop it with Ctrl+C or SIGTERM.", options.NodeName, store.Location);
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
        }

        log.LogInformation("Host {Node} stopping: no new fires; running workers get {Grace} to finish.", options.NodeName, config.Scheduler.ShutdownGrace);
        await host.StopAsync(CancellationToken.None);
        log.LogInformation("Host {Node} stopped.", options.NodeName);
    }

    private sealed class CallerLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Unique in the cluster and readable in `runner jobs`: the node name, the process, and a few random hex digits.</summary>
    private static string InstanceId(string node) =>
        $"{node}-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(2)).ToLowerInvariant()}";
}
