using Runner.History;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.History;

/// <summary>The same contract on a real PostgreSQL 15, one fresh database per test.</summary>
public sealed class PostgresRunHistoryTests(PostgresServer postgres) : RunHistoryContract, IClassFixture<PostgresServer>
{
    internal override async Task<IRunHistory> OpenAsync()
    {
        var connection = await postgres.CreateDatabaseAsync();
        return new PostgresRunHistory(_ => ValueTask.FromResult(connection));
    }

    [Fact]
    public async Task Several_nodes_creating_the_tables_at_once_do_not_collide()
    {
        var connection = await postgres.CreateDatabaseAsync();
        var histories = Enumerable.Range(0, 4).Select(_ => new PostgresRunHistory(_ => ValueTask.FromResult(connection))).ToList();

        await Task.WhenAll(histories.Select(h => h.ListRunningAsync(CancellationToken.None)));

        foreach (var history in histories)
        {
            await history.DisposeAsync();
        }
    }
}
