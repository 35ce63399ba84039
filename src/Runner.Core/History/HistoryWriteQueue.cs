using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Runner.Execution;

namespace Runner.History;

/// <summary>
/// Tenant outcomes waiting to be written: one background writer drains them in batches (one transaction each), so
/// thousands of tenants finishing at once cost a few commits. A flush waits until everything queued before it is
/// written, which is how a run's row is closed only after its tenants are in. A batch that cannot be written is tried
/// again (<see cref="RetryDelays"/>); if it still fails its outcomes are kept and written with the next batch, the
/// failure is logged, and every flush (and the dispose) until they are written fails with a
/// <see cref="HistoryException"/> saying how many outcomes are not in history — never silently lost.
/// </summary>
internal sealed class HistoryWriteQueue : IAsyncDisposable
{
    /// <summary>Waits between the tries of one batch: a locked or busy database usually frees within these.</summary>
    public static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)];

    private const int BatchSize = 500;
    private readonly Channel<object> _queue = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<TenantItem>, Task> _write;
    private ILogger? _log;
    private readonly TimeProvider _time;
    private readonly Task _writer;

    // Touched by the writer loop only (and by DisposeAsync after the loop ended).
    private List<TenantItem> _unwritten = [];
    private Exception? _failure;

    public HistoryWriteQueue(Func<IReadOnlyList<TenantItem>, Task> write, ILogger? log = null, TimeProvider? time = null)
    {
        _write = write;
        _log = log;
        _time = time ?? TimeProvider.System;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Where failed writes are logged, for a history that learns its logger after it was built.</summary>
    public ILogger? Logger
    {
        set => _log = value;
    }

    public void Enqueue(string runId, TenantOutcome outcome) => _queue.Writer.TryWrite(new TenantItem(runId, outcome));

    /// <summary>Waits until everything queued before it is written; throws <see cref="HistoryException"/> when some
    /// outcomes (of this batch or an earlier one) could not be written.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(flushed))
        {
            return;
        }

        await flushed.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Writes what is left; throws <see cref="HistoryException"/> when outcomes still cannot be written.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
        if (_unwritten.Count > 0)
        {
            await TryWriteAsync([]);
        }

        if (_failure is not null)
        {
            throw Unwritten();
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<object>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < BatchSize && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            var tenants = batch.OfType<TenantItem>().ToList();
            if (tenants.Count > 0 || _unwritten.Count > 0)
            {
                await TryWriteAsync(tenants);
            }

            foreach (var flush in batch.OfType<TaskCompletionSource>())
            {
                if (_failure is null)
                {
                    flush.TrySetResult();
                }
                else
                {
                    flush.TrySetException(Unwritten());
                }
            }
        }
    }

    private async Task TryWriteAsync(List<TenantItem> tenants)
    {
        var all = _unwritten.Count == 0 ? tenants : [.. _unwritten, .. tenants];
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await _write(all);
                _unwritten = [];
                _failure = null;
                return;
            }
            catch (Exception e) when (attempt < RetryDelays.Length)
            {
                _log?.LogDebug("Writing {Count} tenant outcomes to the run history failed ({Reason}); trying again", all.Count, e.Message);
                await Task.Delay(RetryDelays[attempt], _time);
            }
            catch (Exception e)
            {
                _unwritten = all;
                _failure = e;
                _log?.LogError("{Count} tenant outcomes could not be written to the run history after {Tries} tries ({Reason}); they are kept and written with the next batch",
                    all.Count, RetryDelays.Length + 1, e.Message);
                return;
            }
        }
    }

    private HistoryException Unwritten() => new(
        $"{_unwritten.Count} tenant outcome(s) of run {string.Join(", ", _unwritten.Select(t => t.RunId).Distinct())} could not be written to the run history ({_failure!.Message}).",
        _failure);

    internal sealed record TenantItem(string RunId, TenantOutcome Outcome);
}
