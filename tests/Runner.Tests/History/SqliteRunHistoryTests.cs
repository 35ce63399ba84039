using Microsoft.Data.Sqlite;
using Runner.History;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.History;

public sealed class SqliteRunHistoryTests : RunHistoryContract, IDisposable
{
    private readonly TempFolder _folder = new("runner-history");

    internal override Task<IRunHistory> OpenAsync() => Task.FromResult<IRunHistory>(SqliteRunHistory.Open(_folder.Combine($"{Guid.NewGuid():N}.db")));

    [Fact]
    public async Task A_history_file_from_before_the_scheduler_gains_the_occurrence_column_and_keeps_its_runs()
    {
        var path = _folder.Combine("old.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE runs (id TEXT PRIMARY KEY, job TEXT NOT NULL, script TEXT NOT NULL, trigger TEXT NOT NULL, node TEXT NOT NULL,
                  pid INTEGER, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL, total INTEGER NOT NULL DEFAULT 0,
                  succeeded INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0, timed_out INTEGER NOT NULL DEFAULT 0,
                  skipped INTEGER NOT NULL DEFAULT 0, cancelled INTEGER NOT NULL DEFAULT 0, error TEXT, attempt INTEGER NOT NULL DEFAULT 1, params TEXT);
                INSERT INTO runs (id, job, script, trigger, node, started_at, status) VALUES ('old-run', 'hello', 'hello.csx', 'run', 'vm', '2026-01-01T00:00:00.0000000Z', 'Succeeded');
                """;
            command.ExecuteNonQuery();
        }

        await using var history = SqliteRunHistory.Open(path);

        var run = (await history.GetRunAsync("old-run", CancellationToken.None))!.Run;
        Assert.Equal("hello", run.Job);
        Assert.Null(run.ScheduledFor);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}
