using Microsoft.Extensions.Logging;
using Runner.Configuration;
using Runner.Secrets;
using Runner.State;

namespace Runner.History;

/// <summary>Opens the history store runner.yaml asks for: SQLite in the state folder, or the cluster's PostgreSQL.</summary>
internal static class RunHistories
{
    public static IRunHistory Open(RunnerConfig config, StateDirectory state, SecretResolver? secrets = null, ILogger? logger = null)
    {
        RelationalRunHistory history = config.Scheduler.Store switch
        {
            SchedulerStoreKind.Sqlite => SqliteRunHistory.Open(state.HistoryDatabase),
            SchedulerStoreKind.Postgres when secrets is not null => new PostgresRunHistory(ct => SchedulerConnection.ResolveAsync(config, secrets, ct)),
            _ => throw new HistoryException("History on PostgreSQL needs the secret store to resolve scheduler.connectionString."),
        };
        if (logger is not null)
        {
            history.Logger = logger;
        }

        return history;
    }
}
