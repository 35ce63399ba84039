using System.Data.Common;
using Runner.Execution;

namespace Runner.History;

/// <summary>
/// The run history's SQL, shared by SQLite (one node) and PostgreSQL (a cluster): three tables (runs, tenant
/// results, tenant logs), written through plain ADO.NET. The stores differ only in how they connect, how they keep
/// time, their table names and how they explain a database error.
/// </summary>
internal abstract partial class RelationalRunHistory : IRunHistory
{
    private readonly HistoryWriteQueue _queue;

    protected RelationalRunHistory(string tablePrefix)
    {
        Runs = tablePrefix + "runs";
        Results = tablePrefix + "tenant_results";
        Logs = tablePrefix + "tenant_logs";
        Actions = tablePrefix + "actions";
        Outbox = tablePrefix + "notifications";
        Writes = tablePrefix + "writes";
        _queue = new HistoryWriteQueue(WriteTenantsAsync);
    }

    /// <summary>Where a tenant outcome that could not be written is logged (it is also thrown at the next flush).</summary>
    public Microsoft.Extensions.Logging.ILogger Logger
    {
        set => _queue.Logger = value;
    }

    protected string Runs { get; }

    protected string Results { get; }

    protected string Logs { get; }

    protected string Actions { get; }

    protected string Outbox { get; }

    protected string Writes { get; }

    /// <summary>Runs <paramref name="action"/> on an open connection (inside a transaction when asked), translating database errors.</summary>
    protected abstract Task<T> UseAsync<T>(bool transaction, Func<DbConnection, DbTransaction?, Task<T>> action, CancellationToken cancellationToken);

    protected abstract object ToDb(DateTimeOffset value);

    protected abstract DateTimeOffset FromDb(DbDataReader reader, int ordinal);

    public Task StartRunAsync(RunRecord run, CancellationToken cancellationToken) => UseAsync(false, (c, t) => ExecuteAsync(c, t,
        $"""
        INSERT INTO {Runs} (id, job, script, trigger, node, pid, started_at, status, total, skipped, attempt, params, scheduled_for, mode)
        VALUES (@id, @job, @script, @trigger, @node, @pid, @started, @status, @total, @skipped, @attempt, @params, @scheduled, @mode)
        ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, script = excluded.script, total = excluded.total,
          skipped = excluded.skipped, params = COALESCE(excluded.params, {Runs}.params), mode = COALESCE(excluded.mode, {Runs}.mode)
        """,
        ("id", run.Id), ("job", run.Job), ("script", run.Script), ("trigger", run.Trigger), ("node", run.Node),
        ("pid", run.ProcessId), ("started", ToDb(run.StartedAt)), ("status", run.Status.ToString()), ("total", run.Total),
        ("skipped", run.Skipped), ("attempt", run.Attempt), ("params", run.Parameters),
        ("scheduled", run.ScheduledFor is { } at ? ToDb(at) : null), ("mode", run.Mode)), cancellationToken);

    public void RecordTenant(string runId, TenantOutcome outcome) => _queue.Enqueue(runId, outcome);

    public async Task FinishRunAsync(string runId, RunStatus status, DateTimeOffset finishedAt, string? error, CancellationToken cancellationToken)
    {
        (status, error) = await FlushIntoAsync(status, error, cancellationToken);
        await UseAsync(false, (c, t) => ExecuteAsync(c, t, CloseSql(onlyIfRunning: false),
            ("id", runId), ("finished", ToDb(finishedAt)), ("status", status.ToString()), ("error", error)), cancellationToken);
    }

    public async Task<bool> CloseRunAsync(string runId, RunStatus status, DateTimeOffset finishedAt, string error, CancellationToken cancellationToken)
    {
        (status, var reason) = await FlushIntoAsync(status, error, cancellationToken);
        var changed = await UseAsync(false, (c, t) => ExecuteAsync(c, t, CloseSql(onlyIfRunning: true),
            ("id", runId), ("finished", ToDb(finishedAt)), ("status", status.ToString()), ("error", reason)), cancellationToken);
        return changed > 0;
    }

    public Task RecordProcessAsync(string runId, int processId, CancellationToken cancellationToken) =>
        UseAsync(false, (c, t) => ExecuteAsync(c, t, $"UPDATE {Runs} SET pid = @pid WHERE id = @id AND status = 'Running'",
            ("id", runId), ("pid", processId)), cancellationToken);

