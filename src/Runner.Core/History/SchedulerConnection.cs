using Runner.Configuration;
using Runner.Secrets;

namespace Runner.History;

/// <summary>scheduler.connectionString for PostgreSQL: a reference (env:NAME, secret:NAME) or the value itself.</summary>
internal static class SchedulerConnection
{
    public static async ValueTask<string> ResolveAsync(RunnerConfig config, SecretResolver secrets, CancellationToken cancellationToken)
    {
        var value = config.Scheduler.ConnectionString
            ?? throw new ConfigException(config.FilePath, 0, 0, "scheduler.connectionString", "store: postgres needs connectionString (for example env:RUNNER_PG)");
        return SecretReferenceSyntax.IsReference(value)
            ? await secrets.ResolveAsync(value, "scheduler.connectionString", cancellationToken)
            : value;
    }
}
