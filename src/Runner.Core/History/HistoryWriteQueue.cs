using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Runner.Execution;

namespace Runner.History;

/// <summary>
/// Tenant outcomes waiting to be written: one background writer drains them in batches (one transaction each), so
/// thousands of tenants finishing at once cost a few commits. A flush waits until everything queued before it is
/// written, which is how a run's row is closed only after its tenants are in. A batch that cannot be written is tried
/// again; if it still fails, it is logged and the next flush (or the dispose) throws it, so no tenant's outcome is lost
/// without the caller knowing.
/// </summary>
internal sealed class HistoryWriteQueue : IAsyncDisposable
{
    private const int BatchSize = 500;
    private readonly Channel<object> _queue = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<TenantItem>, Task> _write;
    private readonly Task _writer;
    private readonly IReadOnlyList<TimeSpan> _retryDelays;
    private readonly TimeProvider _time;
    private readonly List<Exception> _unreported = [];

    public HistoryWriteQueue(Func<IReadOnlyList<TenantItem>, Task> write, IReadOnlyList<TimeSpan>? retryDelays = null, TimeProvider? time = null)
    {
        _write = write;
        _retryDelays = retryDelays ?? [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1)];
        _time = time ?? TimeProvider.System;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Where a write that failed for good is logged (set once the history knows its logger).</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    public void Enqueue(string runId, TenantOutcome outcome) => _queue.Writer.TryWrite(new TenantItem(runId, outcome));

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(flushed))
        {
            return;
        }

        await flushed.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
        if (TakeUnreported() is { } failure)
        {
            throw failure;
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
            if (tenants.Count > 0 && await WriteWithRetriesAsync(tenants) is { } failed)
            {
                // The queue keeps going so one bad write does not stop history; the next flush or the dispose throws it.
                lock (_unreported)
                {
                    _unreported.Add(failed);
                }
            }

            var flushes = batch.OfType<TaskCompletionSource>().ToList();
            if (flushes.Count == 0)
            {
                continue;
            }

            var failure = TakeUnreported();
            foreach (var flush in flushes)
            {
                if (failure is null)
                {
                    flush.TrySetResult();
                }
                else
                {
                    flush.TrySetException(failure);
                }
            }
        }
    }

    private async Task<Exception?> WriteWithRetriesAsync(List<TenantItem> tenants)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await _write(tenants);
                return null;
            }
            catch (Exception e) when (attempt < _retryDelays.Count)
            {
                Logger.LogWarning("Writing {Count} tenant outcome(s) to the history failed ({Reason}); trying again.", tenants.Count, e.Message);
                await Task.Delay(_retryDelays[attempt], _time);
            }
            catch (Exception e)
            {
                var runs = string.Join(", ", tenants.Select(t => t.RunId).Distinct());
                var tenantNames = string.Join(", ", tenants.Take(5).Select(t => t.Outcome.Tenant.Domain)) + (tenants.Count > 5 ? ", ..." : "");
                var message = $"{tenants.Count} tenant outcome(s) of run {runs} ({tenantNames}) could not be written to the history after {attempt + 1} attempts: {e.Message}";
                Logger.LogError("{Message}", message);
                return new HistoryException(message, e);
            }
        }
    }

    private Exception? TakeUnreported()
    {
        lock (_unreported)
        {
            if (_unreported.Count == 0)
            {
                return null;
            }

            var failure = _unreported.Count == 1 ? _unreported[0] : new HistoryException(string.Join(Environment.NewLine, _unreported.Select(e => e.Message)), new AggregateException(_unreported));
            _unreported.Clear();
            return failure;
        }
    }

    internal sealed record TenantItem(string RunId, TenantOutcome Outcome);
}
