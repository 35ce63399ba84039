using System.Threading.Channels;
using Runner.Execution;

namespace Runner.History;

/// <summary>
/// Tenant outcomes waiting to be written: one background writer drains them in batches (one transaction each), so
/// thousands of tenants finishing at once cost a few commits. A flush waits until everything queued before it is
/// written, which is how a run's row is closed only after its tenants are in.
/// </summary>
internal sealed class HistoryWriteQueue : IAsyncDisposable
{
    private const int BatchSize = 500;
    private readonly Channel<object> _queue = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<TenantItem>, Task> _write;
    private readonly Task _writer;

    public HistoryWriteQueue(Func<IReadOnlyList<TenantItem>, Task> write)
    {
        _write = write;
        _writer = Task.Run(WriteLoopAsync);
    }

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

            Exception? failure = null;
            var tenants = batch.OfType<TenantItem>().ToList();
            if (tenants.Count > 0)
            {
                try
                {
                    await _write(tenants);
                }
                catch (Exception e)
                {
                    // The caller learns of it at the next flush; the queue keeps going so one bad write does not stop history.
                    failure = e;
                }
            }

            foreach (var flush in batch.OfType<TaskCompletionSource>())
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

    internal sealed record TenantItem(string RunId, TenantOutcome Outcome);
}
