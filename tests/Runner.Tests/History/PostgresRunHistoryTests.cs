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

        try
        {
            // Each node's first use creates the tables; all at once they must neither fail nor make two sets.
            await Task.WhenAll(histories.Select((h, i) => h.StartRunAsync(Run($"node-{i}"), CancellationToken.None)));
            var seen = await Task.WhenAll(histories.Select(h => h.ListRunsAsync(null, 10, CancellationToken.None)));

            Assert.All(seen, runs => Assert.Equal(["node-0", "node-1", "node-2", "node-3"], runs.Select(r => r.Id).Order()));
        }
        finally
        {
            foreach (var history in histories)
            {
                await history.DisposeAsync();
            }
        }
    }
}
