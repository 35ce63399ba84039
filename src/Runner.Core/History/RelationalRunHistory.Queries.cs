using System.Data.Common;
using Runner.Execution;

namespace Runner.History;

/// <summary>The read side: listings for `runner history`, one run for `runner show`, and what the scheduler asks.</summary>
internal abstract partial class RelationalRunHistory
{
    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(string? job, int last, CancellationToken cancellationToken) => job is null
        ? QueryRunsAsync($"SELECT * FROM {Runs} ORDER BY started_at DESC LIMIT @last", cancellationToken, ("last", last))
        : QueryRunsAsync($"SELECT * FROM {Runs} WHERE job = @job ORDER BY started_at DESC LIMIT @last", cancellationToken, ("job", job), ("last", last));

    public Task<IReadOnlyList<RunRecord>> ListOccurrenceAsync(string job, DateTimeOffset scheduledFor, CancellationToken cancellationToken) =>
        QueryRunsAsync($"SELECT * FROM {Runs} WHERE job = @job AND scheduled_for = @at ORDER BY attempt, started_at", cancellationToken,
            ("job", job), ("at", ToDb(scheduledFor)));

    public Task<IReadOnlyList<RunRecord>> ListRunningAsync(CancellationToken cancellationToken) =>
        QueryRunsAsync($"SELECT * FROM {Runs} WHERE status = 'Running' ORDER BY started_at", cancellationToken);

    public async Task<RunDetails?> GetRunAsync(string idOrPrefix, CancellationToken cancellationToken)
    {
        var pattern = idOrPrefix.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        var matches = await QueryRunsAsync($"SELECT * FROM {Runs} WHERE id LIKE @prefix ESCAPE '\\' ORDER BY started_at DESC LIMIT 2", cancellationToken, ("prefix", pattern));
        var run = matches.FirstOrDefault(r => r.Id == idOrPrefix) ?? (matches.Count == 1 ? matches[0] : null);
        if (run is null)
        {
            return matches.Count > 1 ? throw new HistoryException($"'{idOrPrefix}' matches more than one run; give more of the id.") : null;
        }

        var writes = await ListWritesAsync(new WriteQuery(run.Id, null, null, null, IncludeWhatIf: true, int.MaxValue), cancellationToken);
        return await UseAsync(false, async (c, t) =>
        {
            var tenants = new List<TenantRecord>();
            await using (var command = Command(c, t, $"SELECT tenant_id, domain, name, status, started_at, duration_ms, result, error FROM {Results} WHERE run_id = @id ORDER BY name, domain", ("id", run.Id)))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    tenants.Add(new TenantRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), Enum.Parse<TenantStatus>(reader.GetString(3)),
                        FromDb(reader, 4), TimeSpan.FromMilliseconds(reader.GetInt64(5)), NullableString(reader, 6), NullableString(reader, 7)));
                }
            }

            var logs = new List<TenantLogRecord>();
            await using (var command = Command(c, t, $"SELECT tenant_id, at, level, message FROM {Logs} WHERE run_id = @id ORDER BY tenant_id, seq", ("id", run.Id)))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    logs.Add(new TenantLogRecord(reader.GetString(0), FromDb(reader, 1), reader.GetString(2), reader.GetString(3)));
                }
            }

            return new RunDetails(run, tenants, logs) { Writes = writes };
        }, cancellationToken);
    }

    protected Task<IReadOnlyList<RunRecord>> QueryRunsAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        UseAsync<IReadOnlyList<RunRecord>>(false, async (c, t) =>
        {
            var runs = new List<RunRecord>();
            await using var command = Command(c, t, sql, parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                runs.Add(ReadRun(reader));
            }

            return runs;
        }, cancellationToken);

    private RunRecord ReadRun(DbDataReader r)
    {
        int? NullableInt(string column) => r.IsDBNull(r.GetOrdinal(column)) ? null : Convert.ToInt32(r.GetValue(r.GetOrdinal(column)), System.Globalization.CultureInfo.InvariantCulture);
        int Int(string column) => Convert.ToInt32(r.GetValue(r.GetOrdinal(column)), System.Globalization.CultureInfo.InvariantCulture);
        DateTimeOffset? Time(string column) => r.IsDBNull(r.GetOrdinal(column)) ? null : FromDb(r, r.GetOrdinal(column));
        return new RunRecord(
            r.GetString(r.GetOrdinal("id")),
            r.GetString(r.GetOrdinal("job")),
            r.GetString(r.GetOrdinal("script")),
            r.GetString(r.GetOrdinal("trigger")),
            r.GetString(r.GetOrdinal("node")),
            NullableInt("pid"),
            Time("started_at")!.Value,
            Time("finished_at"),
            Enum.Parse<RunStatus>(r.GetString(r.GetOrdinal("status"))),
            Int("total"),
            Int("succeeded"),
            Int("failed"),
            Int("timed_out"),
            Int("skipped"),
            Int("cancelled"),
            NullableString(r, r.GetOrdinal("error")),
            Int("attempt"),
            NullableString(r, r.GetOrdinal("params")))
        {
            ScheduledFor = Time("scheduled_for"),
            Mode = NullableString(r, r.GetOrdinal("mode")),
        };
    }

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
