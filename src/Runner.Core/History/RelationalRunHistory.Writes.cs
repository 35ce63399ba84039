using System.Data.Common;
using Runner.Writes;

namespace Runner.History;

/// <summary>The write audit's read side: a run's writes (`runner show --writes`) and `runner audit`'s question
/// "what did job J change in tenant X since …", filtered in the database.</summary>
internal abstract partial class RelationalRunHistory
{
    public Task<IReadOnlyList<AuditedWrite>> ListWritesAsync(WriteQuery query, CancellationToken cancellationToken) =>
        UseAsync<IReadOnlyList<AuditedWrite>>(false, async (c, t) =>
        {
            var where = new List<string>();
            var parameters = new List<(string, object?)> { ("last", query.Last) };
            if (query.RunId is { } run)
            {
                where.Add("w.run_id = @run");
                parameters.Add(("run", run));
            }

            if (query.Job is { } job)
            {
                where.Add("r.job = @job");
                parameters.Add(("job", job));
            }

            if (query.Tenant is { } tenant)
            {
                where.Add("(w.tenant_id = @tenant OR LOWER(w.domain) = LOWER(@tenant))");
                parameters.Add(("tenant", tenant));
            }

            if (query.Since is { } since)
            {
                where.Add("w.at >= @since");
                parameters.Add(("since", ToDb(since)));
            }

            if (!query.IncludeWhatIf)
            {
                where.Add("w.simulated = 0");
            }

            var sql = $"""
                SELECT w.run_id, r.job, w.tenant_id, w.domain, w.seq, w.at, w.api, w.method, w.url, w.status, w.request_id, w.duration_ms,
                       w.body_hash, w.body, w.summary, w.simulated
                FROM {Writes} w JOIN {Runs} r ON r.id = w.run_id
                {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")}
                ORDER BY w.at DESC, w.run_id, w.tenant_id, w.seq DESC
                LIMIT @last
                """;
            var writes = new List<AuditedWrite>();
            await using var command = Command(c, t, sql, [.. parameters]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                writes.Add(new AuditedWrite(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), new WriteRecord(
                    Convert.ToInt32(reader.GetValue(4), System.Globalization.CultureInfo.InvariantCulture),
                    FromDb(reader, 5),
                    reader.GetString(6),
                    reader.GetString(7),
                    reader.GetString(8),
                    reader.IsDBNull(9) ? null : Convert.ToInt32(reader.GetValue(9), System.Globalization.CultureInfo.InvariantCulture),
                    NullableString(reader, 10),
                    TimeSpan.FromMilliseconds(Convert.ToInt64(reader.GetValue(11), System.Globalization.CultureInfo.InvariantCulture)),
                    NullableString(reader, 12),
                    NullableString(reader, 13),
                    NullableString(reader, 14),
                    Convert.ToInt32(reader.GetValue(15), System.Globalization.CultureInfo.InvariantCulture) != 0)));
            }

            // Newest first from the database (so LIMIT keeps the newest); each run's writes in the order they were made.
            writes.Reverse();
            return writes;
        }, cancellationToken);
}
