using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Runner.Execution;
using Runner.History;
using Runner.Tenants;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.History;

public sealed class HistoryWriteFailureTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
    private readonly TempFolder _folder = new("runner-history-failure");

    [Fact]
    public async Task A_run_whose_tenant_outcome_cannot_be_written_is_still_closed_as_failed_saying_how_many_are_missing()
    {
        var path = _folder.Combine("history.db");
        var history = SqliteRunHistory.Open(path);
        await history.StartRunAsync(new RunRecord("r1", "job", "/jobs/job.csx", TriggerKinds.Cron, "node-1", 42, T0, null, RunStatus.Running,
            1, 0, 0, 0, 0, 0, null, 1, null), CancellationToken.None);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            // The database itself refuses the tenant's log lines, as a full disk or a corrupt page would.
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TRIGGER refuse_logs BEFORE INSERT ON tenant_logs BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;";
            command.ExecuteNonQuery();
        }

        history.RecordTenant("r1", new TenantOutcome(new CustomerTenant { Id = Guid.NewGuid(), Domain = "contoso.example", CompanyName = "contoso" },
            TenantStatus.Succeeded, T0, TimeSpan.FromMilliseconds(12), null, null, [new LogLine(T0, LogLevel.Information, "hello")]));
        await history.FinishRunAsync("r1", RunStatus.Succeeded, T0.AddSeconds(5), null, CancellationToken.None);

        var run = (await history.GetRunAsync("r1", CancellationToken.None))!.Run;
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(T0.AddSeconds(5), run.FinishedAt);
        Assert.Contains("1 tenant outcome(s) of run r1", run.Error);
        Assert.Contains("could not be written to the run history", run.Error);

        // Still unwritten at the end: the dispose says so too.
        await Assert.ThrowsAsync<HistoryException>(async () => await history.DisposeAsync());
    }

    public void Dispose() => _folder.Dispose();
}
