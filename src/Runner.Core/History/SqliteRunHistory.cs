using System.Globalization;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Runner.Execution;

namespace Runner.History;

/// <summary>
/// Run history in one SQLite file (WAL mode) in the state folder. Tenant outcomes are queued and written by one
/// background writer in batched transactions, so thousands of tenants finishing at once cost a few commits.
/// </summary>
internal sealed class SqliteRunHistory : IRunHistory
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS runs (
            id TEXT PRIMARY KEY, job TEXT NOT NULL, script TEXT NOT NULL, trigger TEXT NOT NULL, node TEXT NOT NULL,
            pid INTEGER, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL,
            total INTEGER NOT NULL DEFAULT 0, succeeded INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0,
            timed_out INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0, cancelled INTEGER NOT NULL DEFAULT 0,
            error TEXT, attempt INTEGER NOT NULL DEFAULT 1, params TEXT);
        CREATE INDEX IF NOT EXISTS runs_job_started ON runs(job, started_at);
        CREATE INDEX IF NOT EXISTS runs_status ON runs(status);
        CREATE TABLE IF NOT EXISTS tenant_results (
            run_id TEXT NOT NULL, tenant_id TEXT NOT NULL, domain TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
            started_at TEXT NOT NULL, duration_ms INTEGER NOT NULL, result TEXT, error TEXT,
            PRIMARY KEY (run_id, tenant_id));
        CREATE TABLE IF NOT EXISTS tenant_logs (
            run_id TEXT NOT NULL, tenant_id TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL, level TEXT NOT NULL, message TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS tenant_logs_run ON tenant_logs(run_id);
        """;

    private readonly string _path;
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Channel<object> _queue = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    private SqliteRunHistory(string path, SqliteConnection connection)
    {
        _path = path;
        _connection = connection;
        _writer = Task.Run(WriteLoopAsync);
    }

    public static SqliteRunHistory Open(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000; PRAGMA synchronous=NORMAL;");
            Execute(connection, Schema);
            return new SqliteRunHistory(path, connection);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw Translate(e, path);
        }
    }

    public async Task StartRunAsync(RunRecord run, CancellationToken cancellationToken)
    {
        await WithLockAsync(() => Execute(_connection,
            """
            INSERT INTO runs (id, job, script, trigger, node, pid, started_at, status, total, skipped, attempt, params)
            VALUES ($id, $job, $script, $trigger, $node, $pid, $started, $status, $total, $skipped, $attempt, $params)
            """,
            ("$id", run.Id), ("$job", run.Job), ("$script", run.Script), ("$trigger", run.Trigger), ("$node", run.Node),
            ("$pid", run.ProcessId), ("$started", Time(run.StartedAt)), ("$status", run.Status.ToString()),
            ("$total", run.Total), ("$skipped", run.Skipped), ("$attempt", run.Attempt), ("$params", run.Parameters)), cancellationToken);
    }

    public void RecordTenant(string runId, TenantOutcome outcome) => _queue.Writer.TryWrite(new TenantItem(runId, outcome));

    public async Task FinishRunAsync(string runId, RunStatus status, DateTimeOffset finishedAt, string? error, CancellationToken cancellationToken)
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Writer.TryWrite(flushed);
        await flushed.Task.WaitAsync(cancellationToken);
        await WithLockAsync(() => Execute(_connection,
            """
            UPDATE runs SET finished_at = $finished, status = $status, error = $error,
              succeeded = (SELECT COUNT(*) FROM tenant_results WHERE run_id = $id AND status = 'Succeeded'),
              failed = (SELECT COUNT(*) FROM tenant_results WHERE run_id = $id AND status = 'Failed'),
              timed_out = (SELECT COUNT(*) FROM tenant_results WHERE run_id = $id AND status = 'TimedOut'),
              skipped = (SELECT COUNT(*) FROM tenant_results WHERE run_id = $id AND status = 'Skipped'),
              cancelled = (SELECT COUNT(*) FROM tenant_results WHERE run_id = $id AND status = 'Cancelled'),
              total = MAX(total, (SELECT COUNT(*) FROM tenant_results WHERE run_id = $id))
            WHERE id = $id
            """,
            ("$id", runId), ("$finished", Time(finishedAt)), ("$status", status.ToString()), ("$error", error)), cancellationToken);
    }

    public async Task<IReadOnlyList<RunRecord>> ListRunsAsync(string? job, int last, CancellationToken cancellationToken)
    {
        var runs = new List<RunRecord>();
        await WithLockAsync(() =>
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"SELECT * FROM runs {(job is null ? "" : "WHERE job = $job")} ORDER BY started_at DESC LIMIT $last";
            command.Parameters.AddWithValue("$job", (object?)job ?? DBNull.Value);
            command.Parameters.AddWithValue("$last", last);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                runs.Add(ReadRun(reader));
            }
        }, cancellationToken);
        return runs;
    }

    public async Task<RunDetails?> GetRunAsync(string idOrPrefix, CancellationToken cancellationToken)
    {
        RunDetails? details = null;
        await WithLockAsync(() =>
        {
            var matches = new List<RunRecord>();
            using (var command = _connection.CreateCommand())
            {
                command.CommandText = "SELECT * FROM runs WHERE id LIKE $prefix ESCAPE '\\' ORDER BY started_at DESC LIMIT 2";
                command.Parameters.AddWithValue("$prefix", idOrPrefix.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%");
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    matches.Add(ReadRun(reader));
                }
            }

            if (matches.Count != 1 && !(matches.Count > 1 && matches[0].Id == idOrPrefix))
            {
                if (matches.Count > 1)
                {
                    throw new HistoryException($"'{idOrPrefix}' matches more than one run; give more of the id.");
                }

                return;
            }

            var run = matches[0];
            var tenants = new List<TenantRecord>();
            using (var command = _connection.CreateCommand())
            {
                command.CommandText = "SELECT tenant_id, domain, name, status, started_at, duration_ms, result, error FROM tenant_results WHERE run_id = $id ORDER BY name, domain";
                command.Parameters.AddWithValue("$id", run.Id);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    tenants.Add(new TenantRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), Enum.Parse<TenantStatus>(reader.GetString(3)),
                        ParseTime(reader.GetString(4)), TimeSpan.FromMilliseconds(reader.GetInt64(5)), reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
                }
            }

            var logs = new List<TenantLogRecord>();
            using (var command = _connection.CreateCommand())
            {
                command.CommandText = "SELECT tenant_id, at, level, message FROM tenant_logs WHERE run_id = $id ORDER BY tenant_id, seq";
                command.Parameters.AddWithValue("$id", run.Id);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    logs.Add(new TenantLogRecord(reader.GetString(0), ParseTime(reader.GetString(1)), reader.GetString(2), reader.GetString(3)));
                }
            }

            details = new RunDetails(run, tenants, logs);
        }, cancellationToken);
        return details;
    }

    public async Task<IReadOnlyList<RunRecord>> MarkInterruptedAsync(string node, Func<int, bool> isProcessAlive, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stale = new List<RunRecord>();
        await WithLockAsync(() =>
        {
            using (var command = _connection.CreateCommand())
            {
                command.CommandText = "SELECT * FROM runs WHERE status = 'Running' AND node = $node";
                command.Parameters.AddWithValue("$node", node);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    var run = ReadRun(reader);
                    if (run.ProcessId is not { } pid || !isProcessAlive(pid))
                    {
                        stale.Add(run);
                    }
                }
            }

            foreach (var run in stale)
            {
                Execute(_connection,
                    "UPDATE runs SET status = 'Interrupted', finished_at = $now, error = COALESCE(error, 'The process ended before the run finished (crash, kill or power loss).') WHERE id = $id",
                    ("$id", run.Id), ("$now", Time(now)));
            }
        }, cancellationToken);
        return stale;
    }

    public async Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var count = 0;
        await WithLockAsync(() =>
        {
            using var transaction = _connection.BeginTransaction();
            var cutoff = Time(olderThan);
            Execute(_connection, "DELETE FROM tenant_logs WHERE run_id IN (SELECT id FROM runs WHERE started_at < $cutoff AND status <> 'Running')", ("$cutoff", cutoff));
            Execute(_connection, "DELETE FROM tenant_results WHERE run_id IN (SELECT id FROM runs WHERE started_at < $cutoff AND status <> 'Running')", ("$cutoff", cutoff));
            count = Execute(_connection, "DELETE FROM runs WHERE started_at < $cutoff AND status <> 'Running'", ("$cutoff", cutoff));
            transaction.Commit();
        }, cancellationToken);
        return count;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _writer;
        }
        finally
        {
            await _connection.DisposeAsync();
            _lock.Dispose();
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<object>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < 500 && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                await WithLockAsync(() =>
                {
                    using var transaction = _connection.BeginTransaction();
                    foreach (var item in batch.OfType<TenantItem>())
                    {
                        Insert(item);
                    }

                    transaction.Commit();
                }, CancellationToken.None);
            }
            catch (SqliteException e)
            {
                // The caller learns of it at FinishRunAsync; the queue keeps going so one bad write does not stop history.
                foreach (var flush in batch.OfType<TaskCompletionSource>())
                {
                    flush.TrySetException(Translate(e, _path));
                }
            }

            foreach (var flush in batch.OfType<TaskCompletionSource>())
            {
                flush.TrySetResult();
            }
        }
    }

    private void Insert(TenantItem item)
    {
        var o = item.Outcome;
        var tenantId = o.Tenant.Id.ToString();
        Execute(_connection,
            """
            INSERT OR REPLACE INTO tenant_results (run_id, tenant_id, domain, name, status, started_at, duration_ms, result, error)
            VALUES ($run, $tenant, $domain, $name, $status, $started, $duration, $result, $error)
            """,
            ("$run", item.RunId), ("$tenant", tenantId), ("$domain", o.Tenant.Domain), ("$name", o.Tenant.CompanyName), ("$status", o.Status.ToString()),
            ("$started", Time(o.StartedAt)), ("$duration", (long)o.Duration.TotalMilliseconds), ("$result", o.Result?.ToJsonString()), ("$error", o.Error));
        var seq = 0;
        foreach (var line in o.Logs)
        {
            Execute(_connection, "INSERT INTO tenant_logs (run_id, tenant_id, seq, at, level, message) VALUES ($run, $tenant, $seq, $at, $level, $message)",
                ("$run", item.RunId), ("$tenant", tenantId), ("$seq", seq++), ("$at", Time(line.Time)), ("$level", line.Level.ToString()), ("$message", line.Message));
        }
    }

    private async Task WithLockAsync(Action action, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            action();
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

    private static int Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command.ExecuteNonQuery();
    }

    private static RunRecord ReadRun(SqliteDataReader r) => new(
        r.GetString(r.GetOrdinal("id")),
        r.GetString(r.GetOrdinal("job")),
        r.GetString(r.GetOrdinal("script")),
        r.GetString(r.GetOrdinal("trigger")),
        r.GetString(r.GetOrdinal("node")),
        r.IsDBNull(r.GetOrdinal("pid")) ? null : r.GetInt32(r.GetOrdinal("pid")),
        ParseTime(r.GetString(r.GetOrdinal("started_at"))),
        r.IsDBNull(r.GetOrdinal("finished_at")) ? null : ParseTime(r.GetString(r.GetOrdinal("finished_at"))),
        Enum.Parse<RunStatus>(r.GetString(r.GetOrdinal("status"))),
        r.GetInt32(r.GetOrdinal("total")),
        r.GetInt32(r.GetOrdinal("succeeded")),
        r.GetInt32(r.GetOrdinal("failed")),
        r.GetInt32(r.GetOrdinal("timed_out")),
        r.GetInt32(r.GetOrdinal("skipped")),
        r.GetInt32(r.GetOrdinal("cancelled")),
        r.IsDBNull(r.GetOrdinal("error")) ? null : r.GetString(r.GetOrdinal("error")),
        r.GetInt32(r.GetOrdinal("attempt")),
        r.IsDBNull(r.GetOrdinal("params")) ? null : r.GetString(r.GetOrdinal("params")));

    private static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static HistoryException Translate(SqliteException e, string path) => e.SqliteErrorCode switch
    {
        11 or 26 => new HistoryException($"The run history {path} is damaged ({e.Message.Split('\n')[0]}). Move it aside (for example `mv {path} {path}.damaged`); a new, empty history is created on the next run.", e),
        8 => new HistoryException($"The run history {path} is read-only. Make the state folder writable by this user.", e),
        13 => new HistoryException($"The disk holding the run history {path} is full. Free some space, or prune history (scheduler.historyRetentionDays).", e),
        _ => new HistoryException($"The run history {path} could not be used: {e.Message.Split('\n')[0]}", e),
    };

    private sealed record TenantItem(string RunId, TenantOutcome Outcome);
}
