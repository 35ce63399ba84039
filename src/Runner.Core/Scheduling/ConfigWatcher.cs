using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Runner.Scheduling;

/// <summary>
/// Hot reload. An edit to runner.yaml updates the schedules in the store (a bad edit is reported and ignored); an
/// edit to a job script is compiled at once, so the next fire finds it in the compile cache and errors are
/// reported when they are made rather than at 3 a.m. File events wake it; a poll every few seconds catches what
/// events miss (network file systems, editors that replace files).
/// </summary>
internal sealed class ConfigWatcher(
    ISchedulerFactory schedulers,
    HostConfiguration configuration,
    ScriptChecker scripts,
    ILogger<ConfigWatcher> log) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(250);
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var config = configuration.Current;
        using var watcher = Watch(config.BaseDirectory, config.FilePath, config.StateDirectory);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(Poll);
                await _changes.Reader.ReadAsync(wait.Token);
                await Task.Delay(Settle, stoppingToken);
                _changes.Reader.TryRead(out _);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The poll.
            }

            try
            {
                if (configuration.Reload() is { } next)
                {
                    log.LogInformation("Reloaded {Config}.", next.FilePath);
                    var scheduler = await schedulers.GetScheduler(stoppingToken);
                    await ScheduleSynchronizer.SyncAsync(scheduler, ScheduledJob.All(next), log, stoppingToken);
                }

                await scripts.CheckAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError("Applying an edit failed: {Problem}", e.Message);
            }
        }
    }

    private FileSystemWatcher? Watch(string directory, string configPath, string stateDirectory)
    {
        try
        {
            var watcher = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            void OnChange(string? path)
            {
                if (path is not null && (path == configPath || (path.EndsWith(".csx", StringComparison.OrdinalIgnoreCase) && !path.StartsWith(stateDirectory, StringComparison.Ordinal))))
                {
                    _changes.Writer.TryWrite(true);
                }
            }

            watcher.Changed += (_, e) => OnChange(e.FullPath);
            watcher.Created += (_, e) => OnChange(e.FullPath);
            watcher.Deleted += (_, e) => OnChange(e.FullPath);
            watcher.Renamed += (_, e) => OnChange(e.FullPath);
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
        {
            log.LogWarning("Cannot watch {Directory} for edits ({Problem}); checking every {Poll} instead.", directory, e.Message, Poll);
            return null;
        }
    }
}
