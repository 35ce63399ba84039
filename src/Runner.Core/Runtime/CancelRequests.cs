using Microsoft.Extensions.Logging;
using Runner.History;

namespace Runner.Runtime;

/// <summary>
/// Watches history for a request to cancel this run (from the console or its API, on any node): the process running
/// the run looks every <see cref="Interval"/> and, when asked, cancels the run as a first Ctrl+C would — tenants not
/// started are Cancelled, running ones are asked to stop and keep what they finish.
/// </summary>
internal sealed class CancelRequests : IAsyncDisposable
{
    /// <summary>How often a running run looks for a cancel request: the delay an operator waits at most.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    public const string Action = "cancel requested";

    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _cancel;
    private readonly Task _watch;

    public CancelRequests(IRunHistory history, string runId, TimeProvider time, ILogger log, CancellationToken outer)
    {
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _watch = WatchAsync(history, runId, time, log);
    }

    /// <summary>Cancelled by the caller's token or by a cancel request.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Who asked, when the run was cancelled from the console.</summary>
    public string? RequestedBy { get; private set; }

    private async Task WatchAsync(IRunHistory history, string runId, TimeProvider time, ILogger log)
    {
        try
        {
            while (!_stop.IsCancellationRequested && !_cancel.IsCancellationRequested)
            {
                await Task.Delay(Interval, time, _stop.Token);
                try
                {
                    if ((await history.ListActionsAsync(runId, null, 5, _stop.Token)).FirstOrDefault(a => a.Action == Action) is { } request)
                    {
                        RequestedBy = request.Actor;
                        log.LogWarning("Run {RunId} cancelled by {Actor} from the console.", runId, request.Actor);
                        await _cancel.CancelAsync();
                    }
                }
                catch (Exception e) when (e is HistoryException or InvalidOperationException)
                {
                    // History unreachable for a moment: the run goes on; the next look may succeed.
                    log.LogDebug("Could not look for cancel requests: {Error}", e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watch;
        _stop.Dispose();
        _cancel.Dispose();
    }
}