    /// <summary>
    /// Waits for the queued outcomes; any that could not be written (already logged) still close the run, as a failed
    /// run whose error says so, rather than leaving it Running or reporting a success the history cannot show.
    /// </summary>
    private async Task<(RunStatus Status, string? Error)> FlushIntoAsync(RunStatus status, string? error, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.FlushAsync(cancellationToken);
            return (status, error);
        }
        catch (HistoryException lost)
        {
            return (status == RunStatus.Succeeded ? RunStatus.Failed : status, error is null ? lost.Message : $"{error}{Environment.NewLine}{lost.Message}");
        }
    }

    public async Task<IReadOnlyList<RunRecord>> MarkInterruptedAsync(string node, Func<int, bool> isProcessAlive, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var running = await QueryRunsAsync($"SELECT * FROM {Runs} WHERE status = 'Running' AND node = @node", cancellationToken, ("node", node));
        var stale = running.Where(r => r.ProcessId is not { } pid || !isProcessAlive(pid)).ToList();
        foreach (var run in stale)
        {
            await CloseRunAsync(run.Id, RunStatus.Interrupted, now, "The process ended before the run finished (crash, kill or power loss).", cancellationToken);
        }

        return stale;
    }

    public Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) => UseAsync(true, async (c, t) =>
    {
        var old = $"SELECT id FROM {Runs} WHERE started_at < @cutoff AND status <> 'Running'";
        await ExecuteAsync(c, t, $"DELETE FROM {Logs} WHERE run_id IN ({old})", ("cutoff", ToDb(olderThan)));
        await ExecuteAsync(c, t, $"DELETE FROM {Writes} WHERE run_id IN ({old})", ("cutoff", ToDb(olderThan)));
        await ExecuteAsync(c, t, $"DELETE FROM {Actions} WHERE at < @cutoff", ("cutoff", ToDb(olderThan)));
        await ExecuteAsync(c, t, $"DELETE FROM {Outbox} WHERE created_at < @cutoff AND status <> 'pending'", ("cutoff", ToDb(olderThan)));
        await ExecuteAsync(c, t, $"DELETE FROM {Results} WHERE run_id IN ({old})", ("cutoff", ToDb(olderThan)));
        var count = await ExecuteAsync(c, t, $"DELETE FROM {Runs} WHERE started_at < @cutoff AND status <> 'Running'", ("cutoff", ToDb(olderThan)));
        await t!.CommitAsync(cancellationToken);
        return count;
    }, cancellationToken);

    public virtual async ValueTask DisposeAsync() => await _queue.DisposeAsync();

    private string CloseSql(bool onlyIfRunning)
    {
        string Count(string status) => $"(SELECT COUNT(*) FROM {Results} WHERE run_id = @id AND status = '{status}')";
        var all = $"(SELECT COUNT(*) FROM {Results} WHERE run_id = @id)";
        return $"""
            UPDATE {Runs} SET finished_at = @finished, status = @status, error = @error,
              succeeded = {Count("Succeeded")}, failed = {Count("Failed")}, timed_out = {Count("TimedOut")},
              skipped = {Count("Skipped")}, cancelled = {Count("Cancelled")},
              total = CASE WHEN total > {all} THEN total ELSE {all} END
            WHERE id = @id{(onlyIfRunning ? " AND status = 'Running'" : "")}
            """;
    }

    private Task WriteTenantsAsync(IReadOnlyList<HistoryWriteQueue.TenantItem> items) => UseAsync(true, async (c, t) =>
    {
        foreach (var (runId, o) in items)
        {
            var tenantId = o.Tenant.Id.ToString();
            await ExecuteAsync(c, t,
                $"""
                INSERT INTO {Results} (run_id, tenant_id, domain, name, status, started_at, duration_ms, result, error)
                VALUES (@run, @tenant, @domain, @name, @status, @started, @duration, @result, @error)
                ON CONFLICT (run_id, tenant_id) DO UPDATE SET status = excluded.status, started_at = excluded.started_at,
                  duration_ms = excluded.duration_ms, result = excluded.result, error = excluded.error
                """,
                ("run", runId), ("tenant", tenantId), ("domain", o.Tenant.Domain), ("name", o.Tenant.CompanyName), ("status", o.Status.ToString()),
                ("started", ToDb(o.StartedAt)), ("duration", (long)o.Duration.TotalMilliseconds), ("result", o.Result?.ToJsonString()), ("error", o.Error));
            foreach (var w in o.Writes)
            {
                await ExecuteAsync(c, t,
                    $"""
                    INSERT INTO {Writes} (run_id, tenant_id, seq, at, domain, api, method, url, status, request_id, duration_ms, body_hash, body, summary, simulated)
                    VALUES (@run, @tenant, @seq, @at, @domain, @api, @method, @url, @status, @request, @duration, @hash, @body, @summary, @simulated)
                    ON CONFLICT (run_id, tenant_id, seq) DO NOTHING
                    """,
                    ("run", runId), ("tenant", tenantId), ("seq", w.Sequence), ("at", ToDb(w.At)), ("domain", o.Tenant.Domain), ("api", w.Api),
                    ("method", w.Method), ("url", w.Url), ("status", w.Status), ("request", w.RequestId), ("duration", (long)w.Duration.TotalMilliseconds),
                    ("hash", w.BodyHash), ("body", w.Body), ("summary", w.Summary), ("simulated", w.Simulated ? 1 : 0));
            }

            var seq = 0;
            foreach (var line in o.Logs)
            {
                await ExecuteAsync(c, t, $"INSERT INTO {Logs} (run_id, tenant_id, seq, at, level, message) VALUES (@run, @tenant, @seq, @at, @level, @message)",
                    ("run", runId), ("tenant", tenantId), ("seq", seq++), ("at", ToDb(line.Time)), ("level", line.Level.ToString()), ("message", line.Message));
            }
        }

        await t!.CommitAsync();
        return 0;
    }, CancellationToken.None);

    protected static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    protected static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
