using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Runner.State;

namespace Runner.History;

/// <summary>
/// Run history in one SQLite file (WAL mode) in the state folder, for a single node. Several processes (the host,
/// its workers, `runner run`) may write it at once: SQLite serializes them, and each waits up to 10 s for a lock.
/// </summary>
internal sealed class SqliteRunHistory : RelationalRunHistory
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS runs (
            id TEXT PRIMARY KEY, job TEXT NOT NULL, script TEXT NOT NULL, trigger TEXT NOT NULL, node TEXT NOT NULL,
            pid INTEGER, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL,
            total INTEGER NOT NULL DEFAULT 0, succeeded INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0,
            timed_out INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0, cancelled INTEGER NOT NULL DEFAULT 0,
            error TEXT, attempt INTEGER NOT NULL DEFAULT 1, params TEXT, scheduled_for TEXT, mode TEXT);
        CREATE INDEX IF NOT EXISTS runs_job_started ON runs(job, started_at);
        CREATE INDEX IF NOT EXISTS runs_status ON runs(status);
        CREATE INDEX IF NOT EXISTS runs_started ON runs(started_at);
        CREATE TABLE IF NOT EXISTS tenant_results (
            run_id TEXT NOT NULL, tenant_id TEXT NOT NULL, domain TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
            started_at TEXT NOT NULL, duration_ms INTEGER NOT NULL, result TEXT, error TEXT,
            PRIMARY KEY (run_id, tenant_id));
        CREATE TABLE IF NOT EXISTS tenant_logs (
            run_id TEXT NOT NULL, tenant_id TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL, level TEXT NOT NULL, message TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS tenant_logs_run ON tenant_logs(run_id);
        CREATE TABLE IF NOT EXISTS actions (at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, job TEXT NOT NULL, run_id TEXT, detail TEXT);
        CREATE INDEX IF NOT EXISTS actions_run ON actions(run_id);
        CREATE INDEX IF NOT EXISTS actions_job ON actions(job, at);
        CREATE TABLE IF NOT EXISTS notifications (
            event_key TEXT NOT NULL, channel TEXT NOT NULL, created_at TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0, next_at TEXT NOT NULL, claimed_by TEXT, claimed_until TEXT, sent_at TEXT, last_error TEXT,
            PRIMARY KEY (event_key, channel));
        CREATE INDEX IF NOT EXISTS notifications_due ON notifications(status, next_at);
        CREATE TABLE IF NOT EXISTS writes (
            run_id TEXT NOT NULL, tenant_id TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL, domain TEXT NOT NULL,
            api TEXT NOT NULL, method TEXT NOT NULL, url TEXT NOT NULL, status INTEGER, request_id TEXT, duration_ms INTEGER NOT NULL,
            body_hash TEXT, body TEXT, summary TEXT, simulated INTEGER NOT NULL,
            PRIMARY KEY (run_id, tenant_id, seq));
        CREATE INDEX IF NOT EXISTS writes_tenant_at ON writes(tenant_id, at);
        CREATE INDEX IF NOT EXISTS writes_at ON writes(at);
        """;

    private readonly string _path;
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _lock = new(1, 1);

    private SqliteRunHistory(string path, SqliteConnection connection)
        : base("")
    {
        _path = path;
        _connection = connection;
    }

    public static SqliteRunHistory Open(string path)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            StateDirectory.CreateOwnerOnly(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HistoryException($"The run history cannot be created in {Path.GetDirectoryName(path)} ({IoReason.Of(e)}). Make the state folder a folder writable by this user, or point 'state:' in runner.yaml elsewhere.", e);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000; PRAGMA synchronous=NORMAL;");
            Execute(connection, Schema);
            Migrate(connection);
            return new SqliteRunHistory(path, connection);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw Translate(e, path);
        }
    }

    protected override async Task<T> UseAsync<T>(bool transaction, Func<DbConnection, DbTransaction?, Task<T>> action, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (!transaction)
            {
                return await action(_connection, null);
            }

            await using var tx = await _connection.BeginTransactionAsync(cancellationToken);
            return await action(_connection, tx);
        }
        catch (SqliteException e)
        {
            throw Translate(e, _path);
        }
        finally
        {
            _lock.Release();
        }
    }

    protected override object ToDb(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

    protected override DateTimeOffset FromDb(DbDataReader reader, int ordinal) =>
        DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            await _connection.DisposeAsync();
            _lock.Dispose();
        }
    }

    /// <summary>Older history files lack the occurrence column (before the scheduler) and the write mode (before
    /// what-if); add them in place.</summary>
    private static void Migrate(SqliteConnection connection)
    {
        AddColumn(connection, "scheduled_for");
        AddColumn(connection, "mode");
        Execute(connection, "CREATE INDEX IF NOT EXISTS runs_occurrence ON runs(job, scheduled_for)");
    }

    private static void AddColumn(SqliteConnection connection, string column)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('runs') WHERE name = '{column}'";
        if (Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
        {
            Execute(connection, $"ALTER TABLE runs ADD COLUMN {column} TEXT");
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static HistoryException Translate(SqliteException e, string path) =>
        new(SqliteProblems.Describe(e, "The run history", path, "a new, empty history is created on the next run."), e);
}
