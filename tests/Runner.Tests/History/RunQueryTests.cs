using Runner.Execution;
using Runner.History;
using Runner.Tenants;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.History;

/// <summary>The console's run filters, answered by SQLite: job, status, tenant, dates and paging.</summary>
public sealed class RunQueryTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new("runner-runquery");
    private SqliteRunHistory _history = null!;
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public async Task InitializeAsync()
    {
        _history = SqliteRunHistory.Open(_folder.Combine("history.db"));
        for (var i = 0; i < 30; i++)
        {
            var id = $"run-{i:00}";
            var started = Start.AddDays(i);
            await _history.StartRunAsync(new RunRecord(id, i % 3 == 0 ? "audit" : "hello", "x.csx", "run", "node", null, started, null, RunStatus.Running, 1, 0, 0, 0, 0, 0, null, 1, null), CancellationToken.None);
            var tenant = new CustomerTenant { Id = Guid.NewGuid(), Domain = i % 2 == 0 ? "contoso.onmicrosoft.com" : "fabrikam.onmicrosoft.com", CompanyName = i % 2 == 0 ? "Contoso" : "Fabrikam" };
            _history.RecordTenant(id, new TenantOutcome(tenant, i % 5 == 0 ? TenantStatus.Failed : TenantStatus.Succeeded, started, TimeSpan.FromSeconds(1), null, null, []));
            await _history.FinishRunAsync(id, i % 5 == 0 ? RunStatus.Failed : RunStatus.Succeeded, started.AddMinutes(1), null, CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        await _history.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Filters_combine_and_pages_are_newest_first()
    {
        async Task<List<string>> Ids(RunQuery q) => [.. (await _history.QueryRunsAsync(q, CancellationToken.None)).Select(r => r.Id)];

        Assert.Equal(["run-29", "run-28", "run-27"], await Ids(new RunQuery(null, null, null, null, null, 0, 3)));
        Assert.Equal(["run-26", "run-25", "run-24"], await Ids(new RunQuery(null, null, null, null, null, 3, 3)));
        Assert.Equal(["run-27", "run-24", "run-21"], await Ids(new RunQuery("audit", null, null, null, null, 0, 3)));
        Assert.Equal(["run-25", "run-20", "run-15", "run-10", "run-05", "run-00"], await Ids(new RunQuery(null, "Failed", null, null, null, 0, 50)));
        Assert.Equal(["run-20", "run-10", "run-00"], await Ids(new RunQuery(null, "Failed", "contoso", null, null, 0, 50)));
        Assert.Equal(["run-25", "run-15", "run-05"], await Ids(new RunQuery(null, "Failed", "FABRIKAM", null, null, 0, 50)));
        Assert.Equal(["run-12", "run-11", "run-10"], await Ids(new RunQuery(null, null, null, Start.AddDays(10), Start.AddDays(13), 0, 50)));
        Assert.Empty(await Ids(new RunQuery("nosuchjob", null, null, null, null, 0, 50)));
    }
}
