namespace Runner.History;

/// <summary>The audit of console actions: one row per action, read back per run or per job.</summary>
internal abstract partial class RelationalRunHistory
{
    public Task RecordActionAsync(OperatorAction action, CancellationToken cancellationToken) => UseAsync(false, (c, t) => ExecuteAsync(c, t,
        $"INSERT INTO {Actions} (at, actor, action, job, run_id, detail) VALUES (@at, @actor, @action, @job, @run, @detail)",
        ("at", ToDb(action.At)), ("actor", action.Actor), ("action", action.Action), ("job", action.Job), ("run", action.RunId), ("detail", action.Detail)), cancellationToken);

    public Task<IReadOnlyList<OperatorAction>> ListActionsAsync(string? runId, string? job, int last, CancellationToken cancellationToken) =>
        UseAsync<IReadOnlyList<OperatorAction>>(false, async (c, t) =>
        {
            var where = runId is not null ? "WHERE run_id = @run" : job is not null ? "WHERE job = @job" : "";
            await using var command = Command(c, t, $"SELECT at, actor, action, job, run_id, detail FROM {Actions} {where} ORDER BY at DESC LIMIT @last",
                ("run", runId), ("job", job), ("last", last));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var actions = new List<OperatorAction>();
            while (await reader.ReadAsync(cancellationToken))
            {
                actions.Add(new OperatorAction(FromDb(reader, 0), reader.GetString(1), reader.GetString(2), reader.GetString(3), NullableString(reader, 4), NullableString(reader, 5)));
            }

            return actions;
        }, cancellationToken);
}
