using Runner.Execution;
using Runner.History;
using Runner.Tenants;

namespace Runner.Tests.History;

/// <summary>The background writer never drops a tenant's outcome: failed batches are retried, kept, and reported.</summary>
public sealed class HistoryWriteQueueTests
{
    [Fact]
    public async Task A_batch_that_fails_twice_is_retried_and_written()
    {
        var written = new List<string>();
        var failures = 2;
        await using var queue = new HistoryWriteQueue(items =>
        {
            if (failures-- > 0)
            {
                throw new InvalidOperationException("database is locked");
            }

            written.AddRange(items.Select(i => i.Outcome.Tenant.Domain));
            return Task.CompletedTask;
        });

        queue.Enqueue("run-1", Outcome("a"));
        queue.Enqueue("run-1", Outcome("b"));
        await queue.FlushAsync(CancellationToken.None);

        Assert.Equal(["a", "b"], written);
    }

    [Fact]
    public async Task Outcomes_of_a_batch_that_keeps_failing_without_a_flush_are_kept_reported_at_the_next_flush_and_written_when_the_store_recovers()
    {
        var written = new List<string>();
        var broken = true;
        var queue = new HistoryWriteQueue(items =>
        {
            if (broken)
            {
                throw new InvalidOperationException("disk I/O error");
            }

            written.AddRange(items.Select(i => i.Outcome.Tenant.Domain));
            return Task.CompletedTask;
        });

        queue.Enqueue("run-1", Outcome("a"));
        // No flush in this batch: the writer tries, fails, and must keep "a" instead of forgetting it.
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        queue.Enqueue("run-1", Outcome("b"));
        var reported = await Assert.ThrowsAsync<HistoryException>(() => queue.FlushAsync(CancellationToken.None));

        broken = false;
        queue.Enqueue("run-2", Outcome("c"));
        await queue.FlushAsync(CancellationToken.None);
        await queue.DisposeAsync();

        Assert.Contains("2 tenant outcome(s) of run run-1 could not be written", reported.Message);
        Assert.Contains("disk I/O error", reported.Message);
        Assert.Equal(["a", "b", "c"], written);
    }

    [Fact]
    public async Task Dispose_reports_outcomes_that_could_never_be_written()
    {
        var queue = new HistoryWriteQueue(_ => throw new InvalidOperationException("read-only file system"));
        queue.Enqueue("run-1", Outcome("a"));

        var error = await Assert.ThrowsAsync<HistoryException>(async () => await queue.DisposeAsync());

        Assert.Contains("1 tenant outcome(s) of run run-1", error.Message);
    }

    private static TenantOutcome Outcome(string domain) => new(
        new CustomerTenant { Id = Guid.NewGuid(), Domain = domain, CompanyName = domain },
        TenantStatus.Succeeded, DateTimeOffset.UtcNow, TimeSpan.Zero, null, null, []);
}
