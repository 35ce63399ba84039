using Runner.Execution;
using Runner.History;
using Runner.Tenants;

namespace Runner.Tests.History;

/// <summary>
/// The queue's writer is the seam here: a database that refuses a batch is simulated by a write that throws, because
/// what matters is what the queue does with the refusal (a real database cannot be made to fail between two batches
/// on cue).
/// </summary>
public sealed class HistoryWriteQueueTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_batch_that_fails_for_good_without_a_flush_in_it_is_thrown_at_the_next_flush()
    {
        var firstAttempt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var queue = new HistoryWriteQueue(_ =>
        {
            firstAttempt.TrySetResult();
            throw new InvalidOperationException("database is locked");
        }, [TimeSpan.FromMilliseconds(1)]);

        queue.Enqueue("run-1", Outcome("contoso"));
        await firstAttempt.Task.WaitAsync(Deadline); // the tenant's batch is being written before the flush is queued

        var failure = await Assert.ThrowsAsync<HistoryException>(() => queue.FlushAsync(CancellationToken.None).WaitAsync(Deadline));
        Assert.Contains("run-1", failure.Message);
        Assert.Contains("contoso.example", failure.Message);
        Assert.Contains("database is locked", failure.Message);

        // Reported once: the next flush, with nothing failed since, succeeds (and so does the dispose).
        await queue.FlushAsync(CancellationToken.None).WaitAsync(Deadline);
    }

    [Fact]
    public async Task A_batch_that_fails_once_is_tried_again_and_written()
    {
        var written = new List<string>();
        var attempts = 0;
        await using var queue = new HistoryWriteQueue(items =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                throw new InvalidOperationException("connection reset");
            }

            lock (written)
            {
                written.AddRange(items.Select(i => i.Outcome.Tenant.Domain));
            }

            return Task.CompletedTask;
        }, [TimeSpan.FromMilliseconds(1)]);

        queue.Enqueue("run-1", Outcome("contoso"));
        await queue.FlushAsync(CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(["contoso.example"], written);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task A_failure_no_flush_reported_is_thrown_by_dispose()
    {
        var firstAttempt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = new HistoryWriteQueue(_ =>
        {
            firstAttempt.TrySetResult();
            throw new InvalidOperationException("disk full");
        }, [TimeSpan.FromMilliseconds(1)]);

        queue.Enqueue("run-2", Outcome("fabrikam"));
        await firstAttempt.Task.WaitAsync(Deadline);

        var failure = await Assert.ThrowsAsync<HistoryException>(async () => await queue.DisposeAsync().AsTask().WaitAsync(Deadline));
        Assert.Contains("run-2", failure.Message);
        Assert.Contains("disk full", failure.Message);
    }

    private static TenantOutcome Outcome(string name) =>
        new(new CustomerTenant { Id = Guid.NewGuid(), Domain = $"{name}.example", CompanyName = name }, TenantStatus.Failed,
            DateTimeOffset.UnixEpoch, TimeSpan.FromMilliseconds(5), null, "boom", []);
}
