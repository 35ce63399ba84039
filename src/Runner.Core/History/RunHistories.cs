using Runner.Configuration;
using Runner.State;

namespace Runner.History;

/// <summary>Opens the history store runner.yaml asks for.</summary>
internal static class RunHistories
{
    public static IRunHistory Open(RunnerConfig config, StateDirectory state) => config.Scheduler.Store switch
    {
        SchedulerStoreKind.Sqlite => SqliteRunHistory.Open(state.HistoryDatabase),
        _ => throw new HistoryException($"History on {config.Scheduler.Store} is not available in this build."),
    };
}
