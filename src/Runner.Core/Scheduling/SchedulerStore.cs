using Microsoft.Data.Sqlite;
using Quartz;
using Runner.Configuration;
using Runner.History;
using Runner.Secrets;
using Runner.State;

namespace Runner.Scheduling;

/// <summary>Where the Quartz job store lives and how this node takes part in it.</summary>
/// <param name="ConnectionString">SQLite: the scheduler.db beside the history; PostgreSQL: the resolved connection string (a secret).</param>
internal sealed record SchedulerStoreSettings(
    SchedulerStoreKind Kind,
    string ConnectionString,
    string Location,
    TimeSpan CheckinInterval,
    TimeSpan MisfireThreshold,
    int MaxConcurrentJobs)
{
    public bool Clustered => Kind == SchedulerStoreKind.Postgres;
}

/// <summary>
/// Configures Quartz's persistent store the same way for the host and for the commands that talk to it (`runner
/// jobs`, `runner trigger`): SQLite in the state folder for one node (not clusterable), or PostgreSQL, clustered,
/// for several hosts. The QRTZ_ tables are created when missing.
/// </summary>
internal static class SchedulerStore
{
    public static async Task<SchedulerStoreSettings> ResolveAsync(RunnerConfig config, StateDirectory state, SecretResolver secrets, CancellationToken cancellationToken)
    {
        var scheduler = config.Scheduler;
        if (scheduler.Store == SchedulerStoreKind.Postgres)
        {
            var connection = await SchedulerConnection.ResolveAsync(config, secrets, cancellationToken);
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(connection);
            return new SchedulerStoreSettings(scheduler.Store, connection, $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}",
                scheduler.CheckinInterval, scheduler.MisfireThreshold, scheduler.MaxConcurrentJobs);
        }

        state.Ensure();
        var path = state.SchedulerDatabase;
        StateDirectory.CreateOwnerOnly(path);
        var sqlite = new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 30 }.ToString();
        EnableWriteAheadLog(sqlite, path);
        return new SchedulerStoreSettings(scheduler.Store, sqlite, path, scheduler.CheckinInterval, scheduler.MisfireThreshold, scheduler.MaxConcurrentJobs);
    }

    /// <param name="instanceId">This node's id in a cluster (unique per process); ignored for SQLite.</param>
    public static void Configure(IQuartzBuilder quartz, SchedulerStoreSettings store, string instanceId)
    {
        quartz.ConfigureScheduler(o =>
        {
            o.InstanceName = SchedulerKeys.SchedulerName;
            if (store.Clustered)
            {
                o.InstanceId = instanceId;
            }

            // A trigger written by `runner trigger` in another process is seen within this long.
            o.IdleWaitTime = TimeSpan.FromSeconds(1);
            o.DefaultTimeZone = TimeZoneInfo.Utc;
            // Tells a fire that has not started its worker yet that the host is stopping (see RecoverFiringsCancelledByShutdown).
            o.ShutdownJobInterruption = ShutdownJobInterruption.WhenWaitingForJobs;
        });
        quartz.UseDefaultThreadPool(store.MaxConcurrentJobs);
        quartz.UsePersistentStore(s =>
        {
            if (store.Kind == SchedulerStoreKind.Postgres)
            {
                s.UsePostgres(store.ConnectionString);
                var checkin = store.CheckinInterval;
                s.UseClustering(c =>
                {
                    c.CheckinInterval = checkin;
                    c.CheckinMisfireThreshold = checkin * 2;
                });
            }
            else
            {
                s.UseSqlite(store.ConnectionString);
            }

            s.ProvisionSchema();
            s.ConfigureStore(o =>
            {
                o.StoreJobDataAsStrings = true;
                o.MisfireThreshold = store.MisfireThreshold;
                // Row locks in the database: the host and `runner trigger` may use one SQLite file from two processes.
                o.UseDbLocks = true;
                // A fire cut off by shutdown before its worker started goes back to the store: another node (or the
                // next start) runs it, so `runner trigger` is never lost to a restart.
                o.RecoverFiringsCancelledByShutdown = true;
            });
        });
    }

    /// <summary>
    /// Held while a scheduler is built on a SQLite store, which is when Quartz creates missing tables: a host and a
    /// `runner jobs` starting together on a fresh folder would otherwise both try. PostgreSQL needs none.
    /// </summary>
    public static async Task<IDisposable?> SchemaLockAsync(SchedulerStoreSettings store, CancellationToken cancellationToken) =>
        store.Clustered ? null : await FileLock.AcquireAsync(store.Location + ".lock", TimeSpan.FromMinutes(1), cancellationToken);

    /// <summary>Also checks the file, so a damaged store is reported here in one line rather than deep inside Quartz.</summary>
    private static void EnableWriteAheadLog(string connectionString, string path)
    {
        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            command.ExecuteNonQuery();
            command.CommandText = "PRAGMA quick_check;";
            if (command.ExecuteScalar() is string result && result != "ok")
            {
                throw new StateException($"The scheduler store {path} is damaged ({result}). Move it aside (for example `mv {path} {path}.damaged`); {AfterMove}");
            }
        }
        catch (SqliteException e)
        {
            throw new StateException(SqliteProblems.Describe(e, "The scheduler store", path, AfterMove), e);
        }
    }

    private const string AfterMove = "the next start creates a new one and schedules runner.yaml's jobs again (runs triggered but not started yet are lost).";
}
