using System.Data.Common;
using Npgsql;

namespace Runner.History;

/// <summary>
/// Run history in PostgreSQL, in the same database as the Quartz cluster's tables, so every node of a cluster
/// writes one history and `runner history` on any of them sees every run. Tables are created on first use
/// (under an advisory lock, so several nodes starting together do not race).
/// </summary>
internal sealed class PostgresRunHistory : RelationalRunHistory
{
    private const long SchemaLock = 0x52554E4E4552; // "RUNNER"

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS runner_runs (
            id text PRIMARY KEY, job text NOT NULL, script text NOT NULL, trigger text NOT NULL, node text NOT NULL,
            pid integer, started_at timestamptz NOT NULL, finished_at timestamptz, status text NOT NULL,
            total integer NOT NULL DEFAULT 0, succeeded integer NOT NULL DEFAULT 0, failed integer NOT NULL DEFAULT 0,
            timed_out integer NOT NULL DEFAULT 0, skipped integer NOT NULL DEFAULT 0, cancelled integer NOT NULL DEFAULT 0,
            error text, attempt integer NOT NULL DEFAULT 1, params text, scheduled_for timestamptz);
        CREATE INDEX IF NOT EXISTS runner_runs_job_started ON runner_runs(job, started_at);
        CREATE INDEX IF NOT EXISTS runner_runs_status ON runner_runs(status);
        CREATE INDEX IF NOT EXISTS runner_runs_started ON runner_runs(started_at);
        CREATE INDEX IF NOT EXISTS runner_runs_occurrence ON runner_runs(job, scheduled_for);
        CREATE TABLE IF NOT EXISTS runner_tenant_results (
            run_id text NOT NULL, tenant_id text NOT NULL, domain text NOT NULL, name text NOT NULL, status text NOT NULL,
            started_at timestamptz NOT NULL, duration_ms bigint NOT NULL, result text, error text,
            PRIMARY KEY (run_id, tenant_id));
        CREATE TABLE IF NOT EXISTS runner_tenant_logs (
            run_id text NOT NULL, tenant_id text NOT NULL, seq integer NOT NULL, at timestamptz NOT NULL, level text NOT NULL, message text NOT NULL);
        CREATE INDEX IF NOT EXISTS runner_tenant_logs_run ON runner_tenant_logs(run_id);
        CREATE TABLE IF NOT EXISTS runner_actions (at timestamptz NOT NULL, actor text NOT NULL, action text NOT NULL, job text NOT NULL, run_id text, detail text);
        CREATE INDEX IF NOT EXISTS runner_actions_run ON runner_actions(run_id);
        CREATE INDEX IF NOT EXISTS runner_actions_job ON runner_actions(job, at);
        CREATE TABLE IF NOT EXISTS runner_notifications (
            event_key text NOT NULL, channel text NOT NULL, created_at timestamptz NOT NULL, payload text NOT NULL, status text NOT NULL,
            attempts integer NOT NULL DEFAULT 0, next_at timestamptz NOT NULL, claimed_by text, claimed_until timestamptz, sent_at timestamptz, last_error text,
            PRIMARY KEY (event_key, channel));
        CREATE INDEX IF NOT EXISTS runner_notifications_due ON runner_notifications(status, next_at);
        ALTER TABLE runner_runs ADD COLUMN IF NOT EXISTS mode text;
        CREATE TABLE IF NOT EXISTS runner_writes (
            run_id text NOT NULL, tenant_id text NOT NULL, seq integer NOT NULL, at timestamptz NOT NULL, domain text NOT NULL,
            api text NOT NULL, method text NOT NULL, url text NOT NULL, status integer, request_id text, duration_ms bigint NOT NULL,
            body_hash text, body text, summary text, simulated integer NOT NULL,
            PRIMARY KEY (run_id, tenant_id, seq));
        CREATE INDEX IF NOT EXISTS runner_writes_tenant_at ON runner_writes(tenant_id, at);
        CREATE INDEX IF NOT EXISTS runner_writes_at ON runner_writes(at);
        """;

    private readonly Func<CancellationToken, ValueTask<string>> _connectionString;
    private readonly SemaphoreSlim _init = new(1, 1);
    private NpgsqlDataSource? _source;
    private string _location = "PostgreSQL";

    /// <param name="connectionString">Resolved on first use (it may live in the secret store).</param>
    public PostgresRunHistory(Func<CancellationToken, ValueTask<string>> connectionString)
        : base("runner_")
    {
        _connectionString = connectionString;
    }

    protected override async Task<T> UseAsync<T>(bool transaction, Func<DbConnection, DbTransaction?, Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            var source = await SourceAsync(cancellationToken);
            await using var connection = await source.OpenConnectionAsync(cancellationToken);
            if (!transaction)
            {
                return await action(connection, null);
            }

            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            return await action(connection, tx);
        }
        catch (NpgsqlException e)
        {
            throw new HistoryException($"The run history in {_location} could not be used: {e.Message.Split('\n')[0]}. Check scheduler.connectionString and that the server is reachable.", e);
        }
    }

    protected override object ToDb(DateTimeOffset value) => value.UtcDateTime;

    protected override DateTimeOffset FromDb(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            if (_source is not null)
            {
                await _source.DisposeAsync();
            }

            _init.Dispose();
        }
    }

    private static async Task<bool> SchemaExistsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass('runner_runs_occurrence') IS NOT NULL AND to_regclass('runner_tenant_logs_run') IS NOT NULL AND to_regclass('runner_actions_job') IS NOT NULL AND to_regclass('runner_notifications_due') IS NOT NULL", connection);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    private async ValueTask<NpgsqlDataSource> SourceAsync(CancellationToken cancellationToken)
    {
        if (_source is not null)
        {
            return _source;
        }

        await _init.WaitAsync(cancellationToken);
        try
        {
            if (_source is not null)
            {
                return _source;
            }

            var builder = new NpgsqlConnectionStringBuilder(await _connectionString(cancellationToken));
            _location = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
            var source = NpgsqlDataSource.Create(builder);
            try
            {
                await using var connection = await source.OpenConnectionAsync(cancellationToken);
                if (!await SchemaExistsAsync(connection, cancellationToken))
                {
                    // DDL takes table locks even when there is nothing to create; only a database without the tables pays for it.
                    await using var tx = await connection.BeginTransactionAsync(cancellationToken);
                    await ExecuteAsync(connection, tx, $"SELECT pg_advisory_xact_lock({SchemaLock})");
                    await ExecuteAsync(connection, tx, Schema);
                    await tx.CommitAsync(cancellationToken);
                }
            }
            catch
            {
                await source.DisposeAsync();
                throw;
            }

            return _source = source;
        }
        finally
        {
            _init.Release();
        }
    }
}
